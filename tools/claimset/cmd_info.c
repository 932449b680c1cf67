/*
 * claimset info: make a host with the chosen topology and show its memory
 * the way `xl info` does (total, free, outstanding claims, scrub), then
 * per node: size, free, claimed, unclaimed, offlined, CPUs, and the SLIT
 * distances.  Everything is read back through the public API.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <claimset/claimset.h>
#include <xenctrl.h>

#include "cli.h"

#define MIB_PAGES (1U << (20 - XC_PAGE_SHIFT))

static const char info_usage[] =
    "usage: claimset info [--topology X] [--json]\n"
    "\n"
    "Create a simulated host and show its memory as `xl info` does (total,\n"
    "free, outstanding claims and memory waiting to be scrubbed, in MiB),\n"
    "then per NUMA node: size, free, claimed (sum of all claims on the node),\n"
    "unclaimed (free minus claimed), offlined, CPUs, and the distance matrix.\n"
    "\n"
    "Options:\n"
    "  --topology X   default, host, a FILE or topology TEXT (docs/cli.md);\n"
    "                 without it CLAIMSET_TOPOLOGY, else the built-in default\n"
    "  --json         machine-readable output (page counts, 4 KiB pages)\n"
    "  -h, --help     this help\n"
    "  -V, --version  the version (claimset version --json: build options)\n";

static const struct cli_opt info_opts[] = {
    CLI_OPTS_TOPOLOGY,
    CLI_OPTS_JSON,
    {NULL, CLI_NO_ARG, 0},
};

struct info {
    unsigned int nr_nodes, nr_cpus;
    xc_physinfo_t phys;
    xc_numa_meminfo_t mem[CLAIMSET_MAX_NODES];
    uint32_t dist[CLAIMSET_MAX_NODES * CLAIMSET_MAX_NODES];
    struct claimset_counters counters;
};

static uint64_t pages_of(uint64_t bytes)
{
    return bytes >> XC_PAGE_SHIFT;
}

static uint64_t unclaimed(const xc_numa_meminfo_t *m)
{
    return m->free > m->claimed ? pages_of(m->free - m->claimed) : 0;
}

/* Read everything through the handle.  0 or -1 with errno. */
static int read_info(xc_interface *xch, claimset_host *host, const struct claimset_topology *t,
                     struct info *in)
{
    unsigned int n = CLAIMSET_MAX_NODES, nd = CLAIMSET_MAX_NODES;

    memset(in, 0, sizeof(*in));
    if (xc_physinfo(xch, &in->phys) || xc_numa_meminfo(xch, &n, in->mem) ||
        xc_numainfo(xch, &nd, NULL, in->dist) || claimset_host_counters(host, &in->counters))
        return -1;
    if (n != nd || n != t->nr_nodes) {
        errno = EIO;
        return -1;
    }
    in->nr_nodes = n;
    for (unsigned int i = 0; i < n; i++)
        in->nr_cpus += t->node_cpus[i];
    return 0;
}

static void print_table(const struct topo_resolved *ct, const struct info *in)
{
    const xc_physinfo_t *p = &in->phys;
    char a[32], b[32], c[32], d[32], e[32];

    printf("host                   : %u node%s, %u CPU%s\n", in->nr_nodes, CLI_S(in->nr_nodes),
           in->nr_cpus, CLI_S(in->nr_cpus));
    printf("topology               : %s\n", ct->text);
    printf("topology_source        : %s\n", ct->source);
    printf("total_memory           : %" PRIu64 "\n", (uint64_t)p->total_pages / MIB_PAGES);
    printf("free_memory            : %" PRIu64 "\n", (uint64_t)p->free_pages / MIB_PAGES);
    printf("outstanding_claims     : %" PRIu64 "\n", (uint64_t)p->outstanding_pages / MIB_PAGES);
    printf("scrub_memory           : %" PRIu64 "\n", (uint64_t)p->scrub_pages / MIB_PAGES);
    printf("(memory figures above in MiB, rounded down, as xl info prints them)\n\n");

    printf("%4s %12s %12s %12s %12s %12s %5s\n", "node", "size", "free", "claimed", "unclaimed",
           "offlined", "cpus");
    for (unsigned int i = 0; i < in->nr_nodes; i++) {
        const xc_numa_meminfo_t *m = &in->mem[i];

        printf("%4u %12s %12s %12s %12s %12s %5u\n", i, cs_human_size(pages_of(m->size), a, 32),
               cs_human_size(pages_of(m->free), b, 32), cs_human_size(pages_of(m->claimed), c, 32),
               cs_human_size(unclaimed(m), d, 32),
               cs_human_size(in->counters.node[i].offlined_pages, e, 32), ct->t.node_cpus[i]);
    }

    cli_print_distances(in->nr_nodes, in->dist);
}

