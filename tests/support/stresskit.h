/*
 * Machinery for the threaded stress of the core (test_stress_builds.c):
 * builders that make claimed domain builds, noise threads that grab every
 * unclaimed page they can, a scrubber and an offliner, all on one host
 * (struct sk_stress), and the budget that makes every claimed build
 * certain to succeed.
 *
 * Threads never call the test harness (it is not thread-safe): each
 * records its first failure in its struct sk_worker (WCHECK) and the main
 * thread reports it after the join (sk_report()).
 *
 * Why every claimed build must succeed (MODE_EXACT, MODE_NO_HINTS)
 * -----------------------------------------------------------------
 * Let S be a node's frames.  Per node, at any instant:
 *   - each builder's claims plus allocations are at most BUDGET (its claim
 *     set never exceeds BUDGET pages and only ever turns into allocations);
 *   - the noise holds at most NOISE_CAP pages whenever a builder is
 *     installing: a builder announces itself (installing++) and then waits
 *     until noise_held <= NOISE_CAP, and the noise adds a request to
 *     noise_held before it allocates and backs off if a builder is
 *     installing.  Both sides write their counter and then read the
 *     other's (sequentially consistent atomics), so at least one of them
 *     sees the other: no allocation slips past a waiting builder.  Outside
 *     installations the noise is unbounded and takes all unclaimed memory;
 *   - hypervisor pages for domains: XEN_PAGES per live domain, frame 0.
 * (1) Installation: a node entry needs the node's unclaimed memory to hold
 *     it.  Unclaimed >= S - RESERVE - (NR_BUILDERS-1)*BUDGET - NOISE_CAP -
 *     xen pages - 1 >= BUDGET by the choice of S (NODE_NEED), and the
 *     host-wide check follows by summing.  Domain creation happens inside
 *     the same gate, so its hypervisor pages are found too.
 * (2) Counts: the allocator keeps free >= claimed on every node (claims
 *     permit only the claimant to dip below the unclaimed level), so a
 *     builder with c pages claimed on node n always finds c free frames
 *     there, whatever the noise does.
 * (3) Fragmentation: an order-9 request also needs a whole free aligned
 *     512-frame block.  A block with a free frame and an allocated one holds
 *     an allocated chunk of order < 9 (larger chunks cover whole blocks), so
 *     partial blocks <= small chunks + 1 (frame 0), and they hide at most
 *     511 free frames each.  Small chunks are bounded: noise NOISE_SMALL_MAX
 *     (reserved like noise_held), builders 512 each (one order-0 piece or
 *     one order-0 tail per domain), hypervisor pages.  A reserve domain
 *     claims RESERVE = 511 * SMALL_CHUNKS_MAX on every node and never
 *     allocates, so free >= RESERVE + c on the node, of which at most
 *     RESERVE sits in partial blocks: c >= 512 free frames lie in whole
 *     blocks.  Merging is eager (the checker proves no two free buddies are
 *     left apart), so a whole free block is part of a free chunk of order
 *     >= 9.  Claims are multiples of 512 and each order-0 piece is populated
 *     in one go, so a builder's remaining claim on a node is a multiple of
 *     512 whenever it asks for order 9.
 * (4) GLOBAL parts and the order-0 tails are populated with no node hint
 *     once the node parts are done: the sum over nodes of unclaimed memory
 *     is at least the sum of global claims, so some node has a free frame
 *     that the request may take.  Builds with no hints at all keep the
 *     invariant "every node claim is a multiple of 512 but at most one,
 *     whose remainder is the tail" through retirement, so a node with a
 *     claim >= 512 exists while order-9 requests remain (populate_no_hints()
 *     in stresskit_build.c).
 *
 * With offlining (MODE_OFFLINE) claims may be recalled, so builds
 * may fall short: every shortfall must be a recalled page, and an order-0
 * request on a node where the domain still holds a claim must not fail.
 */
#ifndef CS_TESTS_STRESSKIT_H
#define CS_TESTS_STRESSKIT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "hvtest.h"

