/*
 * --seeds N: medians and ranges over runs, and which differences from
 * legacy hold in every seed, on made-up runs whose figures are known;
 * then a real three-seed aggregate through the engine.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <claimset/claimset.h>

#include "out/out.h"
#include "out_test_util.h"
#include "sim/sim.h"
#include "sim/sim_results.h"
#include "simtest.h"
#include "test.h"

static char *capture(int (*w)(FILE *, const struct sim_run *, unsigned int),
                     const struct sim_run *runs, unsigned int nr, int *rc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    int e;

    if (!f)
        return NULL;
    *rc = w(f, runs, nr);
    /* The writer's errno, not fclose's (which may set one of its own,
     * e.g. under TSan's interceptors). */
    e = errno;
    fclose(f);
    errno = e;
    return buf;
}

/* Three made-up runs: claim-sets builds 10, 12, 14 VMs (median 12,
 * range 10-14); legacy always 9; no-claims 9, 13, 9 (mixed against
 * legacy: better in one seed, equal in two). */
static void three_runs(struct sim_run *runs)
{
    static const unsigned int sets[] = {10, 12, 14}, none[] = {9, 13, 9};

    for (unsigned int i = 0; i < 3; i++) {
        ot_make_run(&runs[i], 2, 16, 4);
        runs[i].seed = 42 + i;
        runs[i].policies[0].vms_built = sets[i];
        runs[i].policies[1].vms_built = 9;
        runs[i].policies[2].vms_built = none[i];
    }
}

TEST(seeds_table_gives_median_range_and_robust_differences)
{
    struct sim_run runs[3];
    char *out;
    int rc = -1;

    three_runs(runs);
    out = capture(out_seeds_table, runs, 3, &rc);
    ASSERT_TRUE(out != NULL);
    EXPECT_EQ(rc, 0);
    EXPECT_CONTAINS(out, "seeds:     42-44");
    EXPECT_CONTAINS(out, "12 [10-14]");
    /* claim-sets: more VMs built than legacy in every seed. */
    EXPECT_CONTAINS(out, "claim-sets: built better (robust)");
    /* no-claims: one seed better, two equal: not robust. */
    EXPECT_CONTAINS(out, "no-claims: built better in 1 of 3 seeds, else equal");
    /* no-claims fails 3 late in every seed, legacy none. */
    EXPECT_CONTAINS(out, "failed@populate worse (robust)");
    free(out);
    for (unsigned int i = 0; i < 3; i++)
        sim_run_free(&runs[i]);
}

TEST(seeds_json_and_csv_carry_the_same_figures)
{
    struct sim_run runs[3];
    char *out;
    int rc = -1;

    three_runs(runs);
    out = capture(out_seeds_json, runs, 3, &rc);
    ASSERT_TRUE(out != NULL);
    EXPECT_EQ(rc, 0);
    EXPECT_CONTAINS(out, "\"format\": \"claimset-seeds-1\"");
    EXPECT_CONTAINS(out, "\"seeds\": [42, 43, 44]");
    EXPECT_CONTAINS(out, "\"vms_built\": {\"median\": 12, \"min\": 10, \"max\": 14, \"seeds\": 3}");
    free(out);
    out = capture(out_seeds_csv, runs, 3, &rc);
    ASSERT_TRUE(out != NULL);
    EXPECT_EQ(rc, 0);
    EXPECT_CONTAINS(out, "storm,42,3,claim-sets,vms_built,12,10,14,3\r\n");
    free(out);
    for (unsigned int i = 0; i < 3; i++)
        sim_run_free(&runs[i]);
}

TEST(seeds_refuse_runs_that_do_not_match)
{
    struct sim_run runs[2];
    char *out;
    int rc = 0;

    ot_make_run(&runs[0], 2, 4, 2);
    ot_make_run(&runs[1], 2, 4, 2);
    runs[1].nr_policies = 2; /* the third policy's arrays stay owned by us */
    out = capture(out_seeds_table, runs, 2, &rc);
    EXPECT_EQ(rc, -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_TRUE(out == NULL || !out[0]);
    free(out);
    runs[1].nr_policies = 3;
    out = capture(out_seeds_table, runs, 0, &rc);
    EXPECT_EQ(rc, -1);
    free(out);
    for (unsigned int i = 0; i < 2; i++)
        sim_run_free(&runs[i]);
}

/* The engine: three seeds of a small storm give three different
 * workloads, and the aggregate's range spans what the runs show. */
TEST(seeds_over_real_runs)
{
    struct sim_config cfg;
    struct sim_run runs[3];
    char err[256], *out;
    unsigned int lo = ~0U, hi = 0;
    int rc = -1;

    sim_config_init(&cfg, SIM_STORM);
    cfg.topology = simt_topology("16M,16M,16M,16M");
    cfg.check_level = CLAIMSET_CHECK_COUNTERS;
    cfg.policies[0] = SIM_POL_LEGACY;
    cfg.policies[1] = SIM_POL_CLAIM_SETS;
    cfg.nr_policies = 2;
    for (unsigned int i = 0; i < 3; i++) {
        cfg.seed = 1 + i;
        ASSERT_EQ(sim_run(&cfg, &runs[i], err, sizeof(err)), 0);
        if (runs[i].policies[1].vms_built < lo)
            lo = runs[i].policies[1].vms_built;
        if (runs[i].policies[1].vms_built > hi)
            hi = runs[i].policies[1].vms_built;
    }
    out = capture(out_seeds_json, runs, 3, &rc);
    ASSERT_TRUE(out != NULL);
    EXPECT_EQ(rc, 0);
    {
        char want[128];

        snprintf(want, sizeof(want), "\"min\": %u, \"max\": %u, \"seeds\": 3}", lo, hi);
        EXPECT_CONTAINS(out, want);
    }
    free(out);
    for (unsigned int i = 0; i < 3; i++)
        sim_run_free(&runs[i]);
}
