/*
 * `--seeds N`: the same run for N workloads (seeds S, S+1, ...), each
 * metric of each policy as its median and range over the seeds, and the
 * differences against the policy Xen ships today (legacy) that hold in
 * every seed -- the ones a single lucky or unlucky workload cannot have
 * produced.  A difference that goes one way in some seeds and the other
 * way in others is called mixed.
 *
 * Only reads the runs; every run must list the same policies in the same
 * order (sim_run does, given one configuration).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "out/out.h"

enum better { LOWER = -1, NEITHER = 0, HIGHER = 1 };

struct metric {
    const char *key, *label;
    enum better better;
    double (*get)(const struct sim_policy_result *p);
    int kind; /* 0 count, 1 percent, 2 cost, 3 GiB, 4 seconds */
};

static double built(const struct sim_policy_result *p)
{
    return p->vms_built;
}
static double refused(const struct sim_policy_result *p)
{
    return p->vms_refused_claim;
}
static double failed(const struct sim_policy_result *p)
{
    return p->vms_failed_populate;
}
static double degraded(const struct sim_policy_result *p)
{
    return p->vms_degraded;
}
static double on_node(const struct sim_policy_result *p)
{
    return p->intended_share * 100.0;
}
static double cost(const struct sim_policy_result *p)
{
    return p->vms_built ? p->access_cost : NAN;
}
static double wasted(const struct sim_policy_result *p)
{
    return (double)p->pages_wasted * SIM_PAGE_SIZE / (1024.0 * 1024 * 1024);
}
static double done_at(const struct sim_policy_result *p)
{
    return p->completion_seconds;
}
static double first_failure(const struct sim_policy_result *p)
{
    return p->first_failure_seconds;
}
static double hypercalls(const struct sim_policy_result *p)
{
    return (double)p->hypercalls;
}

static const struct metric metrics[] = {
    {"vms_built", "built", HIGHER, built, 0},
    {"vms_refused_claim", "refused@claim", NEITHER, refused, 0},
    {"vms_failed_populate", "failed@populate", LOWER, failed, 0},
    {"vms_degraded", "degraded", LOWER, degraded, 0},
    {"on_node_pct", "on-node %", HIGHER, on_node, 1},
    {"access_cost", "cost", LOWER, cost, 2},
    {"wasted_gib", "wasted GiB", LOWER, wasted, 3},
    {"completion_seconds", "done at", LOWER, done_at, 4},
    {"first_failure_seconds", "1st failure", NEITHER, first_failure, 4},
    {"hypercalls", "hypercalls", LOWER, hypercalls, 0},
};
#define NR_METRICS (sizeof(metrics) / sizeof(metrics[0]))

