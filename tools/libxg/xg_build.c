/*
 * The build state's two services to every step of a memory build: fault
 * injection before each hypercall, and reading back where the domain's
 * pages are.  The steps (meminit_claims.c, meminit_populate.c) and their
 * driver (meminit.c) all call them, so they live below all three.
 */
#include <errno.h>
#include <string.h>

#include <claimset/claimset.h>

#include "xg_private.h"

int xg_inject(struct xg_build *b, enum xg_op op)
{
    unsigned long nth = ++b->calls[op];

    if (!b->hooks || !b->hooks->inject)
        return 0;
    return b->hooks->inject(b->hooks->opaque, op, nth);
}

int xg_read_node_pages(struct xg_build *b, uint64_t *pages)
{
    unsigned int nr = XG_MAX_NODES;
    int e = xg_inject(b, XG_OP_READBACK);

    memset(pages, 0, XG_MAX_NODES * sizeof(*pages));
    if (e) {
        errno = e;
        return -1;
    }
    return claimset_domain_get_node_pages(b->xch, b->domid, &nr, pages);
}
