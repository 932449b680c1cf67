/*
 * The claimset command: dispatch to a subcommand, `--help`, `--version`,
 * and `help CMD`; then make sure that what was printed was written.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#ifdef CLAIMSET_XEN
#include "live.h"
#endif

/* The subcommands, in the order `claimset --help` lists them.  Adding
 * one is one entry here (plus its declaration in cli.h). */
static const struct cli_command *const commands[] = {
#ifdef CLAIMSET_XEN
    CLI_LIVE_COMMANDS, /* the Xen build: the live host only */
    &cli_cmd_version,
#else
    &cli_cmd_info,     &cli_cmd_place, &cli_cmd_run,     &cli_cmd_storm,
    &cli_cmd_evacuate, &cli_cmd_drain, &cli_cmd_version,
#endif
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

#ifdef CLAIMSET_XEN
/*
 * The simulator's commands need the in-process host, which the Xen build
 * does not link.  Someone who knows them from the other build is told
 * why they are missing rather than that they do not exist.
 */
static const char *const simulator_only[] = {"run", "storm", "evacuate", "drain"};

static int simulator_only_error(const char *prog, const char *name)
{
    for (size_t i = 0; i < sizeof(simulator_only) / sizeof(simulator_only[0]); i++)
        if (!strcmp(simulator_only[i], name))
            return cli_usage_error(prog,
                                   "%s simulates a host and is not in the Xen build "
                                   "(it is in a build without -DCLAIMSET_XEN=ON)",
                                   name);
    return -1;
}
#else
static int simulator_only_error(const char *prog, const char *name)
{
    (void)prog;
    (void)name;
    return -1;
}
#endif

static const struct cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < NR_COMMANDS; i++)
        if (!strcmp(commands[i]->name, name))
            return commands[i];
    return NULL;
}

static int usage(void)
{
    printf("usage: claimset [--help] [--version] COMMAND [ARGS...]\n"
           "\n"
#ifdef CLAIMSET_XEN
           CLI_LIVE_DESCRIPTION
#else
           "A simulated Xen host with NUMA-aware claim sets, driven through the\n"
           "libxenctrl API.\n"
#endif
           "\n"
           "Commands:\n");
    for (size_t i = 0; i < NR_COMMANDS; i++)
        printf("  %-10s %s\n", commands[i]->name, commands[i]->summary);
    printf("  %-10s %s\n", "help", "show the help of a command: claimset help COMMAND");
    printf("\n"
           "Run 'claimset COMMAND --help' for a command's options.  Exit status: 0 success,\n"
           "1 a failed run or expectation, 2 a usage error.\n");
    return CLI_EXIT_OK;
}

/*
 * Output that never arrived is a failure: a full disk, a closed or broken
 * stdout must not end in status 0 as if the results had been written.
 * Every command prints through stdout, so checking it once here covers
 * them all (--help and --version included).
 */
static int checked(const char *prog, int rc, int last_errno)
{
    if (cli_stdout_error(prog, last_errno))
        return rc == CLI_EXIT_OK ? CLI_EXIT_FAIL : rc;
    return rc;
}

/* Run what argv asks for; *cmd_out is the subcommand run, if any. */
static int dispatch(int argc, char **argv, const struct cli_command **cmd_out)
{
    const struct cli_command *cmd;
    const char *name;
    int rc;

    if (argc < 2)
        return cli_usage_error("claimset", "no command given (see claimset --help)");
    name = argv[1];
    if (!strcmp(name, "--version") || !strcmp(name, "-V"))
        return cli_version();
    /* "claimset --help CMD" is "claimset help CMD", as git does it. */
    if (!strcmp(name, "help") || !strcmp(name, "--help") || !strcmp(name, "-h")) {
        if (argc == 2)
            return usage();
        if (argc > 3)
            return cli_usage_error("claimset help", "unexpected argument %s", CLI_Q(argv[3]));
        cmd = find_command(argv[2]);
        if (!cmd && (rc = simulator_only_error("claimset help", argv[2])) >= 0)
            return rc;
        if (!cmd)
            return cli_usage_error("claimset help", "unknown command %s", CLI_Q(argv[2]));
        return cli_help(cmd);
    }
    if (name[0] == '-')
        return cli_usage_error("claimset", "unknown option %s (see claimset --help)", CLI_Q(name));
    cmd = find_command(name);
    if (!cmd && (rc = simulator_only_error("claimset", name)) >= 0)
        return rc;
    if (!cmd)
        return cli_usage_error("claimset", "unknown command %s (see claimset --help)", CLI_Q(name));
    *cmd_out = cmd;
    return cmd->run(cmd, argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
    const struct cli_command *cmd = NULL;
    int rc = dispatch(argc, argv, &cmd), last_errno = errno;
    char prog[64] = "claimset";

    if (cmd)
        snprintf(prog, sizeof(prog), "claimset %s", cmd->name);
    return checked(prog, rc, last_errno);
}
