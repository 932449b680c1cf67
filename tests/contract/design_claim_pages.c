/*
 * Contract check: the XENMEM_claim_pages example of the design's guest
 * guide (example_claim_pages.h, as written) against <xenctrl.h> alone.
 * The populate arguments the guide leaves out are filled in here: half of
 * the claimed pages at guest frames 0.., so that the release step has
 * something to release.  Exit status 0 when the example and the checks
 * around it pass.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>

#include "contract.h"

static xen_pfn_t *gfns;

/* The populate call's arguments, which the guide leaves out: half of the
 * claimed pages at guest frames 0.. */
#define xc_domain_populate_physmap(xch_, domid_, elided_)                                          \
    xc_domain_populate_physmap(xch_, domid_, nr_pages / 2, 0, 0, gfns)
#include "example_claim_pages.h"
#undef xc_domain_populate_physmap

int main(void)
{
    const unsigned long nr_pages = 8192;
    struct xen_domctl_createdomain cfg;
    xc_interface *xch = contract_open();
    xc_domaininfo_t info;
    xc_physinfo_t phys;
    uint32_t domid = 0;

    if (!xch)
        return 1;
    gfns = (xen_pfn_t *)calloc(nr_pages, sizeof(*gfns));
    if (!gfns)
        return 1;
    for (unsigned long i = 0; i < nr_pages; i++)
        gfns[i] = i;

    memset(&cfg, 0, sizeof(cfg));
    cfg.max_vcpus = 1;
    CHECK(xc_domain_create(xch, &domid, &cfg) == 0);
    CHECK(xc_domain_setmaxmem(xch, domid, nr_pages * 4) == 0);
    CHECK(xc_domain_getinfo_single(xch, domid, &info) == 0);
    CHECK(info.flags & XEN_DOMINF_paused);

    CHECK(build_with_claims(xch, domid, nr_pages) == 0);

    /* Half populated, the rest of the claim released, running. */
    CHECK(xc_domain_getinfo_single(xch, domid, &info) == 0);
    CHECK(info.tot_pages == nr_pages / 2);
    CHECK(info.outstanding_pages == 0);
    CHECK(!(info.flags & XEN_DOMINF_paused));
    CHECK(xc_physinfo(xch, &phys) == 0);
    CHECK(phys.outstanding_pages == 0);

    /* Over max_pages the example stops at the claim with EINVAL. */
    {
        uint32_t small = 0;

        CHECK(xc_domain_create(xch, &small, &cfg) == 0);
        CHECK(xc_domain_setmaxmem(xch, small, 4 * 100) == 0);
        errno = 0;
        CHECK(build_with_claims(xch, small, 101) == -1);
        CHECK(errno == EINVAL);
        CHECK(xc_domain_getinfo_single(xch, small, &info) == 0);
        CHECK(info.tot_pages == 0);
        CHECK(xc_domain_destroy(xch, small) == 0);
    }

    CHECK(xc_domain_destroy(xch, domid) == 0);
    CHECK(xc_interface_close(xch) == 0);
    free(gfns);
    return contract_exit("design_claim_pages");
}
