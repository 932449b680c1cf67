/*
 * Deep checks: free chunks, frame owners, the offline set and physmaps,
 * all against each other.  O(frames); every lock is held by the caller.
 */
#include <stdlib.h>

#include <hv/check.h>
#include <hv/domain.h>
#include <hv/heap.h>

#include "check_internal.h"

/* A plain bitmap over all frames, to spot frames counted twice. */
struct frame_marks {
    uint64_t *w;
};

static bool marks_init(struct frame_marks *m, mfn_t nr_frames)
{
    m->w = calloc((nr_frames + 63) / 64, sizeof(uint64_t));
    return m->w != NULL;
}

/* Mark [mfn, mfn + nr); false if any frame was already marked.  A word
 * at a time: runs are up to 2^18 frames. */
static bool marks_claim(struct frame_marks *m, mfn_t mfn, unsigned long nr)
{
    bool fresh = true;

    while (nr) {
        unsigned int shift = (unsigned int)(mfn & 63);
        unsigned long n = MIN(nr, 64UL - shift);
        uint64_t bits = (n == 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1) << shift;
        uint64_t *w = &m->w[mfn >> 6];

        fresh &= !(*w & bits);
        *w |= bits;
        mfn += n;
        nr -= n;
    }
    return fresh;
}

static bool check_free_chunk(struct check_ctx *c, nodeid_t node, mfn_t mfn, unsigned int order,
                             struct frame_marks *marks, unsigned long *dirty)
{
    struct host *h = c->h;
    const struct heap_node *hn = &h->node[node];
    unsigned long nr = ORDER_PAGES(order);
    mfn_t buddy = mfn ^ nr, bad;

    if (mfn == 0 || mfn < hn->start || mfn + nr > hn->end)
        return check_fail(c, "free chunk %#lx order %u lies outside node %u", (unsigned long)mfn,
                          order, node);
    if (mfn_zone(mfn) != mfn_zone(mfn + nr - 1))
        return check_fail(c, "free chunk %#lx order %u spans two zones", (unsigned long)mfn, order);
    if (!marks_claim(marks, mfn, nr))
        return check_fail(c, "free chunk %#lx order %u overlaps another free chunk",
                          (unsigned long)mfn, order);
    bad = frames_owner_mismatch_locked(h, mfn, nr, OWNER_FREE);
    if (bad != INVALID_MFN)
        return check_fail(c, "frame %#lx in a free chunk has owner %#x", (unsigned long)bad,
                          frame_owner_of(h, bad));
    if (order < MAX_ORDER && buddy >= hn->start && buddy + nr <= hn->end &&
        heap_is_free_chunk_locked(h, node, buddy, order))
        return check_fail(c, "free buddies %#lx and %#lx of order %u were not merged",
                          (unsigned long)mfn, (unsigned long)buddy, order);
    *dirty += hbitmap_count_range(&h->dirty, mfn, nr);
    return true;
}

