/*
 * The output writers on odd runs: random counts up to UINT64_MAX, NaN and
 * infinite ratios and times, text of random bytes (sometimes filling its
 * array with no NUL), out-of-range outcomes, up to 64 nodes and 8
 * policies.  Whatever the run, every writer succeeds and its output is
 * well-formed: JSON parses, CSV rows all have the header's width, HTML
 * nests properly and its SVG has only finite coordinates.  Replay a
 * failure with CS_SEED.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "out_test_util.h"
#include "out/out.h"

static int html_writer(FILE *f, const struct sim_run *run)
{
    return out_html_write(f, run);
}

static uint64_t odd_u64(struct test_rng *r)
{
    static const uint64_t special[] = {0, 1, UINT64_MAX, UINT64_MAX / 4096, 1u << 20};

    return test_rng_below(r, 3) ? test_rng_below(r, 1u << 22)
                                : special[test_rng_below(r, sizeof(special) / sizeof(special[0]))];
}

static double odd_double(struct test_rng *r)
{
    static const double special[] = {NAN, INFINITY, -INFINITY, -1, 0, 1e-300, 1e300, -0.0};

    return test_rng_below(r, 3) ? (double)test_rng_below(r, 1000000) / 1000.0
                                : special[test_rng_below(r, sizeof(special) / sizeof(special[0]))];
}

/* Random bytes but no ASCII letters, so "nan" or "inf" in the output can
 * only come from a number. */
static void odd_text(struct test_rng *r, char *s, size_t size)
{
    size_t n = test_rng_below(r, size + 1); /* sometimes unterminated */

    memset(s, 0, size);
    for (size_t i = 0; i < n && i < size; i++) {
        char c;

        do
            c = (char)(1 + test_rng_below(r, 255));
        while ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
        s[i] = c;
    }
}

static void odd_run(struct test_rng *r, struct sim_run *run)
{
    memset(run, 0, sizeof(*run));
    odd_text(r, run->command, sizeof(run->command));
    odd_text(r, run->workload, sizeof(run->workload));
    run->seed = odd_u64(r);
    run->threads = (unsigned int)odd_u64(r);
    run->deterministic = (int)test_rng_below(r, 2);
    run->topo.nr_nodes = (unsigned int)test_rng_below(r, SIM_MAX_NODES + 1);
    for (unsigned int i = 0; i < run->topo.nr_nodes; i++) {
        run->topo.node_pages[i] = odd_u64(r);
        for (unsigned int j = 0; j < run->topo.nr_nodes; j++)
            run->topo.distance[i][j] = (uint8_t)odd_u64(r);
    }
    run->nr_policies = (unsigned int)test_rng_below(r, SIM_MAX_POLICIES + 1);
    for (unsigned int k = 0; k < run->nr_policies; k++) {
        struct sim_policy_result *p = &run->policies[k];

        odd_text(r, p->name, sizeof(p->name));
        odd_text(r, p->description, sizeof(p->description));
        p->vms_total = (unsigned int)odd_u64(r);
        p->vms_built = (unsigned int)odd_u64(r);
        p->vms_refused_claim = (unsigned int)odd_u64(r);
        p->vms_failed_populate = (unsigned int)odd_u64(r);
        p->intended_pages = odd_u64(r);
        p->pages_on_intended_node = odd_u64(r);
        p->intended_share = odd_double(r);
        p->access_cost = odd_double(r);
        p->pages_wasted = odd_u64(r);
        p->hypercalls = odd_u64(r);
        p->claims_recalled = odd_u64(r);
        p->wall_seconds = odd_double(r);
        p->cpu_seconds = odd_double(r);
        p->nr_vms = test_rng_below(r, 6);
        p->vms = calloc(p->nr_vms + 1, sizeof(*p->vms));
        for (size_t v = 0; v < p->nr_vms; v++) {
            struct sim_vm_result *vm = &p->vms[v];

            odd_text(r, vm->name, sizeof(vm->name));
            odd_text(r, vm->plan, sizeof(vm->plan));
            vm->outcome = (enum sim_outcome)test_rng_below(r, 4); /* 3 is out of range */
            vm->pages = odd_u64(r);
            vm->intended_pages = odd_u64(r);
            vm->pages_on_intended_node = odd_u64(r);
            vm->access_cost = odd_double(r);
            vm->start = odd_double(r);
            vm->seconds = odd_double(r);
            for (unsigned int n = 0; n < run->topo.nr_nodes; n++)
                vm->node_pages[n] = odd_u64(r);
        }
        p->nr_samples = test_rng_below(r, 30);
        p->samples = calloc(p->nr_samples + 1, sizeof(*p->samples));
        for (size_t s = 0; s < p->nr_samples; s++) {
            p->samples[s].t = odd_double(r);
            for (unsigned int n = 0; n < run->topo.nr_nodes; n++) {
                p->samples[s].node_free[n] = odd_u64(r);
                p->samples[s].node_claimed[n] = odd_u64(r);
            }
        }
    }
}

