/*
 * The simulator behind `claimset storm` and `claimset evacuate`, driven
 * through its engine (sim_run) on small hosts: reproducibility, the same
 * workload under every policy, each policy's defining property, the
 * accounting of the results, the placement metrics, ballooning, and
 * configuration errors.  Every run here asks sim_run to check each host's
 * invariants deeply after its policy (deep_check, off by default); a
 * broken host makes it fail.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <claimset/claimset.h>
#include <xenctrl.h>

#include "out/out.h"
#include "sim/sim.h"
#include "sim/sim_private.h"
#include "sim/sim_results.h"
#include "simtest.h"
#include "test.h"

#define TWO_NODES   "64M,64M;distances=10,21,21,10"
#define FOUR_NODES  "64M,64M,64M,64M;distances=10,12,21,21,12,10,21,21,21,21,10,12,21,21,12,10"
#define THREE_NODES "64M,64M,64M;distances=10,21,21,21,10,21,21,21,10"

static const char *const policy_names[] = {"none", "legacy", "single-node", "claim-sets",
                                           "claim-sets+global"};

/* A run that must succeed, every host checked deeply after its policy;
 * NULL (test failed) otherwise. */
static struct sim_run *run_ok(const struct sim_config *cfg)
{
    struct sim_run *run = calloc(1, sizeof(*run));
    struct sim_config checked = *cfg;
    char err[SIM_ERR_LEN];

    if (!run) {
        test_fail(__FILE__, __LINE__, "out of memory");
        return NULL;
    }
    checked.deep_check = true;
    if (sim_run(&checked, run, err, sizeof(err))) {
        test_fail(__FILE__, __LINE__, "sim_run failed: %s", err);
        sim_run_free(run);
        free(run);
        return NULL;
    }
    for (unsigned int i = 0; i < run->nr_policies; i++)
        if (!run->policies[i].deep_checked)
            test_fail(__FILE__, __LINE__, "policy %s: host not checked", run->policies[i].name);
    return run;
}

static void run_done(struct sim_run *run)
{
    if (run)
        sim_run_free(run);
    free(run);
}

static const struct sim_policy_result *policy(const struct sim_run *run, const char *name)
{
    for (unsigned int i = 0; i < run->nr_policies; i++)
        if (!strcmp(run->policies[i].name, name))
            return &run->policies[i];
    test_fail(__FILE__, __LINE__, "policy %s missing", name);
    return NULL;
}

/* The default storm on a small host.  Balloon steps populate 4 KiB
 * pages one extent at a time, so checking deeply after every call would
 * take minutes: counters during the run (sim_run still checks every host
 * deeply after its policy). */
static void small_storm(struct sim_config *cfg)
{
    sim_config_init(cfg, SIM_STORM);
    cfg->topology = simt_topology(FOUR_NODES);
    cfg->seed = 7;
    cfg->check_level = CLAIMSET_CHECK_COUNTERS;
}

/* ---- the size mix ---------------------------------------------------- */

TEST(size_mix_parses_sizes_weights_and_vcpus)
{
    struct sim_size_class c[SIM_MAX_SIZE_CLASSES];
    unsigned int nr = 0;
    char err[128];

    ASSERT_EQ(sim_parse_size_mix("2G:30,4GiB,48G:5:24,1536pages", c, &nr, err, sizeof(err)), 0);
    ASSERT_EQ(nr, 4u);
    EXPECT_EQ(c[0].pages, 2ULL << 18);
    EXPECT_EQ(c[0].weight, 30u);
    EXPECT_EQ(c[0].vcpus, 1u); /* one per 2 GiB */
    EXPECT_EQ(c[1].pages, 4ULL << 18);
    EXPECT_EQ(c[1].weight, 1u);
    EXPECT_EQ(c[1].vcpus, 2u);
    EXPECT_EQ(c[2].pages, 48ULL << 18);
    EXPECT_EQ(c[2].weight, 5u);
    EXPECT_EQ(c[2].vcpus, 24u);
    EXPECT_EQ(c[3].pages, 1536u);
    EXPECT_EQ(c[3].vcpus, 1u);
}

TEST(size_mix_rejects_bad_entries)
{
    static const char *const bad[] = {
        "",         "2G,",  ",2G",    "0",        "2X",
        "1000",     "2G:0", "2G:1:0", "2G:1:513", "2G::3",
        "2G:1:2:3", "2G:x", "-2G",    "2T",       "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17",
    };
    struct sim_size_class c[SIM_MAX_SIZE_CLASSES];
    unsigned int nr = 99;
    char err[128];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        EXPECT_EQ(sim_parse_size_mix(bad[i], c, &nr, err, sizeof(err)), -1);
        EXPECT_NE(strlen(err), 0u);
    }
    EXPECT_EQ(nr, 99u); /* untouched on error */
}

