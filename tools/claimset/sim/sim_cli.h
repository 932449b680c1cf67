/*
 * The shared command line of `claimset storm` and `claimset evacuate`
 * (sim_cli.c); each command's file holds its name, summary and help.
 */
#ifndef CLAIMSET_SIM_SIM_CLI_H
#define CLAIMSET_SIM_SIM_CLI_H

#include "cli.h"
#include "sim/sim.h"

/* Parse argv (argv[0] the command's name), run, print; the exit status. */
int sim_cli_main(const struct cli_command *cmd, enum sim_kind kind, int argc, char **argv);

#endif /* CLAIMSET_SIM_SIM_CLI_H */
