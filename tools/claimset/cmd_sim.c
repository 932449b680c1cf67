/*
 * The command line of `claimset storm`, `claimset evacuate` and
 * `claimset drain`: options into a struct sim_config (a struct
 * sim_drain_config for drain), the run (or one per seed with --seeds),
 * then the results as a table (or --json / --csv) on stdout and
 * optionally an HTML report.
 *
 * Exit status: 0 when every policy ran and every host's invariants held;
 * 1 when the run failed (results that exist are still printed first);
 * 2 for a usage error, one line naming the bad argument.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "out/out.h"
#include "out/progress.h"
#include "sim/sim.h"
#include "cmd_sim.h"

enum {
    OPT_VMS = 1,
    OPT_SIZE_MIX,
    OPT_OVERCOMMIT,
    OPT_BALLOON,
    OPT_BALLOON_SIZE,
    OPT_OFFLINE,
    OPT_WINDOW,
    OPT_POLICIES,
    OPT_REPORT,
    OPT_FILL,
    OPT_FRAGMENT,
    OPT_CHECK,
    OPT_BUILDERS,
    OPT_COST_HYPERCALL,
    OPT_COST_PAGE,
    OPT_COST_SCRUB,
    OPT_STRICT,
    OPT_CSV_VMS,
    OPT_CSV_SAMPLES,
    OPT_SEEDS,
    OPT_HOSTS,
    OPT_DRAIN,
    OPT_HOST,
    OPT_DRAINED_FILL,
};

#define MAX_SEEDS 100

#define DRAIN_DEFAULT_HOST                                                                         \
    "16G,16G,16G,16G;distances=10,12,21,21,12,10,21,21,21,21,10,12,21,21,12,10"

#define COMMON_OPTS                                                                                \
    {"vms", CLI_HAS_ARG, OPT_VMS}, {"size-mix", CLI_HAS_ARG, OPT_SIZE_MIX},                        \
        {"overcommit", CLI_HAS_ARG, OPT_OVERCOMMIT}, {"balloon", CLI_HAS_ARG, OPT_BALLOON},        \
        {"balloon-size", CLI_HAS_ARG, OPT_BALLOON_SIZE}, {"offline", CLI_HAS_ARG, OPT_OFFLINE},    \
        {"window", CLI_HAS_ARG, OPT_WINDOW}, {"policies", CLI_HAS_ARG, OPT_POLICIES},              \
        {"report", CLI_HAS_ARG, OPT_REPORT}, {"builders", CLI_HAS_ARG, OPT_BUILDERS},              \
        {"cost-hypercall", CLI_HAS_ARG, OPT_COST_HYPERCALL},                                       \
        {"cost-page", CLI_HAS_ARG, OPT_COST_PAGE}, {"cost-scrub", CLI_HAS_ARG, OPT_COST_SCRUB},    \
        {"strict", CLI_NO_ARG, OPT_STRICT}, {"csv-vms", CLI_NO_ARG, OPT_CSV_VMS},                  \
        {"csv-samples", CLI_NO_ARG, OPT_CSV_SAMPLES}, {"seeds", CLI_HAS_ARG, OPT_SEEDS},           \
        {"check", CLI_NO_ARG, OPT_CHECK}, CLI_OPTS_SEED, CLI_OPTS_THREADS, CLI_OPTS_TOPOLOGY,      \
        CLI_OPTS_JSON, CLI_OPTS_CSV

static const struct cli_opt storm_opts[] = {
    COMMON_OPTS,
    {NULL, CLI_NO_ARG, 0},
};

static const struct cli_opt evacuate_opts[] = {
    COMMON_OPTS,
    {"fill", CLI_HAS_ARG, OPT_FILL},
    {"fragment", CLI_HAS_ARG, OPT_FRAGMENT},
    {NULL, CLI_NO_ARG, 0},
};

static const struct cli_opt drain_opts[] = {
    COMMON_OPTS,
    {"fill", CLI_HAS_ARG, OPT_FILL},
    {"fragment", CLI_HAS_ARG, OPT_FRAGMENT},
    {"hosts", CLI_HAS_ARG, OPT_HOSTS},
    {"drain", CLI_HAS_ARG, OPT_DRAIN},
    {"host", CLI_HAS_ARG, OPT_HOST},
    {"drained-fill", CLI_HAS_ARG, OPT_DRAINED_FILL},
    {NULL, CLI_NO_ARG, 0},
};

struct args {
    struct sim_config cfg;
    struct cli_common common;
    const char *report;
    bool vms_set, overcommit_set, window_set, model_set;
    /* --csv-vms / --csv-samples: which CSV (0: the per-policy rows). */
    int csv_kind;
    unsigned int seeds; /* --seeds N; 0: one run */
    /* claimset drain */
    struct sim_drain_config *drain;
    struct topo_resolved *hosts[SIM_MAX_POOL_HOSTS];
};

