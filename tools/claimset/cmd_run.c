/*
 * claimset run FILE...: parse every scenario first (a syntax error stops
 * everything with exit status 2 before anything runs), then run each on
 * a fresh host, reporting every failed expectation; exit status 1 when
 * any failed.
 */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "out/out.h"
#include "scenario/scenario.h"

#define SCENARIO_FILE_MAX (16U << 20)

static const char run_usage[] =
    "usage: claimset run FILE... [--topology X] [--verbose | --json | --tap]\n"
    "\n"
    "Run scenarios written in the claimset scenario language (see\n"
    "docs/scenario-language.md): one statement per line -- host, create,\n"
    "max_mem, claim, legacy_claim, affinity, populate, decrease, offline,\n"
    "online, destroy, pause, unpause, scrub -- each optionally followed by\n"
    "`expect` lines checking its result or the host's state.  Every call goes\n"
    "through the public libxenctrl API on a fresh simulated host.\n"
    "\n"
    "Every file is parsed first; a syntax error or an unknown name stops with\n"
    "exit status 2 before anything runs.  A failed expectation prints\n"
    "\"FILE:LINE: expected X, got Y\" and the run goes on to the end; the exit\n"
    "status is then 1.  FILE '-' reads standard input.\n"
    "\n"
    "Options:\n"
    "  --topology X   the host for every file, overriding their `host`\n"
    "                 statements: default, host, a FILE or topology TEXT;\n"
    "                 without either, CLAIMSET_TOPOLOGY, else the default\n"
    "  --verbose      print every statement with its result\n"
    "  --json         the results as JSON: per file its counts and the failed\n"
    "                 expectations (format claimset-run-1)\n"
    "  --tap          the results as TAP (Test Anything Protocol): one test per\n"
    "                 file, failed expectations as diagnostics\n"
    "  -h, --help     this help\n"
    "  -V, --version  the version (claimset version --json: build options)\n";

#define OPT_VERBOSE 1
#define OPT_TAP     2

static const struct cli_opt run_opts[] = {
    CLI_OPTS_TOPOLOGY,
    CLI_OPTS_JSON,
    {"verbose", CLI_NO_ARG, OPT_VERBOSE},
    {"tap", CLI_NO_ARG, OPT_TAP},
    {NULL, CLI_NO_ARG, 0},
};

enum run_format { FMT_TEXT, FMT_JSON, FMT_TAP };

/* One file's result for the machine-readable formats. */
struct result {
    const char *file;
    bool ran;
    struct scn_summary sum;
    char *messages; /* failed expectations, one a line (or why it could not run) */
    size_t len;
};

/* Each line of text as a TAP diagnostic. */
static void tap_lines(const char *text)
{
    while (text && *text) {
        size_t n = strcspn(text, "\n");

        printf("  # %.*s\n", (int)n, text);
        text += n + (text[n] == '\n');
    }
}

static void print_tap(const struct result *r, size_t nr)
{
    printf("TAP version 13\n1..%zu\n", nr);
    for (size_t i = 0; i < nr; i++) {
        bool ok = r[i].ran && !r[i].sum.failures;

        printf("%s %zu - %s", ok ? "ok" : "not ok", i + 1, r[i].file);
        if (r[i].ran)
            printf(" (%u statement%s, %u check%s, %u failed)\n", r[i].sum.statements,
                   CLI_S(r[i].sum.statements), r[i].sum.checks, CLI_S(r[i].sum.checks),
                   r[i].sum.failures);
        else
            printf(" (could not run)\n");
        tap_lines(r[i].messages);
    }
}

static void print_json(const struct result *r, size_t nr)
{
    unsigned int passed = 0;

    printf("{\n  \"format\": \"claimset-run-1\",\n  \"scenarios\": [");
    for (size_t i = 0; i < nr; i++) {
        const char *m = r[i].messages;
        bool first = true;

        passed += r[i].ran && !r[i].sum.failures;
        printf("%s\n    {\"file\": ", i ? "," : "");
        out_json_string(stdout, r[i].file, strlen(r[i].file));
        printf(", \"ran\": %s, \"passed\": %s, \"statements\": %u, \"checks\": %u, "
               "\"failures\": %u, \"messages\": [",
               r[i].ran ? "true" : "false", r[i].ran && !r[i].sum.failures ? "true" : "false",
               r[i].sum.statements, r[i].sum.checks, r[i].sum.failures);
        while (m && *m) {
            size_t n = strcspn(m, "\n");

            fputs(first ? "" : ", ", stdout);
            out_json_string(stdout, m, n);
            first = false;
            m += n + (m[n] == '\n');
        }
        printf("]}");
    }
    printf("%s],\n  \"passed\": %u,\n  \"failed\": %zu\n}\n", nr ? "\n  " : "", passed,
           nr - passed);
}

/* Read and parse one file.  0, or an exit status after a message. */
static int load(const char *prog, const char *path, struct scenario **s)
{
    char err[CLI_ERR_LEN + 64], *text, *copy;
    int rc;

    if (cs_read_file(path, SCENARIO_FILE_MAX, &text, err, sizeof(err)))
        return cli_usage_error(prog, "%s", err);
    copy = strdup(path);
    if (!copy) {
        free(text);
        return cli_fail(prog, "out of memory");
    }
    rc = scenario_parse(path, text, strcmp(path, "-") ? dirname(copy) : NULL, s, err, sizeof(err));
    free(copy);
    free(text);
    if (rc)
        return cli_usage_error(prog, "%s", err);
    return 0;
}

