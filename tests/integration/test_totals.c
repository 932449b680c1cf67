/*
 * The policy totals mean one thing in every format.  A real run (built,
 * refused and failed VMs in one storm) is written as JSON, CSV, the
 * table and the HTML report; in JSON and CSV every total is rebuilt from
 * that format's own per-VM rows by its definition in docs/reports.md and
 * compared with the total the format prints, and the table and the HTML
 * report must show the same figures.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integration/out_test_util.h"
#include "out/out.h"
#include "sim/sim.h"
#include "test.h"

/* The totals of one policy, as docs/reports.md defines them. */
struct totals {
    uint64_t total, built, refused, failed;
    uint64_t pages_requested, pages_built; /* all, built */
    uint64_t intended, on_node;            /* built */
    uint64_t extents[3];                   /* built */
    uint64_t wasted;                       /* failed: their node_pages */
    uint64_t hypercalls;                   /* all */
    double cost_x_pages, cost_pages;       /* built, finite cost */
};

struct row {
    const char *outcome;
    uint64_t pages, intended, on_node, extents[3], hypercalls, node_pages;
    double cost; /* NAN when not finite */
};

static void add_row(struct totals *t, const struct row *r)
{
    t->total++;
    t->pages_requested += r->pages;
    t->hypercalls += r->hypercalls;
    if (!strcmp(r->outcome, "built")) {
        t->built++;
        t->pages_built += r->pages;
        t->intended += r->intended;
        t->on_node += r->on_node;
        for (int i = 0; i < 3; i++)
            t->extents[i] += r->extents[i];
        if (isfinite(r->cost)) {
            t->cost_x_pages += r->cost * (double)r->pages;
            t->cost_pages += (double)r->pages;
        }
    } else if (!strcmp(r->outcome, "refused_claim")) {
        t->refused++;
    } else if (!strcmp(r->outcome, "failed_populate")) {
        t->failed++;
        t->wasted += r->node_pages;
    } else {
        test_fail(__FILE__, __LINE__, "unknown outcome '%s'", r->outcome);
    }
}

/* The printed totals, by their JSON/CSV key. */
static const char *const keys[] = {
    "vms_total",       "vms_built",   "vms_refused_claim", "vms_failed_populate",
    "pages_requested", "pages_built", "intended_pages",    "pages_on_intended_node",
    "extents_1g",      "extents_2m",  "extents_4k",        "pages_wasted",
    "hypercalls",
};
#define NR_KEYS (sizeof(keys) / sizeof(keys[0]))

static void totals_by_key(const struct totals *t, uint64_t *v)
{
    const uint64_t all[NR_KEYS] = {
        t->total,       t->built,    t->refused,    t->failed,     t->pages_requested,
        t->pages_built, t->intended, t->on_node,    t->extents[0], t->extents[1],
        t->extents[2],  t->wasted,   t->hypercalls,
    };

    memcpy(v, all, sizeof(all));
}

static struct sim_run *small_storm_run(void)
{
    struct sim_run *run = calloc(1, sizeof(*run));
    struct claimset_topology topo;
    struct sim_config cfg;
    char err[SIM_ERR_LEN];

    sim_config_init(&cfg, SIM_STORM);
    if (claimset_topology_parse("16M,16M,16M,16M", &topo, err, sizeof(err)))
        test_fail(__FILE__, __LINE__, "topology: %s", err);
    cfg.topology = &topo;
    cfg.seed = 1;
    cfg.check_level = CLAIMSET_CHECK_COUNTERS;
    cfg.deep_check = true;
    if (!run || sim_run(&cfg, run, err, sizeof(err))) {
        test_fail(__FILE__, __LINE__, "sim_run: %s", run ? err : "out of memory");
        free(run);
        return NULL;
    }
    return run;
}

static uint64_t jnum(const struct ot_json *obj, const char *key)
{
    const struct ot_json *v = ot_jget(obj, key);

    if (!v || v->type != OTJ_NUM) {
        test_fail(__FILE__, __LINE__, "no number '%s'", key);
        return UINT64_MAX;
    }
    return strtoull(v->raw, NULL, 10);
}

static struct totals from_json_rows(const struct ot_json *vms)
{
    struct totals t;