TEST(policy_names_round_trip)
{
    for (int i = 0; i < SIM_NR_POLICY_IDS; i++) {
        EXPECT_STREQ(sim_policy_name((enum sim_policy_id)i), policy_names[i]);
        EXPECT_EQ(sim_policy_lookup(policy_names[i]), i);
        EXPECT_TRUE(sim_policy_description((enum sim_policy_id)i) != NULL);
    }
    EXPECT_EQ(sim_policy_lookup("claim_sets"), -1);
    EXPECT_EQ(sim_policy_lookup(""), -1);
    EXPECT_TRUE(sim_policy_name(SIM_NR_POLICY_IDS) == NULL);
}

/* ---- reproducibility -------------------------------------------------- */

/* JSON of a run with every time ("t", "start", "seconds", "wall_seconds")
 * replaced by 0. */
static char *json_without_times(const struct sim_run *run)
{
    static const char *const keys[] = {
        "\"t\": ", "\"start\": ", "\"seconds\": ", "\"wall_seconds\": ", "\"cpu_seconds\": "};
    char *buf = NULL, *out;
    size_t len = 0, o = 0;
    FILE *f = open_memstream(&buf, &len);

    if (!f || out_json(f, run) || fclose(f))
        return NULL;
    out = malloc(len + 1);
    for (size_t i = 0; out && i < len;) {
        bool masked = false;

        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]) && !masked; k++) {
            size_t kl = strlen(keys[k]);

            if (!strncmp(buf + i, keys[k], kl)) {
                memcpy(out + o, keys[k], kl);
                o += kl;
                out[o++] = '0';
                i += kl;
                while (i < len && buf[i] != ',' && buf[i] != '\n' && buf[i] != '}')
                    i++;
                masked = true;
            }
        }
        if (!masked)
            out[o++] = buf[i++];
    }
    if (out)
        out[o] = '\0';
    free(buf);
    return out;
}

TEST(single_threaded_runs_reproduce_exactly)
{
    struct sim_config cfg;
    struct sim_run *a, *b;
    char *ja, *jb;

    small_storm(&cfg);
    a = run_ok(&cfg);
    b = run_ok(&cfg);
    ASSERT_TRUE(a && b);
    EXPECT_TRUE(a->deterministic);
    ASSERT_EQ(a->nr_policies, 5u);
    for (unsigned int i = 0; i < a->nr_policies; i++) {
        const struct sim_policy_result *p = &a->policies[i], *q = &b->policies[i];

        EXPECT_STREQ(p->name, policy_names[i]);
        ASSERT_EQ(p->nr_vms, q->nr_vms);
        EXPECT_EQ(p->nr_samples, q->nr_samples);
        EXPECT_EQ(p->hypercalls, q->hypercalls);
        for (size_t v = 0; v < p->nr_vms; v++) {
            EXPECT_EQ(p->vms[v].outcome, q->vms[v].outcome);
            EXPECT_EQ(
                memcmp(p->vms[v].node_pages, q->vms[v].node_pages, sizeof(p->vms[v].node_pages)),
                0);
            EXPECT_STREQ(p->vms[v].plan, q->vms[v].plan);
        }
    }
    ja = json_without_times(a);
    jb = json_without_times(b);
    ASSERT_TRUE(ja && jb);
    EXPECT_TRUE(strlen(ja) > 1000);
    EXPECT_STREQ(ja, jb);
    free(ja);
    free(jb);
    run_done(a);
    run_done(b);
}

/* D95: the deep check after each policy is off unless asked for, and
 * asking for it changes nothing in the results. */
TEST(the_deep_check_runs_only_when_asked_and_changes_nothing)
{
    struct sim_run *plain = calloc(1, sizeof(*plain)), *checked;
    struct sim_config cfg;
    char err[SIM_ERR_LEN];
    char *jp, *jc;

    ASSERT_TRUE(plain);
    small_storm(&cfg);
    EXPECT_FALSE(cfg.deep_check);
    ASSERT_EQ(sim_run(&cfg, plain, err, sizeof(err)), 0);
    ASSERT_EQ(plain->nr_policies, 5u);
    for (unsigned int i = 0; i < plain->nr_policies; i++)
        EXPECT_FALSE(plain->policies[i].deep_checked);
    checked = run_ok(&cfg); /* asks for it, and fails unless every host passed */
    ASSERT_TRUE(checked);
    jp = json_without_times(plain);
    jc = json_without_times(checked);
    ASSERT_TRUE(jp && jc);
    EXPECT_STREQ(jp, jc);
    free(jp);
    free(jc);
    run_done(plain);
    run_done(checked);
}

