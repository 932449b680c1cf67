/*
 * The CLAIMSET_TOPOLOGY text (claimset/topology.h): node sizes in the
 * toolstack's one size grammar (size.c), then options -- only
 * distances= today.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "topo_private.h"

/* ------------------------------------------------------------------ */
/* Sizes                                                               */

/*
 * One node's SIZE token (already trimmed) into whole pages.  A size that
 * is not zero but below one page gets its own message rather than a
 * silent memory-less node.
 */
static int parse_size(struct span tok, unsigned int node, uint64_t *pages, const struct errsink *e)
{
    char q[QUOTE_MAX + 4], qu[QUOTE_MAX + 4];
    struct span unit, word, rest;
    enum topo_size_status st;
    struct topo_size r;

    if (!tok.n)
        return topo_fail_at(e, tok.p, -EINVAL, "node %u: empty size", node);
    if (tok.p[0] == '-')
        return topo_fail_at(e, tok.p, -EINVAL, "node %u: '%s' is negative", node, QUOTE(q, tok));
    st = topo_size_scan(tok.p, tok.n, TOPO_MAX_BYTES >> TOPO_PAGE_SHIFT, &r);
    if (st == TOPO_SIZE_NOT_NUMBER)
        return topo_fail_at(e, tok.p, -EINVAL, "node %u: '%s' is not a number", node,
                            QUOTE(q, tok));
    /* A space between number and unit ("4 GiB") is allowed; a second
     * size after it ("4G 4G", or "16M" on the next line of a file) is a
     * comma left out. */
    unit = (struct span){r.unit, r.unit_len};
    word = unit;
    for (word.n = 0; word.n < unit.n && !is_space(unit.p[word.n]);)
        word.n++;
    rest = span_trim((struct span){unit.p + word.n, unit.n - word.n});
    if ((rest.n && (is_digit(rest.p[0]) || rest.p[0] == '.')) || (word.n && is_digit(word.p[0]))) {
        struct span second = rest.n ? rest : word;

        return topo_fail_at(e, second.p, -EINVAL, "node %u: a ',' is missing before '%s'", node,
                            QUOTE(q, second));
    }
    switch (st) {
    case TOPO_SIZE_OK:
        *pages = r.pages;
        return 0;
    case TOPO_SIZE_NOT_NUMBER: /* handled above */
    case TOPO_SIZE_UNKNOWN_UNIT:
        return topo_fail_at(e, unit.p, -EINVAL,
                            "node %u: unknown unit '%s' in '%s' (expected K, M, G, T, KiB, MiB, "
                            "GiB or TiB)",
                            node, QUOTE(qu, unit), QUOTE(q, tok));
    case TOPO_SIZE_PAGE_FRACTION:
        return topo_fail_at(e, tok.p, -EINVAL, "node %u: '%s': a page count has no fraction", node,
                            QUOTE(q, tok));
    case TOPO_SIZE_TOO_BIG:
        return topo_fail_at(e, tok.p, -EINVAL, "node %u: '%s' exceeds the 16 TiB limit", node,
                            QUOTE(q, tok));
    case TOPO_SIZE_BELOW_BYTE:
        return topo_fail_at(e, tok.p, -EINVAL,
                            "node %u: '%s' is less than one byte (write 0 for a memory-less node)",
                            node, QUOTE(q, tok));
    case TOPO_SIZE_BELOW_PAGE:
        if (r.plain)
            return topo_fail_at(e, tok.p, -EINVAL,
                                "node %u: %" PRIu64 " bytes is less than one 4 KiB page", node,
                                r.bytes);
        return topo_fail_at(e, tok.p, -EINVAL,
                            "node %u: %" PRIu64 " bytes is less than one 4 KiB page ('%s')", node,
                            r.bytes, QUOTE(q, tok));
    case TOPO_SIZE_NOT_PAGES:
        break;
    }
    return topo_fail_at(e, tok.p, -EINVAL, "node %u: '%s' is not a whole number of 4 KiB pages",
                        node, QUOTE(q, tok));
}

