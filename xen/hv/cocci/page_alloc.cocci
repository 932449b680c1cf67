// Claim sets in Xen's page allocator (common/page_alloc.c).
// Keyed on function and variable names and on statement shapes only.

// The hooks' declarations.
@@
@@
#include <xen/sched.h>
+#include <xen/claimset.h>

// Replaced whole by the project's versions (claimset_xen.c, install.c).
@@
identifier f = {domain_adjust_tot_pages, domain_set_outstanding_pages};
@@
- f(...) { ... }

// Protection, host-wide: the claims test of alloc_heap_pages() becomes the
// engine's (unclaimed memory plus the domain's claims may cover a request).
@@
identifier fn = alloc_heap_pages;
identifier oc = outstanding_claims;
statement S;
@@
fn(...) {
<...
- if (<+... oc ...+>)
+ if (claimset_host_refuses(d, memflags, request))
  S
...>
}

// Retirement: in the critical section that takes pages off the free pool.
@@
identifier fn = alloc_heap_pages;
identifier tap = total_avail_pages;
expression E;
@@
fn(...) {
<...
  tap -= E;
+ claimset_heap_taken(d, memflags, node, E);
...>
}

// Pages back in the free pool.
@@
identifier fn = free_heap_pages;
identifier tap = total_avail_pages;
expression E;
@@
fn(...) {
<...
  tap += E;
+ claimset_heap_returned(node, E);
...>
}

// Offlining a free page: recall claims the node can no longer back.
@@
identifier fn = reserve_offlined_page;
identifier tap = total_avail_pages;
@@
fn(...) {
<...
  tap--;
+ claimset_heap_offlined(node);
...>
}

// Protection, per node: a node whose unclaimed memory plus the domain's
// claim there cannot serve the request is skipped like an empty one.
// (The test that skips a zone without enough free pages, the one that
// looks at the avail counters.)
@zone_test@
identifier fn = get_free_buddy;
identifier a = avail;
position p;
@@
fn(...) {
<...
  if@p (<+... a ...+>)
     continue;
...>
}

@depends on zone_test@
position zone_test.p;
expression C;
@@
  if@p (
-     C
+     C || claimset_node_refuses(d, node, memflags, order)
     )
     continue;

// The engine takes heap_lock itself.
@@
declarer name DEFINE_SPINLOCK;
identifier l = heap_lock;
@@
- static
  DEFINE_SPINLOCK(l);

// The allocator's totals move into claimset_host, next to the per-node
// counters and the claims.
@@
type T;
identifier v = {total_avail_pages, outstanding_claims};
@@
- static T v;

@@
identifier v = total_avail_pages;
@@
- v
+ claimset_host.total_avail_pages

@@
identifier v = outstanding_claims;
@@
- v
+ claimset_host.outstanding_claims
