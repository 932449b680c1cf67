/*
 * Threaded stress of the core: claimed domain builds racing one another
 * while noise threads grab every unclaimed page they can, a scrubber runs
 * and, in one case, frames are offlined and onlined.  Runs under TSan in CI.
 *
 * Why every claimed build must succeed (the first two cases)
 * -----------------------------------------------------------
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
 *     claim >= 512 exists while order-9 requests remain (populate_no_hints).
 *
 * With offlining (the third case) claims may be recalled, so builds
 * may fall short: every shortfall must be a recalled page, and an order-0
 * request on a node where the domain still holds a claim must not fail.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xen/sysctl.h>

#include "hvtest.h"

#define NR_NODES         4
#define NR_BUILDERS      4
#define PIECE            512UL /* pages of an order-9 extent */
#define BUDGET_PIECES    16
#define BUDGET           (BUDGET_PIECES * PIECE)
#define CASE_SECONDS     3.0 /* builders build for this long... */
#define MIN_BUILDS       4   /* ...but at least this many builds each */
#define PACING           0.1 /* longest wait for the noise to fill the host, s */
#define NOISE_SLOTS      1024
#define NOISE_SMALL_MAX  64
#define NOISE_CAP        16384UL
#define XEN_PAGES        2
#define MAX_DOMAINS      (1 + NR_BUILDERS + 1) /* reserve, builders, noise domain */
#define SMALL_CHUNKS_MAX (NOISE_SMALL_MAX + NR_BUILDERS * PIECE + XEN_PAGES * MAX_DOMAINS + 1)
#define RESERVE          (511UL * SMALL_CHUNKS_MAX)
#define NODE_NEED        (RESERVE + NR_BUILDERS * BUDGET + NOISE_CAP + XEN_PAGES * MAX_DOMAINS + 1)
#define OFFLINE_MAX      32 /* frames the offliner keeps offline at once */

enum mode { MODE_EXACT, MODE_NO_HINTS, MODE_OFFLINE };

struct stress;

/* One thread's state and results; results are read after the join. */
struct worker {
    struct stress *s;
    unsigned int id;
    struct test_rng rng;
    pthread_t thread;
    unsigned long builds, ok, failed, shortfall;
    unsigned int nr_fail;
    char fail[384];
};

struct stress {
    struct host *h;
    enum mode mode;
    double deadline;
    atomic_uint installing;      /* builders inside the install gate */
    atomic_ulong noise_held;     /* pages the noise holds or is about to take */
    atomic_uint noise_small;     /* noise chunks below order 9, likewise */
    unsigned int small_max;      /* ...at most this many */
    unsigned int noise_free_pct; /* how often the noise gives memory back */
    atomic_ulong pressed;        /* all builders' order-9 requests that only claims could serve */
    atomic_bool stop;
    struct worker builder[NR_BUILDERS], noise_heap, noise_dom, scrubber, offliner;
};

/* A build: pages claimed per node, a GLOBAL entry, and which node (if any)
 * gets one 512-page piece as order-0 requests. */
