/*
 * The checks make check-xen runs in dom0 of Xen 4.17 booted in QEMU:
 * the live claimset commands against what libxenctrl reports directly,
 * and Xen's legacy claim rules as the commands surface them.
 *
 *   xen_check CLAIMSET_BINARY
 *
 * Every figure a command prints is compared with one read here, in the
 * same boot, by calls of our own (physinfo, numainfo, getdomaininfo, the
 * hypervisor's debug key 'u' dump); placement is checked against Xen's
 * accounting, never the builder's.  One line per check (xt.h).
 */
#define CS_XEN_REAL_CALLS /* this program calls libxenctrl itself */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cs_xen.h"
#include "xt.h"

#define MIB_PAGES 256ULL
#define OUT_MAX   (256U << 10)
#define NODES     2U

static const char *claimset;
static xc_interface *xch;
static struct xt t;

/* ------------------------------------------------------------------ */
/* Running the command                                                 */

struct run {
    int status; /* exit status, or -1 */
    char out[OUT_MAX];
    char err[4096];
};

static void run_cmd(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void run_cmd(struct run *r, const char *fmt, ...)
{
    char cmd[1024], full[1200];
    va_list ap;
    FILE *f;
    size_t n;
    int st;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    snprintf(full, sizeof(full), "%s %s 2>/tmp/xen_check.err", claimset, cmd);
    memset(r, 0, sizeof(*r));
    r->status = -1;
    f = popen(full, "r");
    if (!f)
        return;
    n = fread(r->out, 1, sizeof(r->out) - 1, f);
    r->out[n] = '\0';
    st = pclose(f);
    if (WIFEXITED(st))
        r->status = WEXITSTATUS(st);
    f = fopen("/tmp/xen_check.err", "r");
    if (f) {
        n = fread(r->err, 1, sizeof(r->err) - 1, f);
        r->err[n] = '\0';
        fclose(f);
    }
    printf("# claimset %s -> %d\n", cmd, r->status);
}

/* The n-th (from 0) number after "key": in text, or UINT64_MAX. */
static uint64_t jnum(const char *text, const char *key, unsigned int nth)
{
    char pat[96];
    const char *p = text;

    snprintf(pat, sizeof(pat), "\"%s\": ", key);
    for (unsigned int i = 0; p; i++) {
        p = strstr(p, pat);
        if (!p)
            break;
        p += strlen(pat);
        if (i == nth)
            return (*p >= '0' && *p <= '9') ? strtoull(p, NULL, 10) : UINT64_MAX;
    }
    return UINT64_MAX;
}

/* ------------------------------------------------------------------ */
/* Reading the host ourselves                                          */

static uint64_t outstanding_of(uint32_t domid)
{
    xc_domaininfo_t d;

    if (xc_domain_getinfolist(xch, domid, 1, &d) != 1 || d.domain != domid)
        return UINT64_MAX;
    return d.outstanding_pages;
}

static uint64_t host_outstanding(void)
{
    xc_physinfo_t p;

    return xc_physinfo(xch, &p) ? UINT64_MAX : p.outstanding_pages;
}

static int make_domain(uint64_t max_pages, uint32_t *domid)
{
    struct xen_domctl_createdomain cfg;

    memset(&cfg, 0, sizeof(cfg));
    cfg.max_vcpus = 1;
    cfg.max_evtchn_port = 1023;
    cfg.max_grant_frames = -1;
    cfg.max_maptrack_frames = -1;
    cfg.grant_opts = XEN_DOMCTL_GRANT_version(1);
    *domid = 0;
    if (xc_domain_create(xch, domid, &cfg))
        return -1;
    return xc_domain_setmaxmem(xch, *domid, max_pages * 4);
}

/* Populate n extents of 2^order pages from guest frame gfn. */
static int populate(uint32_t domid, uint64_t gfn, unsigned long n, unsigned int order,
                    unsigned int flags)
{
    xen_pfn_t *list = calloc(n, sizeof(*list));
    int rc;

    if (!list)
        return -1;
    for (unsigned long i = 0; i < n; i++)
        list[i] = gfn + (i << order);
    rc = xc_domain_populate_physmap_exact(xch, domid, n, order, flags, list);
    free(list);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The checks                                                          */

static void check_probe(void)
{
    struct cs_xen_backend be;
    int rc = cs_xen_probe(&be);

    printf("# hypervisor %d.%d%s, domctl interface 0x%x, claim_memory probe: %s\n", be.xen_major,
           be.xen_minor, be.xen_extra, be.domctl_version, strerror(be.probe_errno));
    xt_check(&t, rc == 0, "probe.runs", "cs_xen_probe failed: %s", strerror(errno));
    /* Xen 4.17 does not know the domctl; the probe must say so. */
    xt_check(&t,
             rc == 0 && be.xen_major == 4 && be.xen_minor == 17 && !be.claim_sets &&
                 be.probe_errno == ENOSYS,
             "probe.4_17_has_no_claim_sets", "claim_sets=%d errno=%d version %d.%d", be.claim_sets,
             be.probe_errno, be.xen_major, be.xen_minor);
    xt_check(&t, rc == 0 && be.domctl_version == XEN_DOMCTL_INTERFACE_VERSION,
             "probe.domctl_version", "found 0x%x, headers say 0x%x", be.domctl_version,
             XEN_DOMCTL_INTERFACE_VERSION);
}

static void check_info(void)
{
    xc_physinfo_t p;
    xc_meminfo_t mi[8];
    uint32_t dist[64];
    unsigned int nn = 8;
    xc_domaininfo_t dom[16];
    int nd;
    struct run *r = malloc(sizeof(*r));
    bool ok;

    if (!r)
        return;
    run_cmd(r, "info --json");
    /* Read right after: nothing else runs in this dom0 between the two. */
    ok = xc_physinfo(xch, &p) == 0 && xc_numainfo(xch, &nn, mi, dist) == 0;
    nd = xc_domain_getinfolist(xch, 0, 16, dom);
    xt_check(&t, r->status == 0 && ok && nd > 0, "info.runs", "status %d: %s", r->status, r->err);
    if (r->status || !ok || nd <= 0) {
        free(r);
        return;
    }
    xt_check(&t, strstr(r->out, "\"host_kind\": \"live\"") != NULL, "info.says_live",
             "no host_kind live");
    xt_check(&t, jnum(r->out, "total_pages", 0) == p.total_pages, "info.total_pages",
             "%" PRIu64 " vs physinfo %" PRIu64, jnum(r->out, "total_pages", 0),
             (uint64_t)p.total_pages);
    xt_check(&t, jnum(r->out, "free_pages", 0) == p.free_pages, "info.free_pages",
             "%" PRIu64 " vs physinfo %" PRIu64, jnum(r->out, "free_pages", 0),
             (uint64_t)p.free_pages);
    xt_check(&t, jnum(r->out, "outstanding_pages", 0) == p.outstanding_pages,
             "info.outstanding_pages", "%" PRIu64 " vs %" PRIu64,
             jnum(r->out, "outstanding_pages", 0), (uint64_t)p.outstanding_pages);
    xt_check(&t, jnum(r->out, "scrub_pages", 0) == p.scrub_pages, "info.scrub_pages",
             "%" PRIu64 " vs %" PRIu64, jnum(r->out, "scrub_pages", 0), (uint64_t)p.scrub_pages);
    xt_check(&t, jnum(r->out, "nr_nodes", 0) == nn && nn == NODES, "info.nr_nodes",
             "%" PRIu64 " vs numainfo %u", jnum(r->out, "nr_nodes", 0), nn);
    for (unsigned int i = 0; i < nn && i < NODES; i++) {
        char name[64];

        snprintf(name, sizeof(name), "info.node%u_size_free", i);
        xt_check(&t,
                 jnum(r->out, "size_pages", i) == mi[i].memsize >> 12 &&
                     jnum(r->out, "free_pages", i + 1) == mi[i].memfree >> 12,
                 name, "size %" PRIu64 " free %" PRIu64 " vs numainfo %" PRIu64 " %" PRIu64,
                 jnum(r->out, "size_pages", i), jnum(r->out, "free_pages", i + 1),
                 (uint64_t)(mi[i].memsize >> 12), (uint64_t)(mi[i].memfree >> 12));
    }
    {
        char want[128];

        snprintf(want, sizeof(want), "\"distances\": [%u, %u]", dist[0], dist[1]);
        ok = strstr(r->out, want) != NULL;
        snprintf(want, sizeof(want), "\"distances\": [%u, %u]", dist[2], dist[3]);
        ok = ok && strstr(r->out, want) != NULL && dist[0] == 10 && dist[1] == 20;
        xt_check(&t, ok, "info.slit", "numainfo %u %u %u %u not in the output", dist[0], dist[1],
                 dist[2], dist[3]);
    }
    for (int i = 0; i < nd; i++) {
        char name[64];

        snprintf(name, sizeof(name), "info.domain%u", dom[i].domain);
        xt_check(&t,
                 jnum(r->out, "domid", (unsigned)i) == dom[i].domain &&
                     jnum(r->out, "tot_pages", (unsigned)i) == dom[i].tot_pages &&
                     jnum(r->out, "max_pages", (unsigned)i) == dom[i].max_pages &&
                     jnum(r->out, "outstanding_pages", (unsigned)i + 1) == dom[i].outstanding_pages,
                 name, "tot %" PRIu64 " max %" PRIu64 " vs getdomaininfo %" PRIu64 " %" PRIu64,
                 jnum(r->out, "tot_pages", (unsigned)i), jnum(r->out, "max_pages", (unsigned)i),
                 (uint64_t)dom[i].tot_pages, (uint64_t)dom[i].max_pages);
    }
    free(r);
}

/*
 * The command line of the live binary: -V answers on every command (a
 * command once took it for --json), and the simulator's commands are
 * named as missing from this build rather than unknown.
 */
static void check_cli(void)
{
    static const char *const live[] = {"info", "place", "claim", "build", "version"};
    static const char *const sim_only[] = {"run x.scn", "storm", "help evacuate"};
    struct run *r = malloc(sizeof(*r));

    if (!r)
        return;
    for (size_t i = 0; i < sizeof(live) / sizeof(live[0]); i++) {
        run_cmd(r, "%s -V", live[i]);
        xt_check(&t, r->status == 0 && !strncmp(r->out, "claimset ", 9) && !strchr(r->out, '{'),
                 "cli.version_on_every_command", "%s -V: status %d, stdout %s", live[i], r->status,
                 r->out);
    }
    for (size_t i = 0; i < sizeof(sim_only) / sizeof(sim_only[0]); i++) {
        run_cmd(r, "%s", sim_only[i]);
        xt_check(&t, r->status == 2 && strstr(r->err, "is not in the Xen build"),
                 "cli.simulator_only", "%s: status %d, stderr %s", sim_only[i], r->status, r->err);
    }
    free(r);
}

static void check_claims(void)
{
    struct run *r = malloc(sizeof(*r));
    uint32_t d;
    uint64_t before, o;

    if (!r)
        return;
    before = host_outstanding();
    if (!xt_check(&t, make_domain(64 * 1024, &d) == 0, "claim.domain", "create: %s",
                  strerror(errno))) {
        free(r);
        return;
    }
    /* A legacy claim of 128 MiB (a target: the domain holds nothing). */
    run_cmd(r, "claim %u 128M", d);
    o = outstanding_of(d);
    xt_check(&t, r->status == 0 && o == 128 * MIB_PAGES, "claim.legacy_outstanding",
             "status %d, outstanding %" PRIu64 ": %s", r->status, o, r->err);
    xt_check(&t, host_outstanding() == before + 128 * MIB_PAGES, "claim.host_outstanding",
             "host outstanding %" PRIu64, host_outstanding());
    run_cmd(r, "claim %u 64M", d);
    xt_check(&t, r->status == 1 && strstr(r->err, "EINVAL"), "claim.second_claim_einval",
             "status %d: %s", r->status, r->err);
    /* Population retires the claim: 1024 single pages, then 4 x 2 MiB
     * exactly on node 0. */
    xt_check(&t, populate(d, 0, 1024, 0, 0) == 0 && outstanding_of(d) == 128 * MIB_PAGES - 1024,
             "claim.retired_by_4k", "outstanding %" PRIu64, outstanding_of(d));
    xt_check(&t,
             populate(d, 2048, 4, 9, XENMEMF_exact_node(0)) == 0 &&
                 outstanding_of(d) == 128 * MIB_PAGES - 1024 - 2048,
             "claim.retired_by_2m_exact", "outstanding %" PRIu64, outstanding_of(d));
    run_cmd(r, "claim %u 0", d);
    xt_check(&t, r->status == 0 && outstanding_of(d) == 0 && host_outstanding() == before,
             "claim.release", "status %d outstanding %" PRIu64, r->status, outstanding_of(d));
    /* Xen's rules: above max_mem, at most what it holds, above free. */
    run_cmd(r, "claim %u 300M", d);
    xt_check(&t, r->status == 1 && strstr(r->err, "EINVAL") && outstanding_of(d) == 0,
             "claim.over_max_einval", "status %d: %s", r->status, r->err);
    run_cmd(r, "claim %u 8M", d);
    xt_check(&t, r->status == 1 && strstr(r->err, "EINVAL") && outstanding_of(d) == 0,
             "claim.not_above_held_einval", "status %d: %s", r->status, r->err);
    xc_domain_setmaxmem(xch, d, 16ULL << 20); /* 16 GiB, in KiB */
    run_cmd(r, "claim %u 12G", d);
    xt_check(&t, r->status == 1 && strstr(r->err, "ENOMEM") && outstanding_of(d) == 0,
             "claim.over_free_enomem", "status %d: %s", r->status, r->err);
    /* A claim set on 4.17: a host-wide claim of the same total, said so. */
    run_cmd(r, "claim %u node0=64M,node1=64M", d);
    o = outstanding_of(d);
    xt_check(&t, r->status == 0 && o == 128 * MIB_PAGES && strstr(r->out, "no claim sets"),
             "claim.set_falls_back_to_total", "status %d outstanding %" PRIu64 ": %s", r->status, o,
             r->err);
    /* A node entry beyond the node's free memory: refused, nothing lost. */
    run_cmd(r, "claim %u node1=3G", d);
    xt_check(&t, r->status == 1 && strstr(r->err, "ENOMEM") && outstanding_of(d) == o,
             "claim.set_node_short_enomem", "status %d outstanding %" PRIu64 ": %s", r->status,
             outstanding_of(d), r->err);
    run_cmd(r, "claim %u node7=1G", d);
    xt_check(&t, r->status == 2, "claim.unknown_node_usage", "status %d: %s", r->status, r->err);
    xc_domain_destroy(xch, d);
    xt_check(&t, host_outstanding() == before, "claim.destroy_releases",
             "host outstanding %" PRIu64 " (was %" PRIu64 ")", host_outstanding(), before);
    free(r);
}

/* Build a 2-vnode domain and check placement with Xen's own count. */
static void check_build(void)
{
    struct run *r = malloc(sizeof(*r));
    uint64_t xen[NODES];
    uint32_t d;

    if (!r)
        return;
    run_cmd(r, "build --size 1G --vnodes node0=512M,node1=512M --keep --json");
    xt_check(&t, r->status == 0 && strstr(r->out, "\"ok\": true"), "build.two_vnodes",
             "status %d: %s", r->status, r->err);
    d = (uint32_t)jnum(r->out, "domid", 0);
    if (r->status == 0 && d > 0 && d < DOMID_FIRST_RESERVED) {
        int rc = cs_xen_debugkey_node_pages(xch, d, NODES, xen);

        xt_check(&t, rc == 0 && xen[0] == 512 * MIB_PAGES && xen[1] == 512 * MIB_PAGES,
                 "build.xen_counts_each_node",
                 "debug key u: node0 %" PRIu64 " node1 %" PRIu64 " (rc %d)", xen[0], xen[1], rc);
        xt_check(&t,
                 jnum(r->out, "frame_pages", 0) == 512 * MIB_PAGES &&
                     jnum(r->out, "frame_pages", 1) == 512 * MIB_PAGES &&
                     jnum(r->out, "off_node_pages", 0) == 0,
                 "build.frames_on_their_node", "frames node0 %" PRIu64 " node1 %" PRIu64,
                 jnum(r->out, "frame_pages", 0), jnum(r->out, "frame_pages", 1));
        xt_check(&t, outstanding_of(d) == 0 && jnum(r->out, "claim_left_pages", 0) == 0,
                 "build.no_claim_left", "outstanding %" PRIu64, outstanding_of(d));
        xt_check(&t, jnum(r->out, "pages_populated", 0) == 262144, "build.all_pages",
                 "populated %" PRIu64, jnum(r->out, "pages_populated", 0));
        xc_domain_destroy(xch, d);
    }
    xt_check(&t,
             strstr(r->out, "\"xen_seconds\": null") == NULL &&
                 jnum(r->out, "xen_seconds", 0) != UINT64_MAX,
             "build.hypervisor_clock", "no xen_seconds in the report");
    /* One 1 GiB vnode, without the command's own debug-key count: 1 GiB
     * extents where node 0 has a free aligned gigabyte, else 2 MiB. */
    run_cmd(r, "build --size 1G --vnodes node0=1G --no-debug-key --keep --json");
    d = (uint32_t)jnum(r->out, "domid", 0);
    xt_check(&t, r->status == 0 && strstr(r->out, "\"xen_pages\": null"), "build.no_debug_key",
             "status %d: %.200s", r->status, r->out);
    if (r->status == 0 && d > 0 && d < DOMID_FIRST_RESERVED) {
        int rc = cs_xen_debugkey_node_pages(xch, d, NODES, xen);

        printf("# 1 GiB vnode: %" PRIu64 " x 1G, %" PRIu64 " x 2M extents\n", jnum(r->out, "1G", 0),
               jnum(r->out, "2M", 0));
        xt_check(&t,
                 rc == 0 && xen[0] == 1024 * MIB_PAGES && xen[1] == 0 &&
                     jnum(r->out, "1G", 0) * 262144 + jnum(r->out, "2M", 0) * 512 ==
                         1024 * MIB_PAGES,
                 "build.one_gib_vnode_on_node0", "debug key u: %" PRIu64 "/%" PRIu64 " (rc %d)",
                 xen[0], xen[1], rc);
        xc_domain_destroy(xch, d);
    }
    /* Larger than node 1 can give: refused when claiming, nothing built. */
    run_cmd(r, "build --size 3G --vnodes node1=3G --json");
    xt_check(&t,
             r->status == 1 && strstr(r->out, "\"failed_phase\": \"claim\"") &&
                 jnum(r->out, "pages_populated", 0) == 0,
             "build.too_big_fails_at_claim", "status %d: %.300s", r->status, r->out);
    /* The same with a legacy claim: Xen 4.17 grants the host-wide claim,
     * so the build runs out half way -- what claim sets are for. */
    run_cmd(r, "build --size 3G --vnodes node1=3G --claim legacy --json");
    xt_check(&t,
             r->status == 1 && strstr(r->out, "\"failed_phase\": \"populate\"") &&
                 jnum(r->out, "pages_populated", 0) > 0,
             "build.legacy_too_big_fails_late", "status %d: %.300s", r->status, r->out);
    xt_check(&t, host_outstanding() == 0, "build.nothing_outstanding", "%" PRIu64,
             host_outstanding());
    free(r);
}

/* Two builds at once, each in its own process. */
static void two_builds(const char *a, const char *b, struct run *ra, struct run *rb)
{
    char ca[512], cb[512];
    FILE *fa, *fb;
    size_t n;

    snprintf(ca, sizeof(ca), "%s build %s --json 2>&1", claimset, a);
    snprintf(cb, sizeof(cb), "%s build %s --json 2>&1", claimset, b);
    memset(ra, 0, sizeof(*ra));
    memset(rb, 0, sizeof(*rb));
    ra->status = rb->status = -1;
    fa = popen(ca, "r");
    fb = popen(cb, "r");
    if (fa) {
        n = fread(ra->out, 1, sizeof(ra->out) - 1, fa);
        ra->out[n] = '\0';
        int st = pclose(fa);
        ra->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    }
    if (fb) {
        n = fread(rb->out, 1, sizeof(rb->out) - 1, fb);
        rb->out[n] = '\0';
        int st = pclose(fb);
        rb->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    }
    printf("# parallel: build %s -> %d; build %s -> %d\n", a, ra->status, b, rb->status);
}

static void check_parallel(void)
{
    struct run *ra = malloc(sizeof(*ra)), *rb = malloc(sizeof(*rb));

    if (!ra || !rb) {
        free(ra);
        free(rb);
        return;
    }
    two_builds("--size 768M --vnodes node0=768M", "--size 768M --vnodes node1=768M", ra, rb);
    xt_check(&t, ra->status == 0 && rb->status == 0, "parallel.claims_both_succeed", "status %d %d",
             ra->status, rb->status);
    xt_check(&t,
             jnum(ra->out, "xen_pages", 0) == 768 * MIB_PAGES &&
                 jnum(ra->out, "xen_pages", 1) == 0 && jnum(rb->out, "xen_pages", 0) == 0 &&
                 jnum(rb->out, "xen_pages", 1) == 768 * MIB_PAGES,
             "parallel.claims_node_local", "A: %" PRIu64 "/%" PRIu64 " B: %" PRIu64 "/%" PRIu64,
             jnum(ra->out, "xen_pages", 0), jnum(ra->out, "xen_pages", 1),
             jnum(rb->out, "xen_pages", 0), jnum(rb->out, "xen_pages", 1));
    xt_check(&t,
             jnum(ra->out, "claim_left_pages", 0) == 0 && jnum(rb->out, "claim_left_pages", 0) == 0,
             "parallel.no_claim_left", "left %" PRIu64 " %" PRIu64,
             jnum(ra->out, "claim_left_pages", 0), jnum(rb->out, "claim_left_pages", 0));

    /* The same two without claims: on Xen 4.17 exact-node population is
     * what keeps each on its node, so they stay local while the nodes
     * have room; claims add the early refusal, not the placement. */
    two_builds("--size 768M --vnodes node0=768M --claim none",
               "--size 768M --vnodes node1=768M --claim none", ra, rb);
    xt_check(&t,
             ra->status == 0 && rb->status == 0 &&
                 jnum(ra->out, "xen_pages", 0) == 768 * MIB_PAGES &&
                 jnum(rb->out, "xen_pages", 1) == 768 * MIB_PAGES,
             "parallel.same_without_claims", "status %d %d, A node0 %" PRIu64 " B node1 %" PRIu64,
             ra->status, rb->status, jnum(ra->out, "xen_pages", 0), jnum(rb->out, "xen_pages", 1));

    /* Without claims and without nodes: the allocator spreads them. */
    two_builds("--size 768M --vnodes any --claim none", "--size 768M --vnodes any --claim none", ra,
               rb);
    xt_check(&t, ra->status == 0 && rb->status == 0, "parallel.no_claims_both_built",
             "status %d %d", ra->status, rb->status);
    printf("# without claims or nodes: A on node0/node1 %" PRIu64 "/%" PRIu64 " pages, B %" PRIu64
           "/%" PRIu64 "\n",
           jnum(ra->out, "xen_pages", 0), jnum(ra->out, "xen_pages", 1),
           jnum(rb->out, "xen_pages", 0), jnum(rb->out, "xen_pages", 1));
    xt_check(&t,
             jnum(ra->out, "xen_pages", 0) + jnum(ra->out, "xen_pages", 1) == 768 * MIB_PAGES &&
                 jnum(rb->out, "xen_pages", 0) + jnum(rb->out, "xen_pages", 1) == 768 * MIB_PAGES,
             "parallel.no_claims_accounted", "pages do not add up");
    free(ra);
    free(rb);
}

/* Elapsed time of each group, for the log only (no verdict uses it). */
static void elapsed(const char *group)
{
    static struct timespec t0;
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    if (t0.tv_sec || t0.tv_nsec)
        printf("# %s took %.1f s\n", group,
               (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) * 1e-9);
    t0 = now;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: xen_check CLAIMSET_BINARY\n");
        return 2;
    }
    claimset = argv[1];
    xch = xc_interface_open(NULL, NULL, 0);
    if (!xch) {
        printf("FAIL open: %s\n", strerror(errno));
        return 1;
    }
    elapsed("start");
    check_probe();
    check_info();
    check_cli();
    elapsed("probe and info");
    check_claims();
    elapsed("claims");
    check_build();
    elapsed("builds");
    check_parallel();
    elapsed("parallel builds");
    xc_interface_close(xch);
    printf("# xen_check: %u passed, %u failed\n", t.passed, t.failed);
    return t.failed ? 1 : 0;
}