/* "none,claim-sets": policies in the order given, or "all" alone. */
static int parse_policies(const struct cli_parser *p, const char *val, struct sim_config *cfg)
{
    static const char known[] = "none, legacy, single-node, claim-sets, claim-sets+global, or all "
                                "alone";
    const char *s = val;

    cfg->nr_policies = 0;
    if (!strcmp(val, "all"))
        return 0;
    if (!*val)
        return cli_usage_error(p->prog, "--policies: no policy given (%s)", known), -1;
    for (;;) {
        size_t len = strcspn(s, ",");
        char name[SIM_NAME_LEN];
        int id = -1;

        if (!len)
            return cli_usage_error(p->prog, "--policies: %s has an empty name (%s)", CLI_Q(val),
                                   known),
                   -1;
        if (len < sizeof(name)) {
            memcpy(name, s, len);
            name[len] = '\0';
            id = sim_policy_lookup(name);
            if (!strcmp(name, "all"))
                return cli_usage_error(p->prog,
                                       "--policies: 'all' runs every policy and stands alone, "
                                       "not in a list"),
                       -1;
        }
        if (id < 0)
            return cli_usage_error(p->prog, "--policies: unknown policy %s (%s)",
                                   cli_quote_n(s, len, (char[CLI_QUOTE_LEN]){0}, CLI_QUOTE_LEN),
                                   known),
                   -1;
        for (unsigned int i = 0; i < cfg->nr_policies; i++)
            if (cfg->policies[i] == (enum sim_policy_id)id)
                return cli_usage_error(p->prog, "--policies: '%s' given twice", name), -1;
        cfg->policies[cfg->nr_policies++] = (enum sim_policy_id)id;
        if (!s[len])
            return 0;
        s += len + 1;
    }
}

/* An integer option in [lo, hi] into *out. */
static int range(const struct cli_parser *p, const char *opt, const char *val, uint64_t lo,
                 uint64_t hi, unsigned int *out)
{
    char err[CLI_ERR_LEN];
    uint64_t v;

    if (cs_parse_range(val, lo, hi, &v, err, sizeof(err)))
        return cli_usage_error(p->prog, "--%s: %s", opt, err), -1;
    *out = (unsigned int)v;
    return 0;
}

