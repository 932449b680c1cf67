/*
 * Allocations and frees, each applied to the host and to the model (see
 * modelsim.h): the model plans an allocation, the host makes it, and the
 * answer is judged -- exactly for order 0, with fragmentation verified
 * against the real free lists for larger orders.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "modelsim.h"

/* ---- Physmap tracking ---- */

static bool gfn_mapped(const struct ms_dom *t, gfn_t g)
{
    return g < MS_GFN_SPACE && t->p2m[g];
}

static bool range_all_mapped(const struct ms_dom *t, gfn_t gfn, unsigned long n)
{
    for (gfn_t g = gfn; g < gfn + n; g++)
        if (!gfn_mapped(t, g))
            return false;
    return true;
}

static bool range_any_mapped(const struct ms_dom *t, gfn_t gfn, unsigned long n)
{
    for (gfn_t g = gfn; g < gfn + n; g++)
        if (gfn_mapped(t, g))
            return true;
    return false;
}

/* ---- Judging an allocation ---- */

/* Does a free chunk of at least `order` start anywhere on the node? */
static bool node_has_chunk(struct ms_sim *s, unsigned int node, unsigned int order)
{
    unsigned long n = 1UL << order, start = s->m.node_start[node];
    unsigned long end = start + s->m.node_frames[node];
    bool found = false;

    hv_lock(&s->h->heap_lock);
    for (mfn_t mfn = (start + n - 1) & ~(n - 1); mfn + n <= end && !found; mfn += n)
        found = free_chunk_order_locked(s->h, mfn) >= (int)order;
    hv_unlock(&s->h->heap_lock);
    return found;
}

/* Fragmentation excuses skipping the qualifying nodes tried before stop
 * (all of them when stop is RM_NO_NODE) only if none has a chunk. */
static bool skipped_nodes_fragmented(struct ms_sim *s, const struct rm_alloc_plan *p,
                                     unsigned int order, unsigned int stop)
{
    for (unsigned int i = 0; i < p->nr_tried && p->tried[i] != stop; i++)
        if (p->qualifies[i] && node_has_chunk(s, p->tried[i], order))
            return ms_mismatch(s, "node %u was skipped but holds a free chunk of order %u",
                               p->tried[i], order);
    return true;
}

/* Coverage: did claims (not a lack of memory) shape this allocation? */
static void count_claims_effects(struct ms_sim *s, const struct rm_domain *md,
                                 const struct rm_alloc_plan *p, unsigned int order)
{
    bool steered = false;

    if (!p->global_ok) {
        s->st[MS_ST_CLAIMS_BLOCKED] += rm_host_free(&s->m) >= (1UL << order);
        return;
    }
    for (unsigned int i = 0; i < p->nr_tried && p->tried[i] != p->node; i++)
        steered |= !p->qualifies[i] && s->m.node_free[p->tried[i]] >= (1UL << order);
    s->st[p->rc ? MS_ST_CLAIMS_BLOCKED : MS_ST_CLAIMS_STEERED] += steered;
    if (!p->rc && md->claims[p->node] + md->global_claim < (1UL << order) &&
        rm_domain_claims(md) > md->claims[p->node] + md->global_claim)
        s->st[MS_ST_RETIRED_OTHER]++;
}

/* The frames [mfn, mfn + 2^order) were just handed to the domain: they
 * must be an aligned chunk on `node`, free and online before. */
static bool check_new_frames(struct ms_sim *s, mfn_t mfn, unsigned int order, unsigned int node)
{
    unsigned long n = 1UL << order;

    if (mfn == INVALID_MFN || mfn % n || mfn + n > s->nr_frames)
        return ms_mismatch(s, "bad mfn %#llx for order %u", (unsigned long long)mfn, order);
    for (unsigned long i = 0; i < n; i++)
        if (s->owner[mfn + i] || s->m.frame[mfn + i] != RM_FRAME_ONLINE)
            return ms_mismatch(s, "frame %#llx handed out again (owner %u, offline state %u)",
                               (unsigned long long)(mfn + i), s->owner[mfn + i],
                               s->m.frame[mfn + i]);
    if (rm_frame_node(&s->m, mfn) != node || host_mfn_to_node(s->h, mfn) != node)
        return ms_mismatch(s, "frame %#llx: counted on node %u, lies on node %u (host says %u)",
                           (unsigned long long)mfn, node, rm_frame_node(&s->m, mfn),
                           host_mfn_to_node(s->h, mfn));
    return true;
}

/*
 * Judge the heap's answer to an allocation the model planned as p: rc,
 * and for a success the node it landed on.  Order 0 must match exactly;
 * for larger orders the model's leeway is fragmentation, verified.
 */
