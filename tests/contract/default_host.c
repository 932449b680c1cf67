/*
 * Contract check: without CLAIMSET_TOPOLOGY a program gets the built-in
 * host (4 nodes of 64 GiB; distances 10 local, 12 within a socket, 21
 * across), acting as the control domain, domid 0, which owns no memory.
 * Run with the variable unset.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <xenctrl.h>

#include "contract.h"

int main(void)
{
    static const uint32_t row0[4] = {10, 12, 21, 21};
    xc_interface *xch = contract_open();
    xc_interface *second;
    xc_domaininfo_t dom0;
    xc_physinfo_t info;
    xc_meminfo_t mem[4];
    uint32_t dist[16];
    unsigned int n = 4;

    if (!xch)
        return 1;
    CHECK(xc_physinfo(xch, &info) == 0);
    CHECK(info.nr_nodes == 4);
    CHECK(info.total_pages == 4ULL << (36 - XC_PAGE_SHIFT));
    CHECK(xc_numainfo(xch, &n, mem, dist) == 0);
    CHECK(n == 4);
    for (unsigned int i = 0; i < 4; i++) {
        CHECK(mem[i].memsize == 64ULL << 30);
        CHECK(dist[i] == row0[i]);
    }
    CHECK(xc_domain_getinfo_single(xch, 0, &dom0) == 0);
    CHECK(dom0.domain == 0);
    CHECK(dom0.tot_pages == 0);

    /* A second handle talks to the same host. */
    second = xc_interface_open(NULL, NULL, 0);
    CHECK(second != NULL);
    if (second) {
        struct xen_domctl_createdomain cfg;
        uint32_t domid = 0;

        memset(&cfg, 0, sizeof(cfg));
        cfg.max_vcpus = 1;
        CHECK(xc_domain_create(xch, &domid, &cfg) == 0);
        CHECK(xc_domain_getinfo_single(second, domid, NULL) == 0);
        CHECK(xc_domain_destroy(second, domid) == 0);
        CHECK(xc_interface_close(second) == 0);
    }
    CHECK(xc_interface_close(xch) == 0);
    CHECK(xc_interface_close(NULL) == 0);
    return contract_exit("default_host");
}
