/*
 * The Xen backend's own probe and claim call (tools/xen/probe.c, the
 * toolstack's adapter to a real Xen), run in dom0 of the claim-set Xen:
 * does the toolstack find claim sets there, and can it install one?
 * Compiled with the adapter's include path, apart from backend_xen.c.
 */
#include <errno.h>
#include <string.h>

#include "cs_xen.h"

#include "backend.h"

int cs_toolstack_probe(bool *claim_sets, int *probe_errno)
{
    struct cs_xen_backend b;

    if (cs_xen_probe(&b))
        return -errno;
    *claim_sets = b.claim_sets;
    *probe_errno = b.probe_errno;
    return 0;
}

int cs_toolstack_claim(uint32_t domid, uint32_t nr, const struct cs_claim *claims)
{
    memory_claim_t c[CS_MAX_NODES + 1];

    if (nr > CS_MAX_NODES + 1)
        return -E2BIG;
    memset(c, 0, sizeof(c));
    for (uint32_t i = 0; i < nr; i++) {
        c[i].pages = claims[i].pages;
        c[i].target = claims[i].target;
    }
    return cs_xen_claim_memory_raw(domid, nr, c) ? -errno : 0;
}