static bool judge_alloc(struct ms_sim *s, const struct rm_alloc_plan *p, unsigned int order, int rc,
                        unsigned int landed)
{
    if (rc == -ENOMEM) {
        s->st[MS_ST_POP_ENOMEM]++;
        if (p->rc == -ENOMEM)
            return true;
        if (p->rc || order == 0)
            return ms_mismatch(s, "rc -ENOMEM; model: rc %d on node %u", p->rc, p->node);
        s->st[MS_ST_FRAG_FAIL]++;
        return skipped_nodes_fragmented(s, p, order, RM_NO_NODE);
    }
    if (rc)
        return ms_mismatch(s, "rc %d; model: rc %d", rc, p->rc);
    if (p->rc)
        return ms_mismatch(s, "allocated on node %u; model refuses: rc %d (global check %s)",
                           landed, p->rc, p->global_ok ? "passed" : "failed");
    if (!rm_plan_allows(p, landed) || (order == 0 && !p->any_node && landed != p->node))
        return ms_mismatch(s, "allocated on node %u; model allocates on node %u", landed, p->node);
    if (landed != p->node && !p->any_node) {
        s->st[MS_ST_FRAG_SKIP]++;
        return skipped_nodes_fragmented(s, p, order, landed);
    }
    return true;
}

static unsigned int alloc_memflags(unsigned int node, bool exact)
{
    return node == RM_NO_NODE ? 0 : MEMF_node(node) | (exact ? MEMF_exact_node : 0);
}

/* ---- The operations ---- */

bool ms_op_populate(struct ms_sim *s, struct ms_dom *t, gfn_t gfn, unsigned int order,
                    unsigned int node, bool exact)
{
    const struct rm_domain *md = rm_domain(&s->m, t->id);
    unsigned int landed = RM_NO_NODE;
    unsigned long n = 1UL << order;
    int allowed[4], nr_allowed = 0, rc;
    struct domain_info before, after;
    struct rm_alloc_plan p;
    mfn_t mfn;

    ms_describe(s, "populate dom %u gfn %#llx order %u node %d%s", t->id, (unsigned long long)gfn,
                order, node == RM_NO_NODE ? -1 : (int)node, exact ? " exact" : "");
    /* Errors whose order the contracts leave open: any that applies. */
    if (gfn + n > P2M_MAX_GFN)
        allowed[nr_allowed++] = -EINVAL;
    if (md->dying)
        allowed[nr_allowed++] = -ESRCH;
    if (md->tot_pages + n > md->max_pages)
        allowed[nr_allowed++] = -E2BIG;
    if (range_any_mapped(t, gfn, n))
        allowed[nr_allowed++] = -EEXIST;
    rm_alloc_plan(&s->m, t->id, order, node, exact ? RM_EXACT : 0, &p);
    if (!nr_allowed)
        count_claims_effects(s, md, &p, order);
    domain_get_info(t->d, &before);
    rc = domain_populate_extent(t->d, gfn, order, alloc_memflags(node, exact), NULL);
    s->last_rc = rc;
    if (nr_allowed) {
        s->st[MS_ST_POP_EARLY]++;
        for (int i = 0; i < nr_allowed; i++)
            if (rc == allowed[i])
                return true;
        return ms_mismatch(s, "rc %d; the model expects one of %d %d %d %d", rc, allowed[0],
                           nr_allowed > 1 ? allowed[1] : 0, nr_allowed > 2 ? allowed[2] : 0,
                           nr_allowed > 3 ? allowed[3] : 0);
    }
    domain_get_info(t->d, &after);
    for (unsigned int i = 0; i < s->m.nr_nodes; i++)
        if (after.node_pages[i] != before.node_pages[i]) {
            if (rc || landed != RM_NO_NODE || after.node_pages[i] - before.node_pages[i] != n)
                return ms_mismatch(s, "rc %d, node_pages[%u] went %lu -> %lu", rc, i,
                                   before.node_pages[i], after.node_pages[i]);
            landed = i;
        }
    if (!rc && landed == RM_NO_NODE)
        return ms_mismatch(s, "rc 0 but node_pages did not grow");
    if (!judge_alloc(s, &p, order, rc, landed))
        return false;
    if (rc)
        return true;
    mfn = domain_gfn_to_mfn(t->d, gfn);
    if (!check_new_frames(s, mfn, order, landed))
        return false;
    for (unsigned long i = 0; i < n; i++) {
        if (domain_gfn_to_mfn(t->d, gfn + i) != mfn + i)
            return ms_mismatch(s, "extent at gfn %#llx is not contiguous", (unsigned long long)gfn);
        s->owner[mfn + i] = (uint16_t)(t->id + 1);
        if (gfn + i < MS_GFN_SPACE)
            t->p2m[gfn + i] = (uint32_t)(mfn + i + 1);
    }
    t->mapped += n;
    rm_alloc_commit(&s->m, t->id, order, landed, 0);
    s->st[MS_ST_POPULATED]++;
    return true;
}