static bool check_free_lists(struct check_ctx *c, struct frame_marks *marks)
{
    struct host *h = c->h;

    for (unsigned int n = 0; n < h->nr_nodes; n++) {
        const struct heap_node *hn = &h->node[n];
        unsigned long chunks[NR_ZONES][MAX_ORDER + 1] = {{0}}, pages[NR_ZONES] = {0};
        unsigned long dirty = 0;

        for (unsigned int order = 0; order <= MAX_ORDER; order++) {
            if (!heap_free_index_ok_locked(h, (nodeid_t)n, order))
                return check_fail(c, "node %u order %u: free bitmap summaries are stale", n, order);
            for (mfn_t mfn = heap_next_free_chunk_locked(h, (nodeid_t)n, order, 0);
                 mfn != INVALID_MFN;
                 mfn = heap_next_free_chunk_locked(h, (nodeid_t)n, order, mfn + 1)) {
                if (!check_free_chunk(c, (nodeid_t)n, mfn, order, marks, &dirty))
                    return false;
                chunks[mfn_zone(mfn)][order]++;
                pages[mfn_zone(mfn)] += ORDER_PAGES(order);
            }
        }
        for (unsigned int z = 0; z < NR_ZONES; z++) {
            if (pages[z] != hn->zone_avail[z])
                return check_fail(c, "node %u zone %u: zone_avail = %lu, free chunks hold %lu", n,
                                  z, hn->zone_avail[z], pages[z]);
            for (unsigned int o = 0; o <= MAX_ORDER; o++)
                if (chunks[z][o] != hn->nr_chunks[z][o])
                    return check_fail(c, "node %u zone %u order %u: %lu chunks counted, %lu found",
                                      n, z, o, hn->nr_chunks[z][o], chunks[z][o]);
            for (unsigned int o = 0; o <= MAX_ORDER; o++)
                if (!(hn->order_mask[z] & (1U << o)) != !hn->nr_chunks[z][o])
                    return check_fail(c, "node %u zone %u order %u: order mask bit %u, %lu chunks",
                                      n, z, o, !!(hn->order_mask[z] & (1U << o)),
                                      hn->nr_chunks[z][o]);
            if (hn->order_mask[z] >> (MAX_ORDER + 1))
                return check_fail(c, "node %u zone %u: order mask %#x beyond MAX_ORDER", n, z,
                                  hn->order_mask[z]);
            if (!(hn->zone_mask & (1ULL << z)) != !hn->order_mask[z])
                return check_fail(c, "node %u zone %u: zone mask bit %u, order mask %#x", n, z,
                                  !!(hn->zone_mask & (1ULL << z)), hn->order_mask[z]);
        }
        if (dirty != h->node_need_scrub[n])
            return check_fail(c, "node %u: node_need_scrub = %lu, dirty free frames = %lu", n,
                              h->node_need_scrub[n], dirty);
    }
    return true;
}

struct owner_counts {
    unsigned long free, offlined;
    unsigned long *dom; /* frames owned by domains, over all nodes */
};

/* n frames from mfn have owner code o: a known code, its domain alive. */
static bool check_owner_code(struct check_ctx *c, mfn_t mfn, owner_t o, unsigned long n,
                             struct owner_counts *k)
{
    if (o == OWNER_FREE) {
        k->free += n;
    } else if (o == OWNER_OFFLINED) {
        k->offlined += n;
    } else if (owner_is_domain(o)) {
        if (!c->h->domains[o - 1])
            return check_fail(c, "frame %#lx is owned by d%u, which does not exist",
                              (unsigned long)mfn, o - 1);
        *k->dom += n;
    } else if (o != OWNER_XEN) {
        return check_fail(c, "frame %#lx has unknown owner code %#x", (unsigned long)mfn, o);
    }
    return true;
}

/* A frame's offline flags (0: not in the offline set) against its owner. */
static bool check_offline_flags(struct check_ctx *c, mfn_t mfn, owner_t o, uint8_t flags)
{
    if (o == OWNER_OFFLINED && !(flags & OFFLINE_OFFLINED))
        return check_fail(c, "frame %#lx is out of the heap but not marked offlined",
                          (unsigned long)mfn);
    if ((flags & OFFLINE_OFFLINED) && o != OWNER_OFFLINED)
        return check_fail(c, "frame %#lx is marked offlined but has owner %#x", (unsigned long)mfn,
                          o);
    if ((flags & OFFLINE_PENDING) && (o == OWNER_FREE || o == OWNER_OFFLINED))
        return check_fail(c, "frame %#lx is pending offline but not allocated", (unsigned long)mfn);
    return true;
}

/* The offline flags of mfn, walking the sorted offline set from *next. */
static uint8_t offline_flags_at(const struct host *h, size_t *next, mfn_t mfn)
{
    while (*next < h->offline.nr && h->offline.v[*next].mfn < mfn)
        (*next)++;
    return *next < h->offline.nr && h->offline.v[*next].mfn == mfn ? h->offline.v[*next].flags : 0;
}

