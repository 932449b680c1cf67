// Claim sets in the domctl handler (common/domctl.c).

@@
@@
#include <xen/hypercall.h>
+#include <xen/claimset.h>
+#include <xen/claimset-domctl.h>

// New domctls: handled before the architecture's handler sees them.
@@
identifier fn = do_domctl;
expression A, B, C;
@@
fn(...) {
<...
- arch_do_domctl(A, B, C)
+ claimset_do_domctl(A, B, C)
...>
}

// getdomaininfo reports all claims: global plus every node.
@@
struct domain *D;
identifier f = outstanding_pages;
@@
- D->f
+ domain_claims_total(D)

// XEN_DOMCTL_max_mem: lowering max_pages trims claims to fit.
@@
identifier fn = do_domctl;
expression D, E;
identifier f = max_pages;
@@
fn(...) {
<...
  D->f = E;
+ claimset_max_pages_changed(D);
...>
}
