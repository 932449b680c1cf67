/*
 * The placement advisor: the pure planner on hand-made host states (best
 * fit, node sets by SLIT distance, the proportional split and its
 * rounding, vCPUs, the GLOBAL remainder, bad requests), reading a live
 * host, and plan + claim on a live host followed by a build of the plan.
 * The threaded race between planners is in tests/stress.
 */
#include <errno.h>
#include <string.h>

#include <claimset/advisor.h>

#include "integration/test_xc_util.h"

#define G(n)  ((uint64_t)(n) << 18) /* GiB in pages */
#define M2(n) ((uint64_t)(n) << 9)  /* 2 MiB units in pages */

/* The built-in default's distances: two sockets of two nodes. */
static const uint32_t SNC[4][4] = {
    {10, 12, 21, 21},
    {12, 10, 21, 21},
    {21, 21, 10, 12},
    {21, 21, 12, 10},
};

/* Four 64 GiB nodes in two sockets, with u0..u3 pages unclaimed. */
static struct xa_host_state state4(uint64_t u0, uint64_t u1, uint64_t u2, uint64_t u3)
{
    struct claimset_topology t;
    struct xa_host_state s;

    memset(&t, 0, sizeof(t));
    t.nr_nodes = 4;
    for (unsigned int i = 0; i < 4; i++) {
        t.node_pages[i] = G(64);
        for (unsigned int j = 0; j < 4; j++)
            t.distance[i][j] = (uint8_t)SNC[i][j];
    }
    xa_host_state_init(&s, &t);
    s.unclaimed[0] = u0;
    s.unclaimed[1] = u1;
    s.unclaimed[2] = u2;
    s.unclaimed[3] = u3;
    return s;
}

static struct xa_request req_of(uint64_t pages, unsigned int vcpus, int allow_global)
{
    struct xa_request r = {.pages = pages, .vcpus = vcpus, .allow_global = allow_global};

    return r;
}

/* Every plan: claims match the vnodes, vnodes fit their nodes, vCPUs add
 * up, and the memory adds up to the request. */
static void expect_well_formed(const struct xa_host_state *s, const struct xa_request *r,
                               const struct xa_plan *p)
{
    uint64_t sum = 0, global = 0, per_node[XG_MAX_VNODES] = {0};
    unsigned int vcpus = 0;

    ASSERT_EQ(p->nr_claims, p->nr_vnodes);
    for (unsigned int i = 0; i < p->nr_vnodes; i++) {
        const struct xg_vnode *v = &p->vnodes[i];

        EXPECT_GT(v->pages, 0);
        EXPECT_EQ(p->claims[i].pages, v->pages);
        EXPECT_EQ(p->claims[i].pad, 0);
        sum += v->pages;
        vcpus += p->vnode_vcpus[i];
        if (v->pnode == XG_ANY_NODE) {
            EXPECT_EQ(p->claims[i].target, XEN_DOMCTL_CLAIM_MEMORY_GLOBAL);
            global += v->pages;
        } else {
            EXPECT_EQ(p->claims[i].target, v->pnode);
            ASSERT_TRUE(v->pnode < s->topology.nr_nodes);
            per_node[v->pnode] += v->pages;
        }
    }
    for (unsigned int n = 0; n < s->topology.nr_nodes; n++)
        EXPECT_LE(per_node[n], s->unclaimed[n]);
    EXPECT_EQ(sum, r->pages);
    EXPECT_EQ(global, p->global_pages);
    EXPECT_EQ(vcpus, r->vcpus);
    EXPECT_TRUE(p->reason[0] != '\0');
    EXPECT_TRUE(strchr(p->reason, '\n') == NULL);
}

/* ------------------------------------------------------------------ */
/* One node                                                            */

