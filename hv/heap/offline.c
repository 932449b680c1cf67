/*
 * Page offlining (XEN_SYSCTL_page_offline_op) and the claim recall it may
 * force.  A free frame leaves the heap at once; an allocated one is marked
 * pending and leaves when freed; offlined frames can be brought back
 * unless broken.  Status words follow Xen's PG_OFFLINE_* layout.
 */
#include <errno.h>

#include <xen/sysctl.h>

#include <hv/claims.h>
#include <hv/config.h>
#include <hv/heap.h>

#include "freelist.h"
#include "offline_set.h"

/*
 * Take the free frame mfn out of its buddy: the chunk holding it is split
 * around it, the other halves going back to the free lists, then the frame
 * leaves the available pool.  Claims are recalled if the node or the host
 * now has less available memory than is claimed (implementation.rst).
 */
static void reserve_offlined_page(struct host *h, nodeid_t node, mfn_t mfn)
{
    struct heap_node *hn = &h->node[node];
    mfn_t head;
    int order = freelist_chunk_of(hn, mfn, &head);

    BUG_ON(order < 0);
    freelist_rem(hn, head, (unsigned int)order);
    while (order > 0) {
        mfn_t upper;

        order--;
        upper = head + ORDER_PAGES(order);
        if (mfn < upper) {
            freelist_add(hn, upper, (unsigned int)order);
        } else {
            freelist_add(hn, head, (unsigned int)order);
            head = upper;
        }
    }

    if (hbitmap_test(&h->dirty, mfn)) {
        hbitmap_clear(&h->dirty, mfn);
        h->node_need_scrub[node]--;
    }
    frames_set_owner_locked(h, mfn, 1, OWNER_OFFLINED);
    hn->offlined++;
    h->node_avail_pages[node]--;
    h->total_avail_pages--;
    claims_recall_locked(h, node);
}

int offline_page(struct host *h, mfn_t mfn, bool broken, uint32_t *status)
{
    uint8_t extra = broken ? OFFLINE_BROKEN : 0;
    owner_t owner;
    int rc = 0;

    if (mfn >= h->nr_frames)
        return -EINVAL;
    *status = 0;
    if (mfn == 0) {
        /* Frame 0 belongs to the hypervisor for good (Xen's fixed pages). */
        *status = PG_OFFLINE_XENPAGE | PG_OFFLINE_FAILED | (DOMID_XEN << PG_OFFLINE_OWNER_SHIFT);
        return -EPERM;
    }

    hv_lock(&h->heap_lock);
    owner = frame_owner_of(h, mfn);
    if (owner == OWNER_FREE) {
        rc = offline_add(&h->offline, mfn, OFFLINE_OFFLINED | extra);
        if (!rc) {
            reserve_offlined_page(h, host_mfn_to_node(h, mfn), mfn);
            *status = PG_OFFLINE_OFFLINED;
        }
    } else if (owner == OWNER_OFFLINED) {
        rc = offline_add(&h->offline, mfn, extra);
        *status = PG_OFFLINE_OFFLINED;
    } else {
        /* Allocated: it goes offline when its owner frees it. */
        rc = offline_add(&h->offline, mfn, OFFLINE_PENDING | extra);
        if (owner == OWNER_XEN)
            *status =
                PG_OFFLINE_XENPAGE | PG_OFFLINE_PENDING | (DOMID_XEN << PG_OFFLINE_OWNER_SHIFT);
        else
            *status = PG_OFFLINE_OWNED | PG_OFFLINE_PENDING |
                      ((uint32_t)(owner - 1) << PG_OFFLINE_OWNER_SHIFT);
    }
    if (rc)
        *status = PG_OFFLINE_FAILED;
    else if (broken)
        *status |= PG_OFFLINE_BROKEN;
    hv_unlock(&h->heap_lock);
    host_call_done(h);
    return rc;
}

int online_page(struct host *h, mfn_t mfn, uint32_t *status)
{
    struct offline_entry *e;
    int rc = 0;

    if (mfn >= h->nr_frames)
        return -EINVAL;
    *status = 0;

    hv_lock(&h->heap_lock);
    e = offline_find(&h->offline, mfn);
    if (e && (e->flags & OFFLINE_BROKEN)) {
        *status = PG_ONLINE_FAILED | PG_ONLINE_BROKEN;
        rc = -EINVAL;
    } else if (e && (e->flags & OFFLINE_OFFLINED)) {
        nodeid_t node = host_mfn_to_node(h, mfn);

        offline_remove(&h->offline, mfn);
        h->node[node].offlined--;
        heap_free_chunk_locked(h, node, mfn, 0, false);
        *status = PG_ONLINE_ONLINED;
    } else if (e) {
        offline_remove(&h->offline, mfn); /* pending: simply cancelled */
        *status = PG_ONLINE_ONLINED;
    }
    hv_unlock(&h->heap_lock);
    host_call_done(h);
    return rc;
}

int query_page_offline(struct host *h, mfn_t mfn, uint32_t *status)
{
    const struct offline_entry *e;

    if (mfn >= h->nr_frames || mfn == 0)
        return -EINVAL;
    *status = 0;
    hv_lock(&h->heap_lock);
    e = offline_find(&h->offline, mfn);
    if (e && (e->flags & OFFLINE_PENDING))
        *status |= PG_OFFLINE_STATUS_OFFLINE_PENDING;
    if (e && (e->flags & OFFLINE_BROKEN))
        *status |= PG_OFFLINE_STATUS_BROKEN;
    if (e && (e->flags & OFFLINE_OFFLINED))
        *status |= PG_OFFLINE_STATUS_OFFLINED;
    hv_unlock(&h->heap_lock);
    return 0;
}
