/*
 * The API example of the design's guest guide for XEN_DOMCTL_claim_memory
 * (guest-guide/dom/DOMCTL_claim_memory.rst), exactly as the guide writes
 * it, for the programs that compile and run it: design_claim_memory.c here
 * and tests/integration/test_xc_design.c.  It defines example_claims(), so
 * include it in one file of a program.
 *
 * To watch each call, define xc_domain_claim_memory() as a macro before
 * including this file (and #undef it afterwards); <xenctrl.h> must have
 * been included before such a macro is defined.
 */
#ifndef CLAIMSET_EXAMPLE_CLAIM_MEMORY_H
#define CLAIMSET_EXAMPLE_CLAIM_MEMORY_H

#include <xenctrl.h>

/* The guide defines it without a prototype. */
void example_claims(xc_interface *xch, uint32_t domid);

/* The guide's text, include line and all, from here to "clang-format on". */
/* clang-format off */
  #include <xenctrl.h>

  void example_claims(xc_interface *xch, uint32_t domid)
  {
    /* Claim 1024 pages on node 0, 1024 pages on node 1, and 1024 global */
    memory_claim_t claims[] = {
      {.pages = 1024, .node = XEN_DOMCTL_CLAIM_MEMORY_GLOBAL},
      {.pages = 1024, .node = 0},
      {.pages = 1024, .node = 1}
    };
    xc_domain_claim_memory(xch, domid, ARRAY_SIZE(claims), claims);

    /* Replace the claim set with claims on nodes 1, 2, and 3 */
    memory_claim_t claims2[] = {
      {.pages = 1024, .node = 1},
      {.pages = 1024, .node = 2},
      {.pages = 1024, .node = 3},
    };
    xc_domain_claim_memory(xch, domid, ARRAY_SIZE(claims2), claims2);

    /* Release any remaining claim once the domain is built */
    memory_claim_t clear[] = {
      {.pages = 0, .node = XEN_DOMCTL_CLAIM_MEMORY_GLOBAL}
    };
    xc_domain_claim_memory(xch, domid, ARRAY_SIZE(clear), clear);
  }
/* clang-format on */

#endif /* CLAIMSET_EXAMPLE_CLAIM_MEMORY_H */
