/* Helpers for the physmap tests (see p2mtest.h). */
#include <stdlib.h>

#include "p2mtest.h"

void p2mt_leaves_push(void *ctx, gfn_t gfn, mfn_t mfn, unsigned int order)
{
    struct leaves *l = ctx;

    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = realloc(l->v, l->cap * sizeof(*l->v));
        if (!l->v)
            abort();
    }
    l->v[l->n++] = (struct leaf){gfn, mfn, order};
}

/* Field by field: struct leaf has padding. */
bool p2mt_leaves_equal(const struct leaf *a, const struct leaf *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].gfn != b[i].gfn || a[i].mfn != b[i].mfn || a[i].order != b[i].order)
            return false;
    return true;
}

void p2mt_leaves_free(struct leaves *l)
{
    free(l->v);
    *l = (struct leaves){0};
}

void p2mt_runs_push(void *ctx, gfn_t gfn, mfn_t mfn, unsigned long nr)
{
    struct runs *r = ctx;

    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->v = realloc(r->v, r->cap * sizeof(*r->v));
        if (!r->v)
            abort();
    }
    r->v[r->n++] = (struct run){gfn, mfn, nr};
}

void p2mt_runs_free(struct runs *r)
{
    free(r->v);
    *r = (struct runs){0};
}

void p2mt_snap_take(const struct p2m *p, struct snap *s)
{
    *s = (struct snap){
        .nr_pages = p->nr_pages, .nr_leaves = p->nr_leaves, .nr_tables = p->nr_tables};
    p2m_for_each(p, p2mt_leaves_push, &s->l);
}

bool p2mt_snap_same(const struct p2m *p, const struct snap *s)
{
    struct snap now;
    bool same;

    p2mt_snap_take(p, &now);
    same = now.nr_pages == s->nr_pages && now.nr_leaves == s->nr_leaves &&
           now.nr_tables == s->nr_tables && now.l.n == s->l.n &&
           p2mt_leaves_equal(now.l.v, s->l.v, s->l.n);
    p2mt_leaves_free(&now.l);
    return same;
}

/*
 * Check the structural invariants from outside, in one streaming pass over
 * p2m_for_each: leaves ascending, disjoint, of order 0/9/18 with the gfn
 * aligned (the mfn need not be), and the counters exact -- nr_tables included, computed as
 * the tables the leaves need (root, plus one table per distinct prefix at
 * each level at or below which a leaf sits), which also proves that
 * emptied tables are freed.  With lookups, each leaf's last frame is also
 * looked up.
 */
struct consistency {
    const struct p2m *p;
    bool lookups, ok, have[3];
    gfn_t end, last_id[3];
    unsigned long pages, leaves, tables;
};

static void consistency_leaf(void *ctx, gfn_t gfn, mfn_t mfn, unsigned int order)
{
    struct consistency *c = ctx;
    gfn_t size = ORDER_PAGES(order);
    unsigned int lo = 99;

    if (!c->ok)
        return;
    if (order != 0 && order != 9 && order != 18) {
        test_fail(__FILE__, __LINE__, "leaf %#lx has order %u", (unsigned long)gfn, order);
        c->ok = false;
    } else if (gfn & (size - 1)) {
        test_fail(__FILE__, __LINE__, "leaf %#lx -> %#lx order %u misaligned", (unsigned long)gfn,
                  (unsigned long)mfn, order);
        c->ok = false;
    } else if (c->leaves && gfn < c->end) {
        test_fail(__FILE__, __LINE__, "leaf %#lx not after the previous one", (unsigned long)gfn);
        c->ok = false;
    } else if (c->lookups && (p2m_lookup(c->p, gfn + size - 1, &lo) != mfn + size - 1 ||
                              lo != order || p2m_lookup(c->p, gfn, NULL) != mfn)) {
        test_fail(__FILE__, __LINE__, "lookup disagrees with leaf %#lx", (unsigned long)gfn);
        c->ok = false;
    }
    for (unsigned int level = order / 9; level < 3; level++) {
        gfn_t id = gfn >> (9 * (level + 1));

        if (!c->have[level] || id != c->last_id[level])
            c->tables++;
        c->have[level] = true;
        c->last_id[level] = id;
    }
    c->tables += c->leaves == 0; /* the root */
    c->end = gfn + size;
    c->pages += size;
    c->leaves++;
}

bool p2mt_check_p2m(const struct p2m *p, bool lookups)
{
    struct consistency c = {.p = p, .lookups = lookups, .ok = true};

    p2m_for_each(p, consistency_leaf, &c);
    if (!c.ok)
        return false;
    if (c.pages != p->nr_pages || c.leaves != p->nr_leaves || c.tables != p->nr_tables ||
        p2m_bytes(p) != p->nr_tables * 4096 || (p->root == NULL) != (p->nr_tables == 0)) {
        test_fail(__FILE__, __LINE__,
                  "counters: pages %lu/%lu leaves %lu/%lu tables %lu/%lu bytes %zu root %p",
                  c.pages, p->nr_pages, c.leaves, p->nr_leaves, c.tables, p->nr_tables,
                  p2m_bytes(p), (void *)p->root);
        return false;
    }
    return true;
}

bool p2mt_check_consistent(const struct p2m *p)
{
    return p2mt_check_p2m(p, true);
}
