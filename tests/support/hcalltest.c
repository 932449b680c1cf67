/* Helpers for the tests of the hypercall layer (see hcalltest.h). */
#include <stdatomic.h>
#include <string.h>

#include "hcalltest.h"

void hct_snap_take(struct host *h, struct hct_snap *s)
{
    memset(s, 0, sizeof(*s));
    host_get_counters(h, &s->c);
    memset(&s->c.stats, 0, sizeof(s->c.stats));
    for (domid_t id = 0; id < HCT_SNAP_DOMS; id++) {
        struct domain *d = domain_get(h, id);

        if (d) {
            s->present[id] = true;
            domain_get_info(d, &s->d[id]);
            domain_put(d);
        }
    }
    hv_lock(&h->heap_lock);
    for (mfn_t m = 0; m < h->nr_frames && m < HCT_SNAP_FRAMES; m++)
        s->offline[m] = offline_flags_locked(h, m);
    hv_unlock(&h->heap_lock);
}

void hct_expect_unchanged(struct host *h, const struct hct_snap *a, const char *file, int line)
{
    struct hct_snap after, *b = &after;

    hct_snap_take(h, b);
    if (memcmp(&a->c, &b->c, sizeof(b->c)))
        test_fail(file, line, "host counters changed (avail %lu -> %lu, claims %lu -> %lu)",
                  a->c.total_avail_pages, b->c.total_avail_pages, a->c.outstanding_claims,
                  b->c.outstanding_claims);
    for (unsigned int id = 0; id < HCT_SNAP_DOMS; id++)
        if (a->present[id] != b->present[id] || memcmp(&a->d[id], &b->d[id], sizeof(b->d[id])))
            test_fail(file, line,
                      "domain %u changed (present %d -> %d, tot_pages %lu -> %lu, claims %lu -> "
                      "%lu)",
                      id, a->present[id], b->present[id], a->d[id].tot_pages, b->d[id].tot_pages,
                      a->d[id].outstanding_pages, b->d[id].outstanding_pages);
    for (unsigned int m = 0; m < HCT_SNAP_FRAMES; m++)
        if (a->offline[m] != b->offline[m]) {
            test_fail(file, line, "offline state of frame %u changed (%#x -> %#x)", m,
                      a->offline[m], b->offline[m]);
            break;
        }
    hvt_expect_invariants(h);
}

void hct_set_dying(struct domain *d, bool dying)
{
    hv_lock(&d->page_alloc_lock);
    hv_lock(&d->host->heap_lock);
    atomic_store(&d->is_dying, dying);
    hv_unlock(&d->host->heap_lock);
    hv_unlock(&d->page_alloc_lock);
}