struct plan {
    unsigned long node[NR_NODES], global, total;
    int small_node;
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned long rnd(struct worker *w, unsigned long n)
{
    return test_rng_below(&w->rng, n);
}

/* Fisher-Yates over nr elements of `size` bytes (at most 16). */
static void shuffle(struct worker *w, void *base, unsigned int nr, size_t size)
{
    unsigned char *v = base, t[16];

    for (unsigned int i = nr; i > 1; i--) {
        size_t j = rnd(w, i);

        memcpy(t, v + (i - 1) * size, size);
        memcpy(v + (i - 1) * size, v + j * size, size);
        memcpy(v + j * size, t, size);
    }
}

/* Threads must not call the harness (it is not thread-safe): they record
 * their first failure here and the main thread reports it. */
__attribute__((format(printf, 3, 4))) static bool wfail(struct worker *w, int line, const char *fmt,
                                                        ...)
{
    va_list ap;
    int n;

    if (w->nr_fail++)
        return false;
    n = snprintf(w->fail, sizeof(w->fail), "thread %u, line %d: ", w->id, line);
    va_start(ap, fmt);
    vsnprintf(w->fail + n, sizeof(w->fail) - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}
#define WCHECK(w, cond, ...) ((cond) ? true : wfail(w, __LINE__, __VA_ARGS__))

/* ---- The install gate (see the comment at the top) ------------------- */

static void gate_enter(struct stress *s)
{
    atomic_fetch_add(&s->installing, 1);
    while (atomic_load(&s->noise_held) > NOISE_CAP)
        sched_yield();
}

static void gate_exit(struct stress *s)
{
    atomic_fetch_sub(&s->installing, 1);
}

/* The most unclaimed memory any node has. */
static unsigned long max_node_unclaimed(struct host *h)
{
    struct host_counters c;
    unsigned long most = 0;

    host_get_counters(h, &c);
    for (unsigned int n = 0; n < NR_NODES; n++)
        most = MAX(most, c.node_avail_pages[n] - c.node_outstanding_claims[n]);
    return most;
}

/*
 * Pacing, never needed for correctness: wait (a little) until the noise has
 * left no node with a whole piece unclaimed, so that installs and
 * populations meet a full host as often as possible.
 */
static void wait_for_full_host(struct stress *s)
{
    const struct timespec nap = {0, 20 * 1000};
    double until = now_s() + PACING;

    while (now_s() < until && max_node_unclaimed(s->h) >= PIECE)
        nanosleep(&nap, NULL);
}

static bool noise_must_shrink(struct stress *s)
{
    return atomic_load(&s->installing) && atomic_load(&s->noise_held) > NOISE_CAP;
}

static void noise_unreserve(struct stress *s, unsigned int order)
{
    atomic_fetch_sub(&s->noise_held, ORDER_PAGES(order));
    if (order < 9)
        atomic_fetch_sub(&s->noise_small, 1);
}

/* Count a noise request before making it; false if it must not be made. */
static bool noise_reserve(struct stress *s, unsigned int order)
{
    unsigned long held;

    if (order < 9 && atomic_fetch_add(&s->noise_small, 1) >= s->small_max) {
        atomic_fetch_sub(&s->noise_small, 1);
        return false;
    }
    held = atomic_fetch_add(&s->noise_held, ORDER_PAGES(order)) + ORDER_PAGES(order);
    if (held > NOISE_CAP && atomic_load(&s->installing)) {
        noise_unreserve(s, order);
        return false;
    }
    return true;
}

/* ---- Noise ------------------------------------------------------------ */

/* Hypervisor allocations (no domain): orders 9-12 without limit, smaller
 * ones up to NOISE_SMALL_MAX, random node hints. */
static void *noise_heap_main(void *arg)
{
    struct worker *w = arg;
    struct stress *s = w->s;
    struct {
        mfn_t mfn;
        unsigned int order;
    } slot[NOISE_SLOTS];
    unsigned int nr = 0;

    while (!atomic_load(&s->stop)) {
        unsigned int r = (unsigned int)rnd(w, 100), order, flags = 0;

        if (nr && (nr == NOISE_SLOTS || r < s->noise_free_pct || noise_must_shrink(s))) {
            unsigned int i = (unsigned int)rnd(w, nr);

            free_heap_pages(s->h, slot[i].mfn, slot[i].order, r & 1, NULL, false);
            noise_unreserve(s, slot[i].order);
            slot[i] = slot[--nr];
            continue;
        }
        if (r % 3)
            flags = MEMF_node(rnd(w, NR_NODES)) | (r & 1 ? MEMF_exact_node : 0);
        /* Greedy: on a refusal try the next order down, to the last page. */
        order = 9 + (unsigned int)rnd(w, 4);
        if (r % 4 == 0 && atomic_load(&s->noise_small) < s->small_max)
            order = (unsigned int)rnd(w, 9);
        for (; noise_reserve(s, order); order--) {
            mfn_t mfn = alloc_heap_pages(s->h, MEMZONE_LO, NR_ZONES - 1, order, flags, NULL);

            if (mfn != INVALID_MFN) {
                slot[nr].mfn = mfn;
                slot[nr++].order = order;
                w->ok++;
                break;
            }
            noise_unreserve(s, order);
            w->failed++;
            if (!order)
                break;
        }
        if (noise_must_shrink(s))
            sched_yield(); /* held back: let the builders run */
    }
    while (nr--) {
        free_heap_pages(s->h, slot[nr].mfn, slot[nr].order, true, NULL, false);
        noise_unreserve(s, slot[nr].order);
    }
    return NULL;
}

/* A domain without claims populating with no node hints (orders 9 and 0),
 * shrinking, and now and then destroyed and made anew. */
static void *noise_domain_main(void *arg)
{
    struct worker *w = arg;
    struct stress *s = w->s;
    struct domain_config cfg = {.max_vcpus = 1};
    struct {
        gfn_t gfn;
        unsigned int order;
    } ext[NOISE_SLOTS];
    unsigned int nr = 0;
    struct domain *d = NULL;
    domid_t id = 0;
    gfn_t gfn = 0;

    for (;;) {
        unsigned int r = (unsigned int)rnd(w, 100), order;
        bool stop = atomic_load(&s->stop);

        if (d && (stop || rnd(w, 4096) == 0)) {
            WCHECK(w, domain_destroy(s->h, id) == 0, "noise: destroy d%u failed", id);
            domain_put(d);
            d = NULL;
            /* Now the frames are back: only then stop counting them. */
            while (nr--)
                noise_unreserve(s, ext[nr].order);
            nr = 0;
        }
        if (stop)
            break;
        if (!d) {
            id = 0;
            if (domain_create(s->h, &id, &cfg) == 0) {
                d = domain_get(s->h, id);
                domain_set_max_pages(d, ~0UL >> 1);
                gfn = 0;
            } else {
                w->failed++;
                sched_yield();
            }
            continue;
        }
        if (nr && (nr == NOISE_SLOTS || r < 40 || noise_must_shrink(s))) {
            unsigned int i = (unsigned int)rnd(w, nr);
            int rc = domain_decrease_extent(d, ext[i].gfn, ext[i].order);

            WCHECK(w, rc == 0, "noise: decrease gfn %#lx order %u = %d", (unsigned long)ext[i].gfn,
                   ext[i].order, rc);
            noise_unreserve(s, ext[i].order);
            ext[i] = ext[--nr];
            continue;
        }
        order = r % 4 == 0 ? 0 : 9;
        if (!noise_reserve(s, order)) {
            sched_yield();
            continue;
        }
        if (domain_populate_extent(d, gfn, order, 0, NULL)) {
            noise_unreserve(s, order);
            w->failed++;
            continue;
        }
        ext[nr].gfn = gfn;
        ext[nr++].order = order;
        gfn += PIECE;
        w->ok++;
    }
    return NULL;
}

static void *scrubber_main(void *arg)
{
    struct worker *w = arg;
    struct stress *s = w->s;
    const struct timespec pause = {0, 200 * 1000};

    while (!atomic_load(&s->stop)) {
        nodeid_t node = rnd(w, 2) ? NUMA_NO_NODE : (nodeid_t)rnd(w, NR_NODES);

        w->ok += scrub_free_pages(s->h, node, 4096);
        nanosleep(&pause, NULL);
    }
    return NULL;
}

/*
 * Offline frames (a free one leaves at once and may force a recall, an
 * allocated one goes pending), OFFLINE_MAX at a time, then bring them all
 * back.  After a free frame it tries the next one: free frames come in runs.
 */
static void *offliner_main(void *arg)
{
    struct worker *w = arg;
    struct stress *s = w->s;
    const struct timespec pause = {0, 20 * 1000};
    mfn_t off[OFFLINE_MAX], mfn = 0;
    unsigned int nr = 0;
    uint32_t status;
    int rc;

    while (!atomic_load(&s->stop) && !w->nr_fail) {
        if (nr == OFFLINE_MAX) {
            while (nr--) {
                rc = online_page(s->h, off[nr], &status);
                WCHECK(w, rc == 0 && status == PG_ONLINE_ONLINED, "online %#lx = %d, status %#x",
                       (unsigned long)off[nr], rc, status);
            }
            nr = 0;
            mfn = 0;
        }
        if (mfn == 0 || mfn >= s->h->nr_frames)
            mfn = 1 + rnd(w, s->h->nr_frames - 1);
        for (unsigned int i = 0; i < nr && mfn; i++)
            if (off[i] == mfn)
                mfn = 0; /* offline already */
        if (!mfn)
            continue;
        rc = offline_page(s->h, mfn, false, &status);
        WCHECK(w, rc == 0 && (status & (PG_OFFLINE_OFFLINED | PG_OFFLINE_PENDING)),
               "offline %#lx = %d, status %#x", (unsigned long)mfn, rc, status);
        off[nr++] = mfn;
        w->ok += (status & PG_OFFLINE_OFFLINED) != 0;
        mfn = status & PG_OFFLINE_OFFLINED ? mfn + 1 : 0;
        nanosleep(&pause, NULL);
    }
    while (nr--) {
        rc = online_page(s->h, off[nr], &status);
        WCHECK(w, rc == 0, "final online %#lx = %d", (unsigned long)off[nr], rc);
    }
    return NULL;
}

/* ---- Builders --------------------------------------------------------- */

static void make_plan(struct worker *w, struct plan *p)
{
    unsigned long pieces = 1 + rnd(w, BUDGET_PIECES);
    enum mode mode = w->s->mode;
    unsigned int nodes;
    nodemask_t used = 0;

    memset(p, 0, sizeof(*p));
    p->small_node = -1;
    if (mode == MODE_NO_HINTS) {
        /* Order-9 pieces on nodes, then an order-0 tail of any size. */
        pieces = 1 + rnd(w, BUDGET_PIECES - 1);
        p->global = rnd(w, 2) ? 1 + rnd(w, PIECE) : 0;
    } else if (rnd(w, 3) == 0) {
        p->global = PIECE; /* one piece, as order-0 requests with no hint */
        pieces--;
    }
    nodes = pieces ? 1 + (unsigned int)rnd(w, MIN(pieces, (unsigned long)NR_NODES)) : 0;
    while ((unsigned int)__builtin_popcountll(used) < nodes)
        used |= node_bit(rnd(w, NR_NODES));
    for (unsigned int n = 0; n < NR_NODES; n++)
        if (used & node_bit(n)) {
            p->node[n] = PIECE;
            pieces--;
        }
    while (pieces) {
        unsigned int n = (unsigned int)rnd(w, NR_NODES);

        if (used & node_bit(n)) {
            p->node[n] += PIECE;
            pieces--;
        }
    }
    for (unsigned int n = 0; n < NR_NODES; n++)
        p->total += p->node[n];
    if (mode == MODE_EXACT && !p->global && p->total && rnd(w, 2)) {
        do
            p->small_node = (int)rnd(w, NR_NODES);
        while (!p->node[p->small_node]);
    }
    p->total += p->global;
}

/* The plan as a claim set, in random entry order. */
static unsigned int plan_claims(struct worker *w, const struct plan *p, memory_claim_t *set)
{
    unsigned int nr = 0;

    for (unsigned int n = 0; n < NR_NODES; n++)
        if (p->node[n])
            set[nr++] = hvt_claim(p->node[n], n);
    if (p->global)
        set[nr++] = hvt_claim(p->global, GLOBAL);
    shuffle(w, set, nr, sizeof(*set));
    return nr;
}

static nodeid_t gfn_node(struct domain *d, gfn_t gfn)
{
    mfn_t mfn = domain_gfn_to_mfn(d, gfn);

    return mfn == INVALID_MFN ? NUMA_NO_NODE : host_mfn_to_node(d->host, mfn);
}

/* Count `pages` just populated at gfn against the node they came from. */
static bool landed_at(struct worker *w, struct domain *d, gfn_t gfn, unsigned long pages,
                      unsigned long *landed)
{
    nodeid_t n = gfn_node(d, gfn);

    if (!WCHECK(w, n < NR_NODES, "d%u: gfn %#lx unmapped after populating it", d->domain_id,
                (unsigned long)gfn))
        return false;
    landed[n] += pages;
    return true;
}

/* The claim left on a node (GLOBAL: the global claim). */
static unsigned long claim_left(struct domain *d, uint32_t target)
{
    struct domain_info info;

    domain_get_info(d, &info);
    return target == GLOBAL ? info.global_claims : info.claims[target];
}

/* What the claims read back must be right after installation. */
static bool check_read_back(struct worker *w, struct domain *d, const struct plan *p)
{
    memory_claim_t got[NR_NODES + 1];
    unsigned int nr = NR_NODES + 1, i = 0;
    int rc = domain_get_claims(d, &nr, got);

    if (!WCHECK(w, rc == 0, "d%u: get_claims = %d", d->domain_id, rc))
        return false;
    for (unsigned int n = 0; n < NR_NODES; n++) {
        if (!p->node[n])
            continue;
        if (!WCHECK(w, i < nr && got[i].target == n && got[i].pages == p->node[n],
                    "d%u: entry %u reads back wrong", d->domain_id, i))
            return false;
        i++;
    }
    if (p->global && !WCHECK(w, i < nr && got[i].target == GLOBAL && got[i].pages == p->global,
                             "d%u: GLOBAL entry reads back wrong", d->domain_id))
        return false;
    return WCHECK(w, nr == i + (p->global != 0), "d%u: %u entries read back, want %u", d->domain_id,
                  nr, i + (p->global != 0));
}

/* Count an order-9 request made when unclaimed memory could not serve it. */
static void note_pressure(struct worker *w, bool pressed)
{
    if (pressed)
        atomic_fetch_add(&w->s->pressed, 1);
}

/* Pieces of the node parts in random order; each is one order-9 extent or
 * (at most one per build) 512 order-0 extents. */
struct piece {
    nodeid_t node;
    bool small;
};

static unsigned int plan_pieces(struct worker *w, const struct plan *p, struct piece *v)
{
    unsigned int nr = 0;

    for (unsigned int n = 0; n < NR_NODES; n++)
        for (unsigned long k = 0; k < p->node[n] / PIECE; k++)
            v[nr++] = (struct piece){(nodeid_t)n, (int)n == p->small_node && k == 0};
    shuffle(w, v, nr, sizeof(*v));
    return nr;
}

/* Node parts with exact-node requests, then the GLOBAL part anywhere. */
static bool populate_exact(struct worker *w, struct domain *d, const struct plan *p,
                           unsigned long *landed)
{
    struct piece v[BUDGET_PIECES];
    unsigned int nr = plan_pieces(w, p, v);
    gfn_t gfn = 0;
    int rc;

    for (unsigned int i = 0; i < nr; i++, gfn += PIECE) {
        unsigned int flags = MEMF_node(v[i].node) | MEMF_exact_node;

        for (unsigned long j = 0; v[i].small && j < PIECE; j++) {
            rc = domain_populate_extent(d, gfn + j, 0, flags, NULL);
            if (!WCHECK(w, rc == 0, "d%u: order-0 #%lu on node %u = %d", d->domain_id, j, v[i].node,
                        rc))
                return false;
        }
        if (!v[i].small) {
            note_pressure(w, hvt_node_unclaimed(d->host, v[i].node) < PIECE);
            rc = domain_populate_extent(d, gfn, 9, flags, NULL);
            if (!WCHECK(w, rc == 0, "d%u: order-9 on node %u (piece %u of %u) = %d, %lu left",
                        d->domain_id, v[i].node, i, nr, rc, claim_left(d, v[i].node)))
                return false;
        }
        landed[v[i].node] += PIECE;
        if (!WCHECK(w, gfn_node(d, gfn) == v[i].node, "d%u: exact node %u ignored", d->domain_id,
                    v[i].node))
            return false;
    }
    for (unsigned long j = 0; j < p->global; j++, gfn++) {
        rc = domain_populate_extent(d, gfn, 0, 0, NULL);
        if (!WCHECK(w, rc == 0, "d%u: GLOBAL order-0 #%lu = %d", d->domain_id, j, rc))
            return false;
        if (!landed_at(w, d, gfn, 1, landed))
            return false;
    }
    return true;
}

/*
 * No node hints at all: order 9 for the node parts, then the order-0 tail
 * (the GLOBAL entry, under 512 pages or exactly 512).  Before each of the k
 * order-9 requests left, the claims total 512k plus the tail left, and all
 * node claims are multiples of 512 except at most one (then the global
 * claim is spent): a request served on a node with a claim of 512 or more
 * retires 512 there; served elsewhere, it retires that node's claim (the
 * odd one or none), then the global claim, then from the largest node
 * claim, itself 512 or more.  So some node claim is >= 512, argument (3)
 * gives a whole free block there, and the node search reaches every node.
 */
static bool populate_no_hints(struct worker *w, struct domain *d, const struct plan *p,
                              unsigned long *landed)
{
    unsigned long pieces = (p->total - p->global) / PIECE;
    gfn_t gfn = 0;
    int rc;

    for (unsigned long i = 0; i < pieces; i++, gfn += PIECE) {
        note_pressure(w, max_node_unclaimed(d->host) < PIECE);
        rc = domain_populate_extent(d, gfn, 9, 0, NULL);
        if (!WCHECK(w, rc == 0, "d%u: order-9 #%lu of %lu = %d", d->domain_id, i, pieces, rc))
            return false;
        if (!landed_at(w, d, gfn, PIECE, landed))
            return false;
    }
    for (unsigned long j = 0; j < p->global; j++, gfn++) {
        rc = domain_populate_extent(d, gfn, 0, 0, NULL);
        if (!WCHECK(w, rc == 0, "d%u: tail order-0 #%lu = %d", d->domain_id, j, rc))
            return false;
        if (!landed_at(w, d, gfn, 1, landed))
            return false;
    }
    return true;
}

/* With recall: take what the claims still cover, falling back from order 9
 * to order 0.  An order-0 refusal is only right once the claim is gone. */
static bool populate_recall(struct worker *w, struct domain *d, const struct plan *p,
                            unsigned long *landed)
{
    gfn_t gfn = 0;
    int rc;

    for (unsigned int n = 0; n < NR_NODES; n++) {
        unsigned int flags = MEMF_node(n) | MEMF_exact_node;
        unsigned long left;

        while ((left = claim_left(d, n)) != 0) {
            if (left >= PIECE && rnd(w, 4) && domain_populate_extent(d, gfn, 9, flags, NULL) == 0) {
                landed[n] += PIECE;
                gfn += PIECE;
                continue;
            }
            rc = domain_populate_extent(d, gfn, 0, flags, NULL);
            if (rc) {
                left = claim_left(d, n);
                if (!WCHECK(w, left == 0, "d%u: order-0 on node %u = %d with %lu claimed there",
                            d->domain_id, n, rc, left))
                    return false;
                break;
            }
            landed[n]++;
            gfn++;
        }
    }
    while (claim_left(d, GLOBAL)) {
        rc = domain_populate_extent(d, gfn, 0, 0, NULL);
        if (rc) {
            unsigned long left = claim_left(d, GLOBAL);

            if (!WCHECK(w, left == 0, "d%u: GLOBAL order-0 = %d with %lu claimed", d->domain_id, rc,
                        left))
                return false;
            break;
        }
        if (!landed_at(w, d, gfn, 1, landed))
            return false;
        gfn++;
    }
    return true;
}

/* The domain holds what it was given (landed[] per node), nothing claimed. */
static bool check_holdings(struct worker *w, struct domain *d, const unsigned long *landed,
                           unsigned long total)
{
    struct domain_info info;

    domain_get_info(d, &info);
    if (!WCHECK(w, info.tot_pages == total && info.outstanding_pages == 0,
                "d%u: tot_pages %lu (want %lu), outstanding %lu (want 0)", d->domain_id,
                info.tot_pages, total, info.outstanding_pages))
        return false;
    for (unsigned int n = 0; n < NR_NODES; n++)
        if (!WCHECK(w, info.node_pages[n] == landed[n], "d%u: node_pages[%u] = %lu, want %lu",
                    d->domain_id, n, info.node_pages[n], landed[n]))
            return false;
    return true;
}

/* Release the (spent) claims, maybe unpause, give back some extents. */
static bool release_and_shrink(struct worker *w, struct domain *d, unsigned long *landed,
                               unsigned long total, unsigned long global)
{
    memory_claim_t none = hvt_claim(0, GLOBAL);
    unsigned long pieces = (total - global) / PIECE; /* the node parts */
    int rc = domain_set_node_claims(d, 1, &none);

    if (!WCHECK(w, rc == 0, "d%u: release = %d", d->domain_id, rc))
        return false;
    if (rnd(w, 2))
        domain_unpause(d);
    for (unsigned long i = 0; i < pieces; i++) {
        nodeid_t n;

        if (rnd(w, 4))
            continue;
        n = gfn_node(d, i * PIECE);
        rc = domain_decrease_extent(d, i * PIECE, 9);
        if (!WCHECK(w, rc == 0 && n < NR_NODES, "d%u: decrease piece %lu = %d", d->domain_id, i,
                    rc))
            return false;
        landed[n] -= PIECE;
        total -= PIECE;
    }
    return check_holdings(w, d, landed, total);
}

static bool build_one(struct worker *w)
{
    struct stress *s = w->s;
    struct domain_config cfg = {.max_vcpus = 1};
    memory_claim_t set[NR_NODES + 1];
    unsigned long landed[MAX_NUMNODES] = {0};
    struct plan p;
    struct domain *d = NULL;
    unsigned int nr;
    nodemask_t affinity = 0;
    domid_t id = 0;
    bool ok;
    int rc;

    make_plan(w, &p);
    nr = plan_claims(w, &p, set);
    wait_for_full_host(s);
    gate_enter(s);
    rc = domain_create(s->h, &id, &cfg);
    if (!rc) {
        d = domain_get(s->h, id);
        domain_set_max_pages(d, p.total);
        rc = domain_set_node_claims(d, nr, set);
    }
    gate_exit(s);
    if (!WCHECK(w, d != NULL, "domain_create = %d", rc))
        return false;
    w->builds++;

    for (unsigned int n = 0; n < NR_NODES; n++)
        if (p.node[n])
            affinity |= node_bit(n);
    if (!affinity || s->mode == MODE_NO_HINTS)
        affinity = 1 + rnd(w, node_bit(NR_NODES) - 1);

    ok = WCHECK(w, rc == 0, "d%u: installing %u entries, %lu pages = %d", id, nr, p.total, rc) &&
         (s->mode == MODE_OFFLINE || check_read_back(w, d, &p)) &&
         WCHECK(w, domain_set_node_affinity(d, affinity) == 0, "d%u: affinity", id);
    if (ok && s->mode == MODE_OFFLINE) {
        /* Leave the claims unused for a moment, as a slow toolstack
         * would: the offliner's chance to hit claimed free frames. */
        const struct timespec hold = {0, 2 * 1000 * 1000};

        wait_for_full_host(s);
        nanosleep(&hold, NULL);
        ok = populate_recall(w, d, &p, landed);
        if (ok) {
            struct domain_info info;

            domain_get_info(d, &info);
            w->shortfall += p.total - info.tot_pages;
            ok = check_holdings(w, d, landed, info.tot_pages);
        }
    } else if (ok) {
        wait_for_full_host(s);
        ok = (s->mode == MODE_EXACT ? populate_exact : populate_no_hints)(w, d, &p, landed) &&
             check_holdings(w, d, landed, p.total) &&
             release_and_shrink(w, d, landed, p.total, p.global);
    }
    rc = domain_destroy(s->h, id);
    ok = WCHECK(w, rc == 0, "d%u: destroy = %d", id, rc) && ok;
    domain_put(d);
    return ok;
}

/* Has the run shown what it is for: requests that only claims could
 * serve, or (with offlining) recalls? */
static bool goal_met(struct stress *s)
{
    struct host_counters c;

    if (s->mode != MODE_OFFLINE)
        return atomic_load(&s->pressed) != 0;
    host_get_counters(s->h, &c);
    return c.stats.claims_recalled != 0;
}

/* Build until the deadline, then go on (up to twice as long again) until
 * the goal is met: a slow or busy machine gets more time, not a failure. */
static void *builder_main(void *arg)
{
    struct worker *w = arg;
    struct stress *s = w->s;

    while (build_one(w)) {
        double t = now_s();

        if (w->builds >= MIN_BUILDS && t >= s->deadline &&
            (t >= s->deadline + 2 * CASE_SECONDS || goal_met(s)))
            break;
    }
    return NULL;
}

/* ---- The cases -------------------------------------------------------- */

static void start(struct worker *w, struct stress *s, unsigned int id, uint64_t seed,
                  void *(*fn)(void *))
{
    w->s = s;
    w->id = id;
    test_rng_init(&w->rng, seed * 0x9E3779B97F4A7C15ULL + id);
    if (pthread_create(&w->thread, NULL, fn, w))
        test_fail(__FILE__, __LINE__, "pthread_create failed");
}

static void report(struct worker *w, const char *what)
{
    if (w->nr_fail)
        test_fail(__FILE__, __LINE__, "%s: %s (%u failures)", what, w->fail, w->nr_fail);
}

/*
 * Run builders against noise on a NR_NODES-node host of node_mib MiB each,
 * with a reserve domain claiming RESERVE per node when `reserve`.  Checks
 * the outcome and that the host is back where it started.
 */
static void run(enum mode mode, unsigned long node_mib, bool reserve)
{
    struct stress *s = calloc(1, sizeof(*s));
    struct host_config cfg = {.check_level = CHECK_ACCOUNTING, .xen_pages_per_domain = XEN_PAGES};
    struct host_counters before, after;
    unsigned long builds = 0, shortfall = 0;
    struct domain *rd = NULL;
    uint64_t seed = test_seed();
    char topo[128];
    double t0 = now_s();

    ASSERT_TRUE(s != NULL);
    snprintf(topo, sizeof(topo), "%luM,%luM,%luM,%luM", node_mib, node_mib, node_mib, node_mib);
    s->h = hvt_host_cfg(topo, &cfg);
    ASSERT_TRUE(s->h != NULL);
    s->mode = mode;
    s->noise_free_pct = mode == MODE_OFFLINE ? 5 : 30;
    /* Offlining needs nodes full to the last page to force recalls. */
    s->small_max = mode == MODE_OFFLINE ? NOISE_SLOTS / 2 : NOISE_SMALL_MAX;
    s->deadline = t0 + CASE_SECONDS;
    host_get_counters(s->h, &before);

    if (reserve) {
        memory_claim_t set[NR_NODES];

        rd = hvt_domain(s->h, NR_NODES * RESERVE);
        ASSERT_TRUE(rd != NULL);
        for (unsigned int n = 0; n < NR_NODES; n++)
            set[n] = hvt_claim(RESERVE, n);
        ASSERT_EQ(domain_set_node_claims(rd, NR_NODES, set), 0);
    }

    for (unsigned int i = 0; i < NR_BUILDERS; i++)
        start(&s->builder[i], s, i, seed, builder_main);
    start(&s->noise_heap, s, 10, seed, noise_heap_main);
    start(&s->noise_dom, s, 11, seed, noise_domain_main);
    start(&s->scrubber, s, 12, seed, scrubber_main);
    if (mode == MODE_OFFLINE)
        start(&s->offliner, s, 13, seed, offliner_main);
    for (unsigned int i = 0; i < NR_BUILDERS; i++) {
        pthread_join(s->builder[i].thread, NULL);
        report(&s->builder[i], "builder");
        builds += s->builder[i].builds;
        shortfall += s->builder[i].shortfall;
    }
    atomic_store(&s->stop, true);
    pthread_join(s->noise_heap.thread, NULL);
    pthread_join(s->noise_dom.thread, NULL);
    pthread_join(s->scrubber.thread, NULL);
    if (mode == MODE_OFFLINE)
        pthread_join(s->offliner.thread, NULL);
    report(&s->noise_heap, "noise (heap)");
    report(&s->noise_dom, "noise (domain)");
    report(&s->offliner, "offliner");

    host_get_counters(s->h, &after);
    test_note("%.1f s: %lu builds; noise %lu+%lu allocations, %lu+%lu refused; refused by "
              "claims: %lu host-wide, %lu node skips; %lu pages scrubbed idle",
              now_s() - t0, builds, s->noise_heap.ok, s->noise_dom.ok, s->noise_heap.failed,
              s->noise_dom.failed, after.stats.refused_global_check, after.stats.refused_node_check,
              after.stats.pages_scrubbed_idle);
    /* The builders got through a fair number of builds while the noise
     * really ran out of unclaimed memory. */
    EXPECT_GE(builds, (unsigned long)NR_BUILDERS * MIN_BUILDS);
    EXPECT_GT(s->noise_heap.failed + s->noise_dom.failed, 0ul);
    if (mode == MODE_OFFLINE) {
        test_note("%lu frames offlined while free, %lu pages of claims recalled, shortfall %lu",
                  s->offliner.ok, after.stats.claims_recalled, shortfall);
        /* Recalls happened, and every page a build fell short by was
         * recalled from it. */
        EXPECT_GT(after.stats.claims_recalled, 0ul);
        EXPECT_EQ(shortfall, after.stats.claims_recalled);
    } else {
        /* Some order-9 requests found too little unclaimed memory for
         * themselves: only the claims could (and did) serve them. */
        test_note("%lu order-9 requests needed their claims", atomic_load(&s->pressed));
        EXPECT_GT(atomic_load(&s->pressed), 0ul);
        EXPECT_EQ(after.stats.claims_recalled, 0ul);
    }

    /* Deep check with few live domains (it takes every domain's lock). */
    hvt_expect_invariants(s->h);
    if (rd) {
        EXPECT_EQ(domain_claims_total(rd), (unsigned long)NR_NODES * RESERVE);
        EXPECT_EQ(domain_destroy(s->h, rd->domain_id), 0);
        domain_put(rd);
    }
    host_get_counters(s->h, &after);
    EXPECT_EQ(after.total_avail_pages, before.total_avail_pages);
    EXPECT_EQ(after.outstanding_claims, 0ul);
    for (unsigned int n = 0; n < NR_NODES; n++) {
        EXPECT_EQ(after.node_avail_pages[n], before.node_avail_pages[n]);
        EXPECT_EQ(after.node_outstanding_claims[n], 0ul);
        EXPECT_EQ(after.node_offlined[n], 0ul);
    }
    hvt_expect_invariants(s->h);
    host_destroy(s->h);
    free(s);
}

/* Sized per the argument at the top: NODE_NEED, rounded up to a MiB. */
static unsigned long guaranteed_node_mib(void)
{
    return (NODE_NEED + MiB_PAGES(1) - 1) / MiB_PAGES(1);
}

TEST(exact_node_builds_all_succeed_against_noise)
{
    run(MODE_EXACT, guaranteed_node_mib(), true);
}

TEST(no_hint_builds_get_all_memory_and_retire_claims)
{
    run(MODE_NO_HINTS, guaranteed_node_mib(), true);
}

/*
 * Offlining under concurrency, with no reserve domain: once the noise has
 * filled a node, offlining a free (hence claimed) frame forces a recall
 * from a builder.  The node size still passes argument (1) for the installs
 * (S >= NR_BUILDERS * BUDGET + NOISE_CAP + OFFLINE_MAX + hypervisor pages);
 * builds may fall short, but only by exactly the pages recalled.
 */
#define OFFLINE_NODE_MIB 256
_Static_assert(MiB_PAGES(OFFLINE_NODE_MIB) >=
                   NR_BUILDERS * BUDGET + NOISE_CAP + OFFLINE_MAX + XEN_PAGES * MAX_DOMAINS + 1,
               "offline case: installs must always fit");

TEST(offline_recall_under_concurrency)
{
    run(MODE_OFFLINE, OFFLINE_NODE_MIB, false);
}
