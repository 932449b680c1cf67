/*
 * Checking expectations: the latest action's result, or the state read
 * back through the public API (xc_domain_get_claims, xc_domain_getinfo_
 * single, claimset_domain_get_node_pages, xc_physinfo, xc_numa_meminfo,
 * claimset_host_counters, claimset_host_check).  A failure reports both
 * values, in pages and in human units.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "scn_private.h"

#define NODES (SCN_MAX_NODE_ID + 1)

void scn_report(struct scn_exec *x, const struct scn_stmt *st, const char *fmt, ...)
{
    va_list ap;
    int n;

    x->sum->failures++;
    n = snprintf(x->failure, sizeof(x->failure), "%s:%u: ", x->s->file, st->line);
    if (n < 0 || (size_t)n >= sizeof(x->failure))
        return;
    va_start(ap, fmt);
    vsnprintf(x->failure + n, sizeof(x->failure) - (size_t)n, fmt, ap);
    va_end(ap);
}

static const char *errname(int err, char *buf, size_t len)
{
    const char *name = scn_errno_name(err);

    if (name)
        return name;
    snprintf(buf, len, "%d", err);
    return buf;
}

bool scn_result_ok(const struct scn_stmt *action, const struct scn_result *r)
{
    if (action->kind == SCN_POPULATE || action->kind == SCN_DECREASE)
        return r->rc >= 0 && (uint64_t)r->rc == r->want;
    if (action->kind == SCN_SCRUB)
        return r->rc >= 0;
    return r->rc == 0;
}

const char *scn_fmt_result(const struct scn_stmt *action, const struct scn_result *r, char *buf,
                           size_t len)
{
    char e[16];

    if (r->rc == -1)
        snprintf(buf, len, "errno=%s (rc=-1)", errname(r->err, e, sizeof(e)));
    else if (action->kind == SCN_POPULATE || action->kind == SCN_DECREASE)
        snprintf(buf, len, "%" PRIu64 " of %" PRIu64 " extent%s done (rc=%lld)", r->done, r->want,
                 SCN_S(r->want), r->rc);
    else if (action->kind == SCN_SCRUB)
        snprintf(buf, len, "%" PRIu64 " page%s scrubbed (rc=%lld)", r->done, SCN_S(r->done), r->rc);
    else if (r->rc == 0)
        snprintf(buf, len, "ok");
    else
        snprintf(buf, len, "rc=%lld", r->rc);
    return buf;
}

bool scn_check_implicit_ok(struct scn_exec *x)
{
    char got[160];

    x->sum->checks++;
    if (scn_result_ok(x->last_action, &x->last))
        return true;
    scn_report(x, x->last_action, "expected ok, got %s",
               scn_fmt_result(x->last_action, &x->last, got, sizeof(got)));
    return false;
}

/* ------------------------------------------------------------------ */
/* Lists of key=pages                                                  */

/* "node3=", "global=", or "" for the whole host. */
static const char *key_prefix(uint32_t key, char *buf, size_t len)
{
    if (key == SCN_KEY_GLOBAL)
        return "global=";
    if (key == SCN_KEY_HOST)
        return "";
    snprintf(buf, len, "node%" PRIu32 "=", key);
    return buf;
}

/* Append " key=N pages (H)" to out. */
static void append_pair(char *out, size_t len, uint32_t key, uint64_t pages, bool known)
{
    char k[24], v[64];
    size_t used = strlen(out);

    if (used >= len)
        return;
    snprintf(out + used, len - used, "%s%s%s", used ? " " : "", key_prefix(key, k, sizeof(k)),
             known ? cs_fmt_pages(pages, v, sizeof(v)) : "(no such node)");
}

/*
 * Compare expected pairs with actual values (actual[key], known[key];
 * the global claim at index NODES).  With exact, keys absent from the
 * expectation must be 0.  On a mismatch fill want/got and return false.
 */
