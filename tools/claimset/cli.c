/*
 * The claimset command's framework: diagnostics, the option parser and
 * the options subcommands share.  Values and sizes are in cli_values.c,
 * topology resolution in the topology module (topology/topo.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cli_help(const struct cli_command *cmd)
{
    fputs(cmd->usage, stdout);
    return CLI_EXIT_OK;
}

int cli_version(void)
{
    printf("claimset %s\n", CLAIMSET_VERSION_TEXT);
    return CLI_EXIT_OK;
}

int cli_shared_result(const struct cli_command *cmd, int id)
{
    switch (id) {
    case CLI_HELP:
        return cli_help(cmd);
    case CLI_VERSION:
        return cli_version();
    case CLI_ERROR:
        return CLI_EXIT_USAGE;
    default:
        return -1;
    }
}

static void vreport(const char *prog, const char *fmt, va_list ap)
{
    /* Whatever a command printed so far comes before the message. */
    fflush(stdout);
    fprintf(stderr, "%s: ", prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_usage_error(const char *prog, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(prog, fmt, ap);
    va_end(ap);
    return CLI_EXIT_USAGE;
}

int cli_fail(const char *prog, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(prog, fmt, ap);
    va_end(ap);
    return CLI_EXIT_FAIL;
}

bool cli_stdout_error(const char *prog, int last_errno)
{
    int e;

    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return false;
    /* A flush that failed inside the command dropped its buffer, so this
     * one may succeed: the reason is then the command's last errno. */
    e = errno ? errno : last_errno ? last_errno : EIO;
    fprintf(stderr, "%s: cannot write the output: %s\n", prog, strerror(e));
    return true;
}

/* ------------------------------------------------------------------ */
/* Option parsing                                                      */

void cli_parser_init(struct cli_parser *p, const char *prog, int argc, char **argv)
{
    p->prog = prog;
    p->argc = argc;
    p->argv = argv;
    p->next = 1;
    p->opts_done = false;
}

static const struct cli_opt *find_opt(const struct cli_opt *opts, const char *name, size_t len)
{
    for (; opts && opts->name; opts++)
        if (strlen(opts->name) == len && !strncmp(opts->name, name, len))
            return opts;
    return NULL;
}

int cli_next(struct cli_parser *p, const struct cli_opt *opts, const char **val)
{
    const struct cli_opt *o;
    const char *arg, *name, *eq;
    size_t len;

    *val = NULL;
    if (p->next >= p->argc)
        return CLI_END;
    arg = p->argv[p->next++];
    if (!p->opts_done && !strcmp(arg, "--")) {
        p->opts_done = true;
        return cli_next(p, opts, val);
    }
    if (p->opts_done || arg[0] != '-' || !strcmp(arg, "-")) {
        *val = arg;
        return CLI_POSITIONAL;
    }
    if (!strcmp(arg, "-h") || !strcmp(arg, "--help"))
        return CLI_HELP;
    if (!strcmp(arg, "-V") || !strcmp(arg, "--version"))
        return CLI_VERSION;
    if (arg[1] != '-') {
        cli_usage_error(p->prog, "unknown option %s (see --help)", CLI_Q(arg));
        return CLI_ERROR;
    }
    name = arg + 2;
    eq = strchr(name, '=');
    len = eq ? (size_t)(eq - name) : strlen(name);
    o = find_opt(opts, name, len);
    if (!o) {
        cli_usage_error(p->prog, "unknown option %s (see --help)",
                        cli_quote_n(arg, len + 2, (char[CLI_QUOTE_LEN]){0}, CLI_QUOTE_LEN));
        return CLI_ERROR;
    }
    if (o->arg == CLI_NO_ARG) {
        if (eq) {
            cli_usage_error(p->prog, "--%s takes no value", o->name);
            return CLI_ERROR;
        }
        return o->id;
    }
    if (eq) {
        *val = eq + 1;
    } else if (p->next < p->argc) {
        *val = p->argv[p->next++];
    } else {
        cli_usage_error(p->prog, "--%s: missing value", o->name);
        return CLI_ERROR;
    }
    return o->id;
}

/* ------------------------------------------------------------------ */
/* Shared options                                                      */

void cli_common_init(struct cli_common *c)
{
    memset(c, 0, sizeof(*c));
    c->threads = 1;
    c->format = CLI_FMT_TABLE;
}

static int set_format(const struct cli_parser *p, struct cli_common *c, enum cli_format f,
                      const char *name)
{
    if (c->format != CLI_FMT_TABLE && c->format != f)
        return cli_usage_error(p->prog, "--%s: only one of --json and --csv may be given", name),
               -1;
    c->format = f;
    return 0;
}

int cli_common_option(const struct cli_parser *p, int id, const char *val, struct cli_common *c)
{
    char err[CLI_ERR_LEN];
    uint64_t v;

    switch (id) {
    case CLI_OPT_SEED:
        if (cs_parse_u64(val, &v, err, sizeof(err)))
            return cli_usage_error(p->prog, "--seed: %s", err), -1;
        c->seed = v;
        c->seed_set = true;
        return 0;
    case CLI_OPT_THREADS:
        if (cs_parse_range(val, 1, CLI_MAX_THREADS, &v, err, sizeof(err)))
            return cli_usage_error(p->prog, "--threads: %s", err), -1;
        c->threads = (unsigned int)v;
        return 0;
    case CLI_OPT_TOPOLOGY:
        c->topology = val;
        return 0;
    case CLI_OPT_JSON:
        return set_format(p, c, CLI_FMT_JSON, "json");
    case CLI_OPT_CSV:
        return set_format(p, c, CLI_FMT_CSV, "csv");
    default:
        return cli_usage_error(p->prog, "internal error: option id %d", id), -1;
    }
}

int cli_common_topology(const struct cli_parser *p, const struct cli_common *c,
                        struct topo_resolved *ct)
{
    char err[CLI_ERR_LEN];

    if (c->topology) {
        if (topo_resolve(c->topology, NULL, ct, err, sizeof(err)))
            return cli_usage_error(p->prog, "--topology: %s", err), -1;
        return 0;
    }
    if (topo_from_env(ct, err, sizeof(err)))
        return cli_usage_error(p->prog, "CLAIMSET_TOPOLOGY: %s", err), -1;
    return 0;
}
