/*
 * xg_build_meminit(): a domain's memory build, step by step.
 *
 *   1. check the spec and the domain (nothing changes on bad input), set
 *      max_mem to the total unless the caller keeps its own;
 *   2. install the claim of the mode (a refusal is the cheap, early
 *      failure: nothing has been populated);
 *   3. set the node affinity if asked;
 *   4. populate the vnodes (meminit_populate.c);
 *   5. release whatever claim is left -- on success and on every failure
 *      after the claim went in, so no build ever leaves memory reserved;
 *   6. fill in the report: placement read back from the hypervisor,
 *      extents, hypercalls and time.
 *
 * The first failure decides rc, err and failed_phase; later steps of the
 * cleanup cannot overwrite it.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <claimset/claimset.h>

#include "xg_private.h"

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Record the first failure; later ones (cleanup) are ignored. */
static void fail(struct xg_build *b, enum xg_build_phase phase, int err)
{
    if (b->rep->rc)
        return;
    b->rep->rc = -1;
    b->rep->err = err ? err : EIO;
    b->rep->failed_phase = phase;
}

/*
 * Step 1a: the spec alone.  Normalises it into b: one vnode on any node
 * when none are given, default order and batch.  Node ids are checked
 * later, against the host.
 */
static int check_spec(struct xg_build *b, const struct xg_build_spec *spec)
{
    uint64_t sum = 0;

    if (spec->claim_mode > XG_CLAIM_SET_FALLBACK || spec->nr_vnodes > XG_MAX_VNODES)
        return -1;
    if (spec->max_order != 0 && spec->max_order != XG_ORDER_2M && spec->max_order != XG_ORDER_1G)
        return -1;
    if (spec->batch > INT_MAX)
        return -1;

    if (spec->nr_vnodes == 0) {
        b->nr_vnodes = 1;
        b->vnodes[0] = (struct xg_vnode){.pages = spec->pages, .pnode = XG_ANY_NODE};
    } else {
        b->nr_vnodes = spec->nr_vnodes;
        memcpy(b->vnodes, spec->vnodes, spec->nr_vnodes * sizeof(spec->vnodes[0]));
    }
    /* Every vnode has memory; the sum does not wrap and, if pages is
     * given as well, agrees with it. */
    for (unsigned int i = 0; i < b->nr_vnodes; i++)
        if (!b->vnodes[i].pages || __builtin_add_overflow(sum, b->vnodes[i].pages, &sum))
            return -1;
    if (spec->pages && spec->pages != sum)
        return -1;
    /* max_mem is set in KiB; the guest frames must not wrap. */
    if (sum > (UINT64_MAX >> 2) || spec->base_gfn > UINT64_MAX - sum)
        return -1;

    b->mode = spec->claim_mode;
    b->total = sum;
    b->base_gfn = spec->base_gfn;
    b->max_order = spec->max_order ? spec->max_order : XG_ORDER_1G;
    b->batch = spec->batch ? spec->batch : XG_DEFAULT_BATCH;
    return 0;
}

/*
 * Step 1b: the host and the domain.  Every physical node must exist; the
 * domain must exist and hold no memory yet (the claim targets and max_mem
 * are the build's total, which only means something for an empty domain).
 */
static int check_host(struct xg_build *b)
{
    xc_domaininfo_t info;
    int e, n;

    if ((e = xg_inject(b, XG_OP_INFO))) {
        errno = e;
        return -1;
    }
    n = xc_get_max_nodes(b->xch);
    if (n <= 0) {
        errno = n ? errno : EIO;
        return -1;
    }
    b->nr_nodes = (unsigned int)n < XG_MAX_NODES ? (unsigned int)n : XG_MAX_NODES;
    for (unsigned int i = 0; i < b->nr_vnodes; i++)
        if (b->vnodes[i].pnode != XG_ANY_NODE && b->vnodes[i].pnode >= b->nr_nodes) {
            errno = EINVAL;
            return -1;
        }

    if ((e = xg_inject(b, XG_OP_INFO))) {
        errno = e;
        return -1;
    }
    if (xc_domain_getinfo_single(b->xch, b->domid, &info))
        return -1;
    if (info.tot_pages) {
        errno = EEXIST;
        return -1;
    }
    return 0;
}

/* The extent list: no run is longer than the batch, and no run is longer
 * than the build needs (a 1 GiB region falls back to 512 extents of 2 MiB,
 * a 2 MiB one to 512 of 4 KiB; with max_order 9 a whole vnode is one run
 * of 2 MiB extents). */