static int option(const struct cli_parser *p, int id, const char *val, struct args *a)
{
    struct sim_config *cfg = &a->cfg;
    char err[CLI_ERR_LEN];
    unsigned int v;

    switch (id) {
    case OPT_VMS:
        a->vms_set = true;
        return range(p, "vms", val, 1, SIM_MAX_VMS, &cfg->nr_vms);
    case OPT_SIZE_MIX:
        if (sim_parse_size_mix(val, cfg->classes, &cfg->nr_classes, err, sizeof(err)))
            return cli_usage_error(p->prog, "--size-mix: %s", err), -1;
        return 0;
    case OPT_OVERCOMMIT:
        a->overcommit_set = true;
        return range(p, "overcommit", val, 1, SIM_MAX_OVERCOMMIT, &cfg->overcommit_pct);
    case OPT_BALLOON:
        return range(p, "balloon", val, 0, SIM_MAX_BALLOONS, &cfg->balloons);
    case OPT_BALLOON_SIZE:
        if (topo_parse_size(val, &cfg->balloon_pages, err, sizeof(err)))
            return cli_usage_error(p->prog, "--balloon-size: %s", err), -1;
        if (cfg->balloon_pages < 1024)
            return cli_usage_error(p->prog, "--balloon-size: %s is below 4 MiB", CLI_Q(val)), -1;
        return 0;
    case OPT_OFFLINE:
        return range(p, "offline", val, 0, SIM_MAX_OFFLINE, &cfg->offline_frames);
    case OPT_WINDOW: /* the name before modelled time: builds in flight */
    case OPT_BUILDERS:
        a->window_set = true;
        return range(p, id == OPT_WINDOW ? "window" : "builders", val, 1, SIM_MAX_BUILDERS,
                     &cfg->window);
    case OPT_COST_HYPERCALL:
    case OPT_COST_PAGE:
    case OPT_COST_SCRUB: {
        uint64_t *to = id == OPT_COST_HYPERCALL ? &cfg->cost_hypercall_ns
                       : id == OPT_COST_PAGE    ? &cfg->cost_page_ns
                                                : &cfg->cost_scrub_ns;
        const char *name = id == OPT_COST_HYPERCALL ? "cost-hypercall"
                           : id == OPT_COST_PAGE    ? "cost-page"
                                                    : "cost-scrub";

        a->model_set = true;
        if (cs_parse_range(val, 0, SIM_MAX_COST_NS, to, err, sizeof(err)))
            return cli_usage_error(p->prog, "--%s: %s", name, err), -1;
        return 0;
    }
    case OPT_STRICT:
        cfg->strict = true;
        return 0;
    case OPT_SEEDS:
        return range(p, "seeds", val, 1, MAX_SEEDS, &a->seeds);
    case OPT_HOSTS:
        return range(p, "hosts", val, 2, SIM_MAX_POOL_HOSTS, &a->drain->hosts);
    case OPT_DRAIN:
        return range(p, "drain", val, 1, SIM_MAX_POOL_HOSTS - 1, &a->drain->drained);
    case OPT_DRAINED_FILL:
        return range(p, "drained-fill", val, 1, 100, &a->drain->drained_fill_pct);
    case OPT_HOST: {
        unsigned int n = a->drain->nr_topologies;

        if (n == SIM_MAX_POOL_HOSTS)
            return cli_usage_error(p->prog, "--host: at most %d hosts", SIM_MAX_POOL_HOSTS), -1;
        a->hosts[n] = malloc(sizeof(*a->hosts[n]));
        if (!a->hosts[n])
            return cli_usage_error(p->prog, "--host: out of memory"), -1;
        if (topo_resolve(val, NULL, a->hosts[n], err, sizeof(err)))
            return cli_usage_error(p->prog, "--host: %s", err), -1;
        a->drain->topologies[n] = &a->hosts[n]->t;
        a->drain->nr_topologies = n + 1;
        return 0;
    }
    case OPT_CSV_VMS:
    case OPT_CSV_SAMPLES:
        a->csv_kind = id;
        a->common.format = CLI_FMT_CSV;
        return 0;
    case OPT_POLICIES:
        return parse_policies(p, val, cfg);
    case OPT_REPORT:
        if (!*val)
            return cli_usage_error(p->prog, "--report: empty file name"), -1;
        a->report = val;
        return 0;
    case OPT_CHECK:
        cfg->deep_check = true;
        return 0;
    case OPT_FILL:
        return range(p, "fill", val, 0, 95, &cfg->fill_pct);
    case OPT_FRAGMENT:
        if (range(p, "fragment", val, 0, 100, &v))
            return -1;
        cfg->fragment_pct = (int)v;
        return 0;
    default:
        return cli_common_option(p, id, val, &a->common);
    }
}

/*
 * The results on stdout (the table, --json or --csv; with --report - the
 * HTML page instead), then the report file.  Whether stdout took them is
 * checked for every command at once, by main(); a writer that refuses
 * the run, or a report file that cannot be written, fails here.
 */
