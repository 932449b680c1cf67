/*
 * Contract check: the XENMEM_claim_pages example of the design's guest
 * guide against <xenctrl.h> alone, as written except for the populate
 * arguments the guide leaves out ("/ * ... * /"): half of the claimed
 * pages at guest frames 0.., so that the release step has something to
 * release.  Exit status 0 when the example and the checks around it pass.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>

static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s (errno %d)\n", __FILE__, __LINE__, #cond,     \
                    errno);                                                                        \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static xen_pfn_t *gfns;

int build_with_claims(xc_interface *xch, uint32_t domid, unsigned long nr_pages);

/* clang-format off */
  int build_with_claims(xc_interface *xch, uint32_t domid,
                        unsigned long nr_pages)
  {
      int ret;

      /* Claim pages for the domain build. */
      ret = xc_domain_claim_pages(xch, domid, nr_pages);
      if ( ret < 0 )
          return ret;

      /* Populate the domain's physmap. */
      ret = xc_domain_populate_physmap(xch, domid, nr_pages / 2, 0, 0, gfns);
      if ( ret < 0 )
          return ret;

      /* Release any remaining claim after populating the domain memory. */
      ret = xc_domain_claim_pages(xch, domid, 0);
      if ( ret < 0 )
          return ret;

      /* Unpause the domain to allow it to run. */
      return xc_unpause_domain(xch, domid);
  }
/* clang-format on */

int main(void)
{
    const unsigned long nr_pages = 8192;
    struct xen_domctl_createdomain cfg;
    xc_interface *xch = xc_interface_open(NULL, NULL, 0);
    xc_domaininfo_t info;
    xc_physinfo_t phys;
    uint32_t domid = 0;

    if (!xch) {
        perror("xc_interface_open");
        return 1;
    }
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
    if (failures)
        fprintf(stderr, "design_claim_pages: %d check(s) failed\n", failures);
    return failures ? 1 : 0;
}
