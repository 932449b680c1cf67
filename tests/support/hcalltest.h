/*
 * Helpers for the tests of the hypercall layer (test_hcall_*.c): a
 * snapshot of everything a refused hypercall must leave alone, and a way
 * to put a domain into the state it has while being destroyed.
 */
#ifndef CS_TESTS_HCALLTEST_H
#define CS_TESTS_HCALLTEST_H

#include <stdbool.h>
#include <stdint.h>

#include "hvtest.h"

#define HCT_SNAP_DOMS   8    /* domains 0..7 are enough for every test */
#define HCT_SNAP_FRAMES 8192 /* frames whose offline state is kept */

/*
 * "Nothing changed" means all of this is equal: the host's counters (its
 * statistics aside, which count refused calls too), each of domains
 * 0..HCT_SNAP_DOMS-1 (present or not, and its information) and the offline
 * state of the first HCT_SNAP_FRAMES frames.  Plain data, all bytes
 * written, so two snapshots compare with memcmp().
 */
struct hct_snap {
    struct host_counters c;
    bool present[HCT_SNAP_DOMS];
    struct domain_info d[HCT_SNAP_DOMS];
    uint8_t offline[HCT_SNAP_FRAMES];
};

void hct_snap_take(struct host *h, struct hct_snap *s);

/* Fail the current test, naming what differs, unless the host still
 * matches `before`; then run the invariant checker. */
#define HCT_EXPECT_UNCHANGED(h, before) hct_expect_unchanged(h, before, __FILE__, __LINE__)
void hct_expect_unchanged(struct host *h, const struct hct_snap *before, const char *file,
                          int line);

/*
 * Mark a domain as being destroyed without tearing it down: the state a
 * domain is in while Xen relinquishes its memory (the core's destroy is
 * synchronous, so this window cannot be reached otherwise).  It must hold
 * no claims; undo it before host_destroy().
 */
void hct_set_dying(struct domain *d, bool dying);

#endif /* CS_TESTS_HCALLTEST_H */
