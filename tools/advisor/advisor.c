/*
 * The advisor on a live host: reading the host's state through the
 * public API, and planning plus claiming as one step.
 *
 * Why plan + claim cannot over-commit: the plan is only advice; the claim
 * set is what reserves memory, and the hypervisor installs a set all or
 * nothing under its heap lock, checking each node entry against that
 * node's unclaimed memory at that instant.  Two callers that planned on
 * the same snapshot both ask for it; the second gets ENOMEM, reads the
 * host again (now showing the first one's claims) and plans around them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/human_size.h"
#include "xa_private.h"

#define DEFAULT_ATTEMPTS 8

int xa_read_host_state(xc_interface *xch, struct xa_host_state *state)
{
    xc_numa_meminfo_t info[XG_MAX_VNODES];
    uint32_t distance[XG_MAX_VNODES * XG_MAX_VNODES];
    unsigned int nr = XG_MAX_VNODES, nr_dist;

    if (!xch || !state) {
        errno = EINVAL;
        return -1;
    }
    if (xc_numa_meminfo(xch, &nr, info))
        return -1;
    nr_dist = nr;
    if (xc_numainfo(xch, &nr_dist, NULL, distance))
        return -1;
    /* The topology never changes; a mismatch is a library bug. */
    if (nr_dist != nr || !nr) {
        errno = EIO;
        return -1;
    }
    memset(state, 0, sizeof(*state));
    state->topology.nr_nodes = nr;
    for (unsigned int i = 0; i < nr; i++) {
        state->topology.node_pages[i] = info[i].size >> XC_PAGE_SHIFT;
        state->unclaimed[i] =
            info[i].free > info[i].claimed ? (info[i].free - info[i].claimed) >> XC_PAGE_SHIFT : 0;
        /* SLIT values are one byte; the call widens them. */
        for (unsigned int j = 0; j < nr; j++)
            state->topology.distance[i][j] = (uint8_t)distance[i * nr + j];
    }
    return 0;
}

void xa_host_state_init(struct xa_host_state *state, const struct claimset_topology *t)
{
    if (!state)
        return;
    memset(state, 0, sizeof(*state));
    if (!t)
        return;
    state->topology = *t;
    for (unsigned int i = 0; i < t->nr_nodes && i < XG_MAX_VNODES; i++)
        state->unclaimed[i] = t->node_pages[i];
}

/*
 * Count the domain's own node claims as unclaimed: its new set replaces
 * them, and the hypervisor credits them the same way, so a domain that
 * re-plans (after a race, or to reshape its claim) is not pushed away
 * from memory it already holds for itself.
 */
static int credit_own_claims(xc_interface *xch, uint32_t domid, struct xa_host_state *state)
{
    memory_claim_t own[XG_MAX_VNODES + 1];
    uint32_t nr = XG_MAX_VNODES + 1;

    if (xc_domain_get_claims(xch, domid, &nr, own))
        return -1;
    for (uint32_t i = 0; i < nr; i++)
        if (own[i].target < state->topology.nr_nodes)
            state->unclaimed[own[i].target] += own[i].pages;
    return 0;
}

/*
 * The reason of a plan whose claim set the hypervisor refused `tries`
 * times, from the figures at hand (no further hypercalls: the caller may
 * count them).  A set larger than all nodes' unclaimed memory can never
 * be granted (D28); otherwise the memory went to claims that no node
 * shows (host-wide ones) or to builders that claimed first.
 */
static void refused_reason(const struct xa_host_state *state, struct xa_plan *plan,
                           unsigned int tries)
{
    uint64_t total = 0, nodes = 0;
    char a[HUMAN_SIZE_LEN], b[HUMAN_SIZE_LEN];

    for (unsigned int i = 0; i < plan->nr_claims; i++)
        total += plan->claims[i].pages;
    for (unsigned int n = 0; n < state->topology.nr_nodes; n++)
        nodes += state->unclaimed[n];
    cs_human_size(total, a, sizeof(a));
    cs_human_size(nodes, b, sizeof(b));
    if (total > nodes)
        snprintf(plan->reason, sizeof(plan->reason),
                 "claim set refused: %s asked, all nodes have %s unclaimed (host-wide claims "
                 "cannot exceed that)",
                 a, b);
    else
        snprintf(plan->reason, sizeof(plan->reason),
                 "claim set refused %u time%s: %s asked, the nodes have %s unclaimed, but "
                 "host-wide claims or other builders took it",
                 tries, tries == 1 ? "" : "s", a, b);
}

int xa_place_and_claim(xc_interface *xch, uint32_t domid, const struct xa_request *req,
                       unsigned int attempts, struct xa_plan *plan)
{
    struct xa_host_state state;

    if (!xch || !req || !plan) {
        errno = EINVAL;
        return -1;
    }
    if (!attempts)
        attempts = DEFAULT_ATTEMPTS;
    for (unsigned int a = 0; a < attempts; a++) {
        if (xa_read_host_state(xch, &state) || credit_own_claims(xch, domid, &state))
            return -1;
        if (xa_plan(&state, req, plan))
            return -1;
        if (!xc_domain_claim_memory(xch, domid, plan->nr_claims, plan->claims))
            return 0;
        /* Anything but "someone else got there first" is final. */
        if (errno != ENOMEM)
            return -1;
    }
    refused_reason(&state, plan, attempts);
    errno = ENOMEM;
    return -1;
}
