/*
 * The differential test: one program, built against the project's
 * in-process host and against real Xen 4.17 (make check-xen builds it
 * both ways), runs the same legacy-claim scenario and prints a trace.
 * The two traces must agree line by line except where docs/decisions.md
 * documents a difference (xen/tests/diff_allowed.txt names the lines and
 * the decision).
 *
 * Only what both hosts share is used, and only figures both can give the
 * same: amounts are the scenario's own, or taken relative to the host's
 * free memory as read at that moment, never absolute host sizes or frame
 * numbers.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>

#define MAX_PAGES 65536UL /* 256 MiB */

static xc_interface *xch;

static const char *err_name(int rc, int e)
{
    if (rc == 0)
        return "ok";
    switch (e) {
    case EINVAL:
        return "EINVAL";
    case ENOMEM:
        return "ENOMEM";
    case ESRCH:
        return "ESRCH";
    case EBUSY:
        return "EBUSY";
    case EPERM:
        return "EPERM";
    default:
        return "other";
    }
}

static uint64_t outstanding(uint32_t d)
{
    xc_domaininfo_t info;

    return xc_domain_getinfo_single(xch, d, &info) ? UINT64_MAX : info.outstanding_pages;
}

static uint64_t tot(uint32_t d)
{
    xc_domaininfo_t info;

    return xc_domain_getinfo_single(xch, d, &info) ? UINT64_MAX : info.tot_pages;
}

/* Free memory not yet claimed by anyone, in pages. */
static uint64_t unclaimed(void)
{
    xc_physinfo_t p;

    if (xc_physinfo(xch, &p))
        return 0;
    return p.free_pages > p.outstanding_pages ? p.free_pages - p.outstanding_pages : 0;
}

static uint64_t host_outstanding(void)
{
    xc_physinfo_t p;

    return xc_physinfo(xch, &p) ? UINT64_MAX : p.outstanding_pages;
}

static void step(const char *name, int rc, uint32_t d)
{
    int e = errno;

    printf("%s: %s outstanding=%" PRIu64 " tot=%" PRIu64 "\n", name, err_name(rc, e),
           outstanding(d), tot(d));
}

static int create(uint32_t *d, unsigned long max_pages)
{
    struct xen_domctl_createdomain cfg;

    memset(&cfg, 0, sizeof(cfg));
    cfg.max_vcpus = 1;
#ifdef XEN_DOMCTL_GRANT_version
    /* Real Xen wants the event channel and grant limits of a PV guest. */
    cfg.max_evtchn_port = 1023;
    cfg.max_grant_frames = -1;
    cfg.max_maptrack_frames = -1;
    cfg.grant_opts = XEN_DOMCTL_GRANT_version(1);
#endif
    *d = 0;
    if (xc_domain_create(xch, d, &cfg))
        return -1;
    return xc_domain_setmaxmem(xch, *d, max_pages * 4);
}

/* n extents of 2^order pages from guest frame gfn into list (which a PV
 * guest's populate overwrites with machine frames: decrease takes those). */
static int populate(uint32_t d, xen_pfn_t *list, uint64_t gfn, unsigned long n, unsigned int order,
                    unsigned int flags)
{
    for (unsigned long i = 0; i < n; i++)
        list[i] = gfn + (i << order);
    return xc_domain_populate_physmap_exact(xch, d, n, order, flags, list);
}

int main(void)
{
    static xen_pfn_t small[1024], big[8];
    uint64_t base, free0;
    uint32_t a, b;
    int rc;

    xch = xc_interface_open(NULL, NULL, 0);
    if (!xch) {
        printf("open: %s\n", strerror(errno));
        return 1;
    }
    base = host_outstanding();
    rc = create(&a, MAX_PAGES);
    step("create", rc, a);
    if (rc)
        return 1;

    rc = xc_domain_claim_pages(xch, a, 32768);
    step("claim_32768", rc, a);
    printf("host_outstanding_delta: %" PRIu64 "\n", host_outstanding() - base);
    rc = xc_domain_claim_pages(xch, a, 16384);
    step("second_claim", rc, a);
    rc = populate(a, small, 0, 1024, 0, 0);
    step("populate_1024x4k", rc, a);
    rc = populate(a, big, 2048, 4, 9, XENMEMF_exact_node(0));
    step("populate_4x2m_node0", rc, a);
    rc = populate(a, big + 4, 4096, 4, 9, XENMEMF_exact_node(1));
    step("populate_4x2m_node1", rc, a);
    rc = xc_domain_decrease_reservation_exact(xch, a, 512, 0, small);
    step("free_512_while_claimed", rc, a);
    rc = xc_domain_claim_pages(xch, a, 0);
    step("release", rc, a);
    printf("host_outstanding_delta: %" PRIu64 "\n", host_outstanding() - base);

    rc = xc_domain_claim_pages(xch, a, (unsigned long)tot(a));
    step("claim_equal_to_held", rc, a);
    rc = xc_domain_claim_pages(xch, a, MAX_PAGES + 1);
    step("claim_above_max", rc, a);
    rc = xc_domain_claim_pages(xch, a, MAX_PAGES);
    step("claim_exactly_max", rc, a);
    rc = xc_domain_claim_pages(xch, a, 0);
    step("release_again", rc, a);

    /* Above free: max_mem raised out of the way first. */
    xc_domain_setmaxmem(xch, a, 64ULL << 30 >> 10);
    rc = xc_domain_claim_pages(xch, a, (unsigned long)(tot(a) + unclaimed() + 1));
    step("claim_above_free", rc, a);

    /* A domain without a claim gets only what nobody claimed: a claims
     * all but 2048 of the unclaimed pages, b asks for 4096. */
    rc = create(&b, 8192);
    step("create_b", rc, b);
    free0 = unclaimed();
    rc = xc_domain_claim_pages(xch, a, (unsigned long)(tot(a) + free0 - 2048));
    printf("claim_all_but_2048: %s outstanding_is_unclaimed_less_2048=%s\n", err_name(rc, errno),
           outstanding(a) == free0 - 2048 ? "yes" : "no");
    {
        static xen_pfn_t list[4096];
        int got;

        for (unsigned long i = 0; i < 4096; i++)
            list[i] = i;
        got = xc_domain_populate_physmap(xch, b, 4096, 0, 0, list);
        printf("unclaimed_populate: got=%d of 4096\n", got);
        rc = xc_domain_claim_pages(xch, a, 0);
        step("claimant_releases", rc, a);
        for (unsigned long i = 0; i < 4096; i++)
            list[i] = 4096 + i;
        got = xc_domain_populate_physmap(xch, b, 4096, 0, 0, list);
        printf("after_release_populate: got=%d of 4096\n", got);
    }

    rc = xc_domain_claim_pages(xch, a, (unsigned long)(tot(a) + 4096));
    step("claim_before_destroy", rc, a);
    rc = xc_domain_destroy(xch, a);
    printf("destroy: %s host_outstanding_delta=%" PRIu64 "\n", err_name(rc, errno),
           host_outstanding() - base);
    xc_domain_destroy(xch, b);
    xc_interface_close(xch);
    return 0;
}
