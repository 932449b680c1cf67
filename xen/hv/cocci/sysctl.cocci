// Claim sets in the sysctl handler (common/sysctl.c): the read-back of
// per-node claims is handled before the architecture's handler.

@@
@@
#include <xen/hypercall.h>
+#include <xen/claimset-sysctl.h>

@@
identifier fn = do_sysctl;
expression A, B;
@@
fn(...) {
<...
- arch_do_sysctl(A, B)
+ claimset_do_sysctl(A, B)
...>
}
