/*
 * Contract check: claims and populate through <xenctrl.h> alone -- the
 * sequence Xen's own claim test checks (a quiescent host has no claim, a
 * 4 MiB claim shows host-wide, populating one 2 MiB extent leaves 2 MiB,
 * destroying the domain clears it), then a NUMA claim set built on one
 * node with exact-node populates, read back with the claimset extensions.
 * Works on any host with at least two nodes and 64 MiB free on node 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>

#include "contract.h"

#define MIB_PAGES(n) ((unsigned long)(n) << (20 - XC_PAGE_SHIFT))

static uint64_t outstanding(xc_interface *xch)
{
    xc_physinfo_t info;

    memset(&info, 0, sizeof(info));
    CHECK(xc_physinfo(xch, &info) == 0);
    return info.outstanding_pages;
}

static void xen_claim_sequence(xc_interface *xch)
{
    struct xen_domctl_createdomain cfg;
    xen_pfn_t ram[] = {0};
    uint32_t domid = 0;

    CHECK(outstanding(xch) == 0);
    memset(&cfg, 0, sizeof(cfg));
    cfg.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    cfg.max_vcpus = 1;
    CHECK(xc_domain_create(xch, &domid, &cfg) == 0);
    CHECK(xc_domain_setmaxmem(xch, domid, (uint64_t)-1) == 0);
    CHECK(outstanding(xch) == 0);

    CHECK(xc_domain_claim_pages(xch, domid, MIB_PAGES(4)) == 0);
    CHECK(outstanding(xch) == MIB_PAGES(4));
    CHECK(xc_domain_populate_physmap_exact(xch, domid, ARRAY_SIZE(ram), 9, 0, ram) == 0);
    CHECK(outstanding(xch) == MIB_PAGES(2));
    CHECK(xc_domain_destroy(xch, domid) == 0);
    CHECK(outstanding(xch) == 0);
}

static void numa_claim_set(xc_interface *xch)
{
    const unsigned long pages = MIB_PAGES(64);
    memory_claim_t set[] = {{.pages = pages, .node = 1}};
    memory_claim_t release[] = {{.pages = 0, .node = XEN_DOMCTL_CLAIM_MEMORY_GLOBAL}};
    struct xen_domctl_createdomain cfg;
    xc_numa_meminfo_t before[64], after[64];
    memory_claim_t got[4];
    unsigned int nodes = 64;
    xen_pfn_t *gfns;
    uint32_t domid = 0, nr;

    gfns = (xen_pfn_t *)calloc(pages / 512, sizeof(*gfns));
    if (!gfns) {
        failures++;
        return;
    }
    for (unsigned long i = 0; i < pages / 512; i++)
        gfns[i] = i * 512;

    memset(&cfg, 0, sizeof(cfg));
    cfg.max_vcpus = 1;
    CHECK(xc_domain_create(xch, &domid, &cfg) == 0);
    CHECK(xc_domain_setmaxmem(xch, domid, pages * 4) == 0);
    CHECK(xc_domain_claim_memory(xch, domid, ARRAY_SIZE(set), set) == 0);
    nr = ARRAY_SIZE(got);
    CHECK(xc_domain_get_claims(xch, domid, &nr, got) == 0);
    CHECK(nr == 1 && got[0].target == 1 && got[0].pages == pages);

    CHECK(xc_numa_meminfo(xch, &nodes, before) == 0);
    CHECK(nodes >= 2);
    CHECK(before[1].claimed == (uint64_t)pages << XC_PAGE_SHIFT);

    /* 2 MiB extents, all on node 1: only node 1's memory goes down. */
    CHECK(xc_domain_populate_physmap_exact(xch, domid, pages / 512, 9, XENMEMF_exact_node(1),
                                           gfns) == 0);
    nodes = 64;
    CHECK(xc_numa_meminfo(xch, &nodes, after) == 0);
    CHECK(after[1].free == before[1].free - ((uint64_t)pages << XC_PAGE_SHIFT));
    CHECK(after[0].free == before[0].free);
    CHECK(after[1].claimed == 0);
    CHECK(outstanding(xch) == 0);

    /* Nothing left to release; releasing is still fine. */
    CHECK(xc_domain_claim_memory(xch, domid, ARRAY_SIZE(release), release) == 0);
    /* Decreasing gives the memory back but no claim. */
    CHECK(xc_domain_decrease_reservation_exact(xch, domid, pages / 512, 9, gfns) == 0);
    nodes = 64;
    CHECK(xc_numa_meminfo(xch, &nodes, after) == 0);
    CHECK(after[1].free == before[1].free);
    CHECK(outstanding(xch) == 0);
    CHECK(xc_domain_destroy(xch, domid) == 0);
    free(gfns);
}

int main(void)
{
    xc_interface *xch = contract_open();

    if (!xch)
        return 1;
    xen_claim_sequence(xch);
    numa_claim_set(xch);
    CHECK(xc_interface_close(xch) == 0);
    return contract_exit("claim_populate");
}