static int parse_sizes(struct span sizes, struct claimset_topology *t, const struct errsink *e)
{
    size_t count = span_count(sizes, ',') + 1;
    unsigned int node;
    int rc;

    if (count > TOPO_MAX_NODES)
        return topo_fail_at(e, sizes.p, -EINVAL, "%zu nodes; at most %d are supported", count,
                            TOPO_MAX_NODES);
    for (node = 0; node < count; node++) {
        rc = parse_size(span_next_field(&sizes, ','), node, &t->node_pages[node], e);
        if (rc)
            return rc;
        t->node_cpus[node] = CLAIMSET_TOPOLOGY_DEFAULT_CPUS;
    }
    t->nr_nodes = (unsigned int)count;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Distances                                                           */

static void default_distances(struct claimset_topology *t)
{
    unsigned int i, j;

    for (i = 0; i < t->nr_nodes; i++)
        for (j = 0; j < t->nr_nodes; j++)
            t->distance[i][j] = i == j ? DIST_LOCAL : DIST_REMOTE;
}

/*
 * "D{,D}": exactly nr_nodes^2 values, row by row.  Positions in messages
 * count from 1 (the n-th value written); rows and columns are node ids
 * and count from 0.
 */
static int parse_distances(struct span v, struct claimset_topology *t, const struct errsink *e)
{
    size_t want = (size_t)t->nr_nodes * t->nr_nodes, got, i;
    char q[QUOTE_MAX + 4];

    v = span_trim(v);
    got = v.n ? span_count(v, ',') + 1 : 0;
    if (got != want)
        return topo_fail_at(e, v.p, -EINVAL,
                            "distances: expected %zu value%s for %u node%s, got %zu", want,
                            want == 1 ? "" : "s", t->nr_nodes, t->nr_nodes == 1 ? "" : "s", got);
    for (i = 0; i < want; i++) {
        struct span tok = span_next_field(&v, ',');
        unsigned int row = (unsigned int)(i / t->nr_nodes), col = (unsigned int)(i % t->nr_nodes);
        const char *broken;
        uint32_t val;

        if (!tok.n)
            return topo_fail_at(e, tok.p, -EINVAL,
                                "distances: value at position %zu (row %u column %u) is empty",
                                i + 1, row, col);
        if (!span_parse_uint(tok, &val))
            return topo_fail_at(e, tok.p, -EINVAL,
                                "distances: value '%s' at position %zu (row %u column %u) is not "
                                "a number",
                                QUOTE(q, tok), i + 1, row, col);
        broken = topo_distance_rule_broken(row, col, val);
        if (broken)
            return topo_fail_at(e, tok.p, -EINVAL, "distances: row %u column %u is %s; %s", row,
                                col, QUOTE(q, tok), broken);
        t->distance[row][col] = (uint8_t)val;
    }
    return 0;
}

/*
 * "NAME=VALUE{;NAME=VALUE}" after the first ';'.  The only option is
 * distances, at most once; an empty option (a stray ';') is an error so
 * that typos do not pass silently.
 */
static int parse_options(struct span opts, struct claimset_topology *t, const struct errsink *e)
{
    size_t nr_opts = span_count(opts, ';') + 1, k;
    char q[QUOTE_MAX + 4];
    bool have_distances = false;
    int rc;

    for (k = 0; k < nr_opts; k++) {
        struct span opt = span_next_field(&opts, ';');
        size_t eq = span_find(opt, '=');
        struct span name = span_trim((struct span){opt.p, eq});

        if (!opt.n)
            return topo_fail_at(e, opt.p, -EINVAL,
                                "empty option after ';' (expected 'distances=')");
        if (eq == opt.n || !span_eq(name, "distances"))
            return topo_fail_at(e, name.p, -EINVAL, "unknown option '%s' (expected 'distances=')",
                                QUOTE(q, name));
        if (have_distances)
            return topo_fail_at(e, name.p, -EINVAL, "distances given more than once");
        rc = parse_distances((struct span){opt.p + eq + 1, opt.n - eq - 1}, t, e);
        if (rc)
            return rc;
        have_distances = true;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Public                                                              */

int claimset_topology_parse(const char *text, struct claimset_topology *t, char *err, size_t errlen)
{
    return claimset_topology_parse_at(text, t, err, errlen, NULL);
}

int claimset_topology_parse_at(const char *text, struct claimset_topology *t, char *err,
                               size_t errlen, size_t *at)
{
    struct errsink e = {err, errlen, text, at};
    struct claimset_topology tmp;
    struct span all, sizes;
    size_t semi;
    int rc;

    if (err && errlen)
        err[0] = '\0';
    if (at)
        *at = CLAIMSET_TOPOLOGY_NO_OFFSET;
    if (!text)
        return topo_fail(&e, -EINVAL, "no topology given");
    if (!t)
        return topo_fail(&e, -EINVAL, "no topology to fill in");

    all = span_trim((struct span){text, strlen(text)});
    if (!all.n)
        return topo_fail(&e, -EINVAL, "empty topology (expected node sizes such as '4GiB,4GiB')");

    /* Zeroed, so unused nodes and padding compare equal after a round trip. */
    memset(&tmp, 0, sizeof(tmp));
    semi = span_find(all, ';');
    sizes = (struct span){all.p, semi};
    rc = parse_sizes(sizes, &tmp, &e);
    if (!rc)
        rc = topo_check_totals(&tmp, &e);
    if (rc)
        return rc;
    default_distances(&tmp);
    if (semi < all.n) {
        rc = parse_options((struct span){all.p + semi + 1, all.n - semi - 1}, &tmp, &e);
        if (rc)
            return rc;
    }
    memcpy(t, &tmp, sizeof(tmp));
    return 0;
}

/* The built-in host is text in the grammar above, parsed like any other. */
void claimset_topology_default(struct claimset_topology *t)
{
    char err[160];

    if (!t)
        return;
    /* The text is a compile-time constant; failing to parse it is a bug. */
    if (claimset_topology_parse(CLAIMSET_TOPOLOGY_DEFAULT_TEXT, t, err, sizeof(err))) {
        fprintf(stderr, "claimset: built-in topology is invalid: %s\n", err);
        abort();
    }
}