/* Frames for the domain outside its physmap, not counted against it. */
bool ms_op_extra(struct ms_sim *s, struct ms_dom *t, unsigned int order, unsigned int node,
                 bool exact)
{
    unsigned int flags = RM_UNCOUNTED | (exact ? RM_EXACT : 0);
    unsigned long n = 1UL << order;
    struct rm_alloc_plan p;
    mfn_t mfn = INVALID_MFN;
    int rc;

    ms_describe(s, "extra pages dom %u order %u node %d%s", t->id, order,
                node == RM_NO_NODE ? -1 : (int)node, exact ? " exact" : "");
    rm_alloc_plan(&s->m, t->id, order, node, flags, &p);
    rc = domain_alloc_extra_pages(t->d, order, alloc_memflags(node, exact), &mfn);
    s->last_rc = rc;
    if (p.rc == -ESRCH) {
        MS_SAME_RC(p.rc, rc);
        return true;
    }
    if (!rc && mfn >= s->nr_frames)
        return ms_mismatch(s, "rc 0 but mfn %#llx", (unsigned long long)mfn);
    node = rc ? RM_NO_NODE : host_mfn_to_node(s->h, mfn);
    if (!judge_alloc(s, &p, order, rc, node))
        return false;
    if (rc)
        return true;
    if (!check_new_frames(s, mfn, order, node))
        return false;
    if (t->nr_extra + n > t->cap_extra) {
        size_t cap = 2 * (t->nr_extra + n);
        mfn_t *v = realloc(t->extra, cap * sizeof(*v));

        if (!v)
            return ms_mismatch(s, "out of memory");
        t->extra = v;
        t->cap_extra = cap;
    }
    for (unsigned long i = 0; i < n; i++) {
        s->owner[mfn + i] = (uint16_t)(t->id + 1);
        t->extra[t->nr_extra++] = mfn + i;
    }
    rm_alloc_commit(&s->m, t->id, order, node, flags);
    s->st[MS_ST_EXTRA]++;
    return true;
}

bool ms_op_decrease(struct ms_sim *s, struct ms_dom *t, gfn_t gfn, unsigned int order)
{
    unsigned long n = 1UL << order;
    int want = range_all_mapped(t, gfn, n) ? 0 : -ENOENT, rc;

    ms_describe(s, "decrease dom %u gfn %#llx order %u", t->id, (unsigned long long)gfn, order);
    for (gfn_t g = gfn; !want && g < gfn + n; g++)
        if (domain_gfn_to_mfn(t->d, g) != t->p2m[g] - 1)
            return ms_mismatch(s, "gfn %#llx maps to %#llx, tracked %#llx", (unsigned long long)g,
                               (unsigned long long)domain_gfn_to_mfn(t->d, g),
                               (unsigned long long)(t->p2m[g] - 1));
    rc = domain_decrease_extent(t->d, gfn, order);
    MS_SAME_RC(want, rc);
    for (gfn_t g = gfn; !rc && g < gfn + n; g++) {
        if (domain_gfn_to_mfn(t->d, g) != INVALID_MFN)
            return ms_mismatch(s, "gfn %#llx still mapped", (unsigned long long)g);
        rm_free_frame(&s->m, t->id, t->p2m[g] - 1, true);
        s->owner[t->p2m[g] - 1] = 0;
        t->p2m[g] = 0;
        t->mapped--;
    }
    s->st[MS_ST_DECREASED] += !rc;
    return true;
}

/* The hypervisor's own allocations: only unclaimed memory, no claims. */
bool ms_op_xen_alloc(struct ms_sim *s, unsigned int order, unsigned int node, bool exact)
{
    struct rm_alloc_plan p;
    unsigned int landed;
    mfn_t mfn;

    ms_describe(s, "hypervisor alloc order %u node %d%s", order,
                node == RM_NO_NODE ? -1 : (int)node, exact ? " exact" : "");
    rm_alloc_plan(&s->m, RM_NO_DOMAIN, order, node, exact ? RM_EXACT : 0, &p);
    mfn =
        alloc_heap_pages(s->h, MEMZONE_LO, NR_ZONES - 1, order, alloc_memflags(node, exact), NULL);
    s->last_rc = mfn == INVALID_MFN ? -ENOMEM : 0;
    if (mfn != INVALID_MFN && mfn >= s->nr_frames)
        return ms_mismatch(s, "mfn %#llx", (unsigned long long)mfn);
    landed = s->last_rc ? RM_NO_NODE : host_mfn_to_node(s->h, mfn);
    if (!judge_alloc(s, &p, order, s->last_rc, landed))
        return false;
    if (s->last_rc)
        return true;
    if (!check_new_frames(s, mfn, order, landed))
        return false;
    for (unsigned long i = 0; i < (1UL << order); i++)
        s->owner[mfn + i] = MS_OWNER_HV;
    s->xen[s->nr_xen].mfn = mfn;
    s->xen[s->nr_xen++].order = order;
    rm_alloc_commit(&s->m, RM_NO_DOMAIN, order, landed, 0);
    return true;
}

bool ms_op_xen_free(struct ms_sim *s, unsigned int i)
{
    struct ms_xen_run r = s->xen[i];

    ms_describe(s, "hypervisor free %#llx order %u", (unsigned long long)r.mfn, r.order);
    free_heap_pages(s->h, r.mfn, r.order, NULL, 0);
    for (unsigned long k = 0; k < (1UL << r.order); k++) {
        rm_free_frame(&s->m, RM_NO_DOMAIN, r.mfn + k, false);
        s->owner[r.mfn + k] = 0;
    }
    s->xen[i] = s->xen[--s->nr_xen];
    return true;
}
