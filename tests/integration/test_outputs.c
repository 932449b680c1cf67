/*
 * The output layer of the claimset command: table, JSON, CSV and HTML
 * written from a synthetic struct sim_run, checked by parsing them back
 * (a strict JSON parser and an RFC 4180 reader in out_test_util.h), plus
 * escaping, bad input and write errors.
 *
 * CS_HTML_SAMPLE=path makes html_sample_report write its report there;
 * tests/html/check_html.sh loads that file in headless Chromium.
 */
#include <errno.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "test.h"
#include "out_test_util.h"
#include "out/out.h"

static int html_writer(FILE *f, const struct sim_run *run)
{
    return out_html_write(f, run);
}

/* The lines of text from the line starting with first up to the next
 * blank line (a block of the table). */
static unsigned int block_lines(const char *text, const char *first, char lines[][256],
                                unsigned int max)
{
    const char *p = strstr(text, first);
    unsigned int n = 0;

    while (p && *p && *p != '\n' && n < max) {
        size_t len = strcspn(p, "\n");

        snprintf(lines[n++], 256, "%.*s", (int)len, p);
        p += len + (p[len] == '\n');
    }
    return n;
}

/* ---- table ---- */

TEST(table_has_header_rows_and_aligned_columns)
{
    struct sim_run run;
    char *out = NULL, lines[8][256];
    size_t len;
    unsigned int n;

    ot_make_run(&run, 2, 16, 20);
    ASSERT_EQ(ot_capture(out_table, &run, &out, &len), 0);
    EXPECT_CONTAINS(out, "claimset storm");
    EXPECT_CONTAINS(out, "topology:  4GiB,4GiB;distances=10,21,21,10\n");
    EXPECT_CONTAINS(out, "seed:      42");
    EXPECT_CONTAINS(out, "time:      modelled");
    EXPECT_CONTAINS(out, "workload:  16 VMs of 1 GiB");
    EXPECT_CONTAINS(out, "nodes:     2 (4 GiB, 4 GiB), 8 GiB in all");

    n = block_lines(out, "policy", lines, 8);
    ASSERT_EQ(n, 4u); /* header and three policies */
    EXPECT_CONTAINS(lines[0], "refused@claim");
    EXPECT_CONTAINS(lines[0], "failed@populate");
    EXPECT_CONTAINS(lines[0], "extents 1G/2M/4K");
    /* The last column is right-aligned, so every row is as long as the
     * header. */
    for (unsigned int i = 1; i < n; i++)
        EXPECT_EQ(strlen(lines[i]), strlen(lines[0]));
    EXPECT_EQ(strncmp(lines[1], "claim-sets ", 11), 0);
    EXPECT_CONTAINS(lines[1], "16/16");
    EXPECT_CONTAINS(lines[1], "100%");
    EXPECT_CONTAINS(lines[1], " 1.00 ");
    EXPECT_CONTAINS(lines[1], "16/0/0");
    EXPECT_CONTAINS(lines[2], "14/16");
    EXPECT_CONTAINS(lines[2], "79.9%"); /* of the built VMs only */
    EXPECT_CONTAINS(lines[3], "13/16");
    /* Three late failures, half a GiB populated each, in human units. */
    EXPECT_CONTAINS(lines[3], "1.50 GiB");
    EXPECT_CONTAINS(lines[3], "59.9%");
    /* Extents of built VMs only: the failed ones' were thrown away. */
    EXPECT_CONTAINS(lines[3], "0/6656/0");
    EXPECT_CONTAINS(out, "no-claims   no claims at all");
    free(out);
    sim_run_free(&run);
}

/* The "What this shows" paragraph of a table, lines joined with spaces;
 * fails the test if a line is longer than 78 columns. */
static char *table_summary(const char *table)
{
    const char *p = strstr(table, "What this shows:\n");
    char *text, *o;

    if (!p)
        return strdup("");
    p += strlen("What this shows:\n");
    text = o = calloc(1, strlen(p) + 1);
    while (*p) {
        size_t len = strcspn(p, "\n");

        EXPECT_LE(len, 78u);
        EXPECT_EQ(strncmp(p, "  ", 2), 0); /* indented */
        o += sprintf(o, "%s%.*s", o == text ? "" : " ", (int)(len - 2), p + 2);
        p += len + (p[len] == '\n');
    }
    return text;
}

