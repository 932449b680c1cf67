/*
 * Contract check: the DOMCTL_claim_memory example of the design's guest
 * guide (example_claim_memory.h), compiled as written against <xenctrl.h>
 * alone.  Each of its
 * calls goes through a recording wrapper that checks the result and reads
 * the domain's claims back, so every step is verified as the guide
 * describes it.  Exit status 0 when every check passes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <xenctrl.h>

#include "contract.h"

static int step;

/* The claims each step of the example must leave, in read-back order. */
static const memory_claim_t want[3][3] = {
    {{.pages = 1024, .target = 0},
     {.pages = 1024, .target = 1},
     {.pages = 1024, .target = XEN_DOMCTL_CLAIM_MEMORY_GLOBAL}},
    {{.pages = 1024, .target = 1}, {.pages = 1024, .target = 2}, {.pages = 1024, .target = 3}},
    {{.pages = 0, .target = 0}},
};
static const unsigned int want_nr[3] = {3, 3, 0};

static int checked_claim_memory(xc_interface *xch, uint32_t domid, uint32_t nr,
                                memory_claim_t *claims)
{
    int rc = xc_domain_claim_memory(xch, domid, nr, claims);
    memory_claim_t got[8];
    uint32_t n = 8;

    CHECK(rc == 0);
    CHECK(step < 3);
    if (step >= 3)
        return rc;
    CHECK(xc_domain_get_claims(xch, domid, &n, got) == 0);
    CHECK(n == want_nr[step]);
    for (unsigned int i = 0; i < n && i < want_nr[step]; i++) {
        CHECK(got[i].pages == want[step][i].pages);
        CHECK(got[i].target == want[step][i].target);
    }
    step++;
    return rc;
}

#define xc_domain_claim_memory(...) checked_claim_memory(__VA_ARGS__)

#include "example_claim_memory.h"

#undef xc_domain_claim_memory

int main(void)
{
    struct xen_domctl_createdomain cfg;
    xc_interface *xch = contract_open();
    xc_physinfo_t info;
    uint32_t domid = 0;

    if (!xch)
        return 1;
    /* The example needs four nodes (the built-in host has four). */
    CHECK(xc_get_max_nodes(xch) >= 4);
    memset(&cfg, 0, sizeof(cfg));
    cfg.max_vcpus = 1;
    CHECK(xc_domain_create(xch, &domid, &cfg) == 0);
    CHECK(xc_domain_setmaxmem(xch, domid, 16 * 1024) == 0); /* 16 MiB: 4096 pages */

    example_claims(xch, domid);
    CHECK(step == 3);
    CHECK(xc_physinfo(xch, &info) == 0);
    CHECK(info.outstanding_pages == 0);

    CHECK(xc_domain_destroy(xch, domid) == 0);
    CHECK(xc_interface_close(xch) == 0);
    return contract_exit("design_claim_memory");
}
