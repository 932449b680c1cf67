/*
 * claimset storm: the boot storm simulation (tools/claimset/sim/).
 */
#include "cli.h"
#include "cmd_sim.h"

static const char storm_usage[] =
    "usage: claimset storm [OPTIONS]\n"
    "\n"
    "Boot storm: build many VMs of mixed sizes at once on one simulated NUMA host\n"
    "while running guests balloon and a few frames go bad -- once under each claim\n"
    "policy, each on its own fresh host, same workload -- and compare VMs built,\n"
    "refused at claim time (cheap), failed while populating (expensive), built\n"
    "with pages off their node (degraded), memory on the intended nodes,\n"
    "SLIT-weighted access cost, extents by size, hypercalls and modelled time.\n"
    "\n"
    "Policies:\n"
    "  none               no claim: placement advice and node affinity only\n"
    "  legacy             host-wide claim for the total (XENMEM_claim_pages)\n"
    "  single-node        one-node claim set when the VM fits a node, else legacy\n"
    "  claim-sets         claim sets from the placement advisor\n"
    "  claim-sets+global  claim sets plus a host-wide entry for what nodes lack\n"
    "\n"
    "Workload:\n"
    "  --vms N              build N VMs (default: as many as --overcommit asks)\n"
    "  --overcommit PCT     the VMs ask for PCT% of the free memory (default 110)\n"
    "  --size-mix LIST      SIZE[:WEIGHT[:VCPUS]],...  e.g. 2G:30,4G:25,48G:5:24\n"
    "                       (default: 1/32, 1/16, 1/8, 1/4, 1/2 and 3/4 of the mean\n"
    "                       node, weights 30/25/20/12/8/5: 2 to 48 GiB on 64 GiB)\n"
    "  --balloon N          running guests that balloon meanwhile (default 4; 0 off)\n"
    "  --balloon-size SIZE  their maximum size (default 1/16 of the mean node)\n"
    "  --offline N          frames offlined when half of the VMs are done\n"
    "                       (default 8; 0 off)\n"
    "  --seed S             the workload's seed (default 1)\n"
    "\n"
    /* "Run:" and "Output:", shared with the other simulation command */
    SIM_CLI_HELP_RUN_AND_OUTPUT
    "Sizes take units (K, M, G, T, KiB..TiB, pages).  Time is modelled: the same\n"
    "seed and parameters give the same results, times included, on any machine.\n"
    "With --threads above 1 (stress mode) builds race for real and results vary.\n"
    "Exit status: 0 success, 1 the run failed or a host's invariants broke,\n"
    "2 a usage error.  The model: docs/simulator.md.\n";

static int storm_run(const struct cli_command *cmd, int argc, char **argv)
{
    return sim_cli_main(cmd, SIM_STORM, argc, argv);
}

const struct cli_command cli_cmd_storm = {
    .name = "storm",
    .summary = "boot storm: build many VMs at once under each claim policy",
    .usage = storm_usage,
    .run = storm_run,
};