static bool compare(const struct scn_stmt *st, const uint64_t *actual, const bool *known,
                    bool exact, char *want, char *got, size_t len)
{
    bool same = true, listed[NODES + 1];

    want[0] = got[0] = '\0';
    memset(listed, 0, sizeof(listed));
    for (size_t i = 0; i < st->u.list.nr; i++) {
        const struct scn_pair *pr = &st->u.list.pairs[i];
        size_t k = pr->key == SCN_KEY_GLOBAL || pr->key == SCN_KEY_HOST ? NODES : pr->key;

        listed[k] = true;
        append_pair(want, len, pr->key, pr->pages, true);
        append_pair(got, len, pr->key, actual[k], known[k]);
        if (!known[k] || actual[k] != pr->pages)
            same = false;
    }
    for (size_t k = 0; exact && k <= NODES; k++) {
        if (!listed[k] && known[k] && actual[k]) {
            append_pair(got, len, k == NODES ? SCN_KEY_GLOBAL : (uint32_t)k, actual[k], true);
            same = false;
        }
    }
    if (!want[0])
        snprintf(want, len, "none");
    if (!got[0])
        snprintf(got, len, "none");
    return same;
}

/* ------------------------------------------------------------------ */
/* State                                                               */

static bool check_claims(struct scn_exec *x, const struct scn_stmt *st)
{
    memory_claim_t got[CLAIMSET_MAX_NODES + 1];
    uint32_t nr = CLAIMSET_MAX_NODES + 1;
    uint64_t actual[NODES + 1] = {0};
    bool known[NODES + 1];
    char want[512], have[512], e[16];
    const char *name = x->s->domains[st->dom];

    if (xc_domain_get_claims(x->xch, x->doms[st->dom].domid, &nr, got)) {
        scn_report(x, st, "expected claims %s to be readable, got errno=%s", name,
                   errname(errno, e, sizeof(e)));
        return false;
    }
    for (size_t k = 0; k <= NODES; k++)
        known[k] = true;
    for (uint32_t i = 0; i < nr; i++) {
        if (got[i].target == XEN_DOMCTL_CLAIM_MEMORY_GLOBAL)
            actual[NODES] += got[i].pages;
        else if (got[i].target < NODES)
            actual[got[i].target] += got[i].pages;
    }
    if (compare(st, actual, known, true, want, have, sizeof(want)))
        return true;
    scn_report(x, st, "expected claims %s %s, got %s", name, want, have);
    return false;
}

static bool check_domain_pages(struct scn_exec *x, const struct scn_stmt *st)
{
    const char *what = st->kind == SCN_EXPECT_TOT_PAGES ? "tot_pages" : "max_pages";
    const char *name = x->s->domains[st->dom];
    xc_domaininfo_t info;
    char want[64], got[64], e[16];
    uint64_t v;

    if (xc_domain_getinfo_single(x->xch, x->doms[st->dom].domid, &info)) {
        scn_report(x, st, "expected %s %s = %s, got errno=%s", what, name,
                   cs_fmt_pages(st->u.pages, want, sizeof(want)), errname(errno, e, sizeof(e)));
        return false;
    }
    v = st->kind == SCN_EXPECT_TOT_PAGES ? info.tot_pages : info.max_pages;
    if (v == st->u.pages)
        return true;
    scn_report(x, st, "expected %s %s = %s, got %s", what, name,
               cs_fmt_pages(st->u.pages, want, sizeof(want)), cs_fmt_pages(v, got, sizeof(got)));
    return false;
}

static bool check_node_pages(struct scn_exec *x, const struct scn_stmt *st)
{
    uint64_t pages[CLAIMSET_MAX_NODES], actual[NODES + 1] = {0};
    unsigned int nr = CLAIMSET_MAX_NODES;
    bool known[NODES + 1] = {false};
    char want[512], have[512], e[16];
    const char *name = x->s->domains[st->dom];

    if (claimset_domain_get_node_pages(x->xch, x->doms[st->dom].domid, &nr, pages)) {
        scn_report(x, st, "expected node_pages %s to be readable, got errno=%s", name,
                   errname(errno, e, sizeof(e)));
        return false;
    }
    for (unsigned int n = 0; n < nr && n < NODES; n++) {
        actual[n] = pages[n];
        known[n] = true;
    }
    if (compare(st, actual, known, false, want, have, sizeof(want)))
        return true;
    scn_report(x, st, "expected node_pages %s %s, got %s", name, want, have);
    return false;
}

static uint64_t sub0(uint64_t a, uint64_t b)
{
    return a > b ? a - b : 0;
}

