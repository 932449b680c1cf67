/*
 * Claim sets in Xen: the domctl entry point.  Installed as
 * include/xen/claimset-domctl.h; common/domctl.c includes it and sends
 * what it used to send to arch_do_domctl() through claimset_do_domctl(),
 * which handles the claim domctls and passes everything else on.
 */
#ifndef __XEN_CLAIMSET_DOMCTL_H__
#define __XEN_CLAIMSET_DOMCTL_H__

#include <xen/guest_access.h>
#include <public/domctl.h>

struct domain;

long claimset_do_domctl(struct xen_domctl *op, struct domain *d,
                        XEN_GUEST_HANDLE_PARAM(xen_domctl_t) u_domctl);

#endif /* __XEN_CLAIMSET_DOMCTL_H__ */
