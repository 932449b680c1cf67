// Claim sets in the public domctl interface (include/public/domctl.h):
// the new commands' structures come from claimsctl.h and join the union.
@@
@@
#include "memory.h"
+#include "claimsctl.h"

// (Before the union's padding member, whatever its size.)
@@
identifier p = pad;
type T;
constant C;
@@
struct xen_domctl {
  ...
  union {
    ...
+   struct xen_domctl_claim_memory claim_memory;
+   struct xen_domctl_get_claims get_claims;
+   struct xen_domctl_get_node_pages get_node_pages;
    T p[C];
  } u;
};
