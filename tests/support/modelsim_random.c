/*
 * The random steps of the differential simulation (see modelsim.h): which
 * operation, on which domain, with which arguments -- valid ones, invalid
 * ones and the edges between them, weighted to keep the host busy.
 */
#include <limits.h>
#include <string.h>

#include "modelsim.h"

static struct ms_dom *pick(struct ms_sim *s, bool dying_too)
{
    struct ms_dom *c[MS_MAX_DOMS];
    unsigned int nr = 0;

    for (unsigned int i = 0; i < s->nr_dom; i++)
        if (dying_too || !s->dom[i].dying)
            c[nr++] = &s->dom[i];
    return nr ? c[ms_rnd(s, nr)] : NULL;
}

static unsigned long huge(struct ms_sim *s)
{
    static const unsigned long v[] = {ULONG_MAX, ULONG_MAX / 2 + 1, ULONG_MAX - 1, 1UL << 40};

    return v[ms_rnd(s, ARRAY_LEN(v))];
}

/* A page count around `limit`: often below, sometimes at or just past it. */
static unsigned long pages_near(struct ms_sim *s, unsigned long limit)
{
    unsigned int r = (unsigned int)ms_rnd(s, 100);

    if (r < 15)
        return 0;
    if (r < 65)
        return ms_rnd(s, limit / 2 + 1);
    if (r < 80)
        return ms_rnd(s, limit + 1);
    if (r < 88)
        return limit;
    if (r < 94)
        return limit + 1;
    return huge(s);
}

static memory_claim_t random_entry(struct ms_sim *s, const struct rm_domain *md)
{
    static const uint32_t bad[] = {0x80000001U, 0xC0000000U, 0x40000001U, 0xFFFFFFFFU,
                                   0x7FFFFFFFU, 0x20000000U, 0x100U,      64U};
    unsigned int r = (unsigned int)ms_rnd(s, 100);
    const struct refmodel *m = &s->m;
    memory_claim_t c = {.pages = 0};

    if (r < 62) {
        c.target = (uint32_t)ms_rnd(s, m->nr_nodes);
        c.pages = pages_near(s, m->node_free[c.target] -
                                    (rm_node_claims(m, c.target) - md->claims[c.target]));
    } else if (r < 80) {
        c.target = GLOBAL;
        c.pages = pages_near(s, rm_host_free(m) - (rm_host_claims(m) - rm_domain_claims(md)));
    } else if (r < 85) {
        c.target = LEGACY;
        c.pages = ms_rnd(s, 100);
    } else if (r < 93) {
        c.target = bad[ms_rnd(s, ARRAY_LEN(bad))];
        c.pages = ms_rnd(s, 100);
    } else {
        c.target = m->nr_nodes + (uint32_t)ms_rnd(s, MAX_NUMNODES + 8 - m->nr_nodes);
        c.pages = ms_rnd(s, 100);
    }
    if (ms_chance(s, 4))
        c.pad = ms_chance(s, 50) ? 1 : 0x80000000U;
    return c;
}

static unsigned long legacy_pages(struct ms_sim *s, const struct rm_domain *md)
{
    unsigned int r = (unsigned int)ms_rnd(s, 100);

    if (r < 20)
        return 0;
    if (r < 60 && md->max_pages > md->tot_pages)
        return md->tot_pages + 1 + ms_rnd(s, md->max_pages - md->tot_pages);
    if (r < 68)
        return md->tot_pages;
    if (r < 76)
        return md->tot_pages + 1;
    if (r < 84)
        return md->max_pages;
    if (r < 90)
        return md->max_pages + 1;
    return r < 95 ? ms_rnd(s, 2 * s->nr_frames) : huge(s);
}