TEST(plan_single_node_is_the_best_fit)
{
    struct xa_host_state s = state4(G(10), G(6), G(8), G(6));
    struct xa_request r = req_of(G(5), 4, 0);
    struct xa_plan p;

    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    expect_well_formed(&s, &r, &p);
    /* Nodes 1 and 3 fit most tightly; the lower id wins. */
    ASSERT_EQ(p.nr_vnodes, 1);
    EXPECT_EQ(p.vnodes[0].pnode, 1);
    EXPECT_EQ(p.vnode_vcpus[0], 4);
    EXPECT_EQ(p.global_pages, 0);
    EXPECT_CONTAINS(p.reason, "fits node 1");
    EXPECT_CONTAINS(p.reason, "6 GiB unclaimed");

    /* 7 GiB no longer fits nodes 1 and 3: node 2 is the best fit. */
    r.pages = G(7);
    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    EXPECT_EQ(p.vnodes[0].pnode, 2);
    /* Exactly a node's size fits it. */
    r.pages = G(10);
    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    EXPECT_EQ(p.vnodes[0].pnode, 0);
    EXPECT_EQ(p.nr_vnodes, 1);
}

/* ------------------------------------------------------------------ */
/* Several nodes                                                       */

TEST(plan_prefers_two_nodes_of_one_socket_over_a_cross_socket_pair)
{
    /* 60 GiB fits no node; pairs holding it: 0+1 (70, distance 12),
     * 0+2 (75, 21), 1+2 (85, 21).  The two largest nodes are 1+2. */
    struct xa_host_state s = state4(G(30), G(40), G(45), G(10));
    struct xa_request r = req_of(G(60), 8, 0);
    struct xa_plan p;

    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    expect_well_formed(&s, &r, &p);
    ASSERT_EQ(p.nr_vnodes, 2);
    EXPECT_EQ(p.vnodes[0].pnode, 0);
    EXPECT_EQ(p.vnodes[1].pnode, 1);
    EXPECT_CONTAINS(p.reason, "needs 2 nodes: 0+1 (distance 12)");
    EXPECT_CONTAINS(p.reason, "70 GiB");

    /* The socket 2+3 pair once it holds it and the other one does not. */
    s = state4(G(30), G(20), G(35), G(30));
    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    ASSERT_EQ(p.nr_vnodes, 2);
    EXPECT_EQ(p.vnodes[0].pnode, 2);
    EXPECT_EQ(p.vnodes[1].pnode, 3);
}

TEST(plan_uses_the_fewest_nodes_before_distance)
{
    /* 2 nodes of socket 0 cannot hold 90 GiB; 1+2 (cross-socket) can:
     * fewer nodes win over shorter distances. */
    struct xa_host_state s = state4(G(40), G(45), G(45), G(40));
    struct xa_request r = req_of(G(90), 2, 0);
    struct xa_plan p;

    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    expect_well_formed(&s, &r, &p);
    ASSERT_EQ(p.nr_vnodes, 2);
    EXPECT_EQ(p.vnodes[0].pnode, 1);
    EXPECT_EQ(p.vnodes[1].pnode, 2);

    /* Three nodes for 125 GiB: every trio holds it and every trio has
     * one same-socket pair (12 + 21 + 21), so the tighter fit wins --
     * 0+1+3 and 0+2+3 hold 125 -- and then the lower ids: 0+1+3. */
    r.pages = G(125);
    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    expect_well_formed(&s, &r, &p);
    ASSERT_EQ(p.nr_vnodes, 3);
    EXPECT_EQ(p.vnodes[0].pnode + p.vnodes[1].pnode + p.vnodes[2].pnode, 0 + 1 + 3);
    EXPECT_CONTAINS(p.reason, "needs 3 nodes: 0+1+3 (distances sum 54)");
}

TEST(plan_splits_in_proportion_rounded_to_whole_gib)
{
    /* 0+1 hold 30 + 40 GiB: 60 GiB splits 25.7 : 34.3, rounded to whole
     * GiB by largest remainder: 26 + 34. */
    struct xa_host_state s = state4(G(30), G(40), G(45), G(10));
    struct xa_request r = req_of(G(60), 8, 0);
    struct xa_plan p;

    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    EXPECT_EQ(p.vnodes[0].pages, G(26));
    EXPECT_EQ(p.vnodes[1].pages, G(34));
    EXPECT_EQ(p.claims[0].pages, G(26));
    EXPECT_EQ(p.claims[1].pages, G(34));

    /* 60.5 GiB: the odd half GiB goes to one node only -- the highest
     * with room, laid out last -- so node 0's vnode stays a GiB multiple
     * and node 1's starts on a GiB boundary. */
    r.pages = G(60) + G(1) / 2;
    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    expect_well_formed(&s, &r, &p);
    EXPECT_EQ(p.vnodes[0].pnode, 0);
    EXPECT_EQ(p.vnodes[0].pages, G(26));
    EXPECT_EQ(p.vnodes[1].pnode, 1);
    EXPECT_EQ(p.vnodes[1].pages, G(34) + G(1) / 2);
}

