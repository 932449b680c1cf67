/*
 * Dividing a VM between the nodes the planner chose.
 *
 * Memory follows each node's unclaimed memory, so every node keeps the
 * same fraction of what it had free.  Shares are then rounded to whole
 * 1 GiB multiples: the builder lays vnodes out one after the other, so a
 * vnode whose size is a 1 GiB multiple lets the next one start on a
 * 1 GiB boundary in guest space, and every vnode can be populated with
 * 1 GiB extents.  The part below 1 GiB goes to one node only, placed last
 * in the layout.  When the nodes' room does not allow 1 GiB multiples,
 * 2 MiB multiples keep 2 MiB extents usable; failing that, exact pages.
 */
#include <string.h>

#include "xa_private.h"

typedef unsigned __int128 u128;

int xa_apportion(uint64_t units, const uint64_t *weight, const uint64_t *cap, unsigned int n,
                 uint64_t *out)
{
    u128 total = 0;
    u128 rem[XG_MAX_VNODES + 1]; /* fractional parts, in units of 1 / total */
    uint64_t given = 0;

    if (!n || n > XG_MAX_VNODES + 1)
        return -1;
    for (unsigned int i = 0; i < n; i++)
        total += weight[i];
    if (!total)
        return -1;
    for (unsigned int i = 0; i < n; i++) {
        u128 exact = (u128)units * weight[i];
        uint64_t whole = (uint64_t)(exact / total);

        out[i] = whole < cap[i] ? whole : cap[i];
        rem[i] = whole < cap[i] ? exact % total : 0;
        given += out[i];
    }
    while (given < units) {
        int best = -1;

        for (unsigned int i = 0; i < n; i++)
            if (out[i] < cap[i] && (best < 0 || rem[i] > rem[best]))
                best = (int)i;
        if (best < 0)
            return -1;
        out[best]++;
        rem[best] = 0;
        given++;
    }
    return 0;
}

/* One attempt at granule g: 0 and the shares, or -1. */
static int split_at(uint64_t pages, uint64_t g, const uint64_t *room, unsigned int n,
                    uint64_t *share, unsigned int *odd)
{
    uint64_t cap[XG_MAX_VNODES], units[XG_MAX_VNODES], caps = 0, q = pages / g, r = pages % g;
    int last = -1;

    for (unsigned int i = 0; i < n; i++) {
        cap[i] = room[i] / g;
        caps += cap[i];
    }
    if (caps < q || xa_apportion(q, room, cap, n, units))
        return -1;
    /* The odd part goes to the highest node that has room for it. */
    for (unsigned int i = 0; i < n; i++)
        if (room[i] - units[i] * g >= r)
            last = (int)i;
    if (last < 0)
        return -1;
    for (unsigned int i = 0; i < n; i++) {
        share[i] = units[i] * g + ((int)i == last ? r : 0);
        if (!share[i])
            return -1;
    }
    *odd = (unsigned int)last;
    return 0;
}

uint64_t xa_split_memory(uint64_t pages, const uint64_t *room, unsigned int n, uint64_t *share,
                         unsigned int *odd)
{
    static const uint64_t granules[] = {XA_PAGES_1G, XA_PAGES_2M, 1};

    for (unsigned int i = 0; i < sizeof(granules) / sizeof(granules[0]); i++)
        if (!split_at(pages, granules[i], room, n, share, odd))
            return granules[i];
    return 0;
}

/* The vnode with the most memory among those without a vCPU whose cap
 * allows one (any such vnode when none has room), lowest index on a tie;
 * -1 when every vnode has one. */
static int largest_without(const uint64_t *pages, const uint64_t *cap, unsigned int n,
                           const unsigned int *out)
{
    int best = -1;

    for (int pass = 0; pass < 2 && best < 0; pass++)
        for (unsigned int i = 0; i < n; i++)
            if (!out[i] && (pass || cap[i]) && (best < 0 || pages[i] > pages[best]))
                best = (int)i;
    return best;
}

bool xa_split_vcpus(unsigned int vcpus, const uint64_t *pages, const unsigned int *cpus,
                    unsigned int n, unsigned int *out)
{
    /* Zeroed: GCC cannot see that xa_apportion() only reads cap[0..n). */
    uint64_t cap[XG_MAX_VNODES] = {0}, none[XG_MAX_VNODES] = {0}, share[XG_MAX_VNODES] = {0};
    uint64_t room = 0;
    bool within = true;

    memset(out, 0, n * sizeof(*out));
    for (unsigned int i = 0; i < n; i++) {
        cap[i] = cpus ? cpus[i] : UINT64_MAX;
        none[i] = UINT64_MAX;
        room += cap[i] < vcpus ? cap[i] : vcpus;
    }
    if (vcpus < n) {
        /* One each for the vcpus largest vnodes that have CPUs. */
        for (unsigned int k = 0; k < vcpus; k++)
            out[largest_without(pages, cap, n, out)] = 1;
    } else {
        /* By memory, within the nodes' CPUs when they are enough. */
        if (room < vcpus || xa_apportion(vcpus, pages, cap, n, share)) {
            if (xa_apportion(vcpus, pages, none, n, share)) {
                /* No weights (no real vnode has no memory): evenly. */
                for (unsigned int i = 0; i < n; i++)
                    share[i] = vcpus / n + (i < vcpus % n);
            }
        }
        for (unsigned int i = 0; i < n; i++)
            out[i] = (unsigned int)share[i];
        /* At least one each: a vnode proportion left without one takes
         * it from the vnode with the most (lowest index on a tie).  With
         * vcpus >= n such a vnode always has two or more. */
        for (unsigned int i = 0; i < n; i++) {
            unsigned int most = 0;

            if (out[i] || !cap[i])
                continue;
            for (unsigned int j = 1; j < n; j++)
                if (out[j] > out[most])
                    most = j;
            out[most]--;
            out[i] = 1;
        }
    }
    for (unsigned int i = 0; i < n; i++)
        within = within && out[i] <= cap[i];
    return within;
}
