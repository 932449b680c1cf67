/*
 * The shared command line of `claimset storm`, `claimset evacuate` and
 * `claimset drain` (cmd_sim.c); each command's file holds its name,
 * summary and help.
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
    "  --builders N         parallel domain builders in modelled time (default 8;\n"               \
    "                       --window N is the same)\n"                                             \
    "  --cost-hypercall NS  modelled cost of one hypercall (default 2000 ns)\n"                    \
    "  --cost-page NS       ... of one 4 KiB page populated (default 50 ns)\n"                     \
    "  --cost-scrub NS      ... of one 4 KiB page scrubbed (default 500 ns)\n"                     \
    "  --strict             a short populate fails the build (no claiming again,\n"                \
    "                       no placing the rest elsewhere)\n"                                      \
    "  --threads M          stress mode: M real builder threads, wall-clock time,\n"               \
    "                       results vary (default 1: modelled time, deterministic)\n"              \
    "  --policies LIST      comma-separated policies to run, in that order (or all)\n"             \
    "  --topology X         default, host, a FILE or topology TEXT; without it\n"                  \
    "                       CLAIMSET_TOPOLOGY, else 4 x 64 GiB (SNC distances)\n"                  \
    "  --check              check each host's invariants deeply after its policy's\n"              \
    "                       run; a broken host fails the command (slow on big hosts)\n"            \
    "\n"                                                                                           \
    "Output:\n"                                                                                    \
    "  --json, --csv        machine-readable results instead of the table\n"                       \
    "  --csv-vms            CSV, one row per VM and policy\n"                                      \
    "  --csv-samples        CSV, host memory over time (per policy, sample, node)\n"               \
    "  --seeds N            N workloads (seeds S, S+1, ...): each metric as median\n"              \
    "                       and range, and which differences hold in every seed\n"                 \
    "  --report FILE        also write a self-contained HTML report with charts\n"                 \
    "                       (FILE -: the report on stdout, instead of the table)\n"                \
    "  -h, --help           this help\n"                                                           \
    "  -V, --version        the version (claimset version --json: build options)\n"                \
    "\n"

/* Parse argv (argv[0] the command's name), run, print; the exit status. */
int sim_cli_main(const struct cli_command *cmd, enum sim_kind kind, int argc, char **argv);
/* The same for `claimset drain`. */
int sim_cli_drain_main(const struct cli_command *cmd, int argc, char **argv);

#endif /* CLAIMSET_SIM_SIM_CLI_H */