TEST(table_summary_follows_the_numbers)
{
    struct sim_run run;
    char *table = NULL, *out;
    size_t len;

    ot_make_run(&run, 2, 16, 4);
    ASSERT_EQ(ot_capture(out_table, &run, &table, &len), 0);
    out = table_summary(table);
    free(table);
    EXPECT_CONTAINS(out, "claim-sets built the most VMs: 16 of 16");
    EXPECT_CONTAINS(out, "the fewest were built by no-claims: 13 of 16");
    EXPECT_CONTAINS(out, "claim-sets and legacy never failed late");
    EXPECT_CONTAINS(out, "no-claims failed 3 VMs during population");
    EXPECT_CONTAINS(out, "legacy refused 2");
    /* legacy built 14 VMs of 1 GiB with (a page over) 20% of each
     * elsewhere: 2.80 GiB off node, 79.9% of the built VMs' memory on
     * node (refused VMs count in neither). */
    EXPECT_CONTAINS(out, "claim-sets placed 100% of its node-bound memory on the intended node "
                         "(access cost 1.00)");
    EXPECT_CONTAINS(out, "legacy put 2.80 GiB on other nodes than intended (79.9% on node, cost "
                         "1.22)");
    EXPECT_CONTAINS(out, "legacy needed the fewest hypercalls (158), no-claims the most (192).");
    free(out);

    /* Change the numbers: legacy now builds everything and no-claims
     * never fails late, so the sentences must change with them. */
    run.policies[1].vms_built = 16;
    run.policies[1].vms_refused_claim = 0;
    run.policies[0].vms_built = 15;
    run.policies[0].vms_refused_claim = 1;
    run.policies[2].vms_failed_populate = 0;
    run.policies[2].vms_refused_claim = 3;
    ASSERT_EQ(ot_capture(out_table, &run, &table, &len), 0);
    out = table_summary(table);
    free(table);
    EXPECT_CONTAINS(out, "legacy built the most VMs: 16 of 16");
    EXPECT_CONTAINS(out, "No VM failed late");
    EXPECT_FALSE(strstr(out, "never failed late"));
    free(out);
    sim_run_free(&run);
}

TEST(table_summary_with_one_policy_and_none)
{
    struct sim_run run;
    char *out = NULL;
    size_t len;

    ot_make_run(&run, 1, 4, 2);
    run.nr_policies = 1;
    ASSERT_EQ(ot_capture(out_table, &run, &out, &len), 0);
    EXPECT_CONTAINS(out, "claim-sets built 4 of 4 VMs (0 refused at claim time, 0 failed");
    free(out);
    run.nr_policies = 3;
    sim_run_free(&run);

    ot_make_run(&run, 2, 4, 2);
    sim_run_free(&run); /* no policies left */
    ASSERT_EQ(ot_capture(out_table, &run, &out, &len), 0);
    EXPECT_CONTAINS(out, "No policy was run.");
    free(out);
}

/* Joined sentences of out_summarize(). */
static void summary_text(const struct sim_run *run, char *buf, size_t len)
{
    struct out_summary sum;
    size_t o = 0;

    out_summarize(run, &sum);
    buf[0] = '\0';
    for (unsigned int i = 0; i < sum.n && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? " " : "", sum.sentence[i]);
}

TEST(summary_rewords_when_its_premises_change)
{
    struct sim_run run;
    char text[8192];

    ot_make_run(&run, 2, 8, 2);
    /* Everyone built everything, nothing failed. */
    for (unsigned int k = 0; k < 3; k++) {
        run.policies[k].vms_built = 8;
        run.policies[k].vms_refused_claim = 0;
        run.policies[k].vms_failed_populate = 0;
    }
    summary_text(&run, text, sizeof(text));
    EXPECT_CONTAINS(text, "Every policy built all 8 VMs.");
    EXPECT_FALSE(strstr(text, "failed late"));
    EXPECT_FALSE(strstr(text, "Refusals"));

    /* Everyone failed late. */
    for (unsigned int k = 0; k < 3; k++) {
        run.policies[k].vms_built = 7 - k;
        run.policies[k].vms_failed_populate = 1 + k;
        run.policies[k].pages_wasted = 256 * (k + 1);
    }
    summary_text(&run, text, sizeof(text));
    EXPECT_CONTAINS(text, "Every policy failed late at least once: claim-sets failed 1 VM during "
                          "population, throwing away 1 MiB already populated; legacy failed 2 "
                          "VMs");
    EXPECT_CONTAINS(text, "claim-sets built the most VMs: 7 of 8; the fewest were built by "
                          "no-claims: 5 of 8.");

    /* Two share the best: named together. */
    run.policies[1].vms_built = 7;
    summary_text(&run, text, sizeof(text));
    EXPECT_CONTAINS(text, "claim-sets and legacy built the most VMs: 7 of 8 each");

    /* No node-bound memory; claims recalled by offlining. */
    for (unsigned int k = 0; k < 3; k++)
        run.policies[k].intended_pages = 0;
    run.policies[2].claims_recalled = 512;
    summary_text(&run, text, sizeof(text));
    EXPECT_CONTAINS(text, "No VM asked for memory on a specific node");
    EXPECT_CONTAINS(text, "Offlining recalled claims: no-claims lost 2 MiB of claims.");
    sim_run_free(&run);
}

/* ---- JSON ---- */

