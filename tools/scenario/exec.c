/*
 * Running a scenario: a fresh host, then every statement in order.
 * Actions go through the public API only -- xc_* calls on a control
 * domain handle, and claimset_host_scrub() -- exactly as a toolstack
 * would make them; the result (return value, errno, extents done) is kept
 * for the expectations below the action.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scn_private.h"

static uint32_t domid_of(const struct scn_exec *x, const struct scn_stmt *st)
{
    return x->doms[st->dom].domid;
}

static void set_result(struct scn_exec *x, long long rc)
{
    x->last.rc = rc;
    x->last.err = rc == -1 ? errno : 0;
}

static void run_create(struct scn_exec *x, const struct scn_stmt *st)
{
    struct xen_domctl_createdomain cfg;
    uint32_t domid = 0;

    memset(&cfg, 0, sizeof(cfg));
    cfg.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    cfg.max_vcpus = st->u.vcpus;
    set_result(x, xc_domain_create(x->xch, &domid, &cfg));
    if (x->last.rc == 0) {
        x->doms[st->dom].domid = domid;
        x->doms[st->dom].next_gfn = 0;
    }
}

static void run_claim(struct scn_exec *x, const struct scn_stmt *st)
{
    size_t nr = st->u.claim.nr;
    /* The API takes a mutable array; the statement stays as parsed. */
    memory_claim_t *set = calloc(nr ? nr : 1, sizeof(*set));

    if (!set) {
        errno = ENOMEM;
        set_result(x, -1);
        return;
    }
    if (nr)
        memcpy(set, st->u.claim.entries, nr * sizeof(*set));
    set_result(x, xc_domain_claim_memory(x->xch, domid_of(x, st), (uint32_t)nr, set));
    free(set);
}

static void run_affinity(struct scn_exec *x, const struct scn_stmt *st)
{
    int size = xc_get_nodemap_size(x->xch);
    xc_nodemap_t map;

    if (size <= 0 || !(map = xc_nodemap_alloc(x->xch))) {
        set_result(x, -1);
        return;
    }
    if (st->u.affinity.all)
        memset(map, 0xFF, (size_t)size);
    for (unsigned int n = 0; !st->u.affinity.all && n <= SCN_MAX_NODE_ID; n++) {
        if (!(st->u.affinity.nodes[n / 8] & (1U << (n % 8))))
            continue;
        /* A node beyond the host's node map cannot be expressed in the
         * call: refuse it here, as a toolstack building the map would. */
        if (n / 8 >= (unsigned int)size) {
            free(map);
            errno = EINVAL;
            set_result(x, -1);
            return;
        }
        map[n / 8] |= (uint8_t)(1U << (n % 8));
    }
    set_result(x, xc_domain_node_setaffinity(x->xch, domid_of(x, st), map));
    free(map);
}

/* Populate and decrease: the extent list, then the call. */
static void run_extents(struct scn_exec *x, const struct scn_stmt *st)
{
    struct scn_domain_state *d = &x->doms[st->dom];
    uint64_t count = st->u.extents.count, size = 1ULL << st->u.extents.order, base;
    unsigned int flags = 0;
    xen_pfn_t *gfns = calloc(count ? count : 1, sizeof(*gfns));
    long long rc;

    x->last.has_done = true;
    x->last.want = count;
    if (!gfns) {
        errno = ENOMEM;
        set_result(x, -1);
        return;
    }
    /* By default the next free guest frame, aligned to the extent. */
    base = st->u.extents.has_gfn ? st->u.extents.gfn : (d->next_gfn + size - 1) & ~(size - 1);
    for (uint64_t i = 0; i < count; i++)
        gfns[i] = base + i * size;

    if (st->kind == SCN_POPULATE) {
        if (st->u.extents.has_node)
            flags = st->u.extents.exact ? XENMEMF_exact_node(st->u.extents.node)
                                        : XENMEMF_node(st->u.extents.node);
        rc = xc_domain_populate_physmap(x->xch, d->domid, count, st->u.extents.order, flags, gfns);
        if (rc > 0 && base + (uint64_t)rc * size > d->next_gfn)
            d->next_gfn = base + (uint64_t)rc * size;
    } else {
        rc = xc_domain_decrease_reservation(x->xch, d->domid, count, st->u.extents.order, gfns);
    }
    set_result(x, rc);
    x->last.done = rc > 0 ? (uint64_t)rc : 0;
    free(gfns);
}

