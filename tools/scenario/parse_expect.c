/*
 * Parsing `expect` lines.  Result expectations (ok, rc=, errno=, done=)
 * refer to the latest action above them; state expectations read the
 * host or a domain when they run.
 */
#include <stdlib.h>
#include <string.h>

#include "scn_private.h"

static const struct {
    const char *name;
    enum scn_quantity q;
} quantities[] = {
    {"free", SCN_Q_FREE},           {"claimed", SCN_Q_CLAIMED}, {"outstanding", SCN_Q_CLAIMED},
    {"unclaimed", SCN_Q_UNCLAIMED}, {"scrub", SCN_Q_SCRUB},     {"offlined", SCN_Q_OFFLINED},
};

#define NR_QUANTITIES (sizeof(quantities) / sizeof(quantities[0]))

/* The quantity called name (its static name in *qname), or -1. */
static int find_quantity(const char *name, enum scn_quantity *q, const char **qname)
{
    for (size_t i = 0; i < NR_QUANTITIES; i++) {
        if (!strcmp(quantities[i].name, name)) {
            *q = quantities[i].q;
            *qname = quantities[i].name;
            return 0;
        }
    }
    return -1;
}

static int add_pair(struct scn_parser *p, struct scn_stmt *st, uint32_t key, uint64_t pages)
{
    struct scn_pair *bigger;

    for (size_t i = 0; i < st->u.list.nr; i++)
        if (st->u.list.pairs[i].key == key)
            return scn_error(p, "expect: the same key is given twice");
    bigger = realloc(st->u.list.pairs, (st->u.list.nr + 1) * sizeof(*bigger));
    if (!bigger)
        return scn_error(p, "out of memory");
    st->u.list.pairs = bigger;
    st->u.list.pairs[st->u.list.nr++] = (struct scn_pair){key, pages};
    return 0;
}

/* words[from..] as nodeN=SIZE (and global=SIZE when allow_global). */
static int node_sizes(struct scn_parser *p, struct scn_stmt *st, size_t from, bool allow_global)
{
    if (from >= p->nr_words)
        return scn_error(p, "expect %s: missing nodeN=SIZE", p->words[1]);
    for (size_t w = from; w < p->nr_words; w++) {
        char *key, *val;
        uint32_t node;
        uint64_t pages;

        if (!scn_split(p->words[w], &key, &val))
            return scn_error(p, "expect %s: %s is not nodeN=SIZE", p->words[1], CS_Q(p->words[w]));
        if (allow_global && !strcmp(key, "global"))
            node = SCN_KEY_GLOBAL;
        else if (scn_node_key(key, SCN_MAX_NODE_ID, &node))
            return scn_error(p, "expect %s: %s is not %s", p->words[1], CS_Q(key),
                             allow_global ? "nodeN or global" : "nodeN");
        if (scn_size(p, key, val, &pages) || add_pair(p, st, node, pages))
            return -1;
    }
    return 0;
}

/* expect ok | rc=N | errno=E | done=N */
static int result_expect(struct scn_parser *p, const char *key, const char *val)
{
    const struct scn_stmt *action;
    struct scn_stmt *st;
    enum scn_kind kind;

    if (p->last_action < 0)
        return scn_error(p, "expect %s: no statement above to check", key);
    action = &p->s->stmts[p->last_action];
    if (!strcmp(key, "ok"))
        kind = SCN_EXPECT_OK;
    else if (!strcmp(key, "rc"))
        kind = SCN_EXPECT_RC;
    else if (!strcmp(key, "errno"))
        kind = SCN_EXPECT_ERRNO;
    else
        kind = SCN_EXPECT_DONE;
    if (kind == SCN_EXPECT_DONE && action->kind != SCN_POPULATE && action->kind != SCN_DECREASE &&
        action->kind != SCN_SCRUB)
        return scn_error(p, "expect done: line %u is no populate, decrease or scrub", action->line);
    if ((kind == SCN_EXPECT_OK) != (val == NULL))
        return scn_error(p, "expect %s: %s", key, val ? "takes no value" : "missing value");

    st = scn_add_stmt(p, kind);
    if (!st)
        return -1;
    /* scn_add_stmt() may have moved the array. */
    p->s->stmts[p->last_action].result_checked = true;
    switch (kind) {
    case SCN_EXPECT_RC:
        return scn_int(p, "rc", val, &st->u.rc);
    case SCN_EXPECT_ERRNO: {
        uint64_t n;

        if (!scn_errno_value(val, &st->u.err))
            return 0;
        if (cs_parse_u64(val, &n, NULL, 0) || n == 0 || n > 4095)
            return scn_error(p, "expect errno: unknown errno %s", CS_Q(val));
        st->u.err = (int)n;
        return 0;
    }
    case SCN_EXPECT_DONE:
        return scn_uint(p, "done", val, UINT64_MAX, &st->u.done);
    default:
        return 0;
    }
}