TEST(json_is_valid_and_complete)
{
    struct sim_run run;
    struct ot_json doc;
    const struct ot_json *pol, *p1, *vm, *smp;
    const char *error = NULL;
    char *out = NULL;
    size_t len, offset = 0;

    ot_make_run(&run, 3, 8, 10);
    run.seed = UINT64_MAX;
    ASSERT_EQ(ot_capture(out_json, &run, &out, &len), 0);
    if (!ot_json_parse(out, len, &doc, &error, &offset)) {
        test_fail(__FILE__, __LINE__, "invalid JSON at byte %zu: %s", offset, error);
        free(out);
        return;
    }
    EXPECT_STREQ(ot_jget(&doc, "format")->str, "claimset-sim-1");
    EXPECT_STREQ(ot_jget(&doc, "command")->str, "storm");
    /* 64-bit integers are written exactly. */
    EXPECT_STREQ(ot_jget(&doc, "seed")->raw, "18446744073709551615");
    EXPECT_EQ(ot_jget(&doc, "deterministic")->type, OTJ_BOOL);
    EXPECT_EQ(ot_jget(&doc, "node_pages")->n, 3u);
    EXPECT_EQ(ot_jat(ot_jat(ot_jget(&doc, "distance"), 2), 1)->num, 21.0);

    pol = ot_jget(&doc, "policies");
    ASSERT_TRUE(pol && pol->type == OTJ_ARR);
    ASSERT_EQ(pol->n, 3u);
    p1 = ot_jat(pol, 1);
    EXPECT_STREQ(ot_jget(p1, "name")->str, "legacy");
    EXPECT_EQ(ot_jget(p1, "vms_built")->num, (double)run.policies[1].vms_built);
    EXPECT_EQ(ot_jget(p1, "vms_refused_claim")->num, 2.0);
    EXPECT_EQ(ot_jget(p1, "access_cost")->num, run.policies[1].access_cost);
    EXPECT_EQ(ot_jget(p1, "wall_seconds")->num, 0.75);
    EXPECT_EQ(ot_jget(p1, "vms")->n, 8u);
    EXPECT_EQ(ot_jget(p1, "samples")->n, 10u);

    vm = ot_jat(ot_jget(p1, "vms"), 0);
    EXPECT_STREQ(ot_jget(vm, "outcome")->str, "refused_claim");
    EXPECT_STREQ(ot_jget(vm, "name")->str, "vm00");
    EXPECT_EQ(ot_jget(vm, "node_pages")->n, 3u);
    vm = ot_jat(ot_jget(p1, "vms"), 5);
    EXPECT_STREQ(ot_jget(vm, "outcome")->str, "built");
    EXPECT_EQ(ot_jat(ot_jget(vm, "node_pages"), 2)->num,
              (double)run.policies[1].vms[5].node_pages[2]);

    smp = ot_jat(ot_jget(p1, "samples"), 9);
    EXPECT_EQ(ot_jget(smp, "t")->num, run.policies[1].samples[9].t);
    EXPECT_EQ(ot_jget(smp, "node_free")->n, 3u);
    EXPECT_EQ(ot_jat(ot_jget(smp, "node_free"), 1)->num,
              (double)run.policies[1].samples[9].node_free[1]);
    ot_json_free(&doc);
    free(out);
    sim_run_free(&run);
}