static bool step_claims(struct ms_sim *s, struct ms_dom *t)
{
    const struct rm_domain *md = rm_domain(&s->m, t->id);
    memory_claim_t set[RM_MAX_CLAIMS + 4];
    unsigned int r = (unsigned int)ms_rnd(s, 100), nr = 0;

    memset(set, 0, sizeof(set));
    if (t->dying) {
        /* Well-formed and free of other errors: only -ESRCH applies. */
        set[nr++] = hvt_claim(0, GLOBAL);
        if (ms_chance(s, 50))
            set[nr++] = hvt_claim(0, (uint32_t)ms_rnd(s, s->m.nr_nodes));
    } else if (r < 3) {
        nr = 0;
    } else if (r < 8) {
        nr = RM_MAX_CLAIMS + (unsigned int)ms_rnd(s, 4);
        for (unsigned int i = 0; i < nr; i++)
            set[i] = random_entry(s, md);
    } else if (r < 14) {
        set[nr++] = hvt_claim(legacy_pages(s, md), LEGACY);
        set[0].pad = ms_chance(s, 20) ? 1 : 0;
    } else if (r < 26) {
        /* Claim all that is left on a node or the host: recall pressure. */
        const struct refmodel *m = &s->m;
        unsigned int n = (unsigned int)ms_rnd(s, m->nr_nodes);

        if (ms_chance(s, 70))
            set[nr++] = hvt_claim(m->node_free[n] - (rm_node_claims(m, n) - md->claims[n]), n);
        else
            set[nr++] =
                hvt_claim(rm_host_free(m) - (rm_host_claims(m) - rm_domain_claims(md)), GLOBAL);
    } else if (r < 32) {
        /* Re-install the current set, in a random order. */
        for (unsigned int n = 0; n < s->m.nr_nodes; n++)
            if (md->claims[n] || ms_chance(s, 20))
                set[nr++] = hvt_claim(md->claims[n], n);
        if (md->global_claim || !nr)
            set[nr++] = hvt_claim(md->global_claim, GLOBAL);
        for (unsigned int i = nr - 1; i > 0; i--) {
            unsigned int j = (unsigned int)ms_rnd(s, i + 1);
            memory_claim_t tmp = set[i];

            set[i] = set[j];
            set[j] = tmp;
        }
    } else {
        nr = 1 + (unsigned int)ms_rnd(s, s->m.nr_nodes + 1) + (ms_chance(s, 10) ? 2 : 0);
        for (unsigned int i = 0; i < nr; i++)
            set[i] = random_entry(s, md);
    }
    return ms_op_claims(s, t, nr, set);
}

static bool step_populate(struct ms_sim *s, struct ms_dom *t)
{
    unsigned int r = (unsigned int)ms_rnd(s, 100), order, node = RM_NO_NODE;
    bool exact = false;
    unsigned long n;
    gfn_t gfn;

    if (r < 50)
        order = 0;
    else if (r < 62)
        order = 1 + (unsigned int)ms_rnd(s, 4);
    else if (r < 80)
        order = 9;
    else if (r < 88)
        order = 10 + (unsigned int)ms_rnd(s, 3);
    else if (r < 92)
        order = MAX_ORDER;
    else
        order = (unsigned int)ms_rnd(s, 9);
    n = 1UL << order;
    r = (unsigned int)ms_rnd(s, 100);
    if (n >= MS_GFN_SPACE)
        gfn = 0;
    else if (r < 80)
        gfn = ms_rnd(s, MS_GFN_SPACE / n) * n;
    else if (r < 97)
        gfn = ms_rnd(s, MS_GFN_SPACE - n);
    else
        gfn = P2M_MAX_GFN - n / 2; /* past the guest frame space */
    r = (unsigned int)ms_rnd(s, 100);
    if (r >= 40) {
        /* Now and then a node the host does not have (the search then
         * starts with the domain's affinity). */
        node = ms_chance(s, 95)
                   ? (unsigned int)ms_rnd(s, s->m.nr_nodes)
                   : s->m.nr_nodes + (unsigned int)ms_rnd(s, MAX_NUMNODES - s->m.nr_nodes);
        exact = r >= 75;
    }
    return ms_op_populate(s, t, gfn, order, node, exact);
}

static bool step_xen(struct ms_sim *s)
{
    unsigned int r = (unsigned int)ms_rnd(s, 100), node = RM_NO_NODE;

    if (s->nr_xen == ARRAY_LEN(s->xen) || (s->nr_xen && ms_chance(s, 50)))
        return ms_op_xen_free(s, (unsigned int)ms_rnd(s, s->nr_xen));
    if (r >= 50)
        node = (unsigned int)ms_rnd(s, s->m.nr_nodes);
    return ms_op_xen_alloc(s, ms_chance(s, 70) ? 0 : (unsigned int)ms_rnd(s, 10), node, r >= 75);
}

static bool step_extra(struct ms_sim *s, struct ms_dom *t)
{
    unsigned int r = (unsigned int)ms_rnd(s, 100), node = RM_NO_NODE;

    if (r >= 40)
        node = (unsigned int)ms_rnd(s, s->m.nr_nodes);
    return ms_op_extra(s, t, ms_chance(s, 70) ? 0 : (unsigned int)ms_rnd(s, 10), node, r >= 75);
}

static bool step_decrease(struct ms_sim *s, struct ms_dom *t)
{
    unsigned int r = (unsigned int)ms_rnd(s, 100), order;
    gfn_t gfn = ms_rnd(s, MS_GFN_SPACE);

    order = r < 45   ? 0
            : r < 65 ? 1 + (unsigned int)ms_rnd(s, 3)
            : r < 85 ? 9
                     : (unsigned int)ms_rnd(s, 13);
    if (t->mapped && !ms_chance(s, 8))
        while (!t->p2m[gfn])
            gfn = (gfn + 1) % MS_GFN_SPACE;
    return ms_op_decrease(s, t, gfn & ~((1UL << order) - 1), order);
}

