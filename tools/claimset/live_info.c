/*
 * claimset info (live): the host as its hypervisor reports it -- pages
 * in all, free, to be scrubbed and claimed; per node size, free and
 * claimed (claimed only where the hypervisor has node claims); the SLIT
 * matrix; every domain with its pages, maximum and outstanding claim.
 * What `xl info -n` and `xl list` show, plus the claims.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "live.h"

#define MAX_DOMAINS 1024

static const char info_usage[] =
    "usage: claimset info [--json]\n"
    "\n"
    "Describe the live Xen host this runs on: memory (pages in all, free, to\n"
    "scrub, claimed), each NUMA node's size, free and claimed memory, the\n"
    "node distances, and every domain's pages, maximum and outstanding claim.\n"
    "Node claims exist only on hypervisors with claim sets; elsewhere every\n"
    "claim is host-wide and the column says n/a.\n"
    "\n"
    "Options:\n"
    "  --json              machine-readable output (pages are 4 KiB)\n"
    "  -h, --help          this help\n";

static const struct cli_opt info_opts[] = {
    CLI_OPTS_JSON,
    {NULL, CLI_NO_ARG, 0},
};

struct live_info {
    xc_physinfo_t phys;
    unsigned int nr_nodes;
    xc_numa_meminfo_t node[CS_XEN_MAX_NODES];
    uint32_t dist[CS_XEN_MAX_NODES * CS_XEN_MAX_NODES];
    unsigned int nr_doms;
    xc_domaininfo_t dom[MAX_DOMAINS];
};

static int read_info(struct live_host *h, struct live_info *in)
{
    unsigned int n = CS_XEN_MAX_NODES, nd = CS_XEN_MAX_NODES;
    uint32_t next = 0;

    if (xc_physinfo(h->xch, &in->phys) || xc_numa_meminfo(h->xch, &n, in->node) ||
        xc_numainfo(h->xch, &nd, NULL, in->dist))
        return -1;
    in->nr_nodes = n < nd ? n : nd;
    in->nr_doms = 0;
    /* getinfolist answers from a domid upwards, a batch at a time. */
    while (in->nr_doms < MAX_DOMAINS) {
        int got =
            xc_domain_getinfolist(h->xch, next, MAX_DOMAINS - in->nr_doms, &in->dom[in->nr_doms]);

        if (got < 0)
            return -1;
        if (got == 0)
            break;
        in->nr_doms += (unsigned int)got;
        next = in->dom[in->nr_doms - 1].domain + 1;
        if (next >= DOMID_FIRST_RESERVED)
            break;
    }
    return 0;
}

static void print_table(const struct live_host *h, const struct live_info *in)
{
    char host[160], a[32], b[32], c[32];
    const xc_physinfo_t *p = &in->phys;

    printf("host                   : %s\n", live_host_text(h, host, sizeof(host)));
    printf("claim_sets             : %s\n",
           h->be.claim_sets ? "yes (XEN_DOMCTL_claim_memory)" : "no (legacy host-wide claims)");
    printf("nodes                  : %u\n", in->nr_nodes);
    printf("total_pages            : %" PRIu64 " (%s)\n", (uint64_t)p->total_pages,
           cs_human_size(p->total_pages, a, sizeof(a)));
    printf("free_pages             : %" PRIu64 " (%s)\n", (uint64_t)p->free_pages,
           cs_human_size(p->free_pages, a, sizeof(a)));
    printf("scrub_pages            : %" PRIu64 "\n", (uint64_t)p->scrub_pages);
    printf("outstanding_pages      : %" PRIu64 " (%s)\n", (uint64_t)p->outstanding_pages,
           cs_human_size(p->outstanding_pages, a, sizeof(a)));
    live_note_fallback(h, stdout);

    printf("\n%4s %12s %12s %12s\n", "node", "size", "free", "claimed");
    for (unsigned int i = 0; i < in->nr_nodes; i++) {
        const xc_numa_meminfo_t *m = &in->node[i];

        printf("%4u %12s %12s %12s\n", i, cs_human_size(m->size >> XC_PAGE_SHIFT, a, sizeof(a)),
               cs_human_size(m->free >> XC_PAGE_SHIFT, b, sizeof(b)),
               h->be.claim_sets ? cs_human_size(m->claimed >> XC_PAGE_SHIFT, c, sizeof(c)) : "n/a");
    }
    cli_print_distances(in->nr_nodes, in->dist);
    printf("\n%5s %12s %12s %12s\n", "domid", "tot_pages", "max_pages", "outstanding");
    for (unsigned int i = 0; i < in->nr_doms; i++) {
        const xc_domaininfo_t *d = &in->dom[i];

        printf("%5u %12" PRIu64 " %12" PRIu64 " %12" PRIu64 "\n", d->domain, (uint64_t)d->tot_pages,
               (uint64_t)d->max_pages, (uint64_t)d->outstanding_pages);
    }
}

