/*
 * Contract check: the host's topology as a program sees it through
 * <xenctrl.h>.  Sets CLAIMSET_TOPOLOGY itself before the first
 * xc_interface_open(), then checks physinfo, numainfo (count query, sizes,
 * free memory, distances) and the frame layout (node 0 first, from frame
 * 0, kept by the hypervisor).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>

#include "contract.h"

int main(void)
{
    static const uint32_t want_dist[9] = {10, 16, 32, 16, 10, 32, 32, 32, 10};
    xc_interface *xch;
    xc_physinfo_t info;
    xc_meminfo_t mem[3];
    uint32_t dist[9], status[2];
    unsigned int n = 0;

    setenv("CLAIMSET_TOPOLOGY", "256MiB,512M,1G;distances=10,16,32,16,10,32,32,32,10", 1);
    xch = contract_open();
    if (!xch)
        return 1;

    CHECK(xc_physinfo(xch, &info) == 0);
    CHECK(info.nr_nodes == 3);
    CHECK(info.max_node_id == 2);
    CHECK(info.total_pages == (256 + 512 + 1024) << (20 - XC_PAGE_SHIFT));
    CHECK(info.free_pages == info.total_pages - 1);
    CHECK(info.outstanding_pages == 0);
    CHECK(xc_get_max_nodes(xch) == 3);

    CHECK(xc_numainfo(xch, &n, NULL, NULL) == 0);
    CHECK(n == 3);
    CHECK(xc_numainfo(xch, &n, mem, dist) == 0);
    CHECK(n == 3);
    CHECK(mem[0].memsize == 256ULL << 20);
    CHECK(mem[1].memsize == 512ULL << 20);
    CHECK(mem[2].memsize == 1ULL << 30);
    CHECK(mem[0].memfree == (256ULL << 20) - XC_PAGE_SIZE);
    CHECK(mem[2].memfree == 1ULL << 30);
    for (unsigned int i = 0; i < 9; i++)
        CHECK(dist[i] == want_dist[i]);

    /* Frame 0 is the hypervisor's; the last frame of node 0 is free. */
    CHECK(xc_mark_page_offline(xch, 65535, 65535, status) == 0);
    CHECK(status[0] & PG_OFFLINE_OFFLINED);
    CHECK(xc_numainfo(xch, &n, mem, NULL) == 0);
    CHECK(mem[0].memfree == (256ULL << 20) - 2 * XC_PAGE_SIZE);
    CHECK(mem[1].memfree == 512ULL << 20);
    CHECK(xc_mark_page_online(xch, 65535, 65535, status) == 0);
    /* The first frame of node 1 follows it. */
    CHECK(xc_mark_page_offline(xch, 65536, 65536, status) == 0);
    CHECK(xc_numainfo(xch, &n, mem, NULL) == 0);
    CHECK(mem[1].memfree == (512ULL << 20) - XC_PAGE_SIZE);
    CHECK(xc_mark_page_online(xch, 65536, 65536, status) == 0);

    CHECK(xc_interface_close(xch) == 0);
    return contract_exit("numainfo");
}