TEST(json_escapes_quotes_control_characters_and_bad_utf8)
{
    static const char nasty[] = "a\"b\\c/\n\r\t\b\f\x01\x1f\x7f z\xc3\xa9 \xe2\x82\xac";
    struct sim_run run;
    struct ot_json doc;
    const struct ot_json *p0;
    const char *error = NULL;
    char *out = NULL;
    size_t len, offset = 0;

    ot_make_run(&run, 2, 2, 2);
    snprintf(run.policies[0].name, sizeof(run.policies[0].name), "%s", nasty);
    /* Not UTF-8: a lone continuation byte, a truncated sequence, an
     * overlong '/', a surrogate. */
    snprintf(run.workload, sizeof(run.workload), "x\x80y\xe2\x82 \xc0\xaf \xed\xa0\x80");
    ASSERT_EQ(ot_capture(out_json, &run, &out, &len), 0);
    /* Raw control characters never appear inside the output's strings. */
    EXPECT_CONTAINS(out, "\\u0001\\u001f");
    EXPECT_CONTAINS(out, "a\\\"b\\\\c/\\n\\r\\t\\b\\f");
    if (!ot_json_parse(out, len, &doc, &error, &offset)) {
        test_fail(__FILE__, __LINE__, "invalid JSON at byte %zu: %s", offset, error);
        free(out);
        return;
    }
    p0 = ot_jat(ot_jget(&doc, "policies"), 0);
    EXPECT_STREQ(ot_jget(p0, "name")->str, nasty); /* decodes back exactly */
    /* Every bad byte became U+FFFD (EF BF BD), the rest is kept. */
    EXPECT_STREQ(ot_jget(&doc, "workload")->str,
                 "x\xef\xbf\xbdy\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd "
                 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    ot_json_free(&doc);
    free(out);
    sim_run_free(&run);
}

TEST(json_numbers_round_trip_and_non_finite_is_null)
{
    struct sim_run run;
    struct ot_json doc;
    const struct ot_json *p0;
    const char *error = NULL;
    char *out = NULL;
    size_t len, offset = 0;

    ot_make_run(&run, 2, 2, 2);
    run.policies[0].wall_seconds = 0.1;
    run.policies[0].access_cost = 1.0 / 3.0;
    run.policies[1].access_cost = NAN;
    run.policies[2].access_cost = INFINITY;
    run.policies[0].samples[1].t = 1e-300;
    ASSERT_EQ(ot_capture(out_json, &run, &out, &len), 0);
    ASSERT_TRUE(ot_json_parse(out, len, &doc, &error, &offset));
    p0 = ot_jat(ot_jget(&doc, "policies"), 0);
    EXPECT_STREQ(ot_jget(p0, "wall_seconds")->raw, "0.1"); /* shortest form */
    EXPECT_TRUE(ot_jget(p0, "access_cost")->num == 1.0 / 3.0);
    EXPECT_TRUE(ot_jat(ot_jget(p0, "samples"), 1) &&
                ot_jget(ot_jat(ot_jget(p0, "samples"), 1), "t")->num == 1e-300);
    EXPECT_EQ(ot_jget(ot_jat(ot_jget(&doc, "policies"), 1), "access_cost")->type, OTJ_NULL);
    EXPECT_EQ(ot_jget(ot_jat(ot_jget(&doc, "policies"), 2), "access_cost")->type, OTJ_NULL);
    ot_json_free(&doc);
    free(out);
    sim_run_free(&run);
}

TEST(json_checker_rejects_broken_json)
{
    /* The checker must be able to fail, or the tests above prove nothing. */
    static const char *const bad[] = {
        "{\"a\": 1,}", "[1, 2",     "{\"a\" 1}",     "\"tab\there\"", "[01]",  "[1.]",
        "[.5]",        "[\"\\x\"]", "[\"\\ud800\"]", "{\"a\": nul}",  "[1] 2", "[\"\xff\"]",
        "[NaN]",       "",
    };
    static const char *const good[] = {"{}", "[]", "[-0.5e+3, 0, true, null, \"\\u00e9\"]",
                                       "{\"a\": [{\"b\": \"\\ud83d\\ude00\"}]}"};
    struct ot_json doc;
    const char *error;
    size_t offset;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        error = NULL;
        if (ot_json_parse(bad[i], strlen(bad[i]), &doc, &error, &offset)) {
            test_fail(__FILE__, __LINE__, "accepted broken JSON: %s", bad[i]);
            ot_json_free(&doc);
        }
    }
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        error = NULL;
        if (ot_json_parse(good[i], strlen(good[i]), &doc, &error, &offset))
            ot_json_free(&doc);
        else
            test_fail(__FILE__, __LINE__, "rejected %s: %s", good[i], error);
    }
}

/* ---- CSV ---- */

TEST(csv_policies_one_row_each_rfc4180)
{
    struct sim_run run;
    struct ot_csv *csv = calloc(1, sizeof(*csv));
    char *out = NULL;
    size_t len;

    ASSERT_TRUE(csv != NULL);
    ot_make_run(&run, 2, 6, 3);
    snprintf(run.policies[1].description, sizeof(run.policies[1].description),
             "comma, \"quoted\"\nand a line break");
    snprintf(run.policies[2].name, sizeof(run.policies[2].name), " padded ");
    run.policies[0].access_cost = NAN;
    ASSERT_EQ(ot_capture(out_csv, &run, &out, &len), 0);
    ASSERT_TRUE(ot_csv_parse(out, len, csv));
    EXPECT_FALSE(csv->bare_lf); /* CRLF record ends */
    ASSERT_EQ(csv->rows, 4u);
    for (size_t r = 0; r < csv->rows; r++)
        EXPECT_EQ(csv->fields[r], 27u);
    EXPECT_STREQ(csv->cell[0][2], "policy");
    EXPECT_STREQ(csv->cell[0][5], "vms_built");
    EXPECT_STREQ(csv->cell[1][0], "storm");
    EXPECT_STREQ(csv->cell[1][1], "42");
    EXPECT_STREQ(csv->cell[1][2], "claim-sets");
    EXPECT_STREQ(csv->cell[1][13], ""); /* NaN access cost: empty */
    EXPECT_STREQ(csv->cell[2][3], "comma, \"quoted\"\nand a line break");
    EXPECT_STREQ(csv->cell[3][2], " padded ");
    EXPECT_STREQ(csv->cell[3][7], "3");     /* failed during population */
    EXPECT_STREQ(csv->cell[2][25], "0.75"); /* wall_seconds */
    ot_csv_free(csv);
    free(csv);
    free(out);
    sim_run_free(&run);
}

