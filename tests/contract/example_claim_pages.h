/*
 * The API example of the design's guest guide for XENMEM_claim_pages
 * (guest-guide/mem/XENMEM_claim_pages.rst), exactly as the guide writes
 * it, for the programs that compile and run it: design_claim_pages.c here
 * and tests/integration/test_xc_design.c.  It defines build_with_claims(),
 * so include it in one file of a program.
 *
 * The guide leaves the populate call's arguments out ("/ * ... * /"), which
 * leaves xc_domain_populate_physmap(xch, domid, ) with an empty third
 * argument.  The includer fills them in: it must define
 *
 *   #define xc_domain_populate_physmap(xch, domid, elided) ...
 *
 * before including this file (and #undef it afterwards), after including
 * <xenctrl.h>.  The expansion may use build_with_claims()'s parameter
 * nr_pages.  Other calls may be wrapped the same way, to watch them.
 */
#ifndef CLAIMSET_EXAMPLE_CLAIM_PAGES_H
#define CLAIMSET_EXAMPLE_CLAIM_PAGES_H

#include <xenctrl.h>

#ifndef xc_domain_populate_physmap
#error "define xc_domain_populate_physmap(xch, domid, elided) to supply the elided arguments"
#endif

/* The guide defines it without a prototype. */
int build_with_claims(xc_interface *xch, uint32_t domid, unsigned long nr_pages);

/* The guide's text, include line and all, from here to "clang-format on". */
/* clang-format off */
  #include <xenctrl.h>

  int build_with_claims(xc_interface *xch, uint32_t domid,
                        unsigned long nr_pages)
  {
      int ret;

      /* Claim pages for the domain build. */
      ret = xc_domain_claim_pages(xch, domid, nr_pages);
      if ( ret < 0 )
          return ret;

      /* Populate the domain's physmap. */
      ret = xc_domain_populate_physmap(xch, domid, /* ... */);
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

#endif /* CLAIMSET_EXAMPLE_CLAIM_PAGES_H */