static int alloc_extent_list(struct xg_build *b)
{
    uint64_t need = (b->total >> XG_ORDER_2M) + 2;

    if (need < 512)
        need = 512;
    b->gfns_cap = b->batch < need ? b->batch : (unsigned long)need;
    b->gfns = calloc(b->gfns_cap, sizeof(*b->gfns));
    return b->gfns ? 0 : -1;
}

static int set_affinity(struct xg_build *b)
{
    xc_nodemap_t map;
    bool pinned = false;
    int e, size, rc;

    if ((e = xg_inject(b, XG_OP_AFFINITY))) {
        errno = e;
        return -1;
    }
    map = xc_nodemap_alloc(b->xch);
    size = xc_get_nodemap_size(b->xch);
    if (!map || size <= 0) {
        free(map);
        return -1;
    }
    for (unsigned int i = 0; i < b->nr_vnodes; i++) {
        uint32_t n = b->vnodes[i].pnode;

        if (n != XG_ANY_NODE && n / 8 < (unsigned int)size) {
            map[n / 8] |= (uint8_t)(1U << (n % 8));
            pinned = true;
        }
    }
    /* No vnode names a node: any node will do. */
    if (!pinned)
        memset(map, 0xff, (size_t)size);
    rc = xc_domain_node_setaffinity(b->xch, b->domid, map);
    e = errno;
    free(map);
    errno = e;
    return rc;
}

/* Step 6: where the memory went, preferably as the hypervisor sees it. */
static void report_placement(struct xg_build *b)
{
    uint64_t pages[XG_MAX_NODES];

    if (xg_read_node_pages(b, pages) == 0) {
        memcpy(b->rep->node_pages, pages, sizeof(pages));
        b->rep->node_pages_approx = 0;
        return;
    }
    memcpy(b->rep->node_pages, b->exact_node_pages, sizeof(b->exact_node_pages));
    b->rep->node_pages_approx = b->placement_unknown;
}

int xg_build_meminit_hooked(xc_interface *xch, uint32_t domid, const struct xg_build_spec *spec,
                            struct xg_build_report *report, const struct xg_hooks *hooks)
{
    struct xg_build_report scratch;
    struct claimset_xc_stats st0 = {0}, st1 = {0};
    struct xg_build b;
    double t0 = now_seconds();
    bool counted, claimed = false;

    if (!report)
        report = &scratch;
    memset(report, 0, sizeof(*report));
    memset(&b, 0, sizeof(b));
    b.xch = xch;
    b.domid = domid;
    b.hooks = hooks;
    b.rep = report;
    counted = xch && claimset_xc_get_stats(xch, &st0) == 0;

    /* 1. Check everything before changing anything. */
    if (!xch || !spec || check_spec(&b, spec)) {
        fail(&b, XG_PHASE_SETUP, EINVAL);
        goto out;
    }
    if (check_host(&b)) {
        fail(&b, XG_PHASE_SETUP, errno);
        goto out;
    }
    if (alloc_extent_list(&b)) {
        fail(&b, XG_PHASE_SETUP, ENOMEM);
        goto out;
    }
    if (!spec->keep_max_mem) {
        int e = xg_inject(&b, XG_OP_MAXMEM);

        if (e || xc_domain_setmaxmem(xch, domid, b.total * (XC_PAGE_SIZE / 1024))) {
            fail(&b, XG_PHASE_SETUP, e ? e : errno);
            goto out;
        }
    }

    /* 2. The claim: refused means nothing was populated. */
    if (xg_install_claim(&b)) {
        fail(&b, XG_PHASE_CLAIM, errno);
        goto out;
    }
    claimed = b.mode != XG_CLAIM_NONE;
    report->claimed = claimed;

    /* 3 and 4. */
    if (spec->set_affinity && set_affinity(&b)) {
        fail(&b, XG_PHASE_SETUP, errno);
        goto release;
    }
    if (xg_populate_all(&b))
        fail(&b, XG_PHASE_POPULATE, errno);

release:
    /* 5. Nothing stays claimed, whatever happened above. */
    if (claimed && xg_release_claim(&b))
        fail(&b, XG_PHASE_RELEASE, errno);

    /* 6. */
    report_placement(&b);
out:
    report->seconds = now_seconds() - t0;
    if (counted && claimset_xc_get_stats(xch, &st1) == 0)
        report->hypercalls = st1.hypercalls - st0.hypercalls;
    free(b.gfns);
    if (report->rc) {
        errno = report->err;
        return -1;
    }
    return 0;
}

int xg_build_meminit(xc_interface *xch, uint32_t domid, const struct xg_build_spec *spec,
                     struct xg_build_report *report)
{
    return xg_build_meminit_hooked(xch, domid, spec, report, NULL);
}
