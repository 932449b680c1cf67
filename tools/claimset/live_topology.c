/*
 * The live build's answer to the CLI's topology helpers: a live host's
 * topology is its hypervisor's, read at run time, so --topology and
 * CLAIMSET_TOPOLOGY (which describe simulated hosts) do not apply.  The
 * shared option code (cli.c) links against these in the Xen build.
 */
#include "live.h"

int cli_topology_resolve(const char *x, const char *base_dir, struct cli_topology *ct, char *err,
                         size_t errlen)
{
    return cli_err(err, errlen,
                   "a live host's topology is its hypervisor's; --topology is for the simulated "
                   "host of the default build");
}

int cli_topology_from_env(struct cli_topology *ct, char *err, size_t errlen)
{
    return cli_topology_resolve(NULL, NULL, ct, err, errlen);
}
