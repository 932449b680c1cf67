/*
 * Why a claim was refused.
 *
 * The hypervisor answers a claim it cannot grant with ENOMEM and nothing
 * else, and a plan's own reason ("fits node 3") says why the plan was
 * made, not why the hypervisor said no.  Two rules decide (CONTRACT.md,
 * docs/decisions.md D1): every node entry must fit its node's unclaimed
 * memory, and the whole set the host's unclaimed memory -- which also
 * counts host-wide claims that no node shows.  The explanation reads the
 * host once more and names the rule that failed, with the figures.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/human_size.h"
#include "xa_private.h"

static bool host_wide(uint32_t target)
{
    return target == XEN_DOMCTL_CLAIM_MEMORY_GLOBAL || target == XEN_DOMCTL_CLAIM_MEMORY_LEGACY;
}

int xa_explain_refusal(xc_interface *xch, uint32_t domid, const memory_claim_t *claims,
                       unsigned int nr_claims, char *buf, size_t len)
{
    xc_numa_meminfo_t info[XG_MAX_VNODES];
    uint64_t own[XG_MAX_VNODES + 1] = {0}, ask[XG_MAX_VNODES] = {0}, total = 0, own_total = 0, host;
    memory_claim_t held[XG_MAX_VNODES + 1];
    unsigned int nr = XG_MAX_VNODES;
    uint32_t nr_held = XG_MAX_VNODES + 1;
    xc_physinfo_t phys;
    char a[HUMAN_SIZE_LEN], b[HUMAN_SIZE_LEN];

    if (!xch || !buf || !len || (!claims && nr_claims)) {
        errno = EINVAL;
        return -1;
    }
    if (xc_physinfo(xch, &phys) || xc_numa_meminfo(xch, &nr, info) ||
        xc_domain_get_claims(xch, domid, &nr_held, held))
        return -1;
    /* The domain's own claims are replaced by the new set, so they count
     * as room (as the hypervisor counts them). */
    for (uint32_t i = 0; i < nr_held; i++) {
        own_total += held[i].pages;
        if (held[i].target < nr)
            own[held[i].target] += held[i].pages;
    }
    for (unsigned int i = 0; i < nr_claims; i++) {
        total += claims[i].pages;
        if (!host_wide(claims[i].target) && claims[i].target >= nr) {
            errno = EINVAL;
            return -1;
        }
        if (!host_wide(claims[i].target))
            ask[claims[i].target] += claims[i].pages;
    }
    for (unsigned int n = 0; n < nr; n++) {
        uint64_t free = info[n].free >> XC_PAGE_SHIFT, claimed = info[n].claimed >> XC_PAGE_SHIFT;
        uint64_t room = (free > claimed ? free - claimed : 0) + own[n];

        if (ask[n] > room) {
            snprintf(buf, len, "%s asked of node %u, which has %s unclaimed",
                     cs_human_size(ask[n], a, sizeof(a)), n, cs_human_size(room, b, sizeof(b)));
            return 0;
        }
    }
    host =
        (phys.free_pages > phys.outstanding_pages ? phys.free_pages - phys.outstanding_pages : 0) +
        own_total;
    if (total > host)
        snprintf(buf, len, "%s asked, the host has %s unclaimed",
                 cs_human_size(total, a, sizeof(a)), cs_human_size(host, b, sizeof(b)));
    else
        snprintf(buf, len,
                 "%s asked and the host has %s unclaimed now: the memory was freed or unclaimed "
                 "since",
                 cs_human_size(total, a, sizeof(a)), cs_human_size(host, b, sizeof(b)));
    return 0;
}
