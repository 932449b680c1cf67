/*
 * claimset claim DOMID SPEC (live): install a claim on an existing
 * domain, or release its claims.
 *
 *   SPEC = node0=4G,node1=2G,global=1G   a claim set (XEN_DOMCTL_claim_memory;
 *                                       without it, the adapter's host-wide
 *                                       claim of the same total)
 *   SPEC = SIZE                         a legacy claim, XENMEM_claim_pages:
 *                                       SIZE is the domain's target (what it
 *                                       holds plus what it claims), as Xen
 *                                       takes it
 *   SPEC = 0                            release every claim of the domain
 *
 * A refusal names the errno and what it means under the rules of the
 * call that was made.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "live.h"

static const char claim_usage[] =
    "usage: claimset claim DOMID SPEC [--json]\n"
    "\n"
    "Install a claim for domain DOMID on the live host, or release it.\n"
    "  SPEC  node0=SIZE,node1=SIZE,global=SIZE  a claim set (per node, and\n"
    "                                           host-wide for global)\n"
    "        SIZE    a legacy claim (XENMEM_claim_pages): the domain's target,\n"
    "                pages it holds plus pages claimed\n"
    "        0       release every claim of the domain\n"
    "On a hypervisor without claim sets, a claim set becomes one host-wide\n"
    "claim of its total (said on one line); a node entry larger than that\n"
    "node's free memory is refused before anything is claimed.\n"
    "\n"
    "Options:\n"
    "  --json              machine-readable output\n"
    "  -h, --help          this help\n";

static const struct cli_opt claim_opts[] = {
    CLI_OPTS_JSON,
    {NULL, CLI_NO_ARG, 0},
};

enum claim_kind { KIND_RELEASE, KIND_LEGACY, KIND_SET };

/* What an errno means for the call that returned it. */
static const char *meaning(enum claim_kind kind, int err)
{
    switch (err) {
    case EINVAL:
        if (kind == KIND_LEGACY)
            return "the domain already holds a claim, or the target is not above the pages it "
                   "holds, or it is above its max_mem (or the domain does not exist)";
        return "a malformed set (a node named twice, bad padding), or the domain's pages plus the "
               "claim exceed its max_mem";
    case ENOMEM:
        return kind == KIND_LEGACY ? "the host has not that much free memory left unclaimed"
                                   : "a node (or the host) has not that much free memory left "
                                     "unclaimed";
    case ENOENT:
        return "a node that this host does not have";
    case E2BIG:
        return "more entries than the host has nodes, plus one";
    case ESRCH:
        return "no such domain, or it is dying";
    case EPERM:
    case EACCES:
        return "not allowed: the caller is not the control domain";
    case ENOSYS:
        return "the hypervisor does not implement this call";
    default:
        return strerror(err);
    }
}

static int claim_run(const struct cli_command *cmd, int argc, char **argv)
{
    struct cli_parser p;
    struct live_host h;
    memory_claim_t set[CS_XEN_MAX_NODES + 1];
    uint32_t nr = 0;
    uint64_t domid = 0, pages = 0;
    const char *pos[2] = {NULL, NULL}, *val, *call;
    unsigned int npos = 0;
    char err[CLI_ERR_LEN];
    enum claim_kind kind;
    bool json = false;
    xc_domaininfo_t info;
    int id, shared, rc, e;

    cli_parser_init(&p, "claimset claim", argc, argv);
    while ((id = cli_next(&p, claim_opts, &val)) != CLI_END) {
        if ((shared = cli_shared_result(cmd, id)) >= 0)
            return shared;
        if (id == CLI_POSITIONAL) {
            if (npos == 2)
                return cli_usage_error(p.prog, "unexpected argument %s", CLI_Q(val));
            pos[npos++] = val;
            continue;
        }
        json = true;
    }
    if (npos < 2)
        return cli_usage_error(p.prog, "expected DOMID SPEC (see --help)");
    if (cs_parse_range(pos[0], 0, DOMID_FIRST_RESERVED - 1, &domid, err, sizeof(err)))
        return cli_usage_error(p.prog, "DOMID %s: %s", CLI_Q(pos[0]), err);

    if (live_open(p.prog, &h))
        return CLI_EXIT_FAIL;
    if (strchr(pos[1], '=')) {
        unsigned int n = 0;

        kind = KIND_SET;
        /* The nodes that exist (xc_get_max_nodes() counts every node id
         * the hypervisor could have: 64 on Xen 4.17). */
        if (xc_numainfo(h.xch, &n, NULL, NULL))
            n = 0;
        if (live_parse_claim_list(pos[1], true, n, set, &nr, err, sizeof(err))) {
            live_close(&h);
            return cli_usage_error(p.prog, "SPEC: %s", err);
        }
        call = "XEN_DOMCTL_claim_memory";
        if (!h.be.claim_sets && !json)
            live_note_fallback(&h, stdout);
        rc = xc_domain_claim_memory(h.xch, (uint32_t)domid, nr, set);
    } else {
        if (topo_parse_size(pos[1], &pages, err, sizeof(err))) {
            live_close(&h);
            return cli_usage_error(p.prog, "SPEC %s: %s", CLI_Q(pos[1]), err);
        }
        kind = pages ? KIND_LEGACY : KIND_RELEASE;
        call = "XENMEM_claim_pages";
        /* Release: every claim goes, whichever call installed it. */
        if (!pages && h.be.claim_sets) {
            set[0] = (memory_claim_t){.pages = 0, .target = XEN_DOMCTL_CLAIM_MEMORY_GLOBAL};
            call = "XEN_DOMCTL_claim_memory";
            rc = xc_domain_claim_memory(h.xch, (uint32_t)domid, 1, set);
        } else {
            rc = xc_domain_claim_pages(h.xch, (uint32_t)domid, (unsigned long)pages);
        }
    }
    e = errno;
    if (rc) {
        cli_fail(p.prog, "domain %" PRIu64 ": %s refused: %s (%s)", domid, call, live_errno_name(e),
                 meaning(kind, e));
        live_close(&h);
        return CLI_EXIT_FAIL;
    }
    if (xc_domain_getinfo_single(h.xch, (uint32_t)domid, &info)) {
        e = errno;
        cli_fail(p.prog, "domain %" PRIu64 ": reading it back failed: %s", domid,
                 live_errno_name(e));
        live_close(&h);
        return CLI_EXIT_FAIL;
    }
    if (json) {
        printf("{\n");
        live_json_host(&h);
        printf("  \"domid\": %" PRIu64 ",\n  \"call\": \"%s\",\n  \"released\": %s,\n", domid, call,
               kind == KIND_RELEASE ? "true" : "false");
        printf("  \"tot_pages\": %" PRIu64 ",\n  \"max_pages\": %" PRIu64
               ",\n  \"outstanding_pages\": %" PRIu64 "\n}\n",
               (uint64_t)info.tot_pages, (uint64_t)info.max_pages,
               (uint64_t)info.outstanding_pages);
    } else {
        printf("domain %" PRIu64 ": %s; holds %" PRIu64 " pages, max %" PRIu64
               ", outstanding claim %" PRIu64 " pages\n",
               domid, kind == KIND_RELEASE ? "claims released" : "claim installed",
               (uint64_t)info.tot_pages, (uint64_t)info.max_pages,
               (uint64_t)info.outstanding_pages);
    }
    live_close(&h);
    return CLI_EXIT_OK;
}

const struct cli_command cli_live_claim = {
    .name = "claim",
    .summary = "install or release a claim for a domain of the live host",
    .usage = claim_usage,
    .run = claim_run,
};
