/*
 * claimset drain: hosts of a pool drained onto the others in parallel
 * (the simulator's drain.c, tools/sim/).
 */
#include "cli.h"
#include "cmd_sim.h"

static const char drain_usage[] =
    "usage: claimset drain [OPTIONS]\n"
    "\n"
    "Pool drain: hosts of a pool are drained for maintenance and their guests\n"
    "migrate onto the other hosts in parallel -- each with the fixed vNUMA\n"
    "layout it had -- once under each claim policy, on fresh hosts, in modelled\n"
    "time.  Pool placement picks the host with the most memory not yet spoken\n"
    "for (free minus claims), then the policy picks its nodes.  Same outputs as\n"
    "`claimset storm`; the run's nodes are the receiving hosts' nodes in host\n"
    "order, and each VM's plan names its host.\n"
    "\n"
    "Pool:\n"
    "  --hosts N            hosts in the pool (default 4, at most 16)\n"
    "  --drain K            the first K hosts are drained (default 1)\n"
    "  --host X             one host's topology, in host order; give it for every\n"
    "                       host, or use --topology for all (default: 4 x 16 GiB,\n"
    "                       SNC distances; CLAIMSET_TOPOLOGY when set)\n"
    "  --drained-fill PCT   how full the drained hosts were (default 60)\n"
    "  --fill PCT           how full the receiving hosts are (default 50)\n"
    "  --fragment PCT       share of their free memory in 2 MiB and 4 KiB holes\n"
    "                       (default 50)\n"
    "\n"
    "Workload:\n"
    "  --vms N              N incoming VMs (default: what the drained hosts held)\n"
    "  --size-mix LIST      SIZE[:WEIGHT[:VCPUS]],...  (as for storm)\n"
    "  --seed S             the workload's seed (default 1)\n"
    "\n"
    /* "Run:" and "Output:", shared with the other simulation commands */
    SIM_CLI_HELP_RUN_AND_OUTPUT
    "Deterministic: the same seed and parameters give the same results.  --threads\n"
    "and --seeds are storm's and evacuate's only.  Exit status: 0 success, 1 the\n"
    "run failed or a host's invariants broke, 2 a usage error.  The model:\n"
    "docs/simulator.md.\n";

static int drain_run(const struct cli_command *cmd, int argc, char **argv)
{
    return sim_cli_drain_main(cmd, argc, argv);
}

const struct cli_command cli_cmd_drain = {
    .name = "drain",
    .summary = "pool drain: hosts drained onto the others in parallel",
    .usage = drain_usage,
    .run = drain_run,
};