TEST(the_seed_changes_the_workload)
{
    struct sim_config cfg;
    struct sim_run *a, *b;
    bool differ = false;

    small_storm(&cfg);
    cfg.nr_policies = 1;
    cfg.policies[0] = SIM_POL_CLAIM_SETS;
    a = run_ok(&cfg);
    cfg.seed = 8;
    b = run_ok(&cfg);
    ASSERT_TRUE(a && b);
    for (size_t v = 0; v < a->policies[0].nr_vms && v < b->policies[0].nr_vms; v++)
        differ |= a->policies[0].vms[v].pages != b->policies[0].vms[v].pages;
    EXPECT_TRUE(differ || a->policies[0].nr_vms != b->policies[0].nr_vms);
    EXPECT_EQ(a->seed, 7u);
    EXPECT_EQ(b->seed, 8u);
    run_done(a);
    run_done(b);
}

/* ---- the results add up ----------------------------------------------- */

static void expect_consistent(const struct sim_run *run)
{
    for (unsigned int i = 0; i < run->nr_policies; i++) {
        const struct sim_policy_result *p = &run->policies[i];
        uint64_t wasted = 0, built = 0, requested = 0;

        EXPECT_EQ(p->vms_total, p->nr_vms);
        EXPECT_EQ(p->vms_built + p->vms_refused_claim + p->vms_failed_populate, p->vms_total);
        EXPECT_LE(p->pages_on_intended_node, p->intended_pages);
        EXPECT_GE(p->nr_samples, 2u);
        for (size_t v = 0; v < p->nr_vms; v++) {
            const struct sim_vm_result *vm = &p->vms[v];
            uint64_t sum = 0;

            for (unsigned int n = 0; n < run->topo.nr_nodes; n++)
                sum += vm->node_pages[n];
            requested += vm->pages;
            EXPECT_GT(vm->hypercalls, 0u);
            if (vm->outcome == SIM_BUILT) {
                built += vm->pages;
                EXPECT_EQ(sum, vm->pages);
                EXPECT_EQ(vm->extents_1g * 262144 + vm->extents_2m * 512 + vm->extents_4k,
                          vm->pages);
                EXPECT_TRUE(vm->access_cost >= 1.0 && vm->access_cost < 26.0);
            } else if (vm->outcome == SIM_REFUSED_CLAIM) {
                EXPECT_EQ(sum, 0u);
                EXPECT_TRUE(!strncmp(vm->plan, "refused", 7));
            } else {
                EXPECT_LT(sum, vm->pages);
                wasted += sum;
            }
        }
        EXPECT_EQ(p->pages_wasted, wasted);
        EXPECT_EQ(p->pages_built, built);
        EXPECT_EQ(p->pages_requested, requested);
        /* Samples: in time order, never more free memory than the node. */
        for (size_t s = 0; s < p->nr_samples; s++) {
            if (s)
                EXPECT_TRUE(p->samples[s].t >= p->samples[s - 1].t);
            for (unsigned int n = 0; n < run->topo.nr_nodes; n++)
                EXPECT_LE(p->samples[s].node_free[n], run->topo.node_pages[n]);
        }
    }
}

TEST(every_policy_gets_the_same_workload_and_the_books_balance)
{
    struct sim_config cfg;
    struct sim_run *run;

    small_storm(&cfg);
    run = run_ok(&cfg);
    ASSERT_TRUE(run);
    ASSERT_EQ(run->nr_policies, 5u);
    EXPECT_STREQ(run->command, "storm");
    EXPECT_EQ(run->topo.nr_nodes, 4u);
    EXPECT_EQ(run->topo.node_pages[3], 16384u);
    EXPECT_EQ(run->topo.distance[0][2], 21u);
    EXPECT_CONTAINS(run->workload, "4 ballooning guests");
    EXPECT_CONTAINS(run->workload, "8 frames offlined");
    EXPECT_GT(run->policies[0].nr_vms, 5u);
    for (unsigned int i = 1; i < run->nr_policies; i++) {
        ASSERT_EQ(run->policies[i].nr_vms, run->policies[0].nr_vms);
        for (size_t v = 0; v < run->policies[0].nr_vms; v++) {
            EXPECT_STREQ(run->policies[i].vms[v].name, run->policies[0].vms[v].name);
            EXPECT_EQ(run->policies[i].vms[v].pages, run->policies[0].vms[v].pages);
            EXPECT_EQ(run->policies[i].vms[v].vcpus, run->policies[0].vms[v].vcpus);
        }
    }
    /* The default overcommit asks for more than the host has free. */
    EXPECT_GT(run->policies[0].pages_requested, 4u * 16384 - 4 * 768);
    expect_consistent(run);
    run_done(run);
}