struct stat3 {
    double median, min, max;
    unsigned int n; /* seeds with a value (NaN: none, e.g. no failure) */
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static struct stat3 stats(const struct sim_run *runs, unsigned int nr, unsigned int pol,
                          const struct metric *m, double *buf)
{
    struct stat3 s = {NAN, NAN, NAN, 0};

    for (unsigned int i = 0; i < nr; i++) {
        double v = m->get(&runs[i].policies[pol]);

        if (isfinite(v))
            buf[s.n++] = v;
    }
    if (!s.n)
        return s;
    qsort(buf, s.n, sizeof(*buf), cmp_double);
    s.min = buf[0];
    s.max = buf[s.n - 1];
    s.median = s.n % 2 ? buf[s.n / 2] : (buf[s.n / 2 - 1] + buf[s.n / 2]) / 2;
    return s;
}

static void fmt_value(char *b, size_t len, int kind, double v)
{
    if (!isfinite(v))
        snprintf(b, len, "-");
    else if (kind == 1)
        snprintf(b, len, "%.1f", v);
    else if (kind == 2)
        snprintf(b, len, "%.2f", v);
    else if (kind == 3)
        snprintf(b, len, v ? "%.1f" : "0", v);
    else if (kind == 4)
        out_fmt_seconds(b, len, v);
    else
        snprintf(b, len, "%.0f", v);
}

/* "12 [10-14]", or "12" when every seed agrees. */
static void fmt_stat(char *b, size_t len, int kind, const struct stat3 *s)
{
    char m[24], lo[24], hi[24];

    fmt_value(m, sizeof(m), kind, s->median);
    fmt_value(lo, sizeof(lo), kind, s->min);
    fmt_value(hi, sizeof(hi), kind, s->max);
    if (!s->n || !strcmp(lo, hi))
        snprintf(b, len, "%s", m);
    else
        snprintf(b, len, "%s [%s-%s]", m, lo, hi);
}

static int check(const struct sim_run *runs, unsigned int nr)
{
    if (!runs || !nr)
        return -1;
    for (unsigned int i = 0; i < nr; i++) {
        if (sim_run_validate(&runs[i]) || runs[i].nr_policies != runs[0].nr_policies)
            return -1;
        for (unsigned int p = 0; p < runs[0].nr_policies; p++)
            if (strncmp(runs[i].policies[p].name, runs[0].policies[p].name, SIM_NAME_LEN))
                return -1;
    }
    return 0;
}

static const char *pname(const struct sim_run *run, unsigned int p)
{
    const char *n = run->policies[p].name;

    return strnlen(n, SIM_NAME_LEN) < SIM_NAME_LEN ? n : "?";
}

/* The policy to compare against: legacy if it ran, else the first. */
static unsigned int baseline(const struct sim_run *run)
{
    for (unsigned int p = 0; p < run->nr_policies; p++)
        if (!strcmp(pname(run, p), "legacy"))
            return p;
    return 0;
}

/* Seeds in which policy p is better / worse than q on m. */
static void paired(const struct sim_run *runs, unsigned int nr, unsigned int p, unsigned int q,
                   const struct metric *m, unsigned int *better, unsigned int *worse,
                   unsigned int *compared)
{
    *better = *worse = *compared = 0;
    for (unsigned int i = 0; i < nr; i++) {
        double a = m->get(&runs[i].policies[p]), b = m->get(&runs[i].policies[q]);

        if (!isfinite(a) || !isfinite(b))
            continue;
        (*compared)++;
        if ((m->better == HIGHER && a > b) || (m->better == LOWER && a < b))
            (*better)++;
        else if ((m->better == HIGHER && a < b) || (m->better == LOWER && a > b))
            (*worse)++;
    }
}

static void robust_lines(FILE *f, const struct sim_run *runs, unsigned int nr)
{
    unsigned int base = baseline(&runs[0]);

    fprintf(f,
            "\nCompared with %s seed by seed: \"robust\" holds in every seed; the rest do "
            "not:\n",
            pname(&runs[0], base));
    for (unsigned int p = 0; p < runs[0].nr_policies; p++) {
        bool any = false;

        if (p == base)
            continue;
        fprintf(f, "  %s:", pname(&runs[0], p));
        for (size_t k = 0; k < NR_METRICS; k++) {
            const struct metric *m = &metrics[k];
            unsigned int better, worse, compared;

            if (m->better == NEITHER)
                continue;
            paired(runs, nr, p, base, m, &better, &worse, &compared);
            if (!compared || (!better && !worse))
                continue;
            if (better == compared)
                fprintf(f, "%s %s better (robust)", any ? ";" : "", m->label);
            else if (worse == compared)
                fprintf(f, "%s %s worse (robust)", any ? ";" : "", m->label);
            else if (!worse)
                fprintf(f, "%s %s better in %u of %u seeds, else equal", any ? ";" : "", m->label,
                        better, compared);
            else if (!better)
                fprintf(f, "%s %s worse in %u of %u seeds, else equal", any ? ";" : "", m->label,
                        worse, compared);
            else
                fprintf(f, "%s %s mixed (better in %u, worse in %u of %u)", any ? ";" : "",
                        m->label, better, worse, compared);
            any = true;
        }
        fprintf(f, "%s\n", any ? "" : " the same in every seed");
    }
}

int out_seeds_table(FILE *f, const struct sim_run *runs, unsigned int nr)
{
    /* Every cell once, kept for the rows: SIM_MAX_POLICIES x NR_METRICS. */
    char(*cell)[NR_METRICS][128];
    size_t width[NR_METRICS + 1] = {0}, namew = strlen("policy");
    char topo[OUT_TOPOLOGY_LEN];
    double *buf;

    if (!f || check(runs, nr)) {
        errno = EINVAL;
        return -1;
    }
    buf = calloc(nr, sizeof(*buf));
    cell = calloc(runs[0].nr_policies, sizeof(*cell));
    if (!buf || !cell) {
        free(buf);
        free(cell);
        return -1;
    }
    fprintf(f, "claimset %.*s --seeds %u\n", (int)strnlen(runs[0].command, sizeof(runs[0].command)),
            runs[0].command, nr);
    fprintf(f, "  seeds:     %" PRIu64 "-%" PRIu64 " (one workload each)\n", runs[0].seed,
            runs[nr - 1].seed);
    fprintf(f, "  topology:  %s\n", out_topology_text(&runs[0], topo, sizeof(topo)));
    if (runs[0].deterministic)
        fprintf(f,
                "  time:      modelled, %u parallel builder%s; per hypercall %" PRIu64
                " ns, per page populated %" PRIu64 " ns, per page scrubbed %" PRIu64 " ns\n",
                runs[0].builders, runs[0].builders == 1 ? "" : "s", runs[0].cost_hypercall_ns,
                runs[0].cost_page_ns, runs[0].cost_scrub_ns);
    else
        fprintf(f, "  time:      wall clock -- stress mode, %u real builder threads\n",
                runs[0].threads);
    fprintf(f, "  builds:    %s\n",
            runs[0].strict ? "strict" : "a short populate claims again, else goes elsewhere");
    fprintf(f, "  workload:  %.*s (seed %" PRIu64 ")\n",
            (int)strnlen(runs[0].workload, sizeof(runs[0].workload)), runs[0].workload,
            runs[0].seed);
    fprintf(f, "\nEach cell: the median over the seeds [lowest-highest].\n\n");

    /* Widths first, then the rows. */
    for (size_t k = 0; k < NR_METRICS; k++)
        width[k] = strlen(metrics[k].label);
    for (unsigned int p = 0; p < runs[0].nr_policies; p++) {
        if (strlen(pname(&runs[0], p)) > namew)
            namew = strlen(pname(&runs[0], p));
        for (size_t k = 0; k < NR_METRICS; k++) {
            struct stat3 s = stats(runs, nr, p, &metrics[k], buf);

            fmt_stat(cell[p][k], sizeof(cell[p][k]), metrics[k].kind, &s);
            if (strlen(cell[p][k]) > width[k])
                width[k] = strlen(cell[p][k]);
        }
    }
    fprintf(f, "%-*s", (int)namew, "policy");
    for (size_t k = 0; k < NR_METRICS; k++)
        fprintf(f, "  %*s", (int)width[k], metrics[k].label);
    fputc('\n', f);
    for (unsigned int p = 0; p < runs[0].nr_policies; p++) {
        fprintf(f, "%-*s", (int)namew, pname(&runs[0], p));
        for (size_t k = 0; k < NR_METRICS; k++)
            fprintf(f, "  %*s", (int)width[k], cell[p][k]);
        fputc('\n', f);
    }
    if (runs[0].nr_policies > 1)
        robust_lines(f, runs, nr);
    free(buf);
    free(cell);
    return out_stream_status(f);
}

static void json_num(FILE *f, double v)
{
    out_json_double(f, v);
}

int out_seeds_json(FILE *f, const struct sim_run *runs, unsigned int nr)
{
    char topo[OUT_TOPOLOGY_LEN];
    double *buf;

    if (!f || check(runs, nr)) {
        errno = EINVAL;
        return -1;
    }
    buf = calloc(nr, sizeof(*buf));
    if (!buf)
        return -1;
    fputs("{\n  \"format\": \"claimset-seeds-1\",\n  \"command\": ", f);
    out_json_string(f, runs[0].command, sizeof(runs[0].command));
    fputs(",\n  \"seeds\": [", f);
    for (unsigned int i = 0; i < nr; i++)
        fprintf(f, "%s%" PRIu64, i ? ", " : "", runs[i].seed);
    fprintf(f, "],\n  \"deterministic\": %s,\n  \"builders\": %u,\n",
            runs[0].deterministic ? "true" : "false", runs[0].builders);
    fprintf(f,
            "  \"cost_hypercall_ns\": %" PRIu64 ",\n  \"cost_page_ns\": %" PRIu64
            ",\n  \"cost_scrub_ns\": %" PRIu64 ",\n  \"strict\": %s,\n  \"topology\": ",
            runs[0].cost_hypercall_ns, runs[0].cost_page_ns, runs[0].cost_scrub_ns,
            runs[0].strict ? "true" : "false");
    out_json_string(f, out_topology_text(&runs[0], topo, sizeof(topo)), sizeof(topo));
    fputs(",\n  \"policies\": [", f);
    for (unsigned int p = 0; p < runs[0].nr_policies; p++) {
        fputs(p ? ",\n    {\"name\": " : "\n    {\"name\": ", f);
        out_json_string(f, runs[0].policies[p].name, SIM_NAME_LEN);
        for (size_t k = 0; k < NR_METRICS; k++) {
            struct stat3 s = stats(runs, nr, p, &metrics[k], buf);

            fprintf(f, ",\n      \"%s\": {\"median\": ", metrics[k].key);
            json_num(f, s.median);
            fputs(", \"min\": ", f);
            json_num(f, s.min);
            fputs(", \"max\": ", f);
            json_num(f, s.max);
            fprintf(f, ", \"seeds\": %u}", s.n);
        }
        fputs("}", f);
    }
    fputs(runs[0].nr_policies ? "\n  ]\n}\n" : "]\n}\n", f);
    free(buf);
    return out_stream_status(f);
}

int out_seeds_csv(FILE *f, const struct sim_run *runs, unsigned int nr)
{
    double *buf;

    if (!f || check(runs, nr)) {
        errno = EINVAL;
        return -1;
    }
    buf = calloc(nr, sizeof(*buf));
    if (!buf)
        return -1;
    fputs("command,first_seed,seeds,policy,metric,median,min,max,seeds_with_value\r\n", f);
    for (unsigned int p = 0; p < runs[0].nr_policies; p++)
        for (size_t k = 0; k < NR_METRICS; k++) {
            struct stat3 s = stats(runs, nr, p, &metrics[k], buf);
            double v[3] = {s.median, s.min, s.max};

            out_csv_field(f, runs[0].command, sizeof(runs[0].command));
            fprintf(f, ",%" PRIu64 ",%u,", runs[0].seed, nr);
            out_csv_field(f, runs[0].policies[p].name, SIM_NAME_LEN);
            fprintf(f, ",%s", metrics[k].key);
            for (int j = 0; j < 3; j++) {
                fputc(',', f);
                if (isfinite(v[j]))
                    fprintf(f, "%.17g", v[j]);
            }
            fprintf(f, ",%u\r\n", s.n);
        }
    free(buf);
    return out_stream_status(f);
}
