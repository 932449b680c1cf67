/*
 * A running guest's balloon driver.  Each step picks a new seeded target
 * between the guest's minimum and maximum and moves towards it through
 * the guest's own handle (populate and decrease on DOMID_SELF, no claim),
 * in 2 MiB extents where guest frames are aligned and 4 KiB ones at the
 * ragged ends -- as a Linux balloon driver would.
 *
 * The guest's memory is the gfn prefix [0, cur): growing populates from
 * cur upwards, shrinking gives back from the top.  When the host cannot
 * give what a step asks for (memory is short, or claimed by others), the
 * guest keeps what it got; that is normal and counted, not an error.
 */
#include <errno.h>
#include <string.h>

#include "sim/sim_private.h"

#define BATCH 512UL

int sim_balloon_open(struct sim_balloon *b, claimset_host *host, uint32_t domid,
                     const struct sim_balloon_spec *spec, uint64_t seed, unsigned int index)
{
    memset(b, 0, sizeof(*b));
    b->xch = claimset_xc_open(host, domid);
    if (!b->xch)
        return -1;
    b->domid = domid;
    b->cur = spec->start_pages;
    b->min = spec->min_pages;
    b->max = spec->max_pages;
    /* Every guest its own stream: the same targets under every policy. */
    sim_rng_init(&b->rng, seed, ((uint64_t)SIM_STREAM_BALLOON << 16) + index);
    return 0;
}

void sim_balloon_close(struct sim_balloon *b)
{
    xc_interface_close(b->xch);
    b->xch = NULL;
}

/* Populate n extents of order from gfn up; returns extents done or -1. */
static long grow_run(struct sim_balloon *b, uint64_t gfn, unsigned long n, unsigned int order)
{
    for (unsigned long i = 0; i < n; i++)
        b->gfns[i] = gfn + ((uint64_t)i << order);
    return xc_domain_populate_physmap(b->xch, DOMID_SELF, n, order, 0, b->gfns);
}

static int grow(struct sim_balloon *b, uint64_t target)
{
    while (b->cur < target) {
        uint64_t gfn = b->cur;
        unsigned int order = 0;
        unsigned long n;
        long done;

        if (gfn % SIM_PAGES_2M == 0 && target - gfn >= SIM_PAGES_2M) {
            order = 9;
            n = (unsigned long)((target - gfn) / SIM_PAGES_2M);
        } else {
            uint64_t stop = (gfn | (SIM_PAGES_2M - 1)) + 1;

            n = (unsigned long)((stop < target ? stop : target) - gfn);
        }
        if (n > BATCH)
            n = BATCH;
        done = grow_run(b, gfn, n, order);
        if (done < 0)
            return -1;
        b->cur += (uint64_t)done << order;
        b->grown += (uint64_t)done << order;
        if ((unsigned long)done < n) {
            b->refused += target - b->cur;
            return 0;
        }
    }
    return 0;
}

static int shrink(struct sim_balloon *b, uint64_t target)
{
    while (b->cur > target) {
        uint64_t top = b->cur, base;
        unsigned int order = 0;
        unsigned long n;
        long done;

        if (top % SIM_PAGES_2M == 0 && top - target >= SIM_PAGES_2M) {
            order = 9;
            n = (unsigned long)((top - target) / SIM_PAGES_2M);
            if (n > BATCH)
                n = BATCH;
            base = top - ((uint64_t)n << order);
        } else {
            /* 4 KiB pages down to the 2 MiB boundary below top. */
            uint64_t floor = (top - 1) & ~(SIM_PAGES_2M - 1);

            base = floor > target ? floor : target;
            if (top - base > BATCH)
                base = top - BATCH;
            n = (unsigned long)(top - base);
        }
        for (unsigned long i = 0; i < n; i++)
            b->gfns[i] = base + ((uint64_t)i << order);
        done = xc_domain_decrease_reservation(b->xch, DOMID_SELF, n, order, b->gfns);
        if (done < 0)
            return -1;
        if ((unsigned long)done != n) {
            /* Every frame of the prefix is the guest's: this is a bug. */
            errno = EIO;
            return -1;
        }
        b->cur = base;
        b->shrunk += (uint64_t)n << order;
    }
    return 0;
}

int sim_balloon_step(struct sim_balloon *b)
{
    uint64_t target = b->min + sim_rng_below(&b->rng, b->max - b->min + 1);

    if (target > b->cur)
        return grow(b, target);
    return shrink(b, target);
}