TEST(plan_odd_part_goes_last_even_when_a_lower_node_takes_it)
{
    /* Node 1 is full to the GiB after rounding (cap 40 units, gets 40?);
     * set up so only node 0 has room for the odd part. */
    struct xa_host_state s = state4(G(30) + G(1) / 2, G(31), 0, 0);
    struct xa_request r = req_of(G(61) + G(1) / 4, 2, 0);
    struct xa_plan p;

    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    expect_well_formed(&s, &r, &p);
    ASSERT_EQ(p.nr_vnodes, 2);
    /* Node 1 gets its 31 GiB, node 0 30 GiB plus the quarter, last. */
    EXPECT_EQ(p.vnodes[0].pnode, 1);
    EXPECT_EQ(p.vnodes[0].pages, G(31));
    EXPECT_EQ(p.vnodes[1].pnode, 0);
    EXPECT_EQ(p.vnodes[1].pages, G(30) + G(1) / 4);
}

TEST(plan_falls_back_to_2m_rounding_when_gib_rounding_cannot_fit)
{
    /* 2900 MiB on two nodes of 1.5 GiB: whole GiB leave 852 MiB that no
     * node has room for, so 2 MiB multiples: 1450 MiB each. */
    struct xa_host_state s = state4(G(1) + G(1) / 2, G(1) + G(1) / 2, 0, 0);
    struct xa_request r = req_of(M2(1450), 2, 0);
    struct xa_plan p;

    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    expect_well_formed(&s, &r, &p);
    ASSERT_EQ(p.nr_vnodes, 2);
    EXPECT_EQ(p.vnodes[0].pages, M2(725));
    EXPECT_EQ(p.vnodes[1].pages, M2(725));

    /* And to single pages when even 2 MiB does not fit: 3 pages more
     * than 2 MiB multiples allow on nodes with odd sizes. */
    s = state4(M2(3) + 1, M2(3) + 1, 0, 0);
    r = req_of(M2(6) + 2, 2, 0);
    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    expect_well_formed(&s, &r, &p);
    EXPECT_EQ(p.vnodes[0].pages, M2(3) + 1);
    EXPECT_EQ(p.vnodes[1].pages, M2(3) + 1);
}

TEST(plan_splits_vcpus_in_proportion_to_memory)
{
    struct xa_host_state s = state4(G(30), G(40), G(45), G(10));
    struct xa_request r = req_of(G(60), 8, 0);
    struct xa_plan p;

    /* 26 : 34 GiB of 8 vCPUs = 3.47 : 4.53 -> 3 + 5. */
    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    EXPECT_EQ(p.vnode_vcpus[0], 3);
    EXPECT_EQ(p.vnode_vcpus[1], 5);

    /* At least one each: 3 nodes, 3 vCPUs, very unequal memory. */
    s = state4(G(60), G(1), G(1), 0);
    s.topology.distance[0][1] = s.topology.distance[1][0] = 12;
    r = req_of(G(62), 3, 0);
    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    expect_well_formed(&s, &r, &p);
    ASSERT_EQ(p.nr_vnodes, 3);
    for (unsigned int i = 0; i < 3; i++)
        EXPECT_EQ(p.vnode_vcpus[i], 1);

    /* 4 vCPUs: 3.87 : 0.06 : 0.06 -> 4 : 0 : 0, then one each: 2 : 1 : 1. */
    r.vcpus = 4;
    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    EXPECT_EQ(p.vnode_vcpus[0], 2);
    EXPECT_EQ(p.vnode_vcpus[1], 1);
    EXPECT_EQ(p.vnode_vcpus[2], 1);
}

