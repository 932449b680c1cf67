/*
 * claimset evacuate: parallel incoming migrations onto a host that is
 * already partly full and fragmented (tools/claimset/sim/).
 */
#include "cli.h"
#include "cmd_sim.h"

static const char evacuate_usage[] =
    "usage: claimset evacuate [OPTIONS]\n"
    "\n"
    "Host evacuation: fill a simulated NUMA host with resident guests and\n"
    "fragment its free memory, then build incoming migrated VMs -- each with the\n"
    "fixed vNUMA layout it had on its source host (one vnode, or two from a\n"
    "quarter of a node up) -- in parallel, once under each claim policy on its\n"
    "own fresh host, and compare the same figures as `claimset storm`.  Extents\n"
    "fall back from 1 GiB to 2 MiB and 4 KiB where the free memory is in holes.\n"
    "\n"
    "Policies: none, legacy, single-node, claim-sets, claim-sets+global (see\n"
    "claimset storm --help).  A vnode must fit one node: a policy that plans a\n"
    "vnode no node can hold uses a host-wide part for the rest, except\n"
    "claim-sets, which refuses such a VM at claim time.\n"
    "\n"
    "Host before the migrations:\n"
    "  --fill PCT           resident memory, percent of each node on average\n"
    "                       (default 60; nodes vary by up to 20 points; 0: empty)\n"
    "  --fragment PCT       share of the remaining free memory left in 2 MiB and\n"
    "                       4 KiB holes (default 50)\n"
    "\n"
    "Workload:\n"
    "  --vms N              N incoming VMs (default: as many as --overcommit asks)\n"
    "  --overcommit PCT     they ask for PCT% of the free memory (default 110)\n"
    "  --size-mix LIST      SIZE[:WEIGHT[:VCPUS]],...  (as for storm)\n"
    "  --balloon N          residents that balloon meanwhile (default 0)\n"
    "  --balloon-size SIZE  their maximum size (default 1/16 of the mean node)\n"
    "  --offline N          frames offlined half-way (default 0)\n"
    "  --seed S             the workload's seed (default 1)\n"
    "\n"
    /* "Run:" and "Output:", shared with the other simulation command */
    SIM_CLI_HELP_RUN_AND_OUTPUT
    "Time is modelled: the same seed and parameters give the same results, times\n"
    "included.  Exit status: 0 success, 1 the run failed or a host's invariants\n"
    "broke, 2 a usage error.  The model: docs/simulator.md.\n";

static int evacuate_run(const struct cli_command *cmd, int argc, char **argv)
{
    return sim_cli_main(cmd, SIM_EVACUATE, argc, argv);
}

const struct cli_command cli_cmd_evacuate = {
    .name = "evacuate",
    .summary = "parallel migrations onto a partly full, fragmented host",
    .usage = evacuate_usage,
    .run = evacuate_run,
};