TEST(csv_vms_and_samples_have_every_row)
{
    struct sim_run run;
    struct ot_csv *csv = calloc(1, sizeof(*csv));
    char *out = NULL, want[32];
    size_t len;

    ASSERT_TRUE(csv != NULL);
    ot_make_run(&run, 4, 5, 7);
    ASSERT_EQ(ot_capture(out_csv_vms, &run, &out, &len), 0);
    ASSERT_TRUE(ot_csv_parse(out, len, csv));
    ASSERT_EQ(csv->rows, 1u + 3 * 5);
    for (size_t r = 0; r < csv->rows; r++)
        EXPECT_EQ(csv->fields[r], 19u + 4);
    EXPECT_STREQ(csv->cell[0][19], "node0_pages");
    EXPECT_STREQ(csv->cell[0][22], "node3_pages");
    EXPECT_STREQ(csv->cell[7][2], "legacy"); /* rows 1-5 claim-sets, 6-10 legacy */
    EXPECT_STREQ(csv->cell[7][6], "refused_claim");
    snprintf(want, sizeof(want), "%" PRIu64, run.policies[0].vms[3].node_pages[3]);
    EXPECT_STREQ(csv->cell[4][22], want);
    ot_csv_free(csv);
    free(out);

    ASSERT_EQ(ot_capture(out_csv_samples, &run, &out, &len), 0);
    ASSERT_TRUE(ot_csv_parse(out, len, csv));
    ASSERT_EQ(csv->rows, 1u + 3 * 7 * 4);
    for (size_t r = 0; r < csv->rows; r++)
        EXPECT_EQ(csv->fields[r], 8u);
    snprintf(want, sizeof(want), "%" PRIu64, run.policies[2].samples[6].node_free[3]);
    EXPECT_STREQ(csv->cell[csv->rows - 1][5], want);
    ot_csv_free(csv);
    free(csv);
    free(out);
    sim_run_free(&run);
}

/* ---- HTML ---- */

TEST(html_has_charts_tables_and_summary)
{
    struct sim_run run;
    char *out = NULL, why[128];
    const char *fault;
    size_t len;

    ot_make_run(&run, 2, 12, 30);
    ASSERT_EQ(ot_capture(html_writer, &run, &out, &len), 0);
    EXPECT_EQ(strncmp(out, "<!DOCTYPE html>", 15), 0);
    EXPECT_EQ(ot_count(out, "data-chart=\"outcomes\""), 1u);
    EXPECT_EQ(ot_count(out, "data-chart=\"placement\""), 1u);
    EXPECT_EQ(ot_count(out, "data-chart=\"timeline-claim-sets\""), 1u);
    EXPECT_EQ(ot_count(out, "data-chart=\"timeline-legacy\""), 1u);
    EXPECT_EQ(ot_count(out, "data-chart=\"timeline-no-claims\""), 1u);
    EXPECT_EQ(ot_count(out, "<svg"), 5u);
    /* Two series (free, claimed) per node per policy, one point per sample. */
    EXPECT_EQ(ot_count(out, "<path class=\"series free\""), 3u * 2);
    EXPECT_EQ(ot_count(out, "<path class=\"series claimed\""), 3u * 2);
    /* Outcome bars: claim-sets built only; legacy built+refused;
     * no-claims built+failed. */
    EXPECT_EQ(ot_count(out, "<rect class=\"built\""), 3u);
    EXPECT_EQ(ot_count(out, "<rect class=\"refused\""), 1u);
    EXPECT_EQ(ot_count(out, "<rect class=\"failed\""), 1u);
    EXPECT_CONTAINS(out, "data-tip=\"no-claims: 3 failed during population\"");
    /* Tables: one policy row each, one per-VM table per policy. */
    EXPECT_EQ(ot_count(out, "data-table=\"vms\""), 3u);
    EXPECT_EQ(ot_count(out, "<td class=\"text\">vm11</td>"), 3u);
    EXPECT_CONTAINS(out, "<li>claim-sets built the most VMs: 12 of 12");
    /* Self-contained: nothing is loaded from anywhere. */
    EXPECT_FALSE(strstr(out, "http:"));
    EXPECT_FALSE(strstr(out, "https:"));
    EXPECT_FALSE(strstr(out, " src="));
    EXPECT_FALSE(strstr(out, "<link"));
    /* The load check's hooks. */
    EXPECT_CONTAINS(out, "<html lang=\"en\" data-report=\"loading\">");
    EXPECT_CONTAINS(out, "setAttribute('data-report', 'ok')");
    EXPECT_TRUE(strstr(out, "addEventListener('error'") <
                strstr(out, "<body>")); /* the trap comes first */
    fault = ot_html_nesting(out, why, sizeof(why));
    EXPECT_TRUE(fault == NULL);
    if (fault)
        test_note("nesting: %s", fault);
    free(out);
    sim_run_free(&run);
}