static void print_json(const struct live_host *h, const struct live_info *in)
{
    const xc_physinfo_t *p = &in->phys;

    printf("{\n");
    live_json_host(h);
    printf("  \"page_size\": %lu,\n", (unsigned long)XC_PAGE_SIZE);
    printf("  \"total_pages\": %" PRIu64 ",\n  \"free_pages\": %" PRIu64 ",\n",
           (uint64_t)p->total_pages, (uint64_t)p->free_pages);
    printf("  \"scrub_pages\": %" PRIu64 ",\n  \"outstanding_pages\": %" PRIu64 ",\n",
           (uint64_t)p->scrub_pages, (uint64_t)p->outstanding_pages);
    printf("  \"nr_nodes\": %u,\n  \"nodes\": [", in->nr_nodes);
    for (unsigned int i = 0; i < in->nr_nodes; i++) {
        const xc_numa_meminfo_t *m = &in->node[i];

        printf("%s\n    {\"node\": %u, \"size_pages\": %" PRIu64 ", \"free_pages\": %" PRIu64,
               i ? "," : "", i, m->size >> XC_PAGE_SHIFT, m->free >> XC_PAGE_SHIFT);
        if (h->be.claim_sets)
            printf(", \"claimed_pages\": %" PRIu64, m->claimed >> XC_PAGE_SHIFT);
        else
            printf(", \"claimed_pages\": null");
        printf(", \"distances\": [");
        for (unsigned int j = 0; j < in->nr_nodes; j++)
            printf("%s%" PRIu32, j ? ", " : "", in->dist[i * in->nr_nodes + j]);
        printf("]}");
    }
    printf("\n  ],\n  \"domains\": [");
    for (unsigned int i = 0; i < in->nr_doms; i++) {
        const xc_domaininfo_t *d = &in->dom[i];

        printf("%s\n    {\"domid\": %u, \"tot_pages\": %" PRIu64 ", \"max_pages\": %" PRIu64
               ", \"outstanding_pages\": %" PRIu64 "}",
               i ? "," : "", d->domain, (uint64_t)d->tot_pages, (uint64_t)d->max_pages,
               (uint64_t)d->outstanding_pages);
    }
    printf("\n  ]\n}\n");
}

static int info_run(const struct cli_command *cmd, int argc, char **argv)
{
    struct cli_parser p;
    struct live_host h;
    struct live_info *in;
    bool json = false;
    const char *val;
    int id, shared, rc = CLI_EXIT_OK;

    cli_parser_init(&p, "claimset info", argc, argv);
    while ((id = cli_next(&p, info_opts, &val)) != CLI_END) {
        if ((shared = cli_shared_result(cmd, id)) >= 0)
            return shared;
        if (id == CLI_POSITIONAL)
            return cli_usage_error(p.prog, "unexpected argument %s", CLI_Q(val));
        json = true;
    }
    if (live_open(p.prog, &h))
        return CLI_EXIT_FAIL;
    in = calloc(1, sizeof(*in));
    if (!in) {
        live_close(&h);
        return cli_fail(p.prog, "out of memory");
    }
    if (read_info(&h, in)) {
        int e = errno;

        rc = cli_fail(p.prog, "reading the host failed: %s (%s)", live_errno_name(e), strerror(e));
    } else if (json) {
        print_json(&h, in);
    } else {
        print_table(&h, in);
    }
    free(in);
    live_close(&h);
    return rc;
}

const struct cli_command cli_live_info = {
    .name = "info",
    .summary = "the live host: memory, nodes, distances, domains and claims",
    .usage = info_usage,
    .run = info_run,
};