/* Run one scenario for --json or --tap: its failed expectations are
 * collected instead of printed.  Its exit status. */
static int run_collect(const struct scenario *s, const struct topo_resolved *ct, struct result *r)
{
    FILE *mem = open_memstream(&r->messages, &r->len);
    struct scn_run_opts opts = {.out = mem, .err = mem};
    char err[CLI_ERR_LEN];

    r->file = s->file;
    if (!mem)
        return CLI_EXIT_FAIL;
    r->ran = !scenario_run(s, ct, &opts, &r->sum, err, sizeof(err));
    if (!r->ran)
        fprintf(mem, "cannot run: %s\n", err);
    fclose(mem);
    return r->ran && !r->sum.failures ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

/* Run one parsed scenario; its exit status. */
static int run_one(const char *prog, const struct scenario *s, const struct topo_resolved *ct,
                   bool verbose)
{
    struct scn_run_opts opts = {.verbose = verbose, .out = stdout, .err = stderr};
    struct scn_summary sum;
    char err[CLI_ERR_LEN];

    if (scenario_run(s, ct, &opts, &sum, err, sizeof(err)))
        return cli_fail(prog, "%s: cannot run: %s", s->file, err);
    if (sum.failures) {
        printf("%s: FAILED: %u of %u check%s failed (%u statement%s)\n", s->file, sum.failures,
               sum.checks, CLI_S(sum.checks), sum.statements, CLI_S(sum.statements));
        return CLI_EXIT_FAIL;
    }
    printf("%s: passed (%u statement%s, %u check%s)\n", s->file, sum.statements,
           CLI_S(sum.statements), sum.checks, CLI_S(sum.checks));
    return CLI_EXIT_OK;
}

static int run_run(const struct cli_command *cmd, int argc, char **argv)
{
    const char *prog = "claimset run", *val;
    struct scenario **scn = calloc((size_t)argc, sizeof(*scn));
    const char **paths = calloc((size_t)argc, sizeof(*paths));
    struct topo_resolved *fixed = NULL, *env = NULL;
    struct cli_common common;
    struct cli_parser p;
    struct result *results = calloc((size_t)argc, sizeof(*results));
    enum run_format format = FMT_TEXT;
    bool verbose = false;
    size_t nr = 0;
    int id, shared, rc = CLI_EXIT_OK;

    cli_common_init(&common);
    if (!scn || !paths || !results) {
        rc = cli_fail(prog, "out of memory");
        goto out;
    }
    cli_parser_init(&p, prog, argc, argv);
    /* Options first, wherever they are; files keep their order. */
    while ((id = cli_next(&p, run_opts, &val)) != CLI_END) {
        if ((shared = cli_shared_result(cmd, id)) >= 0) {
            rc = shared;
            goto out;
        }
        if (id == CLI_POSITIONAL) {
            paths[nr++] = val;
            continue;
        }
        if (id == OPT_VERBOSE) {
            verbose = true;
            continue;
        }
        if (id == OPT_TAP) {
            format = FMT_TAP;
            continue;
        }
        if (cli_common_option(&p, id, val, &common)) {
            rc = CLI_EXIT_USAGE;
            goto out;
        }
    }
    if (common.format == CLI_FMT_JSON && format == FMT_TAP) {
        rc = cli_usage_error(prog, "--tap: not with --json (one format on standard output)");
        goto out;
    }
    if (common.format == CLI_FMT_JSON)
        format = FMT_JSON;
    if (verbose && format != FMT_TEXT) {
        rc = cli_usage_error(prog, "--verbose: not with --%s (it owns standard output)",
                             format == FMT_JSON ? "json" : "tap");
        goto out;
    }
    if (!nr) {
        rc = cli_usage_error(prog, "missing scenario FILE (see --help)");
        goto out;
    }

    fixed = malloc(sizeof(*fixed));
    env = malloc(sizeof(*env));
    if (!fixed || !env) {
        rc = cli_fail(prog, "out of memory");
        goto out;
    }
    if (common.topology && cli_common_topology(&p, &common, fixed)) {
        rc = CLI_EXIT_USAGE;
        goto out;
    }

    /* Parse everything before running anything. */
    for (size_t i = 0; i < nr; i++) {
        rc = load(prog, paths[i], &scn[i]);
        if (rc)
            goto out;
    }
    for (size_t i = 0; i < nr; i++) {
        const struct topo_resolved *ct = fixed;
        int one;

        if (!common.topology) {
            if (scn[i]->has_host) {
                ct = scn[i]->host;
            } else {
                if (cli_common_topology(&p, &common, env)) {
                    rc = CLI_EXIT_USAGE;
                    goto out;
                }
                ct = env;
            }
        }
        one = format == FMT_TEXT ? run_one(prog, scn[i], ct, verbose)
                                 : run_collect(scn[i], ct, &results[i]);
        if (one > rc)
            rc = one;
    }
    if (format == FMT_JSON)
        print_json(results, nr);
    else if (format == FMT_TAP)
        print_tap(results, nr);
out:
    for (size_t i = 0; results && i < nr; i++)
        free(results[i].messages);
    free(results);
    for (size_t i = 0; scn && i < nr; i++)
        scenario_free(scn[i]);
    free(scn);
    free(paths);
    free(fixed);
    free(env);
    return rc;
}

const struct cli_command cli_cmd_run = {
    .name = "run",
    .summary = "run scenario files (statements and expectations) on a simulated host",
    .usage = run_usage,
    .run = run_run,
};