TEST(plan_with_fewer_vcpus_than_vnodes_leaves_memory_only_vnodes)
{
    struct xa_host_state s = state4(G(30), G(40), G(45), G(10));
    struct xa_request r = req_of(G(60), 1, 0);
    struct xa_plan p;

    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    expect_well_formed(&s, &r, &p);
    ASSERT_EQ(p.nr_vnodes, 2);
    /* The vCPU goes with the larger vnode (node 1's 34 GiB), and the
     * reason says why the other has none. */
    EXPECT_EQ(p.vnode_vcpus[0], 0);
    EXPECT_EQ(p.vnode_vcpus[1], 1);
    EXPECT_STREQ(p.reason, "needs 2 nodes: 0+1 (distance 12) hold 70 GiB: 26 GiB on 0 + 34 GiB "
                           "on 1; vnode 0 memory-only (fewer vCPUs than vnodes)");
    /* Enough vCPUs: nothing to say. */
    r.vcpus = 2;
    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    EXPECT_TRUE(strstr(p.reason, "memory-only") == NULL);
}

/* The host's CPUs, when known, bound each vnode's vCPUs. */
static void with_cpus(struct xa_host_state *s, unsigned int c0, unsigned int c1, unsigned int c2,
                      unsigned int c3)
{
    s->topology.node_cpus[0] = c0;
    s->topology.node_cpus[1] = c1;
    s->topology.node_cpus[2] = c2;
    s->topology.node_cpus[3] = c3;
}

TEST(plan_keeps_vcpus_within_the_nodes_cpus_when_they_suffice)
{
    struct xa_host_state s = state4(G(44), G(64), G(64), G(64));
    struct xa_request r = req_of(G(90), 30, 0);
    struct xa_plan p;

    /* By memory 37 : 53 GiB would be 12 : 18 vCPUs; node 1 has 16. */
    with_cpus(&s, 16, 16, 16, 16);
    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    expect_well_formed(&s, &r, &p);
    ASSERT_EQ(p.nr_vnodes, 2);
    EXPECT_EQ(p.vnode_vcpus[0], 14);
    EXPECT_EQ(p.vnode_vcpus[1], 16);
    EXPECT_TRUE(strstr(p.reason, "vCPUs") == NULL);
    /* Not known: by memory alone, as before. */
    with_cpus(&s, 0, 0, 0, 0);
    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    EXPECT_EQ(p.vnode_vcpus[0], 12);
    EXPECT_EQ(p.vnode_vcpus[1], 18);
}

TEST(plan_says_when_the_nodes_have_too_few_cpus)
{
    struct xa_host_state s = state4(G(64), G(64), G(64), G(64));
    struct xa_request r = req_of(G(100), 64, 0);
    struct xa_plan p;

    /* Memory decides the nodes (two); their 32 CPUs cannot take 64. */
    with_cpus(&s, 16, 16, 16, 16);
    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    expect_well_formed(&s, &r, &p);
    ASSERT_EQ(p.nr_vnodes, 2);
    EXPECT_EQ(p.vnode_vcpus[0], 32);
    EXPECT_EQ(p.vnode_vcpus[1], 32);
    EXPECT_STREQ(p.reason, "needs 2 nodes: 0+1 (distance 12) hold 128 GiB: 50 GiB on 0 + 50 GiB "
                           "on 1; 64 vCPUs, 32 CPUs on the nodes that hold the memory: vnodes 0 "
                           "and 1 have more vCPUs than CPUs");
    /* A node without CPUs (memory only) gets no vCPU when the others
     * have room, and the reason says why. */
    with_cpus(&s, 16, 0, 16, 16);
    r = req_of(G(100), 8, 0);
    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    expect_well_formed(&s, &r, &p);
    EXPECT_EQ(p.vnode_vcpus[0], 8);
    EXPECT_EQ(p.vnode_vcpus[1], 0);
    EXPECT_CONTAINS(p.reason, "; vnode 1 memory-only (its node has no CPUs)");
}

/* ------------------------------------------------------------------ */
/* Beyond the nodes                                                    */

TEST(plan_global_entry_for_what_no_node_holds)
{
    struct xa_host_state s = state4(G(64), G(64), G(64), G(64));
    struct xa_request r = req_of(G(300), 16, 1);
    struct xa_plan p;

    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    expect_well_formed(&s, &r, &p);
    ASSERT_EQ(p.nr_vnodes, 5);
    for (unsigned int i = 0; i < 4; i++) {
        EXPECT_EQ(p.vnodes[i].pnode, i);
        EXPECT_EQ(p.vnodes[i].pages, G(64));
    }
    EXPECT_EQ(p.vnodes[4].pnode, XG_ANY_NODE);
    EXPECT_EQ(p.global_pages, G(44));
    EXPECT_EQ(p.claims[4].target, XEN_DOMCTL_CLAIM_MEMORY_GLOBAL);
    EXPECT_STREQ(p.reason, "no node set holds 300 GiB: 256 GiB on nodes 0-3 + 44 GiB host-wide");
}