/*
 * Owner codes against the node counters and the offline set.  Counts the
 * frames owned by domains (each of which must exist) into *dom_frames;
 * check_deep() matches that against the domains' own records.  A block
 * of the owner table with one owner (D106) is checked once, plus the
 * frames of it the offline set names; mixed blocks, and offlined ones
 * (each frame must be in the set), frame by frame.  The first frame
 * reported is the one a walk over every frame would report.
 */
static bool check_owners(struct check_ctx *c, unsigned long *dom_frames)
{
    struct host *h = c->h;
    size_t next = 0; /* the offline set is sorted: walk it alongside */

    for (unsigned int n = 0; n < h->nr_nodes; n++) {
        const struct heap_node *hn = &h->node[n];
        struct owner_counts k = {.dom = dom_frames};
        mfn_t mfn = hn->start;

        while (mfn < hn->end) {
            const struct owner_block *ob = &h->owner_block[mfn >> OWNER_BLOCK_ORDER];
            mfn_t e = MIN((mfn | (ORDER_PAGES(OWNER_BLOCK_ORDER) - 1)) + 1, hn->end);

            if (ob->mixed || ob->owner == OWNER_OFFLINED) {
                for (; mfn < e; mfn++) {
                    owner_t o = frame_owner_of(h, mfn);

                    if (!check_owner_code(c, mfn, o, 1, &k) ||
                        !check_offline_flags(c, mfn, o, offline_flags_at(h, &next, mfn)))
                        return false;
                }
                continue;
            }
            if (!check_owner_code(c, mfn, ob->owner, e - mfn, &k))
                return false;
            for (offline_flags_at(h, &next, mfn);
                 next < h->offline.nr && h->offline.v[next].mfn < e; next++)
                if (!check_offline_flags(c, h->offline.v[next].mfn, ob->owner,
                                         h->offline.v[next].flags))
                    return false;
            mfn = e;
        }
        /* Free chunks hold only FREE frames and are disjoint, so equal
         * counts mean every FREE frame sits in a free chunk. */
        if (k.free != h->node_avail_pages[n])
            return check_fail(c, "node %u: %lu frames owned FREE, node_avail_pages = %lu", n,
                              k.free, h->node_avail_pages[n]);
        if (k.offlined != hn->offlined)
            return check_fail(c, "node %u: %lu frames offlined, counter says %lu", n, k.offlined,
                              hn->offlined);
    }
    for (size_t i = 1; i < h->offline.nr; i++)
        if (h->offline.v[i - 1].mfn >= h->offline.v[i].mfn)
            return check_fail(c, "offline set is not sorted at entry %zu", i);
    return true;
}

struct leaf_walk {
    struct check_ctx *c;
    struct domain *d;
    struct frame_marks *owned;
    unsigned long node_pages[MAX_NUMNODES];
    unsigned long pages;
    bool ok;
};

static bool check_run(struct leaf_walk *w, mfn_t mfn, unsigned int order, owner_t want)
{
    struct host *h = w->c->h;
    unsigned long nr = ORDER_PAGES(order);
    mfn_t bad;

    if (mfn + nr > h->nr_frames)
        return check_fail(w->c, "d%u maps frame %#lx beyond the host", w->d->domain_id,
                          (unsigned long)mfn);
    bad = frames_owner_mismatch_locked(h, mfn, nr, want);
    if (bad != INVALID_MFN)
        return check_fail(w->c, "d%u uses frame %#lx owned by %#x", w->d->domain_id,
                          (unsigned long)bad, frame_owner_of(h, bad));
    if (!marks_claim(w->owned, mfn, nr))
        return check_fail(w->c, "frame run %#lx order %u is held twice (d%u)", (unsigned long)mfn,
                          order, w->d->domain_id);
    return true;
}

/* A leaf's machine frames need not be aligned to it; the domain layer only
 * maps whole heap chunks, so they lie in one node, but the counts below
 * do not rely on that. */
