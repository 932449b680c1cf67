/*
 * claimset place: where would a VM go?  The host state is built for real
 * on a simulated host through the public API -- memory already in use is
 * populated exactly on its node by one domain, memory already claimed is
 * claimed by another -- then the placement advisor reads that host
 * (xa_read_host_state) and plans (xa_plan), and the plan's claim set is
 * installed for a new domain of the VM's size to prove that it fits.
 * Building the state for real, rather than feeding the advisor numbers,
 * makes the answer the hypervisor's: frame 0, global claims and the
 * claim rules all count.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <claimset/advisor.h>
#include <claimset/claimset.h>
#include <xenctrl.h>

#include "cli.h"

static const char place_usage[] =
    "usage: claimset place --size SIZE [--vcpus N] [--topology X]\n"
    "                      [--used NODE=SIZE,...] [--claimed NODE=SIZE,...]\n"
    "                      [--no-global] [--json]\n"
    "\n"
    "Ask the placement advisor where a VM of SIZE memory and N vCPUs should\n"
    "go on a host whose nodes already have some memory in use (--used) or\n"
    "claimed by other domains (--claimed), and print the proposed vNUMA\n"
    "layout (vnodes: size, physical node, vCPUs), the claim set to install\n"
    "and the reason.  The plan is checked by installing its claim set on the\n"
    "simulated host.  Exit status 1, with a one-line reason, when the VM\n"
    "cannot be placed.\n"
    "\n"
    "Options:\n"
    "  --size SIZE         the VM's memory, e.g. 96GiB, 1536M, 262144pages\n"
    "  --vcpus N           its vCPUs (default 1)\n"
    "  --topology X        default, host, a FILE or topology TEXT (docs/cli.md)\n"
    "  --used LIST         memory in use per node: NODE=SIZE,... (NODE is\n"
    "                      0 or node0); may be repeated\n"
    "  --claimed LIST      memory claimed by other domains: NODE=SIZE,... and\n"
    "                      global=SIZE; may be repeated\n"
    "  --no-global         no host-wide entry: fail rather than claim globally\n"
    "  --json              machine-readable output (pages are 4 KiB)\n"
    "  -h, --help          this help\n"
    "  -V, --version       the version (claimset version --json: build options)\n";

enum { OPT_SIZE = 1, OPT_VCPUS, OPT_USED, OPT_CLAIMED, OPT_NO_GLOBAL };

static const struct cli_opt place_opts[] = {
    {"size", CLI_HAS_ARG, OPT_SIZE},
    {"vcpus", CLI_HAS_ARG, OPT_VCPUS},
    {"used", CLI_HAS_ARG, OPT_USED},
    {"claimed", CLI_HAS_ARG, OPT_CLAIMED},
    {"no-global", CLI_NO_ARG, OPT_NO_GLOBAL},
    CLI_OPTS_TOPOLOGY,
    CLI_OPTS_JSON,
    {NULL, CLI_NO_ARG, 0},
};

#define GLOBAL_SLOT CLAIMSET_MAX_NODES /* index of the global amount */
#define MAX_VCPUS   4096

struct place_args {
    uint64_t pages;
    unsigned int vcpus;
    bool allow_global;
    uint64_t used[CLAIMSET_MAX_NODES];
    uint64_t claimed[CLAIMSET_MAX_NODES + 1]; /* [GLOBAL_SLOT]: global */
    struct cli_common common;
};

/* One "NODE=SIZE" item (item is modified) added into amounts; 0, or -1
 * after a usage error. */
