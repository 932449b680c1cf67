// Claim sets at domain destruction (common/domain.c): domain_kill()
// releases every claim, global and per node, whatever the dying state.

@@
@@
#include <xen/sched.h>
+#include <xen/claimset.h>

@@
expression D;
@@
- domain_set_outstanding_pages(D, 0)
+ domain_release_claims(D)
