/*
 * claimset build --size S [--vnodes ...] (live): a real memory-build
 * benchmark for a Xen host.  Create an empty PV domain, build its memory
 * with the project's builder (claim, then populate 1 GiB -> 2 MiB -> 4 KiB
 * with exact-node requests), and report where every extent landed and
 * how long it took; destroy the domain unless --keep.
 *
 * Where the memory landed is told three ways, independent of each other:
 *   frames      the machine frame of every extent, which populate writes
 *               back for a PV guest, looked up in the host's memory map
 *               (the SRAT ranges in Xen's boot log);
 *   xen         the hypervisor's own per-node count of the domain's pages
 *               (the dump of debug key 'u', read from the console ring);
 *   asked       what the builder requested (its exact-node extents).
 * Time per node is the builder's: the populate calls that asked for that
 * node, as dom0 timed them.  The hypervisor's time of the whole build is
 * the difference of its clock stamps in two 'u' dumps, one before and one
 * after (it reports no time per node).  --no-debug-key leaves the console
 * alone (the dump walks every page of every domain): no xen columns then.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <claimset/advisor.h>
#include <claimset/xenguest.h>

#include "live.h"

static const char build_usage[] =
    "usage: claimset build --size SIZE [--vnodes LIST] [--vcpus N]\n"
    "                      [--claim set|legacy|none] [--max-order 18|9|0]\n"
    "                      [--keep] [--json]\n"
    "\n"
    "Create an empty PV domain on the live host and build SIZE of memory for\n"
    "it with the project's domain builder: install the claim, populate in\n"
    "1 GiB extents (2 MiB and 4 KiB only where memory is fragmented), each\n"
    "virtual node exactly on its physical node, release what is left of the\n"
    "claim.  Then report, per node, the pages the machine frames show, the\n"
    "pages the hypervisor counts (debug key 'u') and the builder's time, and\n"
    "destroy the domain (unless --keep).\n"
    "\n"
    "Options:\n"
    "  --size SIZE         the memory to build, e.g. 1G, 512M\n"
    "  --vnodes LIST       virtual nodes: node0=SIZE,node1=SIZE (on those\n"
    "                      physical nodes; the sizes add up to --size), or\n"
    "                      'any' (one vnode, no node); default: where the\n"
    "                      placement advisor puts it\n"
    "  --vcpus N           vCPUs, for the advisor's plan (default 1)\n"
    "  --claim MODE        set (default; a host-wide claim of the same total\n"
    "                      where the hypervisor lacks claim sets), legacy\n"
    "                      (XENMEM_claim_pages) or none\n"
    "  --max-order N       largest extent: 18 (1 GiB, default), 9 or 0\n"
    "  --keep              keep the domain (its domid is printed)\n"
    "  --no-debug-key      do not ask Xen for its own count (debug key 'u',\n"
    "                      a dump of every domain into the console ring)\n"
    "  --json              machine-readable output (pages are 4 KiB)\n"
    "  -h, --help          this help\n"
    "Exit status 1 when the build failed (the phase is said: a claim refused\n"
    "fails early, before any memory was populated).\n";

enum { OPT_SIZE = 1, OPT_VNODES, OPT_VCPUS, OPT_CLAIM, OPT_MAX_ORDER, OPT_KEEP, OPT_NO_KEY };

static const struct cli_opt build_opts[] = {
    {"size", CLI_HAS_ARG, OPT_SIZE},
    {"vnodes", CLI_HAS_ARG, OPT_VNODES},
    {"vcpus", CLI_HAS_ARG, OPT_VCPUS},
    {"claim", CLI_HAS_ARG, OPT_CLAIM},
    {"max-order", CLI_HAS_ARG, OPT_MAX_ORDER},
    {"keep", CLI_NO_ARG, OPT_KEEP},
    {"no-debug-key", CLI_NO_ARG, OPT_NO_KEY},
    CLI_OPTS_JSON,
    {NULL, CLI_NO_ARG, 0},
};

struct build_args {
    uint64_t pages;
    const char *vnodes;
    unsigned int vcpus;
    enum xg_claim_mode mode;
    unsigned int max_order;
    bool keep, json, no_key;
};

struct build_result {
    uint32_t domid;
    struct xg_build_spec spec;
    struct xg_build_report rep;
    struct cs_xen_observer obs;
    struct cs_xen_memmap map;
    bool have_map, have_xen, have_xen_time;
    double xen_seconds;
    uint64_t xen_pages[CS_XEN_MAX_NODES];
    unsigned int nr_nodes;
    uint64_t claim_left;
    const char *placed_by;
    char reason[XA_REASON_LEN];
};

static const char *phase_name(enum xg_build_phase ph)
{
    switch (ph) {
    case XG_PHASE_SETUP:
        return "setup";
    case XG_PHASE_CLAIM:
        return "claim";
    case XG_PHASE_POPULATE:
        return "populate";
    case XG_PHASE_RELEASE:
        return "release";
    default:
        return "none";
    }
}

static const char *mode_name(enum xg_claim_mode m)
{
    return m == XG_CLAIM_SET ? "set" : m == XG_CLAIM_LEGACY ? "legacy" : "none";
}

/* --vnodes: "any", or node entries adding up to the size. */
static int parse_vnodes(const char *prog, const struct build_args *a, unsigned int nr_nodes,
                        struct xg_build_spec *spec)
{
    memory_claim_t list[CS_XEN_MAX_NODES + 1];
    char err[CLI_ERR_LEN];
    uint64_t sum = 0;
    uint32_t nr;

