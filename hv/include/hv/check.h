/*
 * The invariant checker: one place that verifies everything the design's
 * accounting section states, plus page conservation, free-list sanity and
 * physmap consistency.
 *
 * CHECK_ACCOUNTING (under heap_lock only):
 *   - outstanding_claims == sum over domains of global + node claims
 *                        == sum of node_outstanding_claims[] + global claims
 *   - node_outstanding_claims[n] == sum over domains of claims[n]
 *   - d->node_claims == sum of d->claims[]
 *   - outstanding_claims <= total_avail_pages
 *   - node_outstanding_claims[n] <= node_avail_pages[n]
 *   - d->global_claims <= total_avail_pages, d->claims[n] <= node_avail_pages[n]
 *   - any claim held => tot_pages + claims <= max_pages
 *   - total_avail_pages == sum of node_avail_pages[]
 *   - per node: free + allocated + offlined == frames of the node, and
 *     free == node_avail_pages == sum of zone_avail[]
 *   - tot_pages == sum of node_pages[]; no claims on offline nodes; a
 *     dying domain holds no claim
 * CHECK_DEEP (all domains' page_alloc_locks, then heap_lock), also:
 *   - free chunks: aligned, inside one node and zone, not overlapping,
 *     no two free buddies of the same order left unmerged, frames owner
 *     FREE, chunk counts and zone_avail match, no offlined frame inside
 *   - every frame's owner matches: free chunks, offlined frames, domain
 *     physmaps and extra runs, hypervisor runs; nothing owned twice
 *   - node_need_scrub[n] == dirty frames among the node's free frames
 *   - p2m: each domain's mapped frames + extra == tot_pages + extra_pages,
 *     per node counts == node_pages[], every mapped frame owned by it
 */
#ifndef HV_CHECK_H
#define HV_CHECK_H

#include <stdbool.h>
#include <stddef.h>

struct host;

enum check_level {
    CHECK_NONE = 0,
    CHECK_ACCOUNTING = 1,
    CHECK_DEEP = 2,
};

/*
 * Check the host at the given level.  Takes the locks it needs, so the
 * caller holds no hypervisor lock.  Returns true when every invariant
 * holds; otherwise false with a report naming the first broken invariant
 * and its values.
 */
bool host_check(struct host *h, enum check_level level, char *report, size_t len);

/*
 * Run after every mutating call: checks at h->cfg.check_level and aborts
 * with the report if an invariant is broken.  No-op at level 0.
 */
void host_debug_check(struct host *h);

#endif /* HV_CHECK_H */
