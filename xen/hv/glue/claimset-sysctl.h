/*
 * Claim sets in Xen: the sysctl entry point.  Installed as
 * include/xen/claimset-sysctl.h; common/sysctl.c includes it and sends
 * what it used to send to arch_do_sysctl() through claimset_do_sysctl(),
 * which handles XEN_SYSCTL_numa_meminfo and passes everything else on.
 */
#ifndef __XEN_CLAIMSET_SYSCTL_H__
#define __XEN_CLAIMSET_SYSCTL_H__

#include <xen/guest_access.h>
#include <public/sysctl.h>

long claimset_do_sysctl(struct xen_sysctl *op, XEN_GUEST_HANDLE_PARAM(xen_sysctl_t) u_sysctl);

#endif /* __XEN_CLAIMSET_SYSCTL_H__ */