/* The budget the argument above works with. */
#define NR_NODES         4
#define NR_BUILDERS      4
#define PIECE            512UL /* pages of an order-9 extent */
#define BUDGET_PIECES    16
#define BUDGET           (BUDGET_PIECES * PIECE)
#define MIN_BUILDS       16   /* builds per builder at least (times CS_SCALE)... */
#define MAX_BUILDS       64   /* ...and at most, until the case's goal is met */
#define PACING_NAPS      5000 /* longest wait for the noise to fill the host, in naps */
#define NOISE_SLOTS      1024
#define NOISE_SMALL_MAX  64
#define NOISE_CAP        16384UL
#define XEN_PAGES        2
#define MAX_DOMAINS      (1 + NR_BUILDERS + 1) /* reserve, builders, noise domain */
#define SMALL_CHUNKS_MAX (NOISE_SMALL_MAX + NR_BUILDERS * PIECE + XEN_PAGES * MAX_DOMAINS + 1)
#define RESERVE          (511UL * SMALL_CHUNKS_MAX)
#define NODE_NEED        (RESERVE + NR_BUILDERS * BUDGET + NOISE_CAP + XEN_PAGES * MAX_DOMAINS + 1)
#define OFFLINE_MAX      32 /* frames the offliner keeps offline at once */

/* Sized per the argument above: NODE_NEED, rounded up to a MiB. */
static inline unsigned long sk_guaranteed_node_mib(void)
{
    return (NODE_NEED + MiB_PAGES(1) - 1) / MiB_PAGES(1);
}

/* MODE_EXACT: node parts with exact-node requests; MODE_NO_HINTS: no node
 * hints at all; MODE_OFFLINE: an offliner runs too (claims get recalled). */
enum sk_mode { MODE_EXACT, MODE_NO_HINTS, MODE_OFFLINE };

struct sk_stress;

/* One thread's state and results; results are read after the join. */
struct sk_worker {
    struct sk_stress *s;
    unsigned int id;
    struct test_rng rng;
    pthread_t thread;
    unsigned long builds, ok, failed, shortfall;
    unsigned int nr_fail;
    char fail[384];
};

struct sk_stress {
    struct host *h;
    enum sk_mode mode;
    unsigned long min_builds, max_builds; /* per builder */
    atomic_uint installing;               /* builders inside the install gate */
    atomic_ulong noise_held;              /* pages the noise holds or is about to take */
    atomic_uint noise_small;              /* noise chunks below order 9, likewise */
    unsigned int small_max;               /* ...at most this many */
    unsigned int noise_free_pct;          /* how often the noise gives memory back */
    atomic_ulong pressed; /* all builders' order-9 requests that only claims could serve */
    atomic_bool stop;
    struct sk_worker builder[NR_BUILDERS], noise_heap, noise_dom, scrubber, offliner;
};

/* ---- stresskit.c: threads, the install gate, the noise ---- */

/* Start fn(w) in a thread; w's generator comes from seed and id. */
void sk_start(struct sk_worker *w, struct sk_stress *s, unsigned int id, uint64_t seed,
              void *(*fn)(void *));
/* After the join: fail the current test with w's first failure, if any. */
void sk_report(struct sk_worker *w, const char *what);

double sk_now_s(void); /* a monotonic clock, in seconds */

static inline unsigned long sk_rnd(struct sk_worker *w, unsigned long n)
{
    return test_rng_below(&w->rng, n);
}

/* Record w's first failure (later ones are only counted); returns false. */
bool sk_wfail(struct sk_worker *w, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define WCHECK(w, cond, ...) ((cond) ? true : sk_wfail(w, __FILE__, __LINE__, __VA_ARGS__))

/* The install gate: a builder holds it while it creates its domain and
 * installs its claims; meanwhile the noise holds at most NOISE_CAP. */
void sk_gate_enter(struct sk_stress *s);
void sk_gate_exit(struct sk_stress *s);

/* The most unclaimed memory any node has. */
unsigned long sk_max_node_unclaimed(struct host *h);
/* Pacing: wait (at most PACING_NAPS short sleeps) until no node has a
 * piece unclaimed. */
void sk_wait_for_full_host(struct sk_stress *s);

/* Thread bodies (arg: the struct sk_worker); all but the builders run
 * until s->stop. */
void *sk_noise_heap_main(void *arg);
void *sk_noise_domain_main(void *arg);
void *sk_scrubber_main(void *arg);
void *sk_offliner_main(void *arg);

/* ---- stresskit_build.c: the builders ---- */

/* Build s->min_builds domains, then on (up to s->max_builds) until the
 * case's goal is met; stops at a failure. */
void *sk_builder_main(void *arg);

#endif /* CS_TESTS_STRESSKIT_H */
