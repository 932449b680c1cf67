/*
 * Plans for VMs that arrive with a vNUMA layout of their own (incoming
 * migrations), and plan helpers shared by the policies.
 *
 * A migrating guest already believes in its virtual nodes, so each vnode
 * should land on one physical node: the node whose unclaimed memory fits
 * it most tightly (as the advisor's best fit), lowest id on a tie, each
 * vnode planned on what the previous ones left.  A vnode that no node can
 * hold gets what the roomiest node can give (whole 2 MiB) and the rest
 * "anywhere"; the policy decides whether it accepts such a plan (only
 * claim-sets+global does, with a host-wide entry for the rest).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/human_size.h"
#include "sim/sim_private.h"

static void add_part(struct xa_plan *p, uint64_t pages, uint32_t pnode, unsigned int vcpus)
{
    p->vnodes[p->nr_vnodes] = (struct xg_vnode){.pages = pages, .pnode = pnode};
    p->vnode_vcpus[p->nr_vnodes++] = vcpus;
}

/* Claim entries: one per node (vnodes sharing a node add up), then the
 * host-wide rest. */
static void make_claims(struct xa_plan *p)
{
    uint64_t per_node[XG_MAX_VNODES] = {0};

    p->nr_claims = 0;
    p->global_pages = 0;
    for (unsigned int i = 0; i < p->nr_vnodes; i++) {
        if (p->vnodes[i].pnode == XG_ANY_NODE)
            p->global_pages += p->vnodes[i].pages;
        else
            per_node[p->vnodes[i].pnode] += p->vnodes[i].pages;
    }
    for (unsigned int n = 0; n < XG_MAX_VNODES; n++)
        if (per_node[n])
            p->claims[p->nr_claims++] = (memory_claim_t){.pages = per_node[n], .target = n};
    if (p->global_pages)
        p->claims[p->nr_claims++] =
            (memory_claim_t){.pages = p->global_pages, .target = XEN_DOMCTL_CLAIM_MEMORY_GLOBAL};
}

int sim_plan_fixed_layout(const struct xa_host_state *s, const struct sim_vm_spec *vm,
                          struct xa_plan *plan)
{
    uint64_t room[XG_MAX_VNODES], rest[SIM_MAX_GUEST_VNODES];
    unsigned int rest_vcpus[SIM_MAX_GUEST_VNODES], nr_rest = 0;
    size_t used = 0;

    if (!s || !vm || !plan || !vm->nr_vnodes || vm->nr_vnodes > SIM_MAX_GUEST_VNODES ||
        !s->topology.nr_nodes || s->topology.nr_nodes > XG_MAX_VNODES) {
        errno = EINVAL;
        return -1;
    }
    memset(plan, 0, sizeof(*plan));
    memcpy(room, s->unclaimed, sizeof(room));

    for (unsigned int v = 0; v < vm->nr_vnodes; v++) {
        uint64_t want = vm->vnode_pages[v], take;
        int fit = -1, big = -1;
        char a[32], b[32];

        for (unsigned int n = 0; n < s->topology.nr_nodes; n++) {
            if (room[n] >= want && (fit < 0 || room[n] < room[fit]))
                fit = (int)n;
            if (big < 0 || room[n] > room[big])
                big = (int)n;
        }
        if (fit >= 0) {
            add_part(plan, want, (uint32_t)fit, vm->vnode_vcpus[v]);
            room[fit] -= want;
            used += (size_t)snprintf(plan->reason + used, sizeof(plan->reason) - used,
                                     "%svnode %u fits node %d", v ? "; " : "", v, fit);
        } else {
            take = room[big] & ~(SIM_PAGES_2M - 1);
            if (take)
                add_part(plan, take, (uint32_t)big, vm->vnode_vcpus[v]);
            rest[nr_rest] = want - take;
            rest_vcpus[nr_rest++] = take ? 0 : vm->vnode_vcpus[v];
            room[big] -= take;
            used += (size_t)snprintf(plan->reason + used, sizeof(plan->reason) - used,
                                     "%svnode %u (%s) fits no node: %s on node %d", v ? "; " : "",
                                     v, cs_human_size(want, a, sizeof(a)),
                                     cs_human_size(take, b, sizeof(b)), big);
        }
        if (used >= sizeof(plan->reason))
            used = sizeof(plan->reason) - 1;
    }
    /* The parts without a node go last: populated through node affinity,
     * they may land on a node where this VM claimed memory for a pinned
     * part, and an allocation retires the claim of its own node first --
     * populated before that part, they would eat its claim and leave it
     * short. */
    for (unsigned int i = 0; i < nr_rest; i++)
        add_part(plan, rest[i], XG_ANY_NODE, rest_vcpus[i]);
    make_claims(plan);
    return 0;
}

uint64_t sim_plan_node_mask(const struct xa_plan *plan)
{
    uint64_t mask = 0;

    for (unsigned int i = 0; i < plan->nr_vnodes; i++)
        if (plan->vnodes[i].pnode < 64)
            mask |= 1ULL << plan->vnodes[i].pnode;
    return mask;
}

void sim_plan_text(const struct xa_plan *plan, char *buf, size_t len)
{
    size_t used = 0;

    if (!len)
        return;
    buf[0] = '\0';
    for (unsigned int i = 0; i < plan->nr_vnodes && used < len; i++) {
        char size[32];

        cs_human_size(plan->vnodes[i].pages, size, sizeof(size));
        if (plan->vnodes[i].pnode == XG_ANY_NODE)
            used += (size_t)snprintf(buf + used, len - used, "%s%s anywhere", i ? " + " : "", size);
        else
            used += (size_t)snprintf(buf + used, len - used, "%s%s on %u", i ? " + " : "", size,
                                     plan->vnodes[i].pnode);
    }
}