/* ---- each policy's defining property ----------------------------------- */

TEST(claim_sets_never_fail_late_nor_leave_their_plan)
{
    struct sim_config cfg;
    struct sim_run *run;

    small_storm(&cfg);
    cfg.offline_frames = 0; /* offlining may recall claims */
    cfg.policies[0] = SIM_POL_CLAIM_SETS;
    cfg.policies[1] = SIM_POL_CLAIM_SETS_GL;
    cfg.nr_policies = 2;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        cfg.seed = seed;
        run = run_ok(&cfg);
        ASSERT_TRUE(run);
        for (unsigned int i = 0; i < 2; i++) {
            const struct sim_policy_result *p = &run->policies[i];

            EXPECT_EQ(p->vms_failed_populate, 0u);
            EXPECT_EQ(p->pages_wasted, 0u);
            EXPECT_GT(p->vms_built, 0u);
            /* No host-wide part is ever needed here, so every page is
             * on its plan's node and local to its vCPUs. */
            EXPECT_EQ(p->pages_on_intended_node, p->pages_built);
            EXPECT_EQ(p->intended_pages, p->pages_built);
            EXPECT_TRUE(fabs(p->access_cost - 1.0) < 1e-12);
        }
        expect_consistent(run);
        run_done(run);
    }
}

/* Eight builds in flight on two equal nodes all plan on node 0 (best fit,
 * lowest id); only claims make the others see it. */
static void contention(struct sim_config *cfg)
{
    sim_config_init(cfg, SIM_STORM);
    cfg->topology = simt_topology(TWO_NODES);
    cfg->nr_vms = 8;
    cfg->nr_classes = 1;
    cfg->classes[0] = (struct sim_size_class){.pages = 4096, .vcpus = 2, .weight = 1};
    cfg->balloons = 0;
    cfg->offline_frames = 0;
}

TEST(without_node_claims_memory_goes_remote_and_builds_fail_late)
{
    const struct sim_policy_result *none, *legacy, *single, *sets;
    struct sim_config cfg;
    struct sim_run *run;

    contention(&cfg);
    run = run_ok(&cfg);
    ASSERT_TRUE(run);
    none = policy(run, "none");
    legacy = policy(run, "legacy");
    single = policy(run, "single-node");
    sets = policy(run, "claim-sets");
    ASSERT_TRUE(none && legacy && single && sets);

    /* The host holds 7 of the 8 (frame 0 is the hypervisor's). */
    EXPECT_EQ(none->vms_built, 7u);
    EXPECT_EQ(none->vms_failed_populate, 1u); /* late, after populating */
    EXPECT_EQ(none->vms_refused_claim, 0u);
    EXPECT_GT(none->pages_wasted, 0u);
    EXPECT_EQ(legacy->vms_built, 7u);
    EXPECT_EQ(legacy->vms_refused_claim, 1u); /* early, nothing populated */
    EXPECT_EQ(legacy->vms_failed_populate, 0u);
    EXPECT_EQ(legacy->pages_wasted, 0u);

    /* Stale plans: almost half of the memory lands on the other node. */
    EXPECT_LT(none->pages_on_intended_node * 10, none->intended_pages * 6);
    EXPECT_LT(legacy->pages_on_intended_node * 10, legacy->intended_pages * 6);
    EXPECT_GT(none->access_cost, 1.3);
    EXPECT_GT(legacy->access_cost, 1.3);

    /* Node claims make the in-flight builds visible. */
    EXPECT_EQ(single->pages_on_intended_node, single->pages_built);
    EXPECT_EQ(sets->pages_on_intended_node, sets->pages_built);
    EXPECT_EQ(sets->vms_built, 7u);
    EXPECT_TRUE(fabs(sets->access_cost - 1.0) < 1e-12);
    expect_consistent(run);
    run_done(run);
}