static int write_results(const char *prog, const struct args *a, const struct sim_run *run)
{
    bool page_on_stdout = a->report && !strcmp(a->report, "-");
    char err[CLI_ERR_LEN];
    int rc;

    if (page_on_stdout)
        rc = out_html_write(stdout, run);
    else if (a->common.format == CLI_FMT_JSON)
        rc = out_json(stdout, run);
    else if (a->common.format == CLI_FMT_CSV && a->csv_kind == OPT_CSV_VMS)
        rc = out_csv_vms(stdout, run);
    else if (a->common.format == CLI_FMT_CSV && a->csv_kind == OPT_CSV_SAMPLES)
        rc = out_csv_samples(stdout, run);
    else if (a->common.format == CLI_FMT_CSV)
        rc = out_csv(stdout, run);
    else
        rc = out_table(stdout, run);
    if (rc && !ferror(stdout))
        return cli_fail(prog, "writing the results: %s", strerror(errno));
    if (a->report && !page_on_stdout && out_html(a->report, run, err, sizeof(err)))
        return cli_fail(prog, "--report: %s", err[0] ? err : strerror(errno));
    return CLI_EXIT_OK;
}

/* The simulator reports progress; the command draws it as a bar
 * (out/progress.h: only on a terminal, only after a second). */
static void *bar_start(uint64_t total, const char *label)
{
    return progress_start(total, label);
}

static void bar_add(void *bar, uint64_t n)
{
    progress_add(bar, n);
}

static void bar_end(void *bar)
{
    progress_end(bar);
}

static const struct sim_progress_ops bar_ops = {bar_start, bar_add, bar_end};

/*
 * --seeds N: the configuration once per seed (the given one and the
 * N - 1 after it), then the aggregate on stdout.  A failed run stops it:
 * an aggregate over fewer seeds than asked would not say what it claims.
 */
static int run_seeds(const char *prog, const struct args *a)
{
    struct sim_run *runs = calloc(a->seeds, sizeof(*runs));
    struct sim_config cfg = a->cfg;
    char err[CLI_ERR_LEN];
    unsigned int done = 0;
    int rc = CLI_EXIT_OK, wrc;

    if (!runs)
        return cli_fail(prog, "out of memory");
    for (; done < a->seeds; done++) {
        cfg.seed = a->cfg.seed + done;
        if (sim_run(&cfg, &runs[done], err, sizeof(err))) {
            int e = errno;

            sim_run_free(&runs[done]);
            rc = e == EINVAL && !done ? cli_usage_error(prog, "%s", err)
                                      : cli_fail(prog, "seed %" PRIu64 ": %s", cfg.seed, err);
            goto out;
        }
    }
    if (a->common.format == CLI_FMT_JSON)
        wrc = out_seeds_json(stdout, runs, done);
    else if (a->common.format == CLI_FMT_CSV)
        wrc = out_seeds_csv(stdout, runs, done);
    else
        wrc = out_seeds_table(stdout, runs, done);
    if (wrc && !ferror(stdout))
        rc = cli_fail(prog, "writing the results: %s", strerror(errno));
out:
    for (unsigned int i = 0; i < done; i++)
        sim_run_free(&runs[i]);
    free(runs);
    return rc;
}

static int cli_main(const struct cli_command *cmd, enum sim_kind kind, bool drain, int argc,
                    char **argv);

int sim_cli_main(const struct cli_command *cmd, enum sim_kind kind, int argc, char **argv)
{
    return cli_main(cmd, kind, false, argc, argv);
}

int sim_cli_drain_main(const struct cli_command *cmd, int argc, char **argv)
{
    return cli_main(cmd, SIM_EVACUATE, true, argc, argv);
}

/* A usage error after the options are parsed: what they allocated goes. */
#define USAGE(...)                                                                                 \
    do {                                                                                           \
        rc = cli_usage_error(__VA_ARGS__);                                                         \
        goto out;                                                                                  \
    } while (0)