static int domain_expect(struct scn_parser *p, enum scn_kind kind)
{
    const char *what = p->words[1];
    struct scn_stmt *st;

    if (p->nr_words < 3)
        return scn_error(p, "expect %s: missing domain name", what);
    st = scn_add_stmt(p, kind);
    if (!st || (st->dom = scn_domain(p, p->words[2])) < 0)
        return -1;
    switch (kind) {
    case SCN_EXPECT_CLAIMS:
        if (p->nr_words == 4 && !strcmp(p->words[3], "none"))
            return 0;
        return node_sizes(p, st, 3, true);
    case SCN_EXPECT_NODE_PAGES:
        return node_sizes(p, st, 3, false);
    default: /* tot_pages, max_pages */
        if (p->nr_words != 4)
            return scn_error(p, "expect %s: %s (usage: expect %s NAME PAGES)", what,
                             p->nr_words < 4 ? "missing page count" : "too many words", what);
        return scn_amount(p, what, p->words[3], &st->u.pages);
    }
}

int scn_parse_expect(struct scn_parser *p)
{
    char *key, *val, *word;
    const char *qname;
    enum scn_quantity q;
    struct scn_stmt *st;

    if (p->nr_words < 2)
        return scn_error(p, "expect: missing what to expect");
    word = p->words[1];
    if (!strcmp(word, "ok"))
        return p->nr_words > 2 ? scn_error(p, "expect ok: unexpected %s", CS_Q(p->words[2]))
                               : result_expect(p, "ok", NULL);
    if (!strcmp(word, "invariants")) {
        if (p->nr_words > 2)
            return scn_error(p, "expect invariants: unexpected %s", CS_Q(p->words[2]));
        return scn_add_stmt(p, SCN_EXPECT_INVARIANTS) ? 0 : -1;
    }
    if (!strcmp(word, "claims"))
        return domain_expect(p, SCN_EXPECT_CLAIMS);
    if (!strcmp(word, "node_pages"))
        return domain_expect(p, SCN_EXPECT_NODE_PAGES);
    if (!strcmp(word, "tot_pages"))
        return domain_expect(p, SCN_EXPECT_TOT_PAGES);
    if (!strcmp(word, "max_pages"))
        return domain_expect(p, SCN_EXPECT_MAX_PAGES);

    if (!find_quantity(word, &q, &qname)) {
        /* expect free node0=SIZE ... */
        st = scn_add_stmt(p, SCN_EXPECT_HOST);
        if (!st)
            return -1;
        st->u.list.quantity = q;
        st->u.list.qname = qname;
        return node_sizes(p, st, 2, false);
    }
    if (scn_split(word, &key, &val)) {
        if (!strcmp(key, "rc") || !strcmp(key, "errno") || !strcmp(key, "done")) {
            if (p->nr_words > 2)
                return scn_error(p, "expect %s: unexpected %s", key, CS_Q(p->words[2]));
            return result_expect(p, key, val);
        }
        if (!find_quantity(key, &q, &qname)) {
            /* expect free=SIZE: the whole host */
            uint64_t pages;

            if (p->nr_words > 2)
                return scn_error(p, "expect %s: unexpected %s", key, CS_Q(p->words[2]));
            st = scn_add_stmt(p, SCN_EXPECT_HOST);
            if (!st || scn_size(p, key, val, &pages))
                return -1;
            st->u.list.quantity = q;
            st->u.list.qname = qname;
            return add_pair(p, st, SCN_KEY_HOST, pages);
        }
        return scn_error(p, "expect: unknown expectation %s", CS_Q(key));
    }
    return scn_error(p, "expect: unknown expectation %s", CS_Q(word));
}