TEST(plan_enomem_without_global)
{
    struct xa_host_state s = state4(G(64), 0, G(64), G(64));
    struct xa_request r = req_of(G(200), 16, 0);
    struct xa_plan p;

    errno = 0;
    EXPECT_EQ(xa_plan(&s, &r, &p), -1);
    EXPECT_EQ(errno, ENOMEM);
    EXPECT_CONTAINS(p.reason, "no node set holds 200 GiB");
    EXPECT_EQ(p.nr_claims, 0);
    /* With a host-wide entry: the three nodes with memory, then 8 GiB. */
    r.allow_global = 1;
    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    expect_well_formed(&s, &r, &p);
    EXPECT_EQ(p.nr_vnodes, 4);
    EXPECT_EQ(p.global_pages, G(8));
    EXPECT_CONTAINS(p.reason, "on nodes 0,2,3 + 8 GiB host-wide");
}

TEST(plan_rejects_bad_requests)
{
    struct xa_host_state s = state4(G(1), G(1), G(1), G(1));
    struct xa_request r = req_of(100, 1, 0);
    struct xa_plan p;
    struct {
        uint64_t pages;
        unsigned int vcpus;
    } bad[] = {{0, 1}, {100, 0}, {0, 0}};

    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        struct xa_request b = req_of(bad[i].pages, bad[i].vcpus, 1);

        errno = 0;
        EXPECT_EQ(xa_plan(&s, &b, &p), -1);
        EXPECT_EQ(errno, EINVAL);
    }
    EXPECT_EQ(xa_plan(NULL, &r, &p), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(xa_plan(&s, NULL, &p), -1);
    EXPECT_EQ(xa_plan(&s, &r, NULL), -1);
    s.topology.nr_nodes = 0;
    EXPECT_EQ(xa_plan(&s, &r, &p), -1);
    EXPECT_EQ(errno, EINVAL);
    s.topology.nr_nodes = XG_MAX_VNODES + 1;
    EXPECT_EQ(xa_plan(&s, &r, &p), -1);
    EXPECT_EQ(errno, EINVAL);
}

/* Twelve nodes in four sockets of three: the greedy expansion must find
 * a socket that holds the VM rather than the largest nodes. */
TEST(plan_large_host_expands_to_the_nearest_nodes)
{
    struct xa_host_state s;
    struct xa_request r = req_of(G(50), 6, 0);
    struct xa_plan p;

    memset(&s, 0, sizeof(s));
    s.topology.nr_nodes = 12;
    for (unsigned int i = 0; i < 12; i++) {
        s.unclaimed[i] = G(20);
        for (unsigned int j = 0; j < 12; j++)
            s.topology.distance[i][j] = i == j ? 10 : i / 3 == j / 3 ? 12 : 30;
    }
    /* The largest nodes are spread over sockets 0, 1 and 3. */
    s.unclaimed[0] = G(30);
    s.unclaimed[4] = G(30);
    s.unclaimed[11] = G(30);
    /* Socket 2 (nodes 6-8) holds 20 + 20 + 20 -- but three nodes; two
     * large nodes hold 60 in two: fewest nodes first. */
    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    expect_well_formed(&s, &r, &p);
    ASSERT_EQ(p.nr_vnodes, 2);
    /* ...and the two closest of those: a large node and its neighbour. */
    EXPECT_EQ(p.vnodes[0].pnode / 3, p.vnodes[1].pnode / 3);

    /* 70 GiB needs three nodes anyway: socket 0's 30+20+20 is closest. */
    r.pages = G(70);
    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    expect_well_formed(&s, &r, &p);
    ASSERT_EQ(p.nr_vnodes, 3);
    for (unsigned int i = 0; i < 3; i++)
        EXPECT_EQ(p.vnodes[i].pnode / 3, 0);
    EXPECT_CONTAINS(p.reason, "distances sum 36");
}

/* A state made from a topology carries its shape unchanged and starts
 * with every node's memory unclaimed; NULLs are refused without harm. */