/* A frame that is not online, or 0 when there is none. */
static mfn_t some_offline_frame(struct ms_sim *s)
{
    mfn_t start = ms_rnd(s, s->nr_frames);

    for (mfn_t i = 0; i < s->nr_frames; i++) {
        mfn_t mfn = (start + i) % s->nr_frames;

        if (s->m.frame[mfn] & RM_FRAME_STATE)
            return mfn;
    }
    return 0;
}

/* A free frame on the node with the most claims (recall pressure), or
 * frame 1 when there is none. */
static mfn_t free_frame_on_claimed_node(struct ms_sim *s)
{
    unsigned int best = 0;
    unsigned long start, frames;

    for (unsigned int n = 1; n < s->m.nr_nodes; n++)
        if (rm_node_claims(&s->m, n) > rm_node_claims(&s->m, best))
            best = n;
    start = s->m.node_start[best];
    frames = s->m.node_frames[best];
    for (unsigned long i = 0, o = ms_rnd(s, frames); i < frames; i++) {
        mfn_t mfn = start + (o + i) % frames;

        if (mfn && !s->owner[mfn] && !s->m.frame[mfn])
            return mfn;
    }
    return 1;
}

static bool step_offline(struct ms_sim *s)
{
    unsigned int r = (unsigned int)ms_rnd(s, 100);
    struct ms_dom *t = pick(s, false);
    mfn_t mfn = 1 + ms_rnd(s, s->nr_frames - 1);

    if (r >= 55 && r < 75 && t && t->mapped) {
        gfn_t gfn = ms_rnd(s, MS_GFN_SPACE);

        while (!t->p2m[gfn])
            gfn = (gfn + 1) % MS_GFN_SPACE;
        mfn = t->p2m[gfn] - 1;
    } else if (r >= 75 && r < 80) {
        mfn = 0;
    } else if (r >= 80 && r < 85) {
        mfn = s->nr_frames + ms_rnd(s, 100);
    } else if (r >= 85 && r < 92) {
        mfn = some_offline_frame(s);
    } else if (r >= 92) {
        mfn = free_frame_on_claimed_node(s);
    }
    return ms_op_offline(s, mfn, ms_chance(s, 10));
}

static bool step_online(struct ms_sim *s)
{
    mfn_t mfn = ms_chance(s, 75) ? some_offline_frame(s) : 1 + ms_rnd(s, s->nr_frames + 8);

    return ms_op_online(s, mfn ? mfn : 1);
}

static bool step_affinity(struct ms_sim *s, struct ms_dom *t)
{
    uint64_t mask = ms_chance(s, 10)   ? 0
                    : ms_chance(s, 10) ? ~0ULL
                                       : ms_rnd(s, 1ULL << (s->m.nr_nodes + 2));

    return ms_op_affinity(s, t, mask);
}

bool ms_random_step(struct ms_sim *s)
{
    unsigned long free_pages = rm_host_free(&s->m), offl = 0;
    struct ms_dom *t = pick(s, ms_chance(s, 10)), *live = pick(s, false);
    unsigned int r = (unsigned int)ms_rnd(s, 100);

    for (unsigned int n = 0; n < s->m.nr_nodes; n++)
        offl += s->m.node_offlined[n];
    if (!live && s->nr_dom < MS_MAX_DOMS)
        return ms_op_create(s, ms_rnd(s, 2 * s->nr_frames), ms_chance(s, 30));
    if (!t)
        t = live ? live : pick(s, true);
    if (r < 30)
        return free_pages < s->nr_frames / 8 && live && live->mapped ? step_decrease(s, live)
                                                                     : step_populate(s, t);
    if (r < 42)
        return live ? step_decrease(s, live) : true;
    if (r < 58)
        return step_claims(s, t);
    if (r < 64)
        return ms_op_legacy(s, t, legacy_pages(s, rm_domain(&s->m, t->id)));
    if (r < 71 && live) {
        const struct rm_domain *md = rm_domain(&s->m, live->id);
        unsigned long base = md->tot_pages + rm_domain_claims(md);
        unsigned int q = (unsigned int)ms_rnd(s, 100);

        return ms_op_set_max(s, live,
                             q < 25   ? ms_rnd(s, base + 1)
                             : q < 35 ? base
                             : q < 85 ? base + ms_rnd(s, s->nr_frames)
                             : q < 93 ? 0
                                      : huge(s));
    }
    if (r < 79)
        return offl > s->nr_frames / 10 ? step_online(s) : step_offline(s);
    if (r < 84)
        return step_online(s);
    if (r < 88 && live)
        return step_affinity(s, live);
    if (r < 91 && s->nr_dom < MS_MAX_DOMS)
        return ms_op_create(s, ms_rnd(s, 2 * s->nr_frames), ms_chance(s, 30));
    if (r < 93)
        return ms_op_destroy(s, r < 92 || !live ? t : live);
    if (r < 95)
        return live ? step_populate(s, live) : step_online(s);
    if (r < 98)
        return step_extra(s, t);
    return step_xen(s);
}
