/*
 * The human table: a header describing the run, one aligned row per
 * policy, the policies' descriptions, and the computed "what this shows"
 * paragraph.  Meant for a terminal 100+ columns wide; the paragraph wraps
 * at 78.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "out/out.h"

enum {
    COL_POLICY,
    COL_BUILT,
    COL_REFUSED,
    COL_FAILED,
    COL_DEGRADED,
    COL_RECALLED,
    COL_ONNODE,
    COL_COST,
    COL_EXTENTS,
    COL_WASTED,
    COL_DONE,
    COL_FIRST_FAIL,
    COL_HCALLS,
    NR_COLS
};

static const char *const col_head[NR_COLS] = {
    "policy",   "built",       "refused@claim", "failed@populate",  "degraded",
    "recalled", "on-node",     "cost",          "extents 1G/2M/4K", "wasted",
    "done at",  "1st failure", "hypercalls",
};

#define CELL_LEN 64

struct table {
    char cell[SIM_MAX_POLICIES + 1][NR_COLS][CELL_LEN];
    size_t width[NR_COLS];
    unsigned int rows;
};

static void fill_row(char row[NR_COLS][CELL_LEN], const struct sim_policy_result *p)
{
    snprintf(row[COL_POLICY], CELL_LEN, "%.*s", (int)strnlen(p->name, sizeof(p->name)), p->name);
    snprintf(row[COL_BUILT], CELL_LEN, "%u/%u", p->vms_built, p->vms_total);
    snprintf(row[COL_REFUSED], CELL_LEN, "%u", p->vms_refused_claim);
    snprintf(row[COL_FAILED], CELL_LEN, "%u", p->vms_failed_populate);
    /* Degraded: built VMs with pages off their planned node, and how many. */
    if (p->vms_degraded) {
        char size[32];

        snprintf(row[COL_DEGRADED], CELL_LEN, "%u (%s)", p->vms_degraded,
                 cs_human_size(p->pages_degraded, size, sizeof(size)));
    } else {
        snprintf(row[COL_DEGRADED], CELL_LEN, "0");
    }
    cs_human_size(p->claims_recalled, row[COL_RECALLED], CELL_LEN);
    out_fmt_share(row[COL_ONNODE], CELL_LEN, p->pages_on_intended_node, p->intended_pages);
    if (p->vms_built && isfinite(p->access_cost))
        snprintf(row[COL_COST], CELL_LEN, "%.2f", p->access_cost);
    else
        snprintf(row[COL_COST], CELL_LEN, "n/a");
    snprintf(row[COL_EXTENTS], CELL_LEN, "%" PRIu64 "/%" PRIu64 "/%" PRIu64, p->extents_1g,
             p->extents_2m, p->extents_4k);
    cs_human_size(p->pages_wasted, row[COL_WASTED], CELL_LEN);
    out_fmt_seconds(row[COL_DONE], CELL_LEN, p->completion_seconds);
    if (isfinite(p->first_failure_seconds))
        out_fmt_seconds(row[COL_FIRST_FAIL], CELL_LEN, p->first_failure_seconds);
    else
        snprintf(row[COL_FIRST_FAIL], CELL_LEN, "-");
    out_fmt_count(row[COL_HCALLS], CELL_LEN, p->hypercalls);
}

static void print_table(FILE *f, struct table *t)
{
    for (unsigned int c = 0; c < NR_COLS; c++) {
        t->width[c] = 0;
        for (unsigned int r = 0; r < t->rows; r++)
            if (strlen(t->cell[r][c]) > t->width[c])
                t->width[c] = strlen(t->cell[r][c]);
    }
    for (unsigned int r = 0; r < t->rows; r++) {
        for (unsigned int c = 0; c < NR_COLS; c++) {
            /* The policy name reads left to right; figures line up right. */
            int w = (int)t->width[c];

            if (c == COL_POLICY)
                fprintf(f, "%-*s", w, t->cell[r][c]);
            else
                fprintf(f, "  %*s", w, t->cell[r][c]);
        }
        fputc('\n', f);
    }
}

/* Print text wrapped at width columns, every line indented. */
static void print_wrapped(FILE *f, const char *text, unsigned int indent, size_t width)
{
    const char *p = text;

    while (*p) {
        size_t room = width - indent, n = strlen(p), cut = n;

        if (n > room) {
            cut = room;
            while (cut > 0 && p[cut] != ' ')
                cut--;
            if (cut == 0) /* one word longer than the line */
                cut = strcspn(p, " ");
        }
        fprintf(f, "%*s%.*s\n", (int)indent, "", (int)cut, p);
        p += cut;
        while (*p == ' ')
            p++;
    }
}

