/*
 * xa_plan(): where a VM should go, from a snapshot of the host.
 *
 *  1. One node if the VM fits on one: the node with the least unclaimed
 *     memory that still holds it (best fit leaves the big holes for big
 *     VMs), lowest id on a tie.
 *  2. Otherwise the fewest nodes that hold it together -- k, found by
 *     adding the largest nodes until they hold it -- and among the sets
 *     of k nodes that hold it the one with the smallest sum of pairwise
 *     SLIT distances.  Ties go to the set with less unclaimed memory (best
 *     fit again), then to the lowest node ids.  Up to 8 nodes every set
 *     is tried; above that, a nearest-neighbour expansion from every node
 *     (add the node closest to those chosen until they hold the VM), plus
 *     the k largest nodes so that a set of k is always among them.
 *  3. If all nodes together cannot hold it: every node's unclaimed memory
 *     and a GLOBAL entry for the rest, if the request allows it; else
 *     ENOMEM.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/human_size.h"
#include "xa_private.h"

#define EXHAUSTIVE_MAX_NODES 8

/* A candidate node set. */
struct cand {
    uint64_t mask;
    unsigned int size;
    uint64_t cost;  /* sum over pairs of d(i,j) + d(j,i) */
    uint64_t space; /* unclaimed pages of its nodes */
};