TEST(host_state_init_takes_the_shape_and_leaves_all_memory_unclaimed)
{
    struct claimset_topology t;
    struct xa_host_state s;
    struct xa_request r = req_of(G(10), 2, 0);
    struct xa_plan p;

    claimset_topology_default(&t);
    t.node_pages[2] = G(8);
    t.node_cpus[1] = 3;
    memset(&s, 0xa5, sizeof(s));
    xa_host_state_init(&s, &t);
    EXPECT_EQ(memcmp(&s.topology, &t, sizeof(t)), 0);
    for (unsigned int i = 0; i < t.nr_nodes; i++)
        EXPECT_EQ(s.unclaimed[i], t.node_pages[i]);
    for (unsigned int i = t.nr_nodes; i < XG_MAX_VNODES; i++)
        EXPECT_EQ(s.unclaimed[i], 0);
    /* Planning on it: best fit is the smallest node that holds 10 GiB --
     * node 2 is too small, so the first of the 64 GiB nodes. */
    ASSERT_EQ(xa_plan(&s, &r, &p), 0);
    ASSERT_EQ(p.nr_vnodes, 1);
    EXPECT_EQ(p.vnodes[0].pnode, 0);
    /* No topology: an empty state, which the planner refuses. */
    xa_host_state_init(&s, NULL);
    EXPECT_EQ(s.topology.nr_nodes, 0);
    EXPECT_EQ(xa_plan(&s, &r, &p), -1);
    EXPECT_EQ(errno, EINVAL);
    xa_host_state_init(NULL, &t); /* no state: nothing to do, no crash */
}

/* ------------------------------------------------------------------ */
/* On a live host                                                      */

/* Live hosts check counters after every call and everything at the end
 * (xt_done): deep checks after each 4 KiB extent would dominate. */
static claimset_host *ahost(const char *topology)
{
    return xt_host_level(topology, CLAIMSET_CHECK_COUNTERS);
}

#define TOPO4      "64M,64M,64M,64M;distances=10,12,21,21,12,10,21,21,21,21,10,12,21,21,12,10"
#define NODE_PAGES 16384ULL

TEST(read_host_state_sees_free_minus_claimed_and_distances)
{
    claimset_host *h = ahost(TOPO4);
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 10000);
    memory_claim_t set[] = {{.pages = 1000, .target = 2}, {.pages = 500, .target = XT_GLOBAL}};
    struct xa_host_state s;
    uint64_t gfn = 0;

    ASSERT_EQ(xc_domain_claim_memory(xch, domid, 2, set), 0);
    ASSERT_EQ(xt_populate(xch, domid, &gfn, 300, 0, XENMEMF_exact_node(3)), 300);
    ASSERT_EQ(xa_read_host_state(xch, &s), 0);
    EXPECT_EQ(s.topology.nr_nodes, 4);
    /* The shape: sizes as the host was made, CPUs not read. */
    for (unsigned int i = 0; i < 4; i++) {
        EXPECT_EQ(s.topology.node_pages[i], NODE_PAGES);
        EXPECT_EQ(s.topology.node_cpus[i], 0);
    }
    EXPECT_EQ(s.unclaimed[0], NODE_PAGES - 1); /* frame 0 */
    EXPECT_EQ(s.unclaimed[1], NODE_PAGES);
    EXPECT_EQ(s.unclaimed[2], NODE_PAGES - 1000);
    EXPECT_EQ(s.unclaimed[3], NODE_PAGES - 300);
    for (unsigned int i = 0; i < 4; i++)
        for (unsigned int j = 0; j < 4; j++)
            EXPECT_EQ(s.topology.distance[i][j], SNC[i][j]);
    EXPECT_EQ(xa_read_host_state(NULL, &s), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(xa_read_host_state(xch, NULL), -1);
    EXPECT_EQ(errno, EINVAL);
    xt_done(xch, h);
}

