/*
 * Helpers for the physmap tests (hv/domain/p2m.c): collecting the leaves
 * and runs a p2m reports, snapshots to check "nothing changed", and a
 * structural check of a p2m from outside.  Each check fails the current
 * test with the reason and returns false.
 */
#ifndef CS_TESTS_P2MTEST_H
#define CS_TESTS_P2MTEST_H

#include <stdbool.h>
#include <stddef.h>

#include "hv/p2m.h"
#include "test.h"

#define GIB_FRAMES  ORDER_PAGES(18)
#define MIB2_FRAMES ORDER_PAGES(9)

struct leaf {
    gfn_t gfn;
    mfn_t mfn;
    unsigned int order;
};

struct leaves {
    struct leaf *v;
    size_t n, cap;
};

/* Runs as p2m_remove() and p2m_for_each_run() report them. */
struct run {
    gfn_t gfn;
    mfn_t mfn;
    unsigned long nr;
};

struct runs {
    struct run *v;
    size_t n, cap;
};

/* Everything observable about a p2m, to check "nothing changed". */
struct snap {
    struct leaves l;
    unsigned long nr_pages, nr_leaves, nr_tables;
};

/* A p2m_leaf_fn appending to a struct leaves. */
void p2mt_leaves_push(void *ctx, gfn_t gfn, mfn_t mfn, unsigned int order);
bool p2mt_leaves_equal(const struct leaf *a, const struct leaf *b, size_t n);
void p2mt_leaves_free(struct leaves *l);

/* A p2m_run_fn appending to a struct runs. */
void p2mt_runs_push(void *ctx, gfn_t gfn, mfn_t mfn, unsigned long nr);
void p2mt_runs_free(struct runs *r);

/* Everything observable about a p2m, and whether it is still the same. */
void p2mt_snap_take(const struct p2m *p, struct snap *s);
bool p2mt_snap_same(const struct p2m *p, const struct snap *s);

/*
 * The structural invariants (see p2mtest.c) and exact counters; with
 * lookups, the first and last frame of every leaf are looked up too.
 * p2mt_check_consistent() is p2mt_check_p2m(p, true).
 */
bool p2mt_check_p2m(const struct p2m *p, bool lookups);
bool p2mt_check_consistent(const struct p2m *p);

#endif /* CS_TESTS_P2MTEST_H */
