/*
 * claimset run FILE...: parse every scenario first (a syntax error stops
 * everything with exit status 2 before anything runs), then run each on
 * a fresh host, reporting every failed expectation; exit status 1 when
 * any failed.
 */
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "scenario/scenario.h"

#define SCENARIO_FILE_MAX (16U << 20)

static const char run_usage[] =
    "usage: claimset run FILE... [--topology X] [--verbose]\n"
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
    "  -h, --help     this help\n"
    "  -V, --version  the version (claimset version --json: build options)\n";

#define OPT_VERBOSE 1

static const struct cli_opt run_opts[] = {
    CLI_OPTS_TOPOLOGY,
    {"verbose", CLI_NO_ARG, OPT_VERBOSE},
    {NULL, CLI_NO_ARG, 0},
};

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
    bool verbose = false;
    size_t nr = 0;
    int id, rc = CLI_EXIT_OK;

    cli_common_init(&common);
    if (!scn || !paths) {
        rc = cli_fail(prog, "out of memory");
        goto out;
    }
    cli_parser_init(&p, prog, argc, argv);
    /* Options first, wherever they are; files keep their order. */
    while ((id = cli_next(&p, run_opts, &val)) != CLI_END) {
        if (id == CLI_HELP || id == CLI_VERSION) {
            rc = id == CLI_HELP ? cli_help(cmd) : cli_version();
            goto out;
        }
        if (id == CLI_ERROR) {
            rc = CLI_EXIT_USAGE;
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
        if (cli_common_option(&p, id, val, &common)) {
            rc = CLI_EXIT_USAGE;
            goto out;
        }
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
        one = run_one(prog, scn[i], ct, verbose);
        if (one > rc)
            rc = one;
    }
out:
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