    memset(&t, 0, sizeof(t));
    for (size_t i = 0; i < vms->n; i++) {
        const struct ot_json *vm = ot_jat(vms, i), *cost = ot_jget(vm, "access_cost");
        const struct ot_json *nodes = ot_jget(vm, "node_pages");
        struct row r = {
            .outcome = ot_jget(vm, "outcome")->str,
            .pages = jnum(vm, "pages"),
            .intended = jnum(vm, "intended_pages"),
            .on_node = jnum(vm, "pages_on_intended_node"),
            .extents = {jnum(vm, "extents_1g"), jnum(vm, "extents_2m"), jnum(vm, "extents_4k")},
            .hypercalls = jnum(vm, "hypercalls"),
            .cost = cost->type == OTJ_NUM ? cost->num : NAN,
        };

        for (size_t n = 0; n < nodes->n; n++)
            r.node_pages += strtoull(ot_jat(nodes, n)->raw, NULL, 10);
        add_row(&t, &r);
    }
    return t;
}

/* Column index of name in a CSV header row, or -1. */
static int col(const struct ot_csv *c, const char *name)
{
    for (size_t i = 0; i < c->fields[0] && i < 64; i++)
        if (!strcmp(c->cell[0][i], name))
            return (int)i;
    test_fail(__FILE__, __LINE__, "no CSV column '%s'", name);
    return 0;
}

static uint64_t cnum(const struct ot_csv *c, size_t row, const char *name)
{
    return strtoull(c->cell[row][col(c, name)], NULL, 10);
}

static struct totals from_csv_rows(const struct ot_csv *c, const char *policy)
{
    struct totals t;

    memset(&t, 0, sizeof(t));
    for (size_t r = 1; r < c->rows; r++) {
        const char *cost = c->cell[r][col(c, "access_cost")];
        struct row row = {
            .outcome = c->cell[r][col(c, "outcome")],
            .pages = cnum(c, r, "pages"),
            .intended = cnum(c, r, "intended_pages"),
            .on_node = cnum(c, r, "pages_on_intended_node"),
            .extents = {cnum(c, r, "extents_1g"), cnum(c, r, "extents_2m"),
                        cnum(c, r, "extents_4k")},
            .hypercalls = cnum(c, r, "hypercalls"),
            .cost = *cost ? strtod(cost, NULL) : NAN,
        };

        if (strcmp(c->cell[r][col(c, "policy")], policy))
            continue;
        for (size_t i = 0; i < c->fields[0] && i < 64; i++)
            if (!strncmp(c->cell[0][i], "node", 4))
                row.node_pages += strtoull(c->cell[r][i], NULL, 10);
        add_row(&t, &row);
    }
    return t;
}

static void expect_totals(const char *where, const char *policy, const struct totals *rows,
                          const uint64_t *printed)
{
    uint64_t want[NR_KEYS];

    totals_by_key(rows, want);
    for (size_t k = 0; k < NR_KEYS; k++)
        if (want[k] != printed[k])
            test_fail(__FILE__, __LINE__, "%s, %s: %s is %llu, its rows add up to %llu", where,
                      policy, keys[k], (unsigned long long)printed[k], (unsigned long long)want[k]);
}

/* The line of text starting with prefix, as a string (caller frees). */
static char *line_starting(const char *text, const char *prefix)
{
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (!strncmp(p, prefix, strlen(prefix)))
            return strndup(p, strcspn(p, "\n"));
    }
    return NULL;
}