static int parse_node_item(const char *prog, const char *opt, char *item, bool allow_global,
                           uint64_t *amounts)
{
    char *eq = strchr(item, '='), *node = item, err[CLI_ERR_LEN];
    uint64_t n, pages;

    if (!eq)
        return cli_usage_error(prog, "--%s: %s is not NODE=SIZE", opt, CLI_Q(item)), -1;
    *eq = '\0';
    if (allow_global && !strcmp(node, "global")) {
        n = GLOBAL_SLOT;
    } else {
        if (!strncmp(node, "node", 4))
            node += 4;
        if (cs_parse_range(node, 0, CLAIMSET_MAX_NODES - 1, &n, NULL, 0))
            return cli_usage_error(prog, "--%s: %s is not a node%s", opt, CLI_Q(item),
                                   allow_global ? " or global" : ""),
                   -1;
    }
    if (topo_parse_size(eq + 1, &pages, err, sizeof(err)))
        return cli_usage_error(prog, "--%s: %s", opt, err), -1;
    if (amounts[n] + pages < pages)
        return cli_usage_error(prog, "--%s: %s is too large", opt, CLI_Q(eq + 1)), -1;
    amounts[n] += pages;
    return 0;
}

/* "0=4G,node1=2G,global=1G" added into amounts; 0, or -1 after a usage
 * error. */
static int parse_node_list(const char *prog, const char *opt, const char *list, bool allow_global,
                           uint64_t *amounts)
{
    char *copy = strdup(list), *save = NULL, *item;
    int rc = 0;

    if (!copy)
        return cli_fail(prog, "out of memory"), -1;
    if (!*copy || *copy == ',' || copy[strlen(copy) - 1] == ',' || strstr(copy, ",,")) {
        cli_usage_error(prog, "--%s: %s is not a list NODE=SIZE,...", opt, CLI_Q(list));
        rc = -1;
    }
    for (item = strtok_r(copy, ",", &save); item && !rc; item = strtok_r(NULL, ",", &save))
        rc = parse_node_item(prog, opt, item, allow_global, amounts);
    free(copy);
    return rc;
}

