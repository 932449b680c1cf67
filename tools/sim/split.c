/*
 * A build's guest memory cut into pieces for modelled time (des.c): each
 * piece is populated by calls of its own, so that a large build's
 * populate is many short steps that let other builders in between, the
 * way a preemptible hypercall does.  Kept apart from the schedule: the
 * builder (build.c) needs it, and the schedule calls the builder.
 */
#include <string.h>

#include "sim/sim_private.h"

/*
 * Cut the spec's vnodes into pieces of at most `piece` pages, piece a
 * multiple of 1 GiB large enough that everything fits XG_MAX_VNODES.
 * Cuts fall on 1 GiB-aligned guest frames (the layout starts at base_gfn
 * 0), where no extent of any order crosses, so the pieces are populated
 * with exactly the extents of the whole.
 */
void sim_des_split(struct xg_build_spec *spec)
{
    struct xg_vnode in[XG_MAX_VNODES];
    unsigned int nin = spec->nr_vnodes, room, out = 0;
    uint64_t total = 0, piece, gfn = spec->base_gfn;

    if (!nin) {
        in[0] = (struct xg_vnode){.pages = spec->pages, .pnode = XG_ANY_NODE};
        nin = 1;
    } else {
        memcpy(in, spec->vnodes, nin * sizeof(in[0]));
    }
    for (unsigned int i = 0; i < nin; i++)
        total += in[i].pages;
    if (2 * nin >= XG_MAX_VNODES || gfn % SIM_PAGES_1G)
        return;
    /* Each vnode adds at most two ragged pieces to total / piece. */
    room = XG_MAX_VNODES - 2 * nin;
    piece = (total + (uint64_t)room * SIM_PAGES_1G - 1) / ((uint64_t)room * SIM_PAGES_1G);
    piece = (piece ? piece : 1) * SIM_PAGES_1G;
    for (unsigned int i = 0; i < nin; i++) {
        uint64_t end = gfn + in[i].pages;

        while (gfn < end && out < XG_MAX_VNODES) {
            uint64_t cut = (gfn / piece + 1) * piece;

            if (cut > end)
                cut = end;
            spec->vnodes[out++] = (struct xg_vnode){.pages = cut - gfn, .pnode = in[i].pnode};
            gfn = cut;
        }
    }
    spec->nr_vnodes = out;
    spec->pages = 0;
}