TEST(one_build_at_a_time_leaves_nothing_to_race)
{
    struct sim_config cfg;
    struct sim_run *run;

    contention(&cfg);
    cfg.window = 1;
    run = run_ok(&cfg);
    ASSERT_TRUE(run);
    for (unsigned int i = 0; i < run->nr_policies; i++)
        EXPECT_EQ(run->policies[i].pages_on_intended_node, run->policies[i].pages_built);
    EXPECT_CONTAINS(run->workload, "; 1 parallel builder");
    run_done(run);
}

/* ---- evacuate ---------------------------------------------------------- */

static void small_evacuate(struct sim_config *cfg)
{
    sim_config_init(cfg, SIM_EVACUATE);
    cfg->topology = simt_topology(
        "256M,256M,256M,256M;distances=10,12,21,21,12,10,21,21,21,21,10,12,21,21,12,10");
    cfg->check_level = CLAIMSET_CHECK_COUNTERS;
}

/* A refused VM's reason is the hypervisor's rule that refused its claim,
 * with the host's figures -- not the placement it was given. */
TEST(refusals_state_the_real_reason)
{
    struct sim_config cfg;
    struct sim_run *run;
    unsigned int checked = 0;

    contention(&cfg);
    cfg.nr_vms = 10; /* 160 MiB asked of 128 MiB */
    run = run_ok(&cfg);
    ASSERT_TRUE(run);
    for (unsigned int i = 0; i < run->nr_policies; i++) {
        const struct sim_policy_result *p = &run->policies[i];
        bool planner = !strcmp(p->name, "claim-sets"); /* no plan at all */

        for (size_t v = 0; v < p->nr_vms; v++) {
            const char *why = p->vms[v].plan;
            double shown = 0;

            if (p->vms[v].outcome != SIM_REFUSED_CLAIM)
                continue;
            checked++;
            EXPECT_TRUE(strstr(why, "fits node") == NULL);
            if (planner) {
                EXPECT_CONTAINS(why, "refused: no node set holds 16 MiB: the nodes have ");
                continue;
            }
            /* Host-wide: the figure shown is below what was asked. */
            EXPECT_EQ(sscanf(why, "refused: 16 MiB asked, the host has %lf MiB unclaimed", &shown),
                      1);
            EXPECT_LT(shown, 16.0);
        }
    }
    EXPECT_GE(checked, 4u);
    expect_consistent(run);
    run_done(run);
}

TEST(evacuate_host_wide_claims_fail_late_on_vnuma_guests)
{
    const struct sim_policy_result *none, *legacy, *sets, *global;
    struct sim_config cfg;
    struct sim_run *run;

    small_evacuate(&cfg);
    cfg.strict = true; /* the builder gives up at the first short populate */
    run = run_ok(&cfg);
    ASSERT_TRUE(run);
    EXPECT_STREQ(run->command, "evacuate");
    EXPECT_CONTAINS(run->workload, "60% full");
    none = policy(run, "none");
    legacy = policy(run, "legacy");
    sets = policy(run, "claim-sets");
    global = policy(run, "claim-sets+global");
    ASSERT_TRUE(none && legacy && sets && global);
    /* Exact-node population of the guest's vnodes: without node claims
     * a node runs dry under a build that already started populating. */
    EXPECT_GT(none->vms_failed_populate, 0u);
    EXPECT_GT(legacy->vms_failed_populate, 0u);
    EXPECT_EQ(sets->vms_failed_populate, 0u);
    EXPECT_EQ(global->vms_failed_populate, 0u);
    EXPECT_GT(sets->vms_built, legacy->vms_built);
    /* Migrated guests with two vnodes are part of the workload. */
    for (size_t v = 0; v < sets->nr_vms; v++)
        EXPECT_TRUE(!strncmp(sets->vms[v].name, "mig", 3));
    expect_consistent(run);
    run_done(run);
}

TEST(evacuate_fragmented_memory_forces_smaller_extents)
{
    struct sim_config cfg;
    struct sim_run *run;

    sim_config_init(&cfg, SIM_EVACUATE);
    cfg.topology = simt_topology("2G,2G");
    cfg.check_level = CLAIMSET_CHECK_COUNTERS;
    cfg.policies[0] = SIM_POL_CLAIM_SETS;
    cfg.nr_policies = 1;

    cfg.fragment_pct = 100; /* every free page in a hole */
    run = run_ok(&cfg);
    ASSERT_TRUE(run);
    EXPECT_GT(run->policies[0].vms_built, 0u);
    EXPECT_EQ(run->policies[0].extents_1g, 0u);
    EXPECT_GT(run->policies[0].extents_2m, 0u);
    run_done(run);

    /* No holes, and VMs with vnodes of 1 GiB and more: 1 GiB extents. */
    cfg.topology = simt_topology("4G,4G");
    cfg.fill_pct = 30;
    cfg.fragment_pct = 0;
    run = run_ok(&cfg);
    ASSERT_TRUE(run);
    EXPECT_GT(run->policies[0].extents_1g, 0u);
    run_done(run);
}

