// Claim sets in struct domain (include/xen/sched.h): the single legacy
// claim counter becomes the design's claims state.
@@
type T;
identifier f = outstanding_pages;
@@
struct domain {
  ...
- T f;
+ unsigned long global_claims;           /* claims on any node */
+ unsigned long node_claims;             /* sum of claims[] */
+ unsigned long claims[MAX_NUMNODES];    /* claims per node */
  ...
};