/* Options into a; 0, CLI_HELP, CLI_VERSION, or -1 after a usage error. */
static int parse_args(struct cli_parser *p, struct place_args *a)
{
    const char *prog = p->prog, *val;
    char err[CLI_ERR_LEN];
    bool have_size = false;
    uint64_t v;
    int id;

    memset(a, 0, sizeof(*a));
    a->vcpus = 1;
    a->allow_global = true;
    cli_common_init(&a->common);
    while ((id = cli_next(p, place_opts, &val)) != CLI_END) {
        switch (id) {
        case CLI_HELP:
        case CLI_VERSION:
            return id;
        case CLI_ERROR:
            return -1;
        case CLI_POSITIONAL:
            return cli_usage_error(prog, "unexpected argument %s", CLI_Q(val)), -1;
        case OPT_SIZE:
            if (topo_parse_size(val, &a->pages, err, sizeof(err)))
                return cli_usage_error(prog, "--size: %s", err), -1;
            if (!a->pages)
                return cli_usage_error(prog, "--size: %s is no memory at all", CLI_Q(val)), -1;
            have_size = true;
            break;
        case OPT_VCPUS:
            if (cs_parse_range(val, 1, MAX_VCPUS, &v, err, sizeof(err)))
                return cli_usage_error(prog, "--vcpus: %s", err), -1;
            a->vcpus = (unsigned int)v;
            break;
        case OPT_USED:
            if (parse_node_list(prog, "used", val, false, a->used))
                return -1;
            break;
        case OPT_CLAIMED:
            if (parse_node_list(prog, "claimed", val, true, a->claimed))
                return -1;
            break;
        case OPT_NO_GLOBAL:
            a->allow_global = false;
            break;
        default:
            if (cli_common_option(p, id, val, &a->common))
                return -1;
        }
    }
    if (!have_size)
        return cli_usage_error(prog, "missing --size SIZE (see --help)"), -1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Building the host state                                             */

/* A domain that may hold anything. */
static int new_domain(xc_interface *xch, uint32_t *domid)
{
    struct xen_domctl_createdomain cfg;

    memset(&cfg, 0, sizeof(cfg));
    cfg.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    cfg.max_vcpus = 1;
    *domid = 0;
    if (xc_domain_create(xch, domid, &cfg))
        return -1;
    return xc_domain_setmaxmem(xch, *domid, UINT64_MAX);
}

/* Populate pages exactly on node, largest extents first.  0 or -1. */
static int populate_on(xc_interface *xch, uint32_t domid, unsigned int node, uint64_t pages,
                       uint64_t *next_gfn)
{
    static const unsigned int orders[] = {18, 9, 0};
    xen_pfn_t gfns[512];

    for (size_t o = 0; o < sizeof(orders) / sizeof(orders[0]) && pages; o++) {
        unsigned int order = orders[o];

        while (pages >> order) {
            uint64_t n = pages >> order;
            int done;

            if (n > 512)
                n = 512;
            for (uint64_t i = 0; i < n; i++)
                gfns[i] = *next_gfn + (i << order);
            done = xc_domain_populate_physmap(xch, domid, n, order, XENMEMF_exact_node(node), gfns);
            if (done < 0)
                return -1;
            *next_gfn += (uint64_t)done << order;
            pages -= (uint64_t)done << order;
            if ((uint64_t)done < n)
                break; /* fragmented: smaller extents */
        }
    }
    return pages ? -1 : 0;
}

/* Make the host look as the options say; 0 or an exit status. */
static int build_state(const char *prog, xc_interface *xch, unsigned int nr_nodes,
                       const struct place_args *a)
{
    xc_numa_meminfo_t mem[CLAIMSET_MAX_NODES];
    memory_claim_t set[CLAIMSET_MAX_NODES + 1];
    unsigned int nr = CLAIMSET_MAX_NODES, nr_set = 0;
    uint32_t domid;
    uint64_t gfn = 0;
    char s1[32], s2[32];
    bool any_used = false;

    if (xc_numa_meminfo(xch, &nr, mem))
        return cli_fail(prog, "cannot read the host: %s", strerror(errno));
    for (unsigned int n = 0; n < CLAIMSET_MAX_NODES; n++) {
        if ((a->used[n] || a->claimed[n]) && n >= nr_nodes && nr_nodes == 1)
            return cli_usage_error(prog, "--%s: the host has no node %u (only node 0)",
                                   a->used[n] ? "used" : "claimed", n);
        if ((a->used[n] || a->claimed[n]) && n >= nr_nodes)
            return cli_usage_error(prog, "--%s: the host has no node %u (nodes 0-%u)",
                                   a->used[n] ? "used" : "claimed", n, nr_nodes - 1);
        if (n < nr_nodes && a->used[n] > mem[n].free >> XC_PAGE_SHIFT)
            return cli_usage_error(prog, "--used: node %u has only %s free, not %s", n,
                                   cs_human_size(mem[n].free >> XC_PAGE_SHIFT, s1, sizeof(s1)),
                                   cs_human_size(a->used[n], s2, sizeof(s2)));
        any_used |= a->used[n] != 0;
    }
    if (any_used) {
        if (new_domain(xch, &domid))
            return cli_fail(prog, "cannot create a domain: %s", strerror(errno));
        for (unsigned int n = 0; n < nr_nodes; n++)
            if (a->used[n] && populate_on(xch, domid, n, a->used[n], &gfn))
                return cli_fail(prog, "--used: cannot populate node %u: %s", n,
                                strerror(errno ? errno : ENOMEM));
    }
    for (unsigned int n = 0; n <= CLAIMSET_MAX_NODES; n++)
        if (a->claimed[n])
            set[nr_set++] = (memory_claim_t){
                .pages = a->claimed[n],
                .target = n == GLOBAL_SLOT ? XEN_DOMCTL_CLAIM_MEMORY_GLOBAL : n,
            };
    if (nr_set && (new_domain(xch, &domid) || xc_domain_claim_memory(xch, domid, nr_set, set)))
        return errno == ENOMEM
                   ? cli_usage_error(prog, "--claimed: more than the host has unclaimed "
                                           "(after --used)")
                   : cli_fail(prog, "cannot install the --claimed set: %s", strerror(errno));
    return 0;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

static void target_name(uint32_t target, char *buf, size_t len)
{
    if (target == XEN_DOMCTL_CLAIM_MEMORY_GLOBAL)
        snprintf(buf, len, "global");
    else
        snprintf(buf, len, "node%" PRIu32, target);
}

static void print_table(const struct place_args *a, const struct topo_resolved *ct,
                        const struct xa_host_state *st, const struct xa_plan *plan)
{
    char s1[32], s2[32];

    printf("vm        : %s, %u vCPU%s\n", cs_human_size(a->pages, s1, sizeof(s1)), a->vcpus,
           a->vcpus == 1 ? "" : "s");
    printf("host      : %s\n", ct->text);
    printf("unclaimed :");
    for (unsigned int n = 0; n < st->topology.nr_nodes; n++)
        printf(" node%u=%s", n, cs_human_size(st->unclaimed[n], s1, sizeof(s1)));
    printf("\n\n%5s %12s %6s %6s\n", "vnode", "size", "node", "vcpus");
    for (unsigned int v = 0; v < plan->nr_vnodes; v++) {
        const struct xg_vnode *vn = &plan->vnodes[v];

        if (vn->pnode == XG_ANY_NODE)
            snprintf(s2, sizeof(s2), "any");
        else
            snprintf(s2, sizeof(s2), "%" PRIu32, vn->pnode);
        printf("%5u %12s %6s %6u\n", v, cs_human_size(vn->pages, s1, sizeof(s1)), s2,
               plan->vnode_vcpus[v]);
    }
    printf("\nclaim set :");
    for (unsigned int c = 0; c < plan->nr_claims; c++) {
        target_name(plan->claims[c].target, s2, sizeof(s2));
        printf(" %s=%s", s2, topo_size_token(plan->claims[c].pages, s1, sizeof(s1)));
    }
    printf("\nreason    : %s\n", plan->reason);
}

static void print_json(const struct place_args *a, const struct topo_resolved *ct,
                       const struct xa_host_state *st, const struct xa_plan *plan, bool placed,
                       const char *why)
{
    char t[32];

    printf("{\n  \"placed\": %s,\n  \"pages\": %" PRIu64 ",\n  \"vcpus\": %u,\n",
           placed ? "true" : "false", a->pages, a->vcpus);
    printf("  \"allow_global\": %s,\n  \"topology\": ", a->allow_global ? "true" : "false");
    cli_json_string(stdout, ct->text);
    printf(",\n  \"unclaimed_pages\": [");
    for (unsigned int n = 0; n < st->topology.nr_nodes; n++)
        printf("%s%" PRIu64, n ? ", " : "", st->unclaimed[n]);
    printf("],\n  \"vnodes\": [");
    for (unsigned int v = 0; placed && v < plan->nr_vnodes; v++) {
        const struct xg_vnode *vn = &plan->vnodes[v];

        printf("%s\n    {\"vnode\": %u, \"pages\": %" PRIu64 ", \"node\": ", v ? "," : "", v,
               vn->pages);
        if (vn->pnode == XG_ANY_NODE)
            printf("null");
        else
            printf("%" PRIu32, vn->pnode);
        printf(", \"vcpus\": %u}", plan->vnode_vcpus[v]);
    }
    printf("%s],\n  \"claims\": [", placed && plan->nr_vnodes ? "\n  " : "");
    for (unsigned int c = 0; placed && c < plan->nr_claims; c++) {
        target_name(plan->claims[c].target, t, sizeof(t));
        printf("%s{\"target\": \"%s\", \"pages\": %" PRIu64 "}", c ? ", " : "", t,
               (uint64_t)plan->claims[c].pages);
    }
    printf("],\n  \"global_pages\": %" PRIu64 ",\n  \"reason\": ", placed ? plan->global_pages : 0);
    cli_json_string(stdout, why);
    printf("\n}\n");
}

/* ------------------------------------------------------------------ */

/* Plan, and prove the plan by installing its claim set.  0 placed,
 * 1 not placed (why filled), -1 error (errno). */
static int plan_and_check(xc_interface *xch, const struct place_args *a,
                          const struct claimset_topology *t, struct xa_host_state *st,
                          struct xa_plan *plan, char *why, size_t len)
{
    struct xa_request req = {.pages = a->pages, .vcpus = a->vcpus, .allow_global = a->allow_global};
    char refusal[XA_REASON_LEN];
    uint32_t domid;

    memset(plan, 0, sizeof(*plan));
    if (xa_read_host_state(xch, st))
        return -1;
    /* The topology knows each node's CPUs (from sysfs, too), which the
     * simulated host's physinfo cannot tell apart. */
    for (unsigned int n = 0; n < st->topology.nr_nodes && n < t->nr_nodes; n++)
        st->topology.node_cpus[n] = t->node_cpus[n];
    if (xa_plan(st, &req, plan)) {
        if (errno != ENOMEM)
            return -1;
        snprintf(why, len, "%s", plan->reason[0] ? plan->reason : "not enough unclaimed memory");
        return 1;
    }
    snprintf(why, len, "%s", plan->reason);
    if (new_domain(xch, &domid) || xc_domain_setmaxmem(xch, domid, a->pages << 2))
        return -1;
    if (!xc_domain_claim_memory(xch, domid, plan->nr_claims, plan->claims))
        return 0;
    if (errno != ENOMEM ||
        xa_explain_refusal(xch, domid, plan->claims, plan->nr_claims, refusal, sizeof(refusal)))
        return -1;
    /* The hypervisor's reason first; the plan's says what was asked. */
    snprintf(why, len, "its claim set is refused: %s (the plan: %s)", refusal, plan->reason);
    return 1;
}

static int place_run(const struct cli_command *cmd, int argc, char **argv)
{
    const char *prog = "claimset place";
    struct place_args *a = malloc(sizeof(*a));
    struct topo_resolved *ct = malloc(sizeof(*ct));
    struct xa_host_state *st = malloc(sizeof(*st));
    struct xa_plan *plan = malloc(sizeof(*plan));
    char err[CLI_ERR_LEN] = "", why[2 * XA_REASON_LEN + 64], s1[32];
    claimset_host *host = NULL;
    xc_interface *xch = NULL;
    struct cli_parser p;
    int rc;

    if (!a || !ct || !st || !plan) {
        rc = cli_fail(prog, "out of memory");
        goto out;
    }
    cli_parser_init(&p, prog, argc, argv);
    rc = parse_args(&p, a);
    if (rc == CLI_HELP || rc == CLI_VERSION) {
        rc = rc == CLI_HELP ? cli_help(cmd) : cli_version();
        goto out;
    }
    if (rc || cli_common_topology(&p, &a->common, ct)) {
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    host = claimset_host_create_topology(&ct->t, NULL, err, sizeof(err));
    xch = host ? claimset_xc_open(host, 0) : NULL;
    if (!xch) {
        rc = cli_fail(prog, "cannot create the host: %s", err[0] ? err : strerror(errno));
        goto out;
    }
    rc = build_state(prog, xch, ct->t.nr_nodes, a);
    if (rc)
        goto out;
    rc = plan_and_check(xch, a, &ct->t, st, plan, why, sizeof(why));
    if (rc < 0) {
        rc = cli_fail(prog, "cannot plan: %s", strerror(errno));
        goto out;
    }
    if (a->common.format == CLI_FMT_JSON)
        print_json(a, ct, st, plan, rc == 0, why);
    else if (rc == 0)
        print_table(a, ct, st, plan);
    if (rc)
        rc = cli_fail(prog, "cannot place %s: %s", cs_human_size(a->pages, s1, sizeof(s1)), why);
out:
    xc_interface_close(xch);
    claimset_host_destroy(host);
    free(a);
    free(ct);
    free(st);
    free(plan);
    return rc;
}

const struct cli_command cli_cmd_place = {
    .name = "place",
    .summary = "propose a VM's vNUMA layout and claim set (the placement advisor)",
    .usage = place_usage,
    .run = place_run,
};