/* Host-wide claims (legacy) have a line of their own in the timelines;
 * a policy without any gets none.  Axis titles, outcomes in words. */
TEST(html_draws_host_wide_claims_axis_titles_and_outcome_words)
{
    struct sim_run run;
    char *out = NULL;
    size_t len;

    ot_make_run(&run, 2, 12, 30);
    for (size_t i = 0; i < run.policies[1].nr_samples; i++)
        run.policies[1].samples[i].host_claimed = 1000 + i;
    ASSERT_EQ(ot_capture(html_writer, &run, &out, &len), 0);
    EXPECT_EQ(ot_count(out, "data-node=\"host\""), 1u);
    EXPECT_CONTAINS(out, "data-v=\"1000,1001,1002");
    EXPECT_TRUE(strstr(out, "data-node=\"host\"") > strstr(out, "timeline-legacy"));
    EXPECT_TRUE(strstr(out, "data-node=\"host\"") < strstr(out, "timeline-no-claims"));
    /* Every timeline names its axes. */
    EXPECT_EQ(ot_count(out, ">memory</text>"), 3u);
    EXPECT_EQ(ot_count(out, ">modelled time since the policy's start</text>"), 3u);
    /* no-claims failed 3 VMs: said in words, not as an identifier. */
    EXPECT_EQ(ot_count(out, "<td class=\"text\">failed while populating</td>"), 3u);
    EXPECT_EQ(ot_count(out, "<td class=\"text\">refused at claim time</td>"), 2u);
    EXPECT_FALSE(strstr(out, ">failed_populate<"));
    free(out);
    sim_run_free(&run);
}

TEST(html_escapes_every_text_from_the_run)
{
    struct sim_run run;
    char *out = NULL, why[128];
    const char *fault;
    size_t len;

    ot_make_run(&run, 2, 3, 3);
    snprintf(run.policies[1].name, sizeof(run.policies[1].name), "<script>x</script>&\"'");
    snprintf(run.workload, sizeof(run.workload), "<b>bold</b>");
    snprintf(run.policies[0].vms[0].plan, sizeof(run.policies[0].vms[0].plan), "a\x01<i>");
    ASSERT_EQ(ot_capture(html_writer, &run, &out, &len), 0);
    EXPECT_FALSE(strstr(out, "<script>x"));
    EXPECT_FALSE(strstr(out, "<b>bold"));
    EXPECT_FALSE(strstr(out, "<i>"));
    EXPECT_FALSE(strchr(out, '\x01'));
    EXPECT_CONTAINS(out, "data-chart=\"timeline-&lt;script&gt;x&lt;/script&gt;&amp;&quot;&#39;\"");
    EXPECT_CONTAINS(out, "&lt;b&gt;bold&lt;/b&gt;");
    EXPECT_CONTAINS(out, "a&#xfffd;&lt;i&gt;");
    fault = ot_html_nesting(out, why, sizeof(why));
    EXPECT_TRUE(fault == NULL);
    if (fault)
        test_note("nesting: %s", fault);
    free(out);
    sim_run_free(&run);
}

TEST(html_nesting_checker_catches_bad_markup)
{
    char why[128];

    EXPECT_TRUE(ot_html_nesting("<div><p></div></p>", why, sizeof(why)) != NULL);
    EXPECT_TRUE(ot_html_nesting("<div>", why, sizeof(why)) != NULL);
    EXPECT_TRUE(ot_html_nesting("<div><br><svg><line/></svg><script>a<b</script></div>", why,
                                sizeof(why)) == NULL);
}

TEST(html_without_samples_or_vms_still_has_every_chart)
{
    struct sim_run run;
    char *out = NULL, why[128];
    size_t len;

    ot_make_run(&run, 2, 0, 0);
    ASSERT_EQ(ot_capture(html_writer, &run, &out, &len), 0);
    EXPECT_EQ(ot_count(out, "data-chart=\"timeline-"), 3u);
    EXPECT_EQ(ot_count(out, "no samples recorded"), 3u);
    EXPECT_CONTAINS(out, "data-chart=\"outcomes\"");
    EXPECT_CONTAINS(out, "data-chart=\"placement\"");
    EXPECT_FALSE(strstr(out, "nan"));
    EXPECT_FALSE(strstr(out, "inf"));
    EXPECT_TRUE(ot_html_nesting(out, why, sizeof(why)) == NULL);
    free(out);
    sim_run_free(&run);
}