TEST(every_format_prints_the_totals_its_rows_add_up_to)
{
    struct sim_run *run = small_storm_run();
    struct ot_csv *csv = calloc(1, sizeof(*csv)), *vms_csv = calloc(1, sizeof(*vms_csv));
    char *json = NULL, *csv_text = NULL, *vms_text = NULL, *table = NULL, *html = NULL;
    size_t json_len, csv_len, vms_len, table_len, html_len, offset;
    const char *error = NULL;
    struct ot_json doc;
    bool any_failed = false, any_refused = false;

    ASSERT_TRUE(run && csv && vms_csv);
    ASSERT_EQ(ot_capture(out_json, run, &json, &json_len), 0);
    ASSERT_EQ(ot_capture(out_csv, run, &csv_text, &csv_len), 0);
    ASSERT_EQ(ot_capture(out_csv_vms, run, &vms_text, &vms_len), 0);
    ASSERT_EQ(ot_capture(out_table, run, &table, &table_len), 0);
    ASSERT_EQ(ot_capture(out_html_write, run, &html, &html_len), 0);
    ASSERT_TRUE(ot_json_parse(json, json_len, &doc, &error, &offset));
    ASSERT_TRUE(ot_csv_parse(csv_text, csv_len, csv));
    ASSERT_TRUE(ot_csv_parse(vms_text, vms_len, vms_csv));
    ASSERT_EQ(ot_jget(&doc, "policies")->n, run->nr_policies);
    ASSERT_EQ(csv->rows, run->nr_policies + 1);

    for (unsigned int i = 0; i < run->nr_policies; i++) {
        const struct ot_json *p = ot_jat(ot_jget(&doc, "policies"), i);
        const char *name = ot_jget(p, "name")->str;
        struct totals jt = from_json_rows(ot_jget(p, "vms")), ct = from_csv_rows(vms_csv, name);
        uint64_t printed[NR_KEYS];
        char prefix[64], cell[128], a[64], b[64], *row;

        /* JSON: totals against the JSON rows. */
        for (size_t k = 0; k < NR_KEYS; k++)
            printed[k] = jnum(p, keys[k]);
        expect_totals("JSON", name, &jt, printed);
        if (jt.cost_pages)
            EXPECT_TRUE(fabs(ot_jget(p, "access_cost")->num - jt.cost_x_pages / jt.cost_pages) <
                        1e-9);
        /* CSV: the policy row against the CSV VM rows. */
        EXPECT_STREQ(csv->cell[i + 1][col(csv, "policy")], name);
        for (size_t k = 0; k < NR_KEYS; k++)
            printed[k] = cnum(csv, i + 1, keys[k]);
        expect_totals("CSV", name, &ct, printed);

        /* The table's row shows the same figures. */
        snprintf(prefix, sizeof(prefix), "%s ", name);
        row = line_starting(table, prefix);
        ASSERT_TRUE(row != NULL);
        snprintf(cell, sizeof(cell), " %llu/%llu ", (unsigned long long)jt.built,
                 (unsigned long long)jt.total);
        EXPECT_CONTAINS(row, cell);
        snprintf(cell, sizeof(cell), " %llu/%llu/%llu ", (unsigned long long)jt.extents[0],
                 (unsigned long long)jt.extents[1], (unsigned long long)jt.extents[2]);
        EXPECT_CONTAINS(row, cell);
        snprintf(cell, sizeof(cell), " %s ", cs_human_size(jt.wasted, a, sizeof(a)));
        EXPECT_CONTAINS(row, cell);
        snprintf(cell, sizeof(cell), " %s ", out_fmt_share(a, sizeof(a), jt.on_node, jt.intended));
        EXPECT_CONTAINS(row, cell);
        snprintf(cell, sizeof(cell), " %s", out_fmt_count(a, sizeof(a), jt.hypercalls));
        EXPECT_TRUE(strlen(row) >= strlen(cell) && !strcmp(row + strlen(row) - strlen(cell), cell));
        free(row);

        /* And so does the report's policy table. */
        snprintf(cell, sizeof(cell), "<td data-v=\"%llu\">%llu/%llu</td>",
                 (unsigned long long)jt.built, (unsigned long long)jt.built,
                 (unsigned long long)jt.total);
        EXPECT_CONTAINS(html, cell);
        snprintf(cell, sizeof(cell), ">%llu/%llu/%llu</td>", (unsigned long long)jt.extents[0],
                 (unsigned long long)jt.extents[1], (unsigned long long)jt.extents[2]);
        EXPECT_CONTAINS(html, cell);
        snprintf(cell, sizeof(cell), "<td data-v=\"%llu\">%s</td>", (unsigned long long)jt.wasted,
                 cs_human_size(jt.wasted, b, sizeof(b)));
        EXPECT_CONTAINS(html, cell);
        /* A failed VM's row says its extents were thrown away (they are
         * in the policy's "wasted", not its extents). */
        for (size_t v = 0; v < ot_jget(p, "vms")->n; v++) {
            const struct ot_json *vm = ot_jat(ot_jget(p, "vms"), v);

            if (strcmp(ot_jget(vm, "outcome")->str, "failed_populate"))
                continue;
            snprintf(cell, sizeof(cell), ">%llu/%llu/%llu (thrown away)</td>",
                     (unsigned long long)jnum(vm, "extents_1g"),
                     (unsigned long long)jnum(vm, "extents_2m"),
                     (unsigned long long)jnum(vm, "extents_4k"));
            EXPECT_CONTAINS(html, cell);
        }
        any_failed |= jt.failed != 0;
        any_refused |= jt.refused != 0;
    }
    /* The run exercises every kind of row. */
    EXPECT_TRUE(any_failed);
    EXPECT_TRUE(any_refused);
    ot_json_free(&doc);
    ot_csv_free(csv);
    ot_csv_free(vms_csv);
    free(csv);
    free(vms_csv);
    free(json);
    free(csv_text);
    free(vms_text);
    free(table);
    free(html);
    sim_run_free(run);
    free(run);
}