static void walk_leaf(void *ctx, gfn_t gfn, mfn_t mfn, unsigned int order)
{
    struct leaf_walk *w = ctx;
    const struct host *h = w->c->h;
    unsigned long nr = ORDER_PAGES(order);

    if (!w->ok)
        return;
    w->ok = check_run(w, mfn, order, OWNER_DOM(w->d->domain_id));
    if (!w->ok)
        return;
    w->pages += nr;
    while (nr) {
        nodeid_t node = host_mfn_to_node(h, mfn);
        unsigned long n = MIN(nr, (unsigned long)(h->node[node].end - mfn));

        w->node_pages[node] += n;
        mfn += n;
        nr -= n;
    }
}

/* The domain's physmap, extra runs and hypervisor runs; adds the frames
 * counted against it (tot_pages + extra_pages) to *accounted. */
static bool check_domain_memory(struct check_ctx *c, struct domain *d, struct frame_marks *owned,
                                unsigned long *accounted)
{
    struct leaf_walk w = {.c = c, .d = d, .owned = owned, .ok = true};
    unsigned long extra = 0;

    p2m_for_each(&d->p2m, walk_leaf, &w);
    if (!w.ok)
        return false;
    if (w.pages != d->tot_pages || w.pages != d->p2m.nr_pages)
        return check_fail(c, "d%u physmap maps %lu frames (counter %lu), tot_pages = %lu",
                          d->domain_id, w.pages, d->p2m.nr_pages, d->tot_pages);
    /* Frames lie on the host's nodes; the accounting check has seen that
     * node_pages[] is zero beyond them. */
    for (unsigned int n = 0; n < c->h->nr_nodes; n++)
        if (w.node_pages[n] != d->node_pages[n])
            return check_fail(c, "d%u has %lu frames on node %u, node_pages says %lu", d->domain_id,
                              w.node_pages[n], n, d->node_pages[n]);
    for (size_t i = 0; i < d->extra.nr; i++) {
        if (!check_run(&w, d->extra.v[i].mfn, d->extra.v[i].order, OWNER_DOM(d->domain_id)))
            return false;
        extra += ORDER_PAGES(d->extra.v[i].order);
    }
    if (extra != d->extra_pages)
        return check_fail(c, "d%u extra runs hold %lu frames, extra_pages = %lu", d->domain_id,
                          extra, d->extra_pages);
    for (size_t i = 0; i < d->xen_pages.nr; i++)
        if (!check_run(&w, d->xen_pages.v[i].mfn, d->xen_pages.v[i].order, OWNER_XEN))
            return false;
    *accounted += d->tot_pages + d->extra_pages;
    return true;
}

/* Some domain owns more frames than its runs hold: name one such frame. */
static bool report_stray_frame(struct check_ctx *c, const struct frame_marks *owned)
{
    const struct host *h = c->h;

    for (mfn_t mfn = 0; mfn < h->nr_frames; mfn++) {
        owner_t o = frame_owner_of(h, mfn);

        if (owner_is_domain(o) && !(owned->w[mfn >> 6] & (uint64_t)1 << (mfn & 63)))
            return check_fail(c, "frame %#lx is owned by d%u but in none of its runs",
                              (unsigned long)mfn, o - 1);
    }
    return check_fail(c, "checker: domain frames miscounted");
}

/*
 * Every run a domain records was checked to be owned by it and held by
 * nobody else, so when the frames owned by domains are exactly as many
 * as the domains account for, every such frame is in its owner's runs.
 * One count, not one per domid: a check costs O(frames + domains).
 */
bool check_deep(struct check_ctx *c, struct domain **doms, unsigned int nr)
{
    struct frame_marks free_marks = {0}, owned = {0};
    unsigned long dom_frames = 0, accounted = 0;
    bool ok = false;

    if (!marks_init(&free_marks, c->h->nr_frames) || !marks_init(&owned, c->h->nr_frames)) {
        ok = check_fail(c, "checker: out of memory");
        goto out;
    }
    if (!check_free_lists(c, &free_marks) || !check_owners(c, &dom_frames))
        goto out;
    for (unsigned int i = 0; i < nr; i++)
        if (!check_domain_memory(c, doms[i], &owned, &accounted))
            goto out;
    ok = dom_frames == accounted || report_stray_frame(c, &owned);
out:
    free(free_marks.w);
    free(owned.w);
    return ok;
}