/* Host quantities: host-wide from xc_physinfo (offlined: the counters),
 * per node from xc_numa_meminfo (scrub, offlined: the counters). */
static bool check_host(struct scn_exec *x, const struct scn_stmt *st)
{
    struct claimset_counters c;
    xc_numa_meminfo_t mem[CLAIMSET_MAX_NODES];
    unsigned int nr = CLAIMSET_MAX_NODES;
    uint64_t actual[NODES + 1] = {0};
    bool known[NODES + 1] = {false};
    enum scn_quantity q = st->u.list.quantity;
    char want[512], have[512], e[16];
    xc_physinfo_t phys;

    memset(&c, 0, sizeof(c));
    if (xc_physinfo(x->xch, &phys) || xc_numa_meminfo(x->xch, &nr, mem) ||
        claimset_host_counters(x->host, &c)) {
        scn_report(x, st, "expected the host to be readable, got errno=%s",
                   errname(errno, e, sizeof(e)));
        return false;
    }
    for (unsigned int n = 0; n < nr && n < NODES; n++) {
        uint64_t free = mem[n].free >> XC_PAGE_SHIFT, claimed = mem[n].claimed >> XC_PAGE_SHIFT;
        uint64_t v[] = {free, claimed, sub0(free, claimed), c.node[n].scrub_pages,
                        c.node[n].offlined_pages};

        actual[n] = v[q];
        known[n] = true;
        if (q == SCN_Q_OFFLINED)
            actual[NODES] += c.node[n].offlined_pages;
    }
    if (q != SCN_Q_OFFLINED) {
        uint64_t v[] = {phys.free_pages, phys.outstanding_pages,
                        sub0(phys.free_pages, phys.outstanding_pages), phys.scrub_pages, 0};

        actual[NODES] = v[q];
    }
    known[NODES] = true;
    if (compare(st, actual, known, false, want, have, sizeof(want)))
        return true;
    if (st->u.list.nr == 1 && st->u.list.pairs[0].key == SCN_KEY_HOST)
        scn_report(x, st, "expected %s=%s, got %s", st->u.list.qname, want, have);
    else
        scn_report(x, st, "expected %s %s, got %s", st->u.list.qname, want, have);
    return false;
}

/* ------------------------------------------------------------------ */

bool scn_check(struct scn_exec *x, const struct scn_stmt *st)
{
    const struct scn_result *r = &x->last;
    char got[160], e[16], report[512];

    x->sum->checks++;
    switch (st->kind) {
    case SCN_EXPECT_OK:
        if (scn_result_ok(x->last_action, r))
            return true;
        scn_report(x, st, "expected ok, got %s",
                   scn_fmt_result(x->last_action, r, got, sizeof(got)));
        return false;
    case SCN_EXPECT_RC:
        if (r->rc == st->u.rc)
            return true;
        scn_report(x, st, "expected rc=%lld, got %s", st->u.rc,
                   scn_fmt_result(x->last_action, r, got, sizeof(got)));
        return false;
    case SCN_EXPECT_ERRNO:
        if (r->rc == -1 && r->err == st->u.err)
            return true;
        scn_report(x, st, "expected errno=%s, got %s", errname(st->u.err, e, sizeof(e)),
                   scn_fmt_result(x->last_action, r, got, sizeof(got)));
        return false;
    case SCN_EXPECT_DONE:
        if (r->done == st->u.done)
            return true;
        scn_report(x, st, "expected done=%" PRIu64 ", got %s", st->u.done,
                   scn_fmt_result(x->last_action, r, got, sizeof(got)));
        return false;
    case SCN_EXPECT_CLAIMS:
        return check_claims(x, st);
    case SCN_EXPECT_TOT_PAGES:
    case SCN_EXPECT_MAX_PAGES:
        return check_domain_pages(x, st);
    case SCN_EXPECT_NODE_PAGES:
        return check_node_pages(x, st);
    case SCN_EXPECT_HOST:
        return check_host(x, st);
    case SCN_EXPECT_INVARIANTS:
        if (!claimset_host_check(x->host, report, sizeof(report)))
            return true;
        scn_report(x, st, "expected the invariants to hold, got: %s", report);
        return false;
    default:
        return true;
    }
}