    if (!strcmp(a->vnodes, "any")) {
        spec->nr_vnodes = 1;
        spec->vnodes[0] = (struct xg_vnode){.pages = a->pages, .pnode = XG_ANY_NODE};
        return 0;
    }
    if (live_parse_claim_list(a->vnodes, false, nr_nodes, list, &nr, err, sizeof(err)))
        return cli_usage_error(prog, "--vnodes: %s", err) ? -1 : -1;
    for (uint32_t i = 0; i < nr; i++) {
        if (!list[i].pages)
            return cli_usage_error(prog, "--vnodes: node%u has no memory", list[i].target) ? -1
                                                                                           : -1;
        spec->vnodes[i] = (struct xg_vnode){.pages = list[i].pages, .pnode = list[i].target};
        sum += list[i].pages;
    }
    if (sum != a->pages)
        return cli_usage_error(
                   prog, "--vnodes: the sizes add up to %" PRIu64 " pages, --size is %" PRIu64, sum,
                   a->pages)
                   ? -1
                   : -1;
    spec->nr_vnodes = nr;
    return 0;
}

/* No --vnodes: the advisor's plan on the live state. */
static int plan_vnodes(const char *prog, struct live_host *h, const struct build_args *a,
                       struct build_result *r)
{
    struct xa_request req = {.pages = a->pages, .vcpus = a->vcpus, .allow_global = 1};
    struct xa_host_state state;
    struct xa_plan plan;

    memset(&plan, 0, sizeof(plan));
    if (xa_read_host_state(h->xch, &state) || xa_plan(&state, &req, &plan)) {
        int e = errno;

        cli_fail(prog, "the advisor cannot place %" PRIu64 " pages: %s%s%s", a->pages,
                 live_errno_name(e), plan.reason[0] ? ": " : "", plan.reason);
        return -1;
    }
    r->spec.nr_vnodes = plan.nr_vnodes;
    memcpy(r->spec.vnodes, plan.vnodes, plan.nr_vnodes * sizeof(plan.vnodes[0]));
    snprintf(r->reason, sizeof(r->reason), "%s", plan.reason);
    return 0;
}