TEST(evacuate_a_vnode_no_node_holds_needs_the_host_wide_entry)
{
    const struct sim_policy_result *sets, *global, *none;
    struct sim_config cfg;
    struct sim_run *run;

    /* One guest of 96 MiB in two 48 MiB vnodes; every node has less
     * than 48 MiB free, the host more than 96 MiB. */
    sim_config_init(&cfg, SIM_EVACUATE);
    cfg.topology = simt_topology(THREE_NODES);
    cfg.check_level = CLAIMSET_CHECK_COUNTERS;
    cfg.fill_pct = 30;
    cfg.nr_vms = 1;
    cfg.nr_classes = 1;
    cfg.classes[0] = (struct sim_size_class){.pages = 96 * 256, .vcpus = 4, .weight = 1};
    run = run_ok(&cfg);
    ASSERT_TRUE(run);
    sets = policy(run, "claim-sets");
    global = policy(run, "claim-sets+global");
    none = policy(run, "none");
    ASSERT_TRUE(sets && global && none);
    EXPECT_EQ(sets->vms_refused_claim, 1u);
    EXPECT_CONTAINS(sets->vms[0].plan, "fits no node");
    EXPECT_EQ(global->vms_built, 1u);
    EXPECT_CONTAINS(global->vms[0].plan, "anywhere");
    /* The part no node could hold is remote for some vCPUs. */
    EXPECT_GT(global->access_cost, 1.0);
    EXPECT_LT(global->intended_pages, global->pages_built);
    EXPECT_EQ(none->vms_built, 1u);
    expect_consistent(run);
    run_done(run);
}

/* ---- threads ------------------------------------------------------------ */

TEST(threaded_runs_complete_and_balance)
{
    struct sim_config cfg;
    struct sim_run *run;

    small_storm(&cfg);
    cfg.threads = 3;
    cfg.check_level = CLAIMSET_CHECK_COUNTERS;
    run = run_ok(&cfg);
    ASSERT_TRUE(run);
    EXPECT_FALSE(run->deterministic);
    EXPECT_EQ(run->threads, 3u);
    EXPECT_CONTAINS(run->workload, "3 builder threads");
    EXPECT_EQ(policy(run, "claim-sets")->vms_failed_populate, 0u);
    expect_consistent(run);
    run_done(run);

    sim_config_init(&cfg, SIM_EVACUATE);
    cfg.topology = simt_topology("256M,256M");
    cfg.threads = 4;
    cfg.balloons = 2;
    cfg.offline_frames = 16;
    cfg.check_level = CLAIMSET_CHECK_COUNTERS;
    run = run_ok(&cfg);
    ASSERT_TRUE(run);
    expect_consistent(run);
    run_done(run);
}

/* ---- offlining ------------------------------------------------------------ */

TEST(offlining_half_way_takes_frames_out_of_every_host)
{
    struct sim_config cfg;
    struct sim_run *run;

    small_storm(&cfg);
    cfg.offline_frames = 2000; /* an eighth of a node's frames */
    cfg.policies[0] = SIM_POL_CLAIM_SETS;
    cfg.nr_policies = 1;
    run = run_ok(&cfg);
    ASSERT_TRUE(run);
    /* The last sample shows the frames gone: free + allocated < size. */
    {
        const struct sim_policy_result *p = &run->policies[0];
        const struct sim_sample *first = &p->samples[0], *last = &p->samples[p->nr_samples - 1];
        uint64_t f0 = 0, f1 = 0;

        for (unsigned int n = 0; n < run->topo.nr_nodes; n++) {
            f0 += first->node_free[n];
            f1 += last->node_free[n];
        }
        EXPECT_LT(f1, f0);
        /* Whether offlining recalls claims depends on how full the nodes
         * are at that moment; test_sim_time.c forces a recall. */
        /* Nothing is claimed once every build is done. */
        for (unsigned int n = 0; n < run->topo.nr_nodes; n++)
            EXPECT_EQ(last->node_claimed[n], 0u);
    }
    expect_consistent(run);
    run_done(run);
}