TEST(html_long_runs_are_downsampled)
{
    struct sim_run run;
    char *out = NULL, *d, *end;
    size_t len;
    unsigned int points;

    ot_make_run(&run, 1, 2, 5000);
    ASSERT_EQ(ot_capture(html_writer, &run, &out, &len), 0);
    d = strstr(out, "<path class=\"series free\"");
    ASSERT_TRUE(d != NULL);
    d = strstr(d, " d=\"");
    ASSERT_TRUE(d != NULL);
    end = strchr(d + 4, '"');
    *end = '\0';
    points = ot_count(d, " L") + 1;
    EXPECT_LE(points, 401u);
    EXPECT_GE(points, 300u);
    free(out);
    sim_run_free(&run);
}

static bool file_starts_with(const char *path, const char *prefix)
{
    char buf[64] = "";
    FILE *f = fopen(path, "r");
    size_t n;

    if (!f)
        return false;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return !strncmp(buf, prefix, strlen(prefix));
}

/* Writes the sample report for tests/html/check_html.sh when asked. */
TEST(html_sample_report)
{
    const char *want = getenv("CS_HTML_SAMPLE");
    char tmp[] = "/tmp/cs-report-XXXXXX", path[64], err[256] = "";
    struct sim_run run;
    int fd;

    if (want && *want) {
        snprintf(path, sizeof(path), "%s", want);
    } else {
        fd = mkstemp(tmp);
        ASSERT_TRUE(fd >= 0);
        close(fd);
        snprintf(path, sizeof(path), "%s", tmp);
    }
    ot_make_run(&run, 4, 24, 120);
    snprintf(run.workload, sizeof(run.workload), "boot storm: 24 VMs of 1 GiB on 4 nodes <&>");
    /* legacy's claims are host-wide: the browser sees that line too. */
    for (size_t i = 0; i < run.policies[1].nr_samples; i++)
        run.policies[1].samples[i].host_claimed = 4096 * (i % 7);
    run.threads = 4;
    run.deterministic = 0;
    ASSERT_EQ(out_html(path, &run, err, sizeof(err)), 0);
    EXPECT_TRUE(file_starts_with(path, "<!DOCTYPE html>"));
    if (!want || !*want)
        unlink(path);
    else
        test_note("wrote %s", path);
    sim_run_free(&run);
}

/* ---- errors and bad input ---- */

TEST(bad_runs_are_refused_before_writing)
{
    int (*writers[])(FILE *, const struct sim_run *) = {out_table,   out_json,        out_csv,
                                                        out_csv_vms, out_csv_samples, html_writer};
    struct sim_run run;
    char *out = NULL;
    size_t len;

    ot_make_run(&run, 2, 2, 2);
    for (size_t w = 0; w < sizeof(writers) / sizeof(writers[0]); w++) {
        struct sim_policy_result saved = run.policies[1];

        errno = 0;
        EXPECT_EQ(ot_capture(writers[w], NULL, &out, &len), -1);
        EXPECT_EQ(errno, EINVAL);
        EXPECT_EQ(len, 0u);
        free(out);

        run.nr_policies = SIM_MAX_POLICIES + 1;
        EXPECT_EQ(ot_capture(writers[w], &run, &out, &len), -1);
        EXPECT_EQ(len, 0u);
        free(out);
        run.nr_policies = 3;

        run.topo.nr_nodes = SIM_MAX_NODES + 1;
        EXPECT_EQ(ot_capture(writers[w], &run, &out, &len), -1);
        EXPECT_EQ(len, 0u);
        free(out);
        run.topo.nr_nodes = 2;

        run.policies[1].vms = NULL; /* count without an array */
        EXPECT_EQ(ot_capture(writers[w], &run, &out, &len), -1);
        EXPECT_EQ(len, 0u);
        free(out);
        run.policies[1] = saved;
        run.policies[1].samples = NULL;
        errno = 0;
        EXPECT_EQ(ot_capture(writers[w], &run, &out, &len), -1);
        EXPECT_EQ(errno, EINVAL);
        EXPECT_EQ(len, 0u);
        free(out);
        run.policies[1] = saved;
    }
    EXPECT_EQ(out_table(NULL, &run), -1);
    sim_run_free(&run);
}

TEST(unterminated_strings_are_read_within_their_arrays)
{
    struct sim_run run;
    char *out = NULL, want[SIM_NAME_LEN + 1];
    size_t len;

    ot_make_run(&run, 2, 2, 2);
    memset(run.policies[0].name, 'x', sizeof(run.policies[0].name));
    memset(run.command, 'c', sizeof(run.command));
    memset(want, 'x', SIM_NAME_LEN);
    want[SIM_NAME_LEN] = '\0';
    ASSERT_EQ(ot_capture(out_json, &run, &out, &len), 0);
    EXPECT_CONTAINS(out, want);
    EXPECT_CONTAINS(out, "\"cccccccccccccccc\""); /* exactly 16 */
    free(out);
    ASSERT_EQ(ot_capture(out_table, &run, &out, &len), 0);
    EXPECT_CONTAINS(out, want);
    free(out);
    ASSERT_EQ(ot_capture(html_writer, &run, &out, &len), 0);
    EXPECT_CONTAINS(out, want);
    free(out);
    sim_run_free(&run);
}

