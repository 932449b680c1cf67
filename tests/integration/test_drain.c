/*
 * claimset drain through its engine (sim_drain_run): a small pool, one
 * host drained onto two others; the run's nodes are the receiving hosts'
 * nodes; every VM lands on one receiving host; claim sets keep every
 * page on its planned node; the same seed gives byte-identical results;
 * bad pools are refused before anything runs.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <claimset/claimset.h>

#include "out/out.h"
#include "sim/sim.h"
#include "sim/sim_results.h"
#include "sim_json_util.h"
#include "simtest.h"
#include "test.h"

#define HOST "64M,64M;distances=10,21,21,10"

static void small_pool(struct sim_drain_config *dc)
{
    sim_drain_config_init(dc);
    dc->base.topology = simt_topology(HOST);
    dc->base.check_level = CLAIMSET_CHECK_COUNTERS;
    dc->hosts = 3;
    dc->drained = 1;
}

TEST(a_drained_host_lands_on_the_others_and_claim_sets_keep_their_nodes)
{
    struct sim_drain_config dc;
    struct sim_run a, b;
    char err[256], *ja, *jb;

    small_pool(&dc);
    ASSERT_EQ(sim_drain_run(&dc, &a, err, sizeof(err)), 0);
    EXPECT_STREQ(a.command, "drain");
    EXPECT_EQ(a.topo.nr_nodes, 4u);       /* two receiving hosts of two nodes */
    EXPECT_EQ(a.topo.distance[0][2], 0u); /* different hosts: no path */
    EXPECT_EQ(a.topo.distance[0][1], 21u);
    ASSERT_EQ(a.nr_policies, 5u);
    for (unsigned int i = 0; i < a.nr_policies; i++) {
        const struct sim_policy_result *p = &a.policies[i];

        ASSERT_GT(p->nr_vms, 0u);
        EXPECT_EQ(p->vms_built + p->vms_refused_claim + p->vms_failed_populate, p->vms_total);
        for (size_t v = 0; v < p->nr_vms; v++) {
            const struct sim_vm_result *vm = &p->vms[v];
            uint64_t h1 = vm->node_pages[0] + vm->node_pages[1],
                     h2 = vm->node_pages[2] + vm->node_pages[3];

            EXPECT_TRUE(!strncmp(vm->plan, "host 1: ", 8) || !strncmp(vm->plan, "host 2: ", 8));
            /* A VM's memory is on one host, the one its plan names. */
            EXPECT_TRUE(!h1 || !h2);
            if (vm->outcome == SIM_BUILT)
                EXPECT_EQ(h1 + h2, vm->pages);
        }
    }
    EXPECT_STREQ(a.policies[3].name, "claim-sets");
    EXPECT_EQ(a.policies[3].pages_on_intended_node, a.policies[3].intended_pages);
    EXPECT_EQ(a.policies[3].vms_failed_populate, 0u);

    ASSERT_EQ(sim_drain_run(&dc, &b, err, sizeof(err)), 0);
    ja = sim_json_modelled(&a);
    jb = sim_json_modelled(&b);
    ASSERT_TRUE(ja && jb);
    EXPECT_STREQ(ja, jb);
    free(ja);
    free(jb);
    sim_run_free(&a);
    sim_run_free(&b);
}

TEST(bad_pools_are_refused)
{
    struct sim_drain_config dc;
    struct sim_run run;
    char err[256];

    small_pool(&dc);
    dc.drained = 3;
    EXPECT_EQ(sim_drain_run(&dc, &run, err, sizeof(err)), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_CONTAINS(err, "--drain");
    EXPECT_EQ(run.nr_policies, 0u);

    small_pool(&dc);
    dc.hosts = SIM_MAX_POOL_HOSTS + 1;
    EXPECT_EQ(sim_drain_run(&dc, &run, err, sizeof(err)), -1);
    EXPECT_CONTAINS(err, "--hosts");

    small_pool(&dc);
    dc.nr_topologies = 2; /* for three hosts */
    dc.topologies[0] = dc.topologies[1] = simt_topology(HOST);
    EXPECT_EQ(sim_drain_run(&dc, &run, err, sizeof(err)), -1);
    EXPECT_CONTAINS(err, "--host");
}

/* Hosts of their own: a bigger third host takes more of the VMs. */
TEST(each_host_its_own_topology)
{
    struct sim_drain_config dc;
    struct sim_run run;
    char err[256];

    small_pool(&dc);
    dc.nr_topologies = 3;
    dc.topologies[0] = simt_topology(HOST);
    dc.topologies[1] = simt_topology(HOST);
    dc.topologies[2] = simt_topology("128M,128M;distances=10,21,21,10");
    ASSERT_EQ(sim_drain_run(&dc, &run, err, sizeof(err)), 0);
    EXPECT_EQ(run.topo.nr_nodes, 4u);
    EXPECT_EQ(run.topo.node_pages[0], 16384u);
    EXPECT_EQ(run.topo.node_pages[2], 32768u);
    /* The pool in words is the run's topology text in every report (no
     * topology text describes several hosts). */
    {
        char text[OUT_TOPOLOGY_LEN], *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);

        EXPECT_STREQ(out_topology_text(&run, text, sizeof(text)),
                     "3 hosts, 1 drained, 2 receiving: host 1 64MiB,64MiB;distances=10,21,21,10; "
                     "host 2 128MiB,128MiB;distances=10,21,21,10");
        ASSERT_TRUE(f != NULL);
        ASSERT_EQ(out_table(f, &run), 0);
        fclose(f);
        EXPECT_CONTAINS(buf, "  topology:  3 hosts, 1 drained, 2 receiving: host 1 64MiB");
        free(buf);
    }
    {
        const struct sim_policy_result *p = &run.policies[3];
        uint64_t on1 = 0, on2 = 0;

        for (size_t v = 0; v < p->nr_vms; v++) {
            on1 += p->vms[v].node_pages[0] + p->vms[v].node_pages[1];
            on2 += p->vms[v].node_pages[2] + p->vms[v].node_pages[3];
        }
        EXPECT_GT(on2, on1);
    }
    sim_run_free(&run);
}