/* ---- metrics -------------------------------------------------------------- */

static struct sim_host_info two_node_info(void)
{
    struct sim_host_info h;

    memset(&h, 0, sizeof(h));
    h.topo.nr_nodes = 2;
    h.topo.node_pages[0] = h.topo.node_pages[1] = 1000;
    h.topo.distance[0][0] = h.topo.distance[1][1] = 10;
    h.topo.distance[0][1] = h.topo.distance[1][0] = 20;
    return h;
}

TEST(placement_metrics_weigh_pages_by_slit)
{
    struct sim_host_info h = two_node_info();
    struct sim_vm_result vm;
    struct xa_plan plan;

    /* One vnode on node 0; 60 pages there, 40 remote at distance 20. */
    memset(&plan, 0, sizeof(plan));
    plan.nr_vnodes = 1;
    plan.vnodes[0] = (struct xg_vnode){.pages = 100, .pnode = 0};
    plan.vnode_vcpus[0] = 2;
    memset(&vm, 0, sizeof(vm));
    vm.node_pages[0] = 60;
    vm.node_pages[1] = 40;
    sim_vm_placement(&h, &plan, &vm);
    EXPECT_EQ(vm.intended_pages, 100u);
    EXPECT_EQ(vm.pages_on_intended_node, 60u);
    EXPECT_TRUE(fabs(vm.access_cost - 1.4) < 1e-9);

    /* Half pinned to node 0, half anywhere: the unpinned half on node 1
     * is charged from the nearest vCPU node (0). */
    plan.vnodes[0].pages = 50;
    plan.nr_vnodes = 2;
    plan.vnodes[1] = (struct xg_vnode){.pages = 50, .pnode = XG_ANY_NODE};
    plan.vnode_vcpus[1] = 0;
    vm.node_pages[0] = 50;
    vm.node_pages[1] = 50;
    sim_vm_placement(&h, &plan, &vm);
    EXPECT_EQ(vm.intended_pages, 50u);
    EXPECT_EQ(vm.pages_on_intended_node, 50u);
    EXPECT_TRUE(fabs(vm.access_cost - 1.5) < 1e-9);

    /* Two vnodes, one per node, each in place: all local. */
    plan.vnodes[1] = (struct xg_vnode){.pages = 50, .pnode = 1};
    plan.vnode_vcpus[1] = 1;
    sim_vm_placement(&h, &plan, &vm);
    EXPECT_EQ(vm.pages_on_intended_node, 100u);
    EXPECT_TRUE(fabs(vm.access_cost - 1.0) < 1e-12);
}

TEST(policy_totals_count_only_built_vms_for_placement)
{
    struct sim_vm_result vms[3];
    struct sim_policy_result p;

    memset(vms, 0, sizeof(vms));
    memset(&p, 0, sizeof(p));
    vms[0] = (struct sim_vm_result){.pages = 100,
                                    .outcome = SIM_BUILT,
                                    .intended_pages = 100,
                                    .pages_on_intended_node = 80,
                                    .access_cost = 1.2,
                                    .extents_2m = 1,
                                    .hypercalls = 5};
    vms[1] = (struct sim_vm_result){.pages = 300,
                                    .outcome = SIM_BUILT,
                                    .intended_pages = 300,
                                    .pages_on_intended_node = 300,
                                    .access_cost = 1.0,
                                    .hypercalls = 7};
    vms[2] = (struct sim_vm_result){
        .pages = 50, .outcome = SIM_FAILED_POPULATE, .intended_pages = 50, .hypercalls = 3};
    vms[2].node_pages[1] = 20;
    p.vms = vms;
    p.nr_vms = 3;
    sim_policy_totals(&p);
    EXPECT_EQ(p.vms_total, 3u);
    EXPECT_EQ(p.vms_built, 2u);
    EXPECT_EQ(p.vms_failed_populate, 1u);
    EXPECT_EQ(p.pages_requested, 450u);
    EXPECT_EQ(p.pages_built, 400u);
    EXPECT_EQ(p.intended_pages, 400u);
    EXPECT_EQ(p.pages_on_intended_node, 380u);
    EXPECT_EQ(p.pages_wasted, 20u);
    EXPECT_EQ(p.hypercalls, 15u);
    EXPECT_TRUE(fabs(p.intended_share - 0.95) < 1e-12);
    EXPECT_TRUE(fabs(p.access_cost - 1.05) < 1e-12); /* (1.2*100 + 1.0*300) / 400 */
}