static void run_frames(struct scn_exec *x, const struct scn_stmt *st)
{
    uint64_t first = st->u.frames.first, last = st->u.frames.last;
    uint64_t n = last >= first ? last - first + 1 : 1;
    uint32_t *status = calloc(n, sizeof(*status));

    if (!status) {
        errno = ENOMEM;
        set_result(x, -1);
        return;
    }
    if (st->kind == SCN_OFFLINE)
        set_result(x, xc_mark_page_offline(x->xch, first, last, status));
    else
        set_result(x, xc_mark_page_online(x->xch, first, last, status));
    free(status);
}

void scn_exec_action(struct scn_exec *x, const struct scn_stmt *st)
{
    long rc;

    memset(&x->last, 0, sizeof(x->last));
    errno = 0;
    switch (st->kind) {
    case SCN_CREATE:
        run_create(x, st);
        break;
    case SCN_MAX_MEM:
        set_result(x, xc_domain_setmaxmem(x->xch, domid_of(x, st), st->u.max_kb));
        break;
    case SCN_CLAIM:
        run_claim(x, st);
        break;
    case SCN_LEGACY_CLAIM:
        set_result(x, xc_domain_claim_pages(x->xch, domid_of(x, st), st->u.pages));
        break;
    case SCN_AFFINITY:
        run_affinity(x, st);
        break;
    case SCN_POPULATE:
    case SCN_DECREASE:
        run_extents(x, st);
        break;
    case SCN_OFFLINE:
    case SCN_ONLINE:
        run_frames(x, st);
        break;
    case SCN_DESTROY:
        set_result(x, xc_domain_destroy(x->xch, domid_of(x, st)));
        break;
    case SCN_PAUSE:
        set_result(x, xc_domain_pause(x->xch, domid_of(x, st)));
        break;
    case SCN_UNPAUSE:
        set_result(x, xc_domain_unpause(x->xch, domid_of(x, st)));
        break;
    case SCN_SCRUB:
        rc = claimset_host_scrub(x->host, st->u.scrub.node, st->u.scrub.max);
        set_result(x, rc);
        x->last.has_done = true;
        x->last.done = rc > 0 ? (uint64_t)rc : 0;
        break;
    default:
        break;
    }
    x->last_action = st;
}

static bool is_action(enum scn_kind k)
{
    return k <= SCN_SCRUB;
}

/* The trace line of st (verbose), then its failure if it had one. */
static void trace(struct scn_exec *x, const struct scn_stmt *st, const char *outcome)
{
    if (x->opts->verbose)
        fprintf(x->opts->out, "%s:%u: %s -> %s\n", x->s->file, st->line, st->text, outcome);
    if (x->failure[0]) {
        fflush(x->opts->out);
        fprintf(x->opts->err, "%s\n", x->failure);
        fflush(x->opts->err);
        x->failure[0] = '\0';
    }
}

int scenario_run(const struct scenario *s, const struct topo_resolved *ct,
                 const struct scn_run_opts *opts, struct scn_summary *sum, char *err, size_t errlen)
{
    struct scn_exec x = {.s = s, .opts = opts, .sum = sum};
    char buf[160];
    int saved;

    memset(sum, 0, sizeof(*sum));
    x.host = claimset_host_create_topology(&ct->t, NULL, err, errlen);
    if (!x.host)
        return -1;
    x.xch = claimset_xc_open(x.host, 0);
    x.doms = calloc(s->nr_domains ? s->nr_domains : 1, sizeof(*x.doms));
    if (!x.xch || !x.doms) {
        saved = errno;
        snprintf(err, errlen, "cannot open the host: %s", strerror(saved));
        xc_interface_close(x.xch);
        free(x.doms);
        claimset_host_destroy(x.host);
        return -1;
    }
    /* A name whose create failed names no domain: calls on it fail. */
    for (size_t i = 0; i < s->nr_domains; i++)
        x.doms[i].domid = DOMID_INVALID;

    for (size_t i = 0; i < s->nr_stmts; i++) {
        const struct scn_stmt *st = &s->stmts[i];

        if (is_action(st->kind)) {
            scn_exec_action(&x, st);
            sum->statements++;
            if (!st->result_checked)
                scn_check_implicit_ok(&x);
            trace(&x, st, scn_fmt_result(st, &x.last, buf, sizeof(buf)));
        } else {
            trace(&x, st, scn_check(&x, st) ? "pass" : "FAIL");
        }
    }

    xc_interface_close(x.xch);
    free(x.doms);
    claimset_host_destroy(x.host);
    return 0;
}
