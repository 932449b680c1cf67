/*
 * Reading Xen's console ring from dom0: the memory map the hypervisor
 * printed at boot (its SRAT lines: "SRAT: Node N PXM P [start, end]",
 * byte addresses, inclusive) and the dump of debug key 'u' ("Domain D
 * (total: T):" followed by "Node N: pages" lines, after a header that
 * stamps the hypervisor's clock: "(now = NANOSECONDS)").
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_xen.h"

#define RING_BYTES (1U << 20)

/* The whole ring, NUL-terminated (free() it), or NULL with errno. */
static char *read_ring(xc_interface *xch)
{
    unsigned int n = RING_BYTES - 1;
    char *buf = malloc(RING_BYTES);

    if (!buf) {
        errno = ENOMEM;
        return NULL;
    }
    if (xc_readconsolering(xch, buf, &n, 0, 0, NULL)) {
        free(buf);
        return NULL;
    }
    buf[n < RING_BYTES ? n : RING_BYTES - 1] = '\0';
    return buf;
}

int cs_xen_read_memmap(xc_interface *xch, struct cs_xen_memmap *map)
{
    char *ring = read_ring(xch), *p;

    if (!ring)
        return -1;
    map->nr = 0;
    for (p = ring; (p = strstr(p, "SRAT: Node ")) != NULL; p++) {
        unsigned int node, pxm;
        uint64_t start, end;

        if (sscanf(p, "SRAT: Node %u PXM %u [%" SCNx64 ", %" SCNx64 "]", &node, &pxm, &start,
                   &end) != 4 ||
            end < start || map->nr >= CS_XEN_MAX_RANGES)
            continue;
        map->r[map->nr].first_mfn = start >> XC_PAGE_SHIFT;
        map->r[map->nr].last_mfn = end >> XC_PAGE_SHIFT;
        map->r[map->nr].node = node;
        map->nr++;
    }
    free(ring);
    if (!map->nr) {
        errno = ENOENT;
        return -1;
    }
    return 0;
}

int cs_xen_debugkey_node_pages(xc_interface *xch, uint32_t domid, unsigned int nr_nodes,
                               uint64_t *pages)
{
    char head[48], *ring, *p, *last = NULL;
    int found = 0;

    if (xc_send_debug_keys(xch, "u"))
        return -1;
    ring = read_ring(xch);
    if (!ring)
        return -1;
    /* The newest dump of the domain: the last header in the ring. */
    snprintf(head, sizeof(head), "Domain %" PRIu32 " (total: ", domid);
    for (p = ring; (p = strstr(p, head)) != NULL; p++)
        last = p;
    memset(pages, 0, nr_nodes * sizeof(*pages));
    if (last) {
        /* Node lines follow until the next "Domain " header. */
        char *end = strstr(last + 1, "Domain ");

        for (p = strstr(last, "Node "); p && (!end || p < end); p = strstr(p + 1, "Node ")) {
            unsigned int node;
            uint64_t n;

            if (sscanf(p, "Node %u: %" SCNu64, &node, &n) == 2 && node < nr_nodes) {
                pages[node] = n;
                found = 1;
            }
        }
    }
    free(ring);
    if (!found) {
        errno = ENOENT;
        return -1;
    }
    return 0;
}

int cs_xen_debugkey_now(xc_interface *xch, uint64_t *now_ns)
{
    char *ring, *p, *last = NULL;
    int rc = -1;

    if (xc_send_debug_keys(xch, "u"))
        return -1;
    ring = read_ring(xch);
    if (!ring)
        return -1;
    for (p = ring; (p = strstr(p, "(now = ")) != NULL; p++)
        last = p;
    if (last && sscanf(last, "(now = %" SCNu64 ")", now_ns) == 1)
        rc = 0;
    else
        errno = ENOENT;
    free(ring);
    return rc;
}