/* ---- ballooning ------------------------------------------------------------ */

TEST(a_ballooning_guest_stays_within_its_range_and_its_books)
{
    struct sim_balloon_spec spec = {.min_pages = 1024, .max_pages = 4096, .start_pages = 2048};
    struct claimset_host_opts opts = {.check_level = CLAIMSET_CHECK_COUNTERS};
    claimset_host *host = claimset_host_create_opts("32M", &opts, NULL, 0);
    struct xen_domctl_createdomain config = {.max_vcpus = 1};
    xc_interface *ctl = host ? claimset_xc_open(host, 0) : NULL;
    xen_pfn_t gfns[4];
    struct sim_balloon b;
    uint32_t domid = 0;
    bool grew = false, shrank = false;

    ASSERT_TRUE(ctl);
    ASSERT_EQ(xc_domain_create(ctl, &domid, &config), 0);
    ASSERT_EQ(xc_domain_setmaxmem(ctl, domid, 4096 * 4), 0);
    for (unsigned int i = 0; i < 4; i++)
        gfns[i] = (xen_pfn_t)i * 512;
    ASSERT_EQ(xc_domain_populate_physmap_exact(ctl, domid, 4, 9, 0, gfns), 0);
    ASSERT_EQ(sim_balloon_open(&b, host, domid, &spec, 42, 0), 0);
    for (int step = 0; step < 40; step++) {
        xc_domaininfo_t info;
        uint64_t before = b.cur;

        ASSERT_EQ(sim_balloon_step(&b), 0);
        grew |= b.cur > before;
        shrank |= b.cur < before;
        EXPECT_GE(b.cur, spec.min_pages);
        EXPECT_LE(b.cur, spec.max_pages);
        ASSERT_EQ(xc_domain_getinfo_single(ctl, domid, &info), 0);
        EXPECT_EQ(info.tot_pages, b.cur);
    }
    EXPECT_TRUE(grew && shrank);
    EXPECT_EQ(b.refused, 0u); /* the host had room for every step */
    EXPECT_EQ(b.grown - b.shrunk + 2048, b.cur);
    sim_balloon_close(&b);
    xc_interface_close(ctl);
    EXPECT_EQ(claimset_host_destroy(host), 0);
}

/* ---- configuration errors ---------------------------------------------------- */

TEST(bad_configurations_are_refused_before_anything_runs)
{
    struct sim_run run;
    struct claimset_topology bad;
    struct sim_config cfg;
    char err[SIM_ERR_LEN];

    small_storm(&cfg);
    cfg.nr_policies = 2;
    cfg.policies[0] = cfg.policies[1] = SIM_POL_LEGACY;
    EXPECT_EQ(sim_run(&cfg, &run, err, sizeof(err)), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_CONTAINS(err, "given twice");
    EXPECT_EQ(run.nr_policies, 0u);

    small_storm(&cfg);
    cfg.window = SIM_MAX_WINDOW + 1;
    EXPECT_EQ(sim_run(&cfg, &run, err, sizeof(err)), -1);
    EXPECT_CONTAINS(err, "--builders");

    small_storm(&cfg);
    cfg.cost_page_ns = SIM_MAX_COST_NS + 1;
    EXPECT_EQ(sim_run(&cfg, &run, err, sizeof(err)), -1);
    EXPECT_CONTAINS(err, "--cost-");

    small_storm(&cfg);
    cfg.balloon_pages = 16384; /* four guests of a whole node */
    EXPECT_EQ(sim_run(&cfg, &run, err, sizeof(err)), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_CONTAINS(err, "--balloon-size");

    small_storm(&cfg);
    cfg.nr_classes = 1;
    cfg.classes[0] = (struct sim_size_class){.pages = 1, .vcpus = 1, .weight = 1};
    EXPECT_EQ(sim_run(&cfg, &run, err, sizeof(err)), -1);
    EXPECT_CONTAINS(err, "--size-mix");

    small_storm(&cfg);
    /* A topology filled in by hand is checked as the parser checks. */
    bad = *simt_topology("4G,4G");
    bad.distance[0][1] = 5;
    cfg.topology = &bad;
    EXPECT_EQ(sim_run(&cfg, &run, err, sizeof(err)), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_CONTAINS(err, "row 0 column 1 is 5");

    EXPECT_EQ(sim_run(NULL, &run, err, sizeof(err)), -1);
}
