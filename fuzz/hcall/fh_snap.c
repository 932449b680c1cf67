/*
 * "Nothing changed": a snapshot of everything a refused hypercall must
 * leave alone -- the host's counters (statistics aside: refused calls are
 * counted), each domain's information (present or not, pages, limits,
 * claims per node, affinity, pause state, physmap size) and every frame's
 * owner and offline state.  The frame table makes it stronger than the
 * counters alone: a frame freed and another allocated would balance the
 * counts but not the owners.
 *
 * Not part of it: the search hint for the next free domain id, which a
 * createdomain whose copy-back failed moves on (as Xen's does).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <hv/check.h>
#include <hv/heap.h>

#include "fh.h"

void fh_snap_take(struct host *h, struct fh_snap *s)
{
    domid_t ids[FH_MAX_DOMS];
    unsigned int nr = 0;

    /* Every byte compared is written: the counters and frame tables
     * here, each domain's information by domain_get_info(). */
    memset(&s->c, 0, sizeof(s->c));
    host_get_counters(h, &s->c);
    memset(&s->c.stats, 0, sizeof(s->c.stats));
    s->nr_doms = 0;
    memset(s->owner, 0, sizeof(s->owner));
    memset(s->offline, 0, sizeof(s->offline));

    hv_lock(&h->heap_lock);
    for (struct domain *d = h->heap_domains; d && nr < FH_MAX_DOMS; d = d->heap_next)
        ids[nr++] = d->domain_id;
    for (mfn_t m = 0; m < h->nr_frames && m < FH_MAX_FRAMES; m++) {
        s->owner[m] = frame_owner_of(h, m);
        s->offline[m] = offline_flags_locked(h, m);
    }
    hv_unlock(&h->heap_lock);

    /* By domid, so that two snapshots line up whatever the list order. */
    for (unsigned int i = 1; i < nr; i++)
        for (unsigned int j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
            domid_t t = ids[j];

            ids[j] = ids[j - 1];
            ids[j - 1] = t;
        }
    for (unsigned int i = 0; i < nr; i++) {
        struct domain *d = domain_get(h, ids[i]);

        if (d) {
            domain_get_info(d, &s->dom[s->nr_doms++]);
            domain_put(d);
        }
    }
}

const struct domain_info *fh_snap_dom(const struct fh_snap *s, domid_t id)
{
    for (unsigned int i = 0; i < s->nr_doms; i++)
        if (s->dom[i].domid == id)
            return &s->dom[i];
    return NULL;
}

static const char *dom_diff(const struct domain_info *a, const struct domain_info *b, char *buf,
                            size_t len)
{
    snprintf(buf, len,
             "domain %u changed: tot_pages %lu -> %lu, max_pages %lu -> %lu, claims %lu -> %lu "
             "(global %lu -> %lu), paused %d -> %d, dying %d -> %d, affinity %#" PRIx64
             " -> %#" PRIx64 ", p2m tables %lu -> %lu",
             a->domid, a->tot_pages, b->tot_pages, a->max_pages, b->max_pages, a->outstanding_pages,
             b->outstanding_pages, a->global_claims, b->global_claims, a->paused, b->paused,
             a->dying, b->dying, a->node_affinity, b->node_affinity, a->p2m_tables, b->p2m_tables);
    return buf;
}

const char *fh_snap_diff(const struct fh_snap *a, const struct fh_snap *b, char *buf, size_t len)
{
    if (memcmp(&a->c, &b->c, sizeof(a->c))) {
        snprintf(buf, len,
                 "host counters changed: avail %lu -> %lu, claims %lu -> %lu, scrub %lu -> %lu",
                 a->c.total_avail_pages, b->c.total_avail_pages, a->c.outstanding_claims,
                 b->c.outstanding_claims, a->c.scrub_pages, b->c.scrub_pages);
        return buf;
    }
    for (unsigned int i = 0, j = 0; i < a->nr_doms || j < b->nr_doms; i++, j++) {
        if (i >= a->nr_doms || j >= b->nr_doms || a->dom[i].domid != b->dom[j].domid) {
            snprintf(buf, len, "domains changed: %u -> %u domains, first differing id %u -> %u",
                     a->nr_doms, b->nr_doms, i < a->nr_doms ? a->dom[i].domid : 0xFFFF,
                     j < b->nr_doms ? b->dom[j].domid : 0xFFFF);
            return buf;
        }
        if (memcmp(&a->dom[i], &b->dom[j], sizeof(a->dom[i])))
            return dom_diff(&a->dom[i], &b->dom[j], buf, len);
    }
    for (unsigned int m = 0; m < FH_MAX_FRAMES; m++) {
        if (a->owner[m] != b->owner[m] || a->offline[m] != b->offline[m]) {
            snprintf(buf, len, "frame %u changed: owner %#x -> %#x, offline %#x -> %#x", m,
                     a->owner[m], b->owner[m], a->offline[m], b->offline[m]);
            return buf;
        }
    }
    return NULL;
}

void fh_check_invariants(struct host *h, const char *what)
{
    char report[512];

    if (!host_check(h, CHECK_DEEP, report, sizeof(report)))
        fz_fail("after %s: invariant violated: %s", what, report);
}

static void forget_scrub(struct fh_snap *s)
{
    s->c.scrub_pages = 0;
    memset(s->c.node_need_scrub, 0, sizeof(s->c.node_need_scrub));
}

static void expect_unchanged(struct fh_world *w, const char *what, long rc, bool scrub_aside)
{
    char diff[512];

    fh_snap_take(w->h, w->after);
    if (scrub_aside) {
        forget_scrub(w->before);
        forget_scrub(w->after);
    }
    if (fh_snap_diff(w->before, w->after, diff, sizeof(diff)))
        fz_fail("%s returned %ld but changed the host: %s", what, rc, diff);
}

void fh_expect_unchanged(struct fh_world *w, const char *what, long rc)
{
    expect_unchanged(w, what, rc, false);
}

void fh_expect_unchanged_but_scrub(struct fh_world *w, const char *what, long rc)
{
    expect_unchanged(w, what, rc, true);
}