static const char *t_name(const struct sim_run *run, unsigned int i)
{
    static const char unnamed[] = "?";
    const struct sim_policy_result *p = &run->policies[i];

    return strnlen(p->name, sizeof(p->name)) < sizeof(p->name) ? p->name : unnamed;
}

static void print_header(FILE *f, const struct sim_run *run)
{
    char topo[SIM_TOPOLOGY_TEXT_LEN];
    uint64_t total = 0;
    char size[32];

    fprintf(f, "claimset %.*s\n", (int)strnlen(run->command, sizeof(run->command)), run->command);
    out_topology_text(run, topo, sizeof(topo));
    fprintf(f, "  topology:  %s\n", topo);
    fprintf(f, "  nodes:     %u", run->topo.nr_nodes);
    for (unsigned int n = 0; n < run->topo.nr_nodes; n++)
        total += run->topo.node_pages[n];
    if (run->topo.nr_nodes <= 8) {
        for (unsigned int n = 0; n < run->topo.nr_nodes; n++)
            fprintf(f, "%s%s", n ? ", " : " (",
                    cs_human_size(run->topo.node_pages[n], size, sizeof(size)));
        fprintf(f, "%s", run->topo.nr_nodes ? ")" : "");
    }
    fprintf(f, ", %s in all\n", cs_human_size(total, size, sizeof(size)));
    fprintf(f, "  seed:      %" PRIu64 "\n", run->seed);
    if (run->deterministic)
        fprintf(f,
                "  time:      modelled, %u parallel builder%s; per hypercall %" PRIu64
                " ns, per page populated %" PRIu64 " ns, per page scrubbed %" PRIu64 " ns\n"
                "             (deterministic: the same seed and parameters give the same "
                "results)\n",
                run->builders, run->builders == 1 ? "" : "s", run->cost_hypercall_ns,
                run->cost_page_ns, run->cost_scrub_ns);
    else
        fprintf(f,
                "  time:      wall clock -- stress mode, %u real builder threads (not "
                "deterministic: builds race, results vary between runs)\n",
                run->threads);
    fprintf(f, "  builds:    %s\n",
            run->strict ? "strict: a short populate fails the build"
                        : "a short populate claims again, else places the rest elsewhere");
    fprintf(f, "  workload:  %.*s\n\n", (int)strnlen(run->workload, sizeof(run->workload)),
            run->workload);
}

int out_table(FILE *f, const struct sim_run *run)
{
    struct out_summary sum;
    struct table t;
    size_t name_w = 0;

    if (!f || sim_run_validate(run)) {
        errno = EINVAL;
        return -1;
    }
    print_header(f, run);

    for (unsigned int c = 0; c < NR_COLS; c++)
        snprintf(t.cell[0][c], CELL_LEN, "%s", col_head[c]);
    for (unsigned int i = 0; i < run->nr_policies; i++)
        fill_row(t.cell[i + 1], &run->policies[i]);
    t.rows = run->nr_policies + 1;
    print_table(f, &t);

    fputc('\n', f);
    for (unsigned int i = 0; i < run->nr_policies; i++)
        if (strlen(t.cell[i + 1][COL_POLICY]) > name_w)
            name_w = strlen(t.cell[i + 1][COL_POLICY]);
    for (unsigned int i = 0; i < run->nr_policies; i++) {
        const struct sim_policy_result *p = &run->policies[i];

        fprintf(f, "  %-*s  %.*s\n", (int)name_w, t.cell[i + 1][COL_POLICY],
                (int)strnlen(p->description, sizeof(p->description)), p->description);
    }

    /* Real time apart: it varies with the machine, the results do not. */
    fprintf(f, "\nReal time per policy (elapsed / CPU):");
    for (unsigned int i = 0; i < run->nr_policies; i++) {
        char secs[32], cpu[32];

        fprintf(f, "%s %s %s / %s", i ? "," : "", t_name(run, i),
                out_fmt_seconds(secs, sizeof(secs), run->policies[i].wall_seconds),
                out_fmt_seconds(cpu, sizeof(cpu), run->policies[i].cpu_seconds));
    }
    fputc('\n', f);

    out_summarize(run, &sum);
    fprintf(f, "\nWhat this shows:\n");
    for (unsigned int i = 0; i < sum.n; i++)
        print_wrapped(f, sum.sentence[i], 2, 78);
    return out_stream_status(f);
}