/* An empty PV domain: all TCG can run, and all the builder needs. */
static int create_domain(xc_interface *xch, uint32_t *domid)
{
    struct xen_domctl_createdomain cfg;

    memset(&cfg, 0, sizeof(cfg));
    cfg.max_vcpus = 1;
    cfg.max_evtchn_port = 1023;
    cfg.max_grant_frames = -1;
    cfg.max_maptrack_frames = -1;
    cfg.grant_opts = XEN_DOMCTL_GRANT_version(1);
    *domid = 0;
    return xc_domain_create(xch, domid, &cfg);
}

static void print_text(const struct live_host *h, const struct build_args *a,
                       const struct build_result *r)
{
    const struct xg_build_report *rep = &r->rep;
    char host[160], s[32];

    printf("host: %s\n", live_host_text(h, host, sizeof(host)));
    if (a->mode != XG_CLAIM_NONE)
        live_note_fallback(h, stdout);
    printf("domain %u: %s in %u vnode%s, claim %s, placed by %s\n", r->domid,
           cs_human_size(a->pages, s, sizeof(s)), r->spec.nr_vnodes, CLI_S(r->spec.nr_vnodes),
           mode_name(a->mode), r->placed_by);
    if (r->reason[0])
        printf("advisor: %s\n", r->reason);
    if (rep->rc)
        printf("result: FAILED in the %s phase: %s (%s); %" PRIu64 " pages were populated\n",
               phase_name(rep->failed_phase), live_errno_name(rep->err), strerror(rep->err),
               rep->pages_populated);
    else
        printf("result: built %" PRIu64 " pages in %.3f s\n", rep->pages_populated, rep->seconds);
    if (r->have_xen_time)
        printf("hypervisor clock: %.3f s from before the claim to after the release\n",
               r->xen_seconds);
    printf("extents: %" PRIu64 " x 1G, %" PRIu64 " x 2M, %" PRIu64 " x 4K\n", rep->extents_1g,
           rep->extents_2m, rep->extents_4k);
    printf("%4s %12s %12s %12s %10s\n", "node", "frames", "xen", "asked", "seconds");
    for (unsigned int n = 0; n < r->nr_nodes; n++) {
        char f[24], x[24];

        snprintf(f, sizeof(f), "%" PRIu64, r->obs.node_pages[n]);
        snprintf(x, sizeof(x), "%" PRIu64, r->xen_pages[n]);
        printf("%4u %12s %12s %12" PRIu64 " %10.3f\n", n, r->have_map ? f : "n/a",
               r->have_xen ? x : "n/a", rep->node_pages[n], r->obs.node_seconds[n]);
    }
    if (r->obs.any_seconds > 0)
        printf(" any %12s %12s %12s %10.3f\n", "", "", "", r->obs.any_seconds);
    printf("off-node pages (exact requests that landed elsewhere): %" PRIu64 "\n",
           r->obs.off_target_pages);
    if (r->have_map && r->obs.unmapped_pages)
        printf("pages outside the known memory map: %" PRIu64 "\n", r->obs.unmapped_pages);
    printf("claim left after the build: %" PRIu64 " pages\n", r->claim_left);
    if (a->keep)
        printf("kept: domain %u\n", r->domid);
}