static void print_json(const struct topo_resolved *ct, const struct info *in)
{
    const xc_physinfo_t *p = &in->phys;

    printf("{\n  \"topology\": ");
    cli_json_string(stdout, ct->text);
    printf(",\n  \"topology_source\": ");
    cli_json_string(stdout, ct->source);
    printf(",\n  \"page_size\": %lu,\n", (unsigned long)XC_PAGE_SIZE);
    printf("  \"nr_nodes\": %u,\n  \"nr_cpus\": %u,\n", in->nr_nodes, in->nr_cpus);
    printf("  \"total_pages\": %" PRIu64 ",\n  \"free_pages\": %" PRIu64 ",\n",
           (uint64_t)p->total_pages, (uint64_t)p->free_pages);
    printf("  \"outstanding_pages\": %" PRIu64 ",\n  \"scrub_pages\": %" PRIu64 ",\n",
           (uint64_t)p->outstanding_pages, (uint64_t)p->scrub_pages);
    printf("  \"nodes\": [");
    for (unsigned int i = 0; i < in->nr_nodes; i++) {
        const xc_numa_meminfo_t *m = &in->mem[i];

        printf("%s\n    {\"node\": %u, \"size_pages\": %" PRIu64 ", \"free_pages\": %" PRIu64
               ", \"claimed_pages\": %" PRIu64 ", \"unclaimed_pages\": %" PRIu64
               ", \"offlined_pages\": %" PRIu64 ", \"scrub_pages\": %" PRIu64
               ", \"cpus\": %u, \"distances\": [",
               i ? "," : "", i, pages_of(m->size), pages_of(m->free), pages_of(m->claimed),
               unclaimed(m), in->counters.node[i].offlined_pages, in->counters.node[i].scrub_pages,
               ct->t.node_cpus[i]);
        for (unsigned int j = 0; j < in->nr_nodes; j++)
            printf("%s%" PRIu32, j ? ", " : "", in->dist[i * in->nr_nodes + j]);
        printf("]}");
    }
    printf("\n  ]\n}\n");
}

static int info_run(const struct cli_command *cmd, int argc, char **argv)
{
    const char *prog = "claimset info", *val;
    char err[CLI_ERR_LEN];
    struct topo_resolved *ct;
    struct cli_common common;
    struct cli_parser p;
    claimset_host *host;
    xc_interface *xch;
    struct info *in;
    int id, shared, rc = CLI_EXIT_FAIL;

    cli_common_init(&common);
    cli_parser_init(&p, prog, argc, argv);
    while ((id = cli_next(&p, info_opts, &val)) != CLI_END) {
        if ((shared = cli_shared_result(cmd, id)) >= 0)
            return shared;
        if (id == CLI_POSITIONAL)
            return cli_usage_error(prog, "unexpected argument %s", CLI_Q(val));
        if (cli_common_option(&p, id, val, &common))
            return CLI_EXIT_USAGE;
    }

    ct = malloc(sizeof(*ct));
    in = malloc(sizeof(*in));
    if (!ct || !in) {
        free(ct);
        free(in);
        return cli_fail(prog, "out of memory");
    }
    if (cli_common_topology(&p, &common, ct)) {
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    host = claimset_host_create_topology(&ct->t, NULL, err, sizeof(err));
    if (!host) {
        rc = cli_fail(prog, "cannot create the host: %s", err[0] ? err : strerror(errno));
        goto out;
    }
    xch = claimset_xc_open(host, 0);
    if (!xch || read_info(xch, host, &ct->t, in)) {
        rc = cli_fail(prog, "cannot read the host: %s", strerror(errno));
    } else {
        if (common.format == CLI_FMT_JSON)
            print_json(ct, in);
        else
            print_table(ct, in);
        rc = CLI_EXIT_OK;
    }
    xc_interface_close(xch);
    claimset_host_destroy(host);
out:
    free(ct);
    free(in);
    return rc;
}

const struct cli_command cli_cmd_info = {
    .name = "info",
    .summary = "show a host's memory, claims and NUMA layout (like xl info)",
    .usage = info_usage,
    .run = info_run,
};