static int cli_main(const struct cli_command *cmd, enum sim_kind kind, bool drain, int argc,
                    char **argv)
{
    const char *prog = drain                  ? "claimset drain"
                       : kind == SIM_EVACUATE ? "claimset evacuate"
                                              : "claimset storm",
               *val;
    struct sim_drain_config dc;
    struct topo_resolved *ct = NULL;
    struct sim_run *run = NULL;
    char err[CLI_ERR_LEN];
    struct cli_parser p;
    struct args a;
    int id, shared, rc;

    memset(&a, 0, sizeof(a));
    sim_config_init(&a.cfg, kind);
    if (drain) {
        sim_drain_config_init(&dc);
        a.cfg = dc.base;
        a.drain = &dc;
    }
    cli_common_init(&a.common);
    cli_parser_init(&p, prog, argc, argv);
    while ((id = cli_next(&p,
                          drain                  ? drain_opts
                          : kind == SIM_EVACUATE ? evacuate_opts
                                                 : storm_opts,
                          &val)) != CLI_END) {
        if ((shared = cli_shared_result(cmd, id)) >= 0) {
            rc = shared;
            goto out;
        }
        if (id == CLI_POSITIONAL) {
            rc = cli_usage_error(prog, "unexpected argument %s", CLI_Q(val));
            goto out;
        }
        if (option(&p, id, val, &a)) {
            rc = CLI_EXIT_USAGE;
            goto out;
        }
    }
    if (drain && (a.seeds > 1 || a.common.threads > 1)) {
        rc = cli_usage_error(prog, "%s: drain runs one seed in modelled time",
                             a.seeds > 1 ? "--seeds" : "--threads");
        goto out;
    }
    if (drain && a.common.topology && dc.nr_topologies) {
        rc = cli_usage_error(prog, "--host: not with --topology (--topology is every host's)");
        goto out;
    }
    /* A pool's hosts: 4 x 16 GiB each unless told, so that the default
     * pool (four hosts) runs in seconds. */
    if (drain && !a.common.topology && !getenv("CLAIMSET_TOPOLOGY"))
        a.common.topology = DRAIN_DEFAULT_HOST;
    if (a.vms_set && a.overcommit_set)
        USAGE(prog, "--overcommit: not with --vms (--vms fixes the count)");
    if (a.window_set && a.common.threads > 1)
        USAGE(prog, "--builders: only for modelled time (with --threads M, "
                    "M real builder threads race)");
    if (a.model_set && a.common.threads > 1)
        USAGE(prog, "--cost-*: only for modelled time (--threads M measures "
                    "wall-clock time)");
    if (a.seeds > 1 && a.report)
        USAGE(prog, "--report: one seed at a time (not with --seeds)");
    if (a.seeds > 1 && a.csv_kind)
        USAGE(prog, "--csv-vms, --csv-samples: one seed at a time (with "
                    "--seeds, --csv gives the aggregate)");
    if (a.report && !strcmp(a.report, "-") && a.common.format != CLI_FMT_TABLE)
        USAGE(prog, "--report -: standard output already carries the --%s results",
              a.common.format == CLI_FMT_JSON ? "json" : "csv");
    if (a.report && strcmp(a.report, "-")) {
        /* Find out now, not after the run, that the report cannot be written. */
        FILE *f = fopen(a.report, "w");

        if (!f)
            USAGE(prog, "--report: cannot write '%s': %s", CLI_PATH(a.report), strerror(errno));
        fclose(f);
    }

    ct = malloc(sizeof(*ct));
    run = calloc(1, sizeof(*run));
    if (!ct || !run) {
        rc = cli_fail(prog, "out of memory");
        goto out;
    }
    if (cli_common_topology(&p, &a.common, ct)) {
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    a.cfg.topology = &ct->t;
    a.cfg.seed = a.common.seed_set ? a.common.seed : 1;
    a.cfg.threads = a.common.threads;
    a.cfg.progress = isatty(STDERR_FILENO) ? &bar_ops : NULL;
    if (a.seeds > 1) {
        rc = run_seeds(prog, &a);
        goto out;
    }
    if (drain) {
        dc.base = a.cfg;
        dc.base.progress = NULL;
    }

    if (drain ? sim_drain_run(&dc, run, err, sizeof(err))
              : sim_run(&a.cfg, run, err, sizeof(err))) {
        int e = errno;

        if (e == EINVAL && !run->nr_policies) {
            rc = cli_usage_error(prog, "%s", err);
            goto out;
        }
        if (run->nr_policies)
            write_results(prog, &a, run);
        rc = cli_fail(prog, "%s", err);
        goto out;
    }
    rc = write_results(prog, &a, run);
out:
    if (run)
        sim_run_free(run);
    free(run);
    free(ct);
    for (unsigned int i = 0; i < SIM_MAX_POOL_HOSTS; i++)
        free(a.hosts[i]);
    return rc;
}