TEST(place_and_claim_installs_the_plan_and_the_build_follows_it)
{
    claimset_host *h = ahost(TOPO4);
    xc_interface *xch = xt_open(h);
    uint32_t filler = xt_domain(xch, 8192), domid = xt_domain(xch, 24576);
    struct xa_request r = req_of(24576, 4, 0);
    struct xg_build_spec spec;
    struct xg_build_report rep;
    struct xa_plan p;
    uint64_t gfn = 0;

    /* Node 1 is half full: socket 0 (nodes 0+1) holds 16383 + 8192 =
     * 24575 pages, one short; socket 1 (nodes 2+3) is the closest pair
     * that holds the VM, ahead of the cross-socket ones. */
    ASSERT_EQ(xt_populate(xch, filler, &gfn, 8192, 0, XENMEMF_exact_node(1)), 8192);
    ASSERT_EQ(xa_place_and_claim(xch, domid, &r, 0, &p), 0);
    ASSERT_EQ(p.nr_vnodes, 2);
    EXPECT_EQ(p.vnodes[0].pnode, 2);
    EXPECT_EQ(p.vnodes[1].pnode, 3);
    EXPECT_EQ(xt_claim_on(xch, domid, 2), p.vnodes[0].pages);
    EXPECT_EQ(xt_claim_on(xch, domid, 3), p.vnodes[1].pages);
    EXPECT_EQ(xt_dominfo(xch, domid).outstanding_pages, 24576);

    /* The builder re-installs the same set and lands exactly there. */
    memset(&spec, 0, sizeof(spec));
    spec.claim_mode = XG_CLAIM_SET;
    spec.nr_vnodes = p.nr_vnodes;
    memcpy(spec.vnodes, p.vnodes, sizeof(p.vnodes));
    ASSERT_EQ(xg_build_meminit(xch, domid, &spec, &rep), 0);
    EXPECT_EQ(rep.node_pages[2], p.vnodes[0].pages);
    EXPECT_EQ(rep.node_pages[3], p.vnodes[1].pages);
    EXPECT_EQ(rep.pages_on_intended_node, 24576);
    EXPECT_EQ(xt_outstanding(xch), 0);
    xt_done(xch, h);
}

TEST(place_and_claim_counts_the_domains_own_claims_as_room)
{
    claimset_host *h = ahost(TOPO4);
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 20000);
    struct xa_request r = req_of(16384, 2, 0);
    struct xa_plan p, again;

    /* First: best fit is node 1 (a whole node; node 0 lacks frame 0). */
    ASSERT_EQ(xa_place_and_claim(xch, domid, &r, 1, &p), 0);
    ASSERT_EQ(p.nr_vnodes, 1);
    EXPECT_EQ(p.vnodes[0].pnode, 1);
    /* Planning again for the same domain sees node 1 as still its own. */
    ASSERT_EQ(xa_place_and_claim(xch, domid, &r, 1, &again), 0);
    ASSERT_EQ(again.nr_vnodes, 1);
    EXPECT_EQ(again.vnodes[0].pnode, 1);
    EXPECT_EQ(xt_claim_on(xch, domid, 1), 16384);
    EXPECT_EQ(xt_outstanding(xch), 16384);
    xt_done(xch, h);
}

