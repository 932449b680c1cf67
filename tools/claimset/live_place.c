/*
 * claimset place --size S [--vcpus N] (live): the placement advisor on
 * the live host's state -- where would a VM of that size go now, and
 * which claim set would hold it there?  Nothing is claimed.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <claimset/advisor.h>

#include "live.h"

#define MAX_VCPUS 4096

static const char place_usage[] =
    "usage: claimset place --size SIZE [--vcpus N] [--no-global] [--json]\n"
    "\n"
    "Ask the placement advisor where a VM of SIZE memory and N vCPUs would go\n"
    "on the live host as it is now (free memory per node, minus node claims\n"
    "where the hypervisor has them), and print the vNUMA layout and the claim\n"
    "set it would install.  Nothing is claimed.  Exit status 1 when the VM\n"
    "cannot be placed.\n"
    "\n"
    "Options:\n"
    "  --size SIZE         the VM's memory, e.g. 1G, 1536M, 262144pages\n"
    "  --vcpus N           its vCPUs (default 1)\n"
    "  --no-global         no host-wide entry: fail rather than claim globally\n"
    "  --json              machine-readable output (pages are 4 KiB)\n"
    "  -h, --help          this help\n";

enum { OPT_SIZE = 1, OPT_VCPUS, OPT_NO_GLOBAL };

static const struct cli_opt place_opts[] = {
    {"size", CLI_HAS_ARG, OPT_SIZE},
    {"vcpus", CLI_HAS_ARG, OPT_VCPUS},
    {"no-global", CLI_NO_ARG, OPT_NO_GLOBAL},
    CLI_OPTS_JSON,
    {NULL, CLI_NO_ARG, 0},
};

static void target_text(uint32_t t, char *buf, size_t len)
{
    if (t == XEN_DOMCTL_CLAIM_MEMORY_GLOBAL)
        snprintf(buf, len, "global");
    else
        snprintf(buf, len, "node%" PRIu32, t);
}

static void print_plan(const struct live_host *h, const struct xa_request *req,
                       const struct xa_plan *plan, bool json)
{
    char a[32], t[32], host[160];

    if (json) {
        printf("{\n");
        live_json_host(h);
        printf("  \"request\": {\"pages\": %" PRIu64 ", \"vcpus\": %u},\n", req->pages, req->vcpus);
        printf("  \"vnodes\": [");
        for (unsigned int i = 0; i < plan->nr_vnodes; i++)
            printf("%s\n    {\"pages\": %" PRIu64 ", \"pnode\": %d, \"vcpus\": %u}", i ? "," : "",
                   plan->vnodes[i].pages,
                   plan->vnodes[i].pnode == XG_ANY_NODE ? -1 : (int)plan->vnodes[i].pnode,
                   plan->vnode_vcpus[i]);
        printf("\n  ],\n  \"claims\": [");
        for (unsigned int i = 0; i < plan->nr_claims; i++) {
            target_text(plan->claims[i].target, t, sizeof(t));
            printf("%s\n    {\"target\": \"%s\", \"pages\": %" PRIu64 "}", i ? "," : "", t,
                   (uint64_t)plan->claims[i].pages);
        }
        printf("\n  ],\n  \"reason\": ");
        cli_json_string(stdout, plan->reason);
        printf("\n}\n");
        return;
    }
    printf("host: %s\n", live_host_text(h, host, sizeof(host)));
    live_note_fallback(h, stdout);
    printf("%6s %12s %6s %6s\n", "vnode", "size", "pnode", "vcpus");
    for (unsigned int i = 0; i < plan->nr_vnodes; i++) {
        if (plan->vnodes[i].pnode == XG_ANY_NODE)
            snprintf(t, sizeof(t), "any");
        else
            snprintf(t, sizeof(t), "%" PRIu32, plan->vnodes[i].pnode);
        printf("%6u %12s %6s %6u\n", i, cs_human_size(plan->vnodes[i].pages, a, sizeof(a)), t,
               plan->vnode_vcpus[i]);
    }
    printf("claim set:");
    for (unsigned int i = 0; i < plan->nr_claims; i++) {
        target_text(plan->claims[i].target, t, sizeof(t));
        printf("%s %s=%s", i ? "," : "", t, topo_size_token(plan->claims[i].pages, a, sizeof(a)));
    }
    printf("\nreason: %s\n", plan->reason);
}

static int place_run(const struct cli_command *cmd, int argc, char **argv)
{
    struct xa_request req = {.vcpus = 1, .allow_global = 1};
    struct xa_host_state state;
    struct xa_plan plan;
    struct cli_parser p;
    struct live_host h;
    char err[CLI_ERR_LEN];
    bool json = false, sized = false;
    const char *val;
    uint64_t v;
    int id, shared, e;

    cli_parser_init(&p, "claimset place", argc, argv);
    while ((id = cli_next(&p, place_opts, &val)) != CLI_END) {
        if ((shared = cli_shared_result(cmd, id)) >= 0)
            return shared;
        switch (id) {
        case CLI_POSITIONAL:
            return cli_usage_error(p.prog, "unexpected argument %s", CLI_Q(val));
        case OPT_SIZE:
            if (topo_parse_size(val, &req.pages, err, sizeof(err)) || !req.pages)
                return cli_usage_error(p.prog, "--size %s: %s", CLI_Q(val),
                                       req.pages ? err : "must not be 0");
            sized = true;
            break;
        case OPT_VCPUS:
            if (cs_parse_range(val, 1, MAX_VCPUS, &v, err, sizeof(err)))
                return cli_usage_error(p.prog, "--vcpus %s: %s", CLI_Q(val), err);
            req.vcpus = (unsigned int)v;
            break;
        case OPT_NO_GLOBAL:
            req.allow_global = 0;
            break;
        default:
            json = true;
        }
    }
    if (!sized)
        return cli_usage_error(p.prog, "--size is required");
    memset(&plan, 0, sizeof(plan));
    if (live_open(p.prog, &h))
        return CLI_EXIT_FAIL;
    if (xa_read_host_state(h.xch, &state)) {
        e = errno;
        live_close(&h);
        return cli_fail(p.prog, "reading the host failed: %s (%s)", live_errno_name(e),
                        strerror(e));
    }
    if (xa_plan(&state, &req, &plan)) {
        e = errno;
        live_close(&h);
        return cli_fail(p.prog, "cannot place it: %s%s%s", live_errno_name(e),
                        plan.reason[0] ? ": " : "", plan.reason);
    }
    print_plan(&h, &req, &plan, json);
    live_close(&h);
    return CLI_EXIT_OK;
}

const struct cli_command cli_live_place = {
    .name = "place",
    .summary = "where a VM would go on the live host, and the claim set for it",
    .usage = place_usage,
    .run = place_run,
};