/* Inside every <svg>, numbers only: no "nan" or "inf" coordinates. */
static bool svg_numbers_finite(const char *html)
{
    for (const char *p = html; (p = strstr(p, "<svg")) != NULL;) {
        const char *end = strstr(p, "</svg>");
        size_t len = end ? (size_t)(end - p) : strlen(p);

        for (size_t i = 0; i + 3 <= len; i++)
            if (!strncmp(p + i, "nan", 3) || !strncmp(p + i, "inf", 3))
                return false;
        p += len;
    }
    return true;
}

TEST(odd_runs_give_well_formed_output)
{
    struct test_rng r;
    struct ot_csv *csv = calloc(1, sizeof(*csv));

    ASSERT_TRUE(csv != NULL);
    test_rng_init(&r, test_seed());
    for (int iter = 0; iter < 60 && !test_failed(); iter++) {
        struct sim_run run;
        struct ot_json doc;
        const char *error = NULL;
        char *out = NULL, why[128];
        size_t len, offset = 0;

        odd_run(&r, &run);
        ASSERT_EQ(ot_capture(out_table, &run, &out, &len), 0);
        free(out);

        ASSERT_EQ(ot_capture(out_json, &run, &out, &len), 0);
        if (ot_json_parse(out, len, &doc, &error, &offset)) {
            EXPECT_EQ(ot_jget(&doc, "policies")->n, run.nr_policies);
            ot_json_free(&doc);
        } else {
            test_fail(__FILE__, __LINE__, "iteration %d: invalid JSON at %zu: %s", iter, offset,
                      error);
        }
        free(out);

        ASSERT_EQ(ot_capture(out_csv, &run, &out, &len), 0);
        ASSERT_TRUE(ot_csv_parse(out, len, csv));
        EXPECT_EQ(csv->rows, run.nr_policies + 1u);
        for (size_t i = 0; i < csv->rows; i++)
            EXPECT_EQ(csv->fields[i], csv->fields[0]);
        for (size_t i = 1; i < csv->rows; i++) {
            char name[SIM_NAME_LEN + 1];

            snprintf(name, sizeof(name), "%.*s", SIM_NAME_LEN, run.policies[i - 1].name);
            EXPECT_STREQ(csv->cell[i][2], name);
        }
        ot_csv_free(csv);
        free(out);

        ASSERT_EQ(ot_capture(out_csv_vms, &run, &out, &len), 0);
        ASSERT_TRUE(ot_csv_parse(out, len, csv));
        for (size_t i = 0; i < csv->rows; i++)
            EXPECT_EQ(csv->fields[i], 19u + run.topo.nr_nodes);
        ot_csv_free(csv);
        free(out);

        ASSERT_EQ(ot_capture(html_writer, &run, &out, &len), 0);
        EXPECT_TRUE(ot_html_nesting(out, why, sizeof(why)) == NULL);
        EXPECT_TRUE(svg_numbers_finite(out));
        EXPECT_EQ(ot_count(out, "data-chart=\"timeline-"), run.nr_policies);
        free(out);
        sim_run_free(&run);
    }
    free(csv);
}
