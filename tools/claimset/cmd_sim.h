/*
 * The shared command line of `claimset storm` and `claimset evacuate`
 * (sim_cli.c); each command's file holds its name, summary and help.
 */
#ifndef CLAIMSET_SIM_SIM_CLI_H
#define CLAIMSET_SIM_SIM_CLI_H

#include "cli.h"
#include "sim/sim.h"

/*
 * The --help sections of the options sim_cli_main() handles alike for
 * both commands, "Run:" and "Output:", each followed by a blank line; a
 * command's usage text splices it in between its own sections.
 */
#define SIM_CLI_HELP_RUN_AND_OUTPUT                                                                \
    "Run:\n"                                                                                       \
    "  --threads M          builder threads (default 1: no threads, deterministic)\n"              \
    "  --window N           builds in flight when single-threaded (default 8)\n"                   \
    "  --policies LIST      comma-separated policies to run, in that order (or all)\n"             \
    "  --topology X         default, host, a FILE or topology TEXT; without it\n"                  \
    "                       CLAIMSET_TOPOLOGY, else 4 x 64 GiB (SNC distances)\n"                  \
    "\n"                                                                                           \
    "Output:\n"                                                                                    \
    "  --json, --csv        machine-readable results instead of the table\n"                       \
    "  --report FILE        also write a self-contained HTML report with charts\n"                 \
    "                       (FILE -: the report on stdout, instead of the table)\n"                \
    "  -h, --help           this help\n"                                                           \
    "  -V, --version        the version (claimset version --json: build options)\n"                \
    "\n"

/* Parse argv (argv[0] the command's name), run, print; the exit status. */
int sim_cli_main(const struct cli_command *cmd, enum sim_kind kind, int argc, char **argv);

#endif /* CLAIMSET_SIM_SIM_CLI_H */