static void print_json(const struct live_host *h, const struct build_args *a,
                       const struct build_result *r)
{
    const struct xg_build_report *rep = &r->rep;

    printf("{\n");
    live_json_host(h);
    printf("  \"domid\": %u,\n  \"kept\": %s,\n  \"pages\": %" PRIu64
           ",\n  \"claim_mode\": \"%s\",\n",
           r->domid, a->keep ? "true" : "false", a->pages, mode_name(a->mode));
    printf("  \"placed_by\": \"%s\",\n  \"ok\": %s,\n  \"failed_phase\": \"%s\",\n", r->placed_by,
           rep->rc ? "false" : "true", rep->rc ? phase_name(rep->failed_phase) : "none");
    printf("  \"errno\": \"%s\",\n", rep->rc ? live_errno_name(rep->err) : "");
    printf("  \"pages_populated\": %" PRIu64 ",\n  \"seconds\": %.6f,\n", rep->pages_populated,
           rep->seconds);
    if (r->have_xen_time)
        printf("  \"xen_seconds\": %.6f,\n", r->xen_seconds);
    else
        printf("  \"xen_seconds\": null,\n");
    printf("  \"extents\": {\"1G\": %" PRIu64 ", \"2M\": %" PRIu64 ", \"4K\": %" PRIu64 "},\n",
           rep->extents_1g, rep->extents_2m, rep->extents_4k);
    printf("  \"vnodes\": [");
    for (unsigned int i = 0; i < r->spec.nr_vnodes; i++)
        printf("%s{\"pages\": %" PRIu64 ", \"pnode\": %d}", i ? ", " : "", r->spec.vnodes[i].pages,
               r->spec.vnodes[i].pnode == XG_ANY_NODE ? -1 : (int)r->spec.vnodes[i].pnode);
    printf("],\n  \"nodes\": [");
    for (unsigned int n = 0; n < r->nr_nodes; n++) {
        printf("%s\n    {\"node\": %u, ", n ? "," : "", n);
        if (r->have_map)
            printf("\"frame_pages\": %" PRIu64 ", ", r->obs.node_pages[n]);
        else
            printf("\"frame_pages\": null, ");
        if (r->have_xen)
            printf("\"xen_pages\": %" PRIu64 ", ", r->xen_pages[n]);
        else
            printf("\"xen_pages\": null, ");
        printf("\"asked_pages\": %" PRIu64 ", \"seconds\": %.6f}", rep->node_pages[n],
               r->obs.node_seconds[n]);
    }
    printf("\n  ],\n  \"any_node_seconds\": %.6f,\n", r->obs.any_seconds);
    printf("  \"off_node_pages\": %" PRIu64 ",\n  \"unmapped_pages\": %" PRIu64 ",\n",
           r->obs.off_target_pages, r->obs.unmapped_pages);
    printf("  \"claim_left_pages\": %" PRIu64 "\n}\n", r->claim_left);
}

static int parse_args(struct cli_parser *p, const struct cli_command *cmd, struct build_args *a)
{
    char err[CLI_ERR_LEN];
    const char *val;
    bool sized = false;
    uint64_t v;
    int id, shared;

    while ((id = cli_next(p, build_opts, &val)) != CLI_END) {
        if ((shared = cli_shared_result(cmd, id)) >= 0)
            return shared == CLI_EXIT_OK ? 1 : -1; /* help or version shown, or a usage error */
        switch (id) {
        case CLI_POSITIONAL:
            cli_usage_error(p->prog, "unexpected argument %s", CLI_Q(val));
            return -1;
        case OPT_SIZE:
            if (topo_parse_size(val, &a->pages, err, sizeof(err)) || !a->pages) {
                cli_usage_error(p->prog, "--size %s: %s", CLI_Q(val),
                                a->pages ? err : "must not be 0");
                return -1;
            }
            sized = true;
            break;
        case OPT_VNODES:
            a->vnodes = val;
            break;
        case OPT_VCPUS:
            if (cs_parse_range(val, 1, 4096, &v, err, sizeof(err))) {
                cli_usage_error(p->prog, "--vcpus %s: %s", CLI_Q(val), err);
                return -1;
            }
            a->vcpus = (unsigned int)v;
            break;
        case OPT_CLAIM:
            if (!strcmp(val, "set"))
                a->mode = XG_CLAIM_SET;
            else if (!strcmp(val, "legacy"))
                a->mode = XG_CLAIM_LEGACY;
            else if (!strcmp(val, "none"))
                a->mode = XG_CLAIM_NONE;
            else {
                cli_usage_error(p->prog, "--claim %s: use set, legacy or none", CLI_Q(val));
                return -1;
            }
            break;
        case OPT_MAX_ORDER:
            if (cs_parse_u64(val, &v, err, sizeof(err)) || (v != 18 && v != 9 && v != 0)) {
                cli_usage_error(p->prog, "--max-order %s: use 18, 9 or 0", CLI_Q(val));
                return -1;
            }
            a->max_order = (unsigned int)v;
            break;
        case OPT_KEEP:
            a->keep = true;
            break;
        case OPT_NO_KEY:
            a->no_key = true;
            break;
        default:
            a->json = true;
        }
    }
    if (!sized) {
        cli_usage_error(p->prog, "--size is required");
        return -1;
    }
    return 0;
}