TEST(place_and_claim_errors)
{
    claimset_host *h = ahost(TOPO4);
    xc_interface *xch = xt_open(h);
    uint32_t small = xt_domain(xch, 10), domid = xt_domain(xch, 100000);
    struct xa_request r = req_of(1000, 1, 0);
    struct xa_plan p;
    struct xt_state before;

    /* max_pages below the request: the claim's EINVAL, no retry. */
    xt_snapshot(xch, small, &before);
    errno = 0;
    EXPECT_EQ(xa_place_and_claim(xch, small, &r, 3, &p), -1);
    EXPECT_EQ(errno, EINVAL);
    XT_EXPECT_UNCHANGED(xch, small, &before);
    /* More than the host: ENOMEM from the plan. */
    r.pages = 4 * NODE_PAGES;
    errno = 0;
    EXPECT_EQ(xa_place_and_claim(xch, domid, &r, 3, &p), -1);
    EXPECT_EQ(errno, ENOMEM);
    /* Allowed a GLOBAL part, the plan is made but the hypervisor refuses
     * it: a host never has more host-wide than on its nodes. */
    r.allow_global = 1;
    errno = 0;
    EXPECT_EQ(xa_place_and_claim(xch, domid, &r, 3, &p), -1);
    EXPECT_EQ(errno, ENOMEM);
    EXPECT_EQ(p.global_pages, 1);
    EXPECT_EQ(xt_outstanding(xch), 0);
    /* ...and the reason says why, not what the plan was. */
    EXPECT_STREQ(p.reason, "claim set refused: 256 MiB asked, all nodes have 255.99 MiB unclaimed "
                           "(host-wide claims cannot exceed that)");
    /* Bad arguments. */
    EXPECT_EQ(xa_place_and_claim(NULL, domid, &r, 0, &p), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(xa_place_and_claim(xch, domid, NULL, 0, &p), -1);
    EXPECT_EQ(xa_place_and_claim(xch, domid, &r, 0, NULL), -1);
    r.vcpus = 0;
    EXPECT_EQ(xa_place_and_claim(xch, domid, &r, 0, &p), -1);
    EXPECT_EQ(errno, EINVAL);
    xt_done(xch, h);
}

TEST(explain_refusal_names_the_rule_that_failed)
{
    claimset_host *h = ahost(TOPO4);
    xc_interface *xch = xt_open(h);
    uint32_t a = xt_domain(xch, 100000), b = xt_domain(xch, 100000);
    memory_claim_t a_set[] = {{.pages = 8192, .target = 2}, {.pages = 40000, .target = XT_GLOBAL}};
    memory_claim_t own = {.pages = 8192, .target = 2};
    memory_claim_t node_big = {.pages = 16384, .target = 2};
    memory_claim_t spread[] = {{.pages = 12000, .target = 1}, {.pages = 12000, .target = 3}};
    memory_claim_t legacy = {.pages = 60000, .target = XEN_DOMCTL_CLAIM_MEMORY_LEGACY};
    memory_claim_t release = {.pages = 0, .target = XT_GLOBAL};
    memory_claim_t small = {.pages = 1, .target = 0}, bad = {.pages = 1, .target = 9};
    char why[XA_REASON_LEN];

    ASSERT_EQ(xc_domain_claim_memory(xch, a, 2, a_set), 0);
    ASSERT_EQ(xc_domain_claim_memory(xch, b, 1, &own), 0);
    /* A node entry beyond its node: node 2 has 16384 - 8192 (a) - 8192
     * (b) unclaimed, plus b's own 8192, which its new set replaces. */
    EXPECT_EQ(xc_domain_claim_memory(xch, b, 1, &node_big), -1);
    ASSERT_EQ(xa_explain_refusal(xch, b, &node_big, 1, why, sizeof(why)), 0);
    EXPECT_STREQ(why, "64 MiB asked of node 2, which has 32 MiB unclaimed");
    /* Each node has room, the host has not: a's host-wide claim shows on
     * no node.  65535 free - 56384 claimed + b's own 8192 = 17343. */
    EXPECT_EQ(xc_domain_claim_memory(xch, b, 2, spread), -1);
    ASSERT_EQ(xa_explain_refusal(xch, b, spread, 2, why, sizeof(why)), 0);
    EXPECT_STREQ(why, "93.75 MiB asked, the host has 67.74 MiB unclaimed");
    /* A legacy claim is a host-wide one: 65535 - 8192 (b) left. */
    ASSERT_EQ(xc_domain_claim_memory(xch, a, 1, &release), 0);
    EXPECT_EQ(xc_domain_claim_pages(xch, a, 60000), -1);
    ASSERT_EQ(xa_explain_refusal(xch, a, &legacy, 1, why, sizeof(why)), 0);
    EXPECT_STREQ(why, "234.37 MiB asked, the host has 223.99 MiB unclaimed");
    /* A claim that fits now was refused when the host was fuller. */
    ASSERT_EQ(xa_explain_refusal(xch, b, &small, 1, why, sizeof(why)), 0);
    EXPECT_STREQ(why, "4 KiB asked and the host has 255.99 MiB unclaimed now: the memory was "
                      "freed or unclaimed since");
    /* Bad arguments. */
    errno = 0;
    EXPECT_EQ(xa_explain_refusal(xch, b, &bad, 1, why, sizeof(why)), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(xa_explain_refusal(NULL, b, &small, 1, why, sizeof(why)), -1);
    EXPECT_EQ(xa_explain_refusal(xch, b, NULL, 1, why, sizeof(why)), -1);
    EXPECT_EQ(xa_explain_refusal(xch, b, &small, 1, NULL, 0), -1);
    EXPECT_EQ(errno, EINVAL);
    xt_done(xch, h);
}