/* The plan's one-line reason; a long node list is cut short. */
static void __attribute__((format(printf, 2, 3))) reason(struct xa_plan *p, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(p->reason, sizeof(p->reason), fmt, ap);
    va_end(ap);
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static struct cand make_cand(const struct xa_host_state *s, uint64_t mask)
{
    struct cand c = {.mask = mask};

    for (unsigned int i = 0; i < s->topology.nr_nodes; i++) {
        if (!(mask >> i & 1))
            continue;
        c.size++;
        c.space = sat_add(c.space, s->unclaimed[i]);
        for (unsigned int j = i + 1; j < s->topology.nr_nodes; j++)
            if (mask >> j & 1)
                c.cost += (uint64_t)s->topology.distance[i][j] + s->topology.distance[j][i];
    }
    return c;
}

/* Is a better than b: fewer nodes, closer, tighter, lower ids. */
static int better(const struct cand *a, const struct cand *b)
{
    uint64_t diff;

    if (a->size != b->size)
        return a->size < b->size;
    if (a->cost != b->cost)
        return a->cost < b->cost;
    if (a->space != b->space)
        return a->space < b->space;
    diff = a->mask ^ b->mask;
    return diff && (a->mask & diff & (~diff + 1));
}

static void consider(const struct xa_host_state *s, uint64_t pages, uint64_t mask,
                     struct cand *best)
{
    struct cand c = make_cand(s, mask);

    if (c.space >= pages && (!best->mask || better(&c, best)))
        *best = c;
}

/* The k nodes with the most unclaimed memory (lowest id on a tie). */
static uint64_t largest_nodes(const struct xa_host_state *s, unsigned int k)
{
    uint64_t mask = 0;

    for (unsigned int n = 0; n < k; n++) {
        int pick = -1;

        for (unsigned int i = 0; i < s->topology.nr_nodes; i++)
            if (!(mask >> i & 1) && (pick < 0 || s->unclaimed[i] > s->unclaimed[pick]))
                pick = (int)i;
        mask |= 1ULL << pick;
    }
    return mask;
}

/* Grow a set from start by the nearest node until it holds pages. */
static uint64_t expand_from(const struct xa_host_state *s, unsigned int start, uint64_t pages)
{
    uint64_t mask = 1ULL << start, space = s->unclaimed[start];

    while (space < pages) {
        uint64_t best_d = UINT64_MAX;
        int pick = -1;

        for (unsigned int j = 0; j < s->topology.nr_nodes; j++) {
            uint64_t d = 0;

            if ((mask >> j & 1) || !s->unclaimed[j])
                continue;
            for (unsigned int i = 0; i < s->topology.nr_nodes; i++)
                if (mask >> i & 1)
                    d += (uint64_t)s->topology.distance[i][j] + s->topology.distance[j][i];
            if (pick < 0 || d < best_d || (d == best_d && s->unclaimed[j] > s->unclaimed[pick])) {
                pick = (int)j;
                best_d = d;
            }
        }
        if (pick < 0)
            break;
        mask |= 1ULL << pick;
        space = sat_add(space, s->unclaimed[pick]);
    }
    return mask;
}

static struct cand choose_nodes(const struct xa_host_state *s, uint64_t pages, unsigned int k)
{
    struct cand best = {0};
    unsigned int n = s->topology.nr_nodes;

    if (n <= EXHAUSTIVE_MAX_NODES) {
        for (uint64_t mask = 1; mask < (1ULL << n); mask++)
            if ((unsigned int)__builtin_popcountll(mask) == k)
                consider(s, pages, mask, &best);
        return best;
    }
    consider(s, pages, largest_nodes(s, k), &best);
    for (unsigned int i = 0; i < n; i++)
        if (s->unclaimed[i])
            consider(s, pages, expand_from(s, i, pages), &best);
    return best;
}

/* "0+1+3" (sep "+") or "0-3,5" (ranges) for a node mask. */
static void format_nodes(uint64_t mask, int ranges, char *buf, size_t len)
{
    size_t used = 0;

    buf[0] = '\0';
    for (unsigned int i = 0; i < 64 && used < len; i++) {
        unsigned int j = i;

        if (!(mask >> i & 1))
            continue;
        while (ranges && j + 1 < 64 && (mask >> (j + 1) & 1))
            j++;
        if (j >= i + 2)
            used += (size_t)snprintf(buf + used, len - used, "%s%u-%u", used ? "," : "", i, j);
        else
            used += (size_t)snprintf(buf + used, len - used, "%s%u",
                                     used ? (ranges ? "," : "+") : "", i);
        if (j >= i + 2)
            i = j;
    }
}

static void add_vnode(struct xa_plan *p, uint64_t pages, uint32_t pnode)
{
    p->vnodes[p->nr_vnodes++] = (struct xg_vnode){.pages = pages, .pnode = pnode};
    p->claims[p->nr_claims++] = (memory_claim_t){
        .pages = pages,
        .target = pnode == XG_ANY_NODE ? XEN_DOMCTL_CLAIM_MEMORY_GLOBAL : pnode,
    };
}

/* Vnodes (and their claims) in node order, except that the odd one (the
 * one whose size is not a granule multiple; m for none) goes last so that
 * every other vnode starts on a granule boundary; then the GLOBAL part. */
static void lay_out(struct xa_plan *p, const uint64_t *share, const unsigned int *node,
                    unsigned int m, unsigned int odd, uint64_t global)
{
    for (unsigned int i = 0; i < m; i++)
        if (i != odd)
            add_vnode(p, share[i], node[i]);
    if (odd < m)
        add_vnode(p, share[odd], node[odd]);
    if (global)
        add_vnode(p, global, XG_ANY_NODE);
    p->global_pages = global;
}

/* The fewest nodes that hold pages: the largest ones, added in turn. */
static unsigned int min_nodes(const struct xa_host_state *s, uint64_t pages)
{
    uint64_t space = 0, used = 0;
    unsigned int k = 0;

    while (space < pages && k < s->topology.nr_nodes) {
        uint64_t next = largest_nodes(s, k + 1) & ~used;

        used |= next;
        space = sat_add(space, s->unclaimed[__builtin_ctzll(next)]);
        k++;
    }
    return k;
}

static int plan_one(const struct xa_host_state *s, uint64_t pages, struct xa_plan *p)
{
    char have[32], want[32];
    int best = -1;

    for (unsigned int i = 0; i < s->topology.nr_nodes; i++)
        if (s->unclaimed[i] >= pages && (best < 0 || s->unclaimed[i] < s->unclaimed[best]))
            best = (int)i;
    if (best < 0)
        return -1;
    lay_out(p, &pages, (const unsigned int[]){(unsigned int)best}, 1, 0, 0);
    cs_human_size(s->unclaimed[best], have, sizeof(have));
    cs_human_size(pages, want, sizeof(want));
    reason(p, "fits node %d (best fit: %s unclaimed for %s)", best, have, want);
    return 0;
}

static int plan_many(const struct xa_host_state *s, uint64_t pages, struct xa_plan *p)
{
    uint64_t room[XG_MAX_VNODES], share[XG_MAX_VNODES];
    unsigned int node[XG_MAX_VNODES], m = 0, odd;
    char nodes[128], held[32], split[128];
    struct cand c = choose_nodes(s, pages, min_nodes(s, pages));
    size_t used = 0;

    for (unsigned int i = 0; i < s->topology.nr_nodes; i++)
        if (c.mask >> i & 1) {
            node[m] = i;
            room[m++] = s->unclaimed[i];
        }
    /* A minimal set always splits (no node can end up with nothing, or
     * the others would hold the VM without it); refuse rather than
     * trust that blindly. */
    if (!m || !xa_split_memory(pages, room, m, share, &odd)) {
        errno = ENOMEM;
        return -1;
    }
    lay_out(p, share, node, m, odd, 0);

    format_nodes(c.mask, 0, nodes, sizeof(nodes));
    cs_human_size(c.space, held, sizeof(held));
    split[0] = '\0';
    for (unsigned int i = 0; i < p->nr_vnodes && used < sizeof(split); i++) {
        char one[32];

        cs_human_size(p->vnodes[i].pages, one, sizeof(one));
        used += (size_t)snprintf(split + used, sizeof(split) - used, "%s%s on %u", i ? " + " : "",
                                 one, p->vnodes[i].pnode);
    }
    reason(p, "needs %u nodes: %s (distance%s %llu) hold %s: %s", m, nodes, m > 2 ? "s sum" : "",
           (unsigned long long)(c.cost / 2), held, split);
    return 0;
}

static int plan_global(const struct xa_host_state *s, const struct xa_request *req,
                       struct xa_plan *p)
{
    uint64_t share[XG_MAX_VNODES], mask = 0, space = 0;
    unsigned int node[XG_MAX_VNODES], m = 0;
    char nodes[128], want[32], have[32], rest[32];

    for (unsigned int i = 0; i < s->topology.nr_nodes; i++)
        if (s->unclaimed[i]) {
            mask |= 1ULL << i;
            node[m] = i;
            share[m++] = s->unclaimed[i];
            space += s->unclaimed[i];
        }
    /* One vnode per node and one for the GLOBAL part must fit the spec:
     * on a host where all 64 nodes have memory, the smallest node's part
     * joins the GLOBAL part. */
    if (m == XG_MAX_VNODES) {
        unsigned int low = 0;

        for (unsigned int i = 1; i < m; i++)
            if (share[i] < share[low])
                low = i;
        mask &= ~(1ULL << node[low]);
        space -= share[low];
        memmove(&share[low], &share[low + 1], (m - low - 1) * sizeof(share[0]));
        memmove(&node[low], &node[low + 1], (m - low - 1) * sizeof(node[0]));
        m--;
    }
    cs_human_size(req->pages, want, sizeof(want));
    cs_human_size(space, have, sizeof(have));
    cs_human_size(req->pages - space, rest, sizeof(rest));
    format_nodes(mask, 1, nodes, sizeof(nodes));
    if (!req->allow_global) {
        reason(p, "no node set holds %s: the nodes have %s unclaimed, no host-wide entry allowed",
               want, have);
        errno = ENOMEM;
        return -1;
    }
    lay_out(p, share, node, m, m, req->pages - space);
    if (m)
        reason(p, "no node set holds %s: %s on node%s %s + %s host-wide", want, have,
               m == 1 ? "" : "s", nodes, rest);
    else
        reason(p, "no node set holds %s: no node has memory, %s host-wide", want, rest);
    return 0;
}

/* Append to the reason; a remark that does not fit ends in "...". */
static void __attribute__((format(printf, 2, 3))) remark(struct xa_plan *p, const char *fmt, ...)
{
    size_t used = strlen(p->reason), room = sizeof(p->reason) - used;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(p->reason + used, room, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n >= room && sizeof(p->reason) > 4)
        memcpy(p->reason + sizeof(p->reason) - 4, "...", 4);
}

/* "0", "0 and 2", "0, 2 and 3": the vnodes (or nodes) whose bit is set. */
static void list_ids(uint64_t mask, char *buf, size_t len)
{
    unsigned int n = (unsigned int)__builtin_popcountll(mask), k = 0;
    size_t used = 0;

    buf[0] = '\0';
    for (unsigned int i = 0; i < 64 && used < len; i++)
        if (mask >> i & 1)
            used += (size_t)snprintf(buf + used, len - used, "%s%u",
                                     !k++     ? ""
                                     : k == n ? " and "
                                              : ", ",
                                     i);
}

/*
 * vCPUs by memory, within the nodes' CPUs when known and enough (the
 * host-wide vnode runs anywhere).  A layout the vCPUs cannot make whole
 * is not hidden: memory-only vnodes and vnodes with more vCPUs than
 * their node's CPUs are named in the reason.
 */
static void split_vcpus(const struct xa_host_state *s, const struct xa_request *req,
                        struct xa_plan *plan)
{
    /* Zeroed: GCC cannot see that n <= XG_MAX_VNODES entries are read. */
    uint64_t pages[XG_MAX_VNODES] = {0}, idle = 0, over = 0;
    unsigned int cpus[XG_MAX_VNODES] = {0}, n = plan->nr_vnodes, have = 0;
    bool known = false;
    char ids[128];

    for (unsigned int i = 0; i < s->topology.nr_nodes; i++)
        known = known || s->topology.node_cpus[i];
    for (unsigned int i = 0; i < n; i++) {
        uint32_t node = plan->vnodes[i].pnode;

        pages[i] = plan->vnodes[i].pages;
        cpus[i] = node < s->topology.nr_nodes ? s->topology.node_cpus[node] : UINT_MAX;
        have += node < s->topology.nr_nodes ? s->topology.node_cpus[node] : 0;
    }
    xa_split_vcpus(req->vcpus, pages, known ? cpus : NULL, n, plan->vnode_vcpus);
    for (unsigned int i = 0; i < n; i++) {
        idle |= (uint64_t)!plan->vnode_vcpus[i] << i;
        over |= (uint64_t)(known && plan->vnode_vcpus[i] > cpus[i]) << i;
    }
    if (idle) {
        list_ids(idle, ids, sizeof(ids));
        bool many = idle & (idle - 1);

        remark(plan, "; vnode%s %s memory-only (%s)", many ? "s" : "", ids,
               req->vcpus < n ? "fewer vCPUs than vnodes"
               : many         ? "their nodes have no CPUs"
                              : "its node has no CPUs");
    }
    if (over) {
        list_ids(over, ids, sizeof(ids));
        remark(plan,
               "; %u vCPUs, %u CPUs on the nodes that hold the memory: vnode%s %s %s more "
               "vCPUs than CPUs",
               req->vcpus, have, over & (over - 1) ? "s" : "", ids,
               over & (over - 1) ? "have" : "has");
    }
}

int xa_plan(const struct xa_host_state *state, const struct xa_request *req, struct xa_plan *plan)
{
    uint64_t space = 0;
    int rc;

    if (!state || !req || !plan || !req->pages || !req->vcpus || !state->topology.nr_nodes ||
        state->topology.nr_nodes > XG_MAX_VNODES) {
        errno = EINVAL;
        return -1;
    }
    memset(plan, 0, sizeof(*plan));
    for (unsigned int i = 0; i < state->topology.nr_nodes; i++)
        space = sat_add(space, state->unclaimed[i]);

    if (!plan_one(state, req->pages, plan))
        rc = 0;
    else if (space >= req->pages)
        rc = plan_many(state, req->pages, plan);
    else
        rc = plan_global(state, req, plan);
    if (rc)
        return -1;

    split_vcpus(state, req, plan);
    return 0;
}