static int build_run(const struct cli_command *cmd, int argc, char **argv)
{
    struct build_args a = {.vcpus = 1, .mode = XG_CLAIM_SET, .max_order = 18};
    struct build_result *r;
    struct cli_parser p;
    struct live_host h;
    xc_domaininfo_t info;
    unsigned int n = 0;
    uint64_t t0 = 0, t1 = 0;
    int rc, e;

    cli_parser_init(&p, "claimset build", argc, argv);
    rc = parse_args(&p, cmd, &a);
    if (rc)
        return rc > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    if (live_open(p.prog, &h))
        return CLI_EXIT_FAIL;
    r = calloc(1, sizeof(*r));
    if (!r) {
        live_close(&h);
        return cli_fail(p.prog, "out of memory");
    }
    /* The nodes that exist, not every possible node id. */
    if (xc_numainfo(h.xch, &n, NULL, NULL))
        n = 0;
    r->nr_nodes = n < CS_XEN_MAX_NODES ? n : CS_XEN_MAX_NODES;
    r->spec.pages = a.pages;
    r->spec.claim_mode = a.mode;
    r->spec.max_order = a.max_order;
    r->spec.set_affinity = 1;
    r->placed_by = a.vnodes ? "--vnodes" : "the advisor";
    if (a.vnodes ? parse_vnodes(p.prog, &a, r->nr_nodes, &r->spec)
                 : plan_vnodes(p.prog, &h, &a, r)) {
        free(r);
        live_close(&h);
        return a.vnodes ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    if (create_domain(h.xch, &r->domid)) {
        e = errno;
        free(r);
        live_close(&h);
        return cli_fail(p.prog, "creating a PV domain failed: %s (%s)", live_errno_name(e),
                        strerror(e));
    }

    r->have_map = cs_xen_read_memmap(h.xch, &r->map) == 0;
    r->obs.map = r->have_map ? &r->map : NULL;
    r->have_xen_time = !a.no_key && cs_xen_debugkey_now(h.xch, &t0) == 0;
    cs_xen_observe(&r->obs);
    xg_build_meminit(h.xch, r->domid, &r->spec, &r->rep);
    cs_xen_observe(NULL);

    if (!a.no_key) {
        r->have_xen = cs_xen_debugkey_node_pages(h.xch, r->domid, r->nr_nodes, r->xen_pages) == 0;
        r->have_xen_time = r->have_xen_time && cs_xen_debugkey_now(h.xch, &t1) == 0 && t1 >= t0;
        r->xen_seconds = r->have_xen_time ? (double)(t1 - t0) * 1e-9 : 0;
    }
    if (xc_domain_getinfo_single(h.xch, r->domid, &info) == 0)
        r->claim_left = info.outstanding_pages;

    if (a.json)
        print_json(&h, &a, r);
    else
        print_text(&h, &a, r);
    if (!a.keep && xc_domain_destroy(h.xch, r->domid)) {
        e = errno;
        cli_fail(p.prog, "destroying domain %u failed: %s", r->domid, live_errno_name(e));
    }
    rc = r->rep.rc ? CLI_EXIT_FAIL : CLI_EXIT_OK;
    free(r);
    live_close(&h);
    return rc;
}

const struct cli_command cli_live_build = {
    .name = "build",
    .summary = "build a PV domain's memory on the live host and report where it landed",
    .usage = build_usage,
    .run = build_run,
};