static bool is_char_device(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISCHR(st.st_mode);
}

TEST(write_errors_are_reported)
{
    struct sim_run run;
    char err[256] = "";
    FILE *f;

    ot_make_run(&run, 2, 4, 4);
    /* Only the real device: opening a missing /dev/full for writing would
     * create a regular file there. */
    f = is_char_device("/dev/full") ? fopen("/dev/full", "w") : NULL;
    if (f) {
        errno = 0;
        EXPECT_EQ(out_json(f, &run), -1);
        EXPECT_EQ(errno, ENOSPC);
        fclose(f);
    } else {
        test_note("no /dev/full: skipping the stream case");
    }
    errno = 0;
    EXPECT_EQ(out_html("/nonexistent-dir/report.html", &run, err, sizeof(err)), -1);
    EXPECT_EQ(errno, ENOENT);
    EXPECT_CONTAINS(err, "/nonexistent-dir/report.html");
    errno = 0;
    EXPECT_EQ(out_html(NULL, &run, err, sizeof(err)), -1);
    EXPECT_EQ(errno, EINVAL);
    sim_run_free(&run);
}

/* A report that could not be written completely is removed, not left
 * half-written.  The file size limit makes the write fail (EFBIG); the
 * test runs in its own process, so the limit dies with it. */
TEST(html_failed_write_leaves_no_partial_report)
{
    char dir[] = "/tmp/cs-html-XXXXXX", path[64], err[256] = "";
    struct rlimit lim = {.rlim_cur = 4096, .rlim_max = RLIM_INFINITY};
    struct sim_run run;

    ASSERT_TRUE(mkdtemp(dir) != NULL);
    snprintf(path, sizeof(path), "%s/report.html", dir);
    ot_make_run(&run, 2, 50, 100);
    signal(SIGXFSZ, SIG_IGN);
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &lim), 0);
    errno = 0;
    EXPECT_EQ(out_html(path, &run, err, sizeof(err)), -1);
    EXPECT_EQ(errno, EFBIG);
    EXPECT_CONTAINS(err, path);
    EXPECT_EQ(access(path, F_OK), -1);
    rmdir(dir);
    sim_run_free(&run);
}

TEST(sim_run_free_releases_and_empties)
{
    struct sim_run run;

    ot_make_run(&run, 2, 3, 3);
    sim_run_free(&run);
    EXPECT_EQ(run.nr_policies, 0u);
    for (unsigned int i = 0; i < 3; i++) {
        EXPECT_TRUE(run.policies[i].vms == NULL);
        EXPECT_TRUE(run.policies[i].samples == NULL);
        EXPECT_EQ(run.policies[i].nr_vms, 0u);
    }
    sim_run_free(&run); /* twice is harmless */
    sim_run_free(NULL);
}

/* ---- formatting helpers ---- */

TEST(counts_shares_and_times)
{
    char b[32];

    EXPECT_STREQ(out_fmt_count(b, sizeof(b), 0), "0");
    EXPECT_STREQ(out_fmt_count(b, sizeof(b), 999), "999");
    EXPECT_STREQ(out_fmt_count(b, sizeof(b), 1234567), "1,234,567");
    EXPECT_STREQ(out_fmt_count(b, 4, 1234567), "1,2"); /* truncated, terminated */
    EXPECT_STREQ(out_fmt_share(b, sizeof(b), 0, 0), "n/a");
    EXPECT_STREQ(out_fmt_share(b, sizeof(b), 5, 5), "100%");
    EXPECT_STREQ(out_fmt_share(b, sizeof(b), 9999, 10000), "99.9%");
    /* Down, as sizes: a share is never shown larger than it is. */
    EXPECT_STREQ(out_fmt_share(b, sizeof(b), 1, 10000), "<0.1%");
    EXPECT_STREQ(out_fmt_share(b, sizeof(b), 1, 1000), "0.1%");
    EXPECT_STREQ(out_fmt_share(b, sizeof(b), 2, 3), "66.6%");
    EXPECT_STREQ(out_fmt_share(b, sizeof(b), 1, 3), "33.3%");
    EXPECT_STREQ(out_fmt_seconds(b, sizeof(b), 0.25), "250 ms");
    EXPECT_STREQ(out_fmt_seconds(b, sizeof(b), 12.345), "12.35 s");
    EXPECT_STREQ(out_fmt_seconds(b, sizeof(b), 125), "2m05s");
    EXPECT_STREQ(out_fmt_seconds(b, sizeof(b), NAN), "n/a");
}
