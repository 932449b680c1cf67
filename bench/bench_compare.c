/*
 * claimset's heap against a textbook Xen-like buddy allocator
 * (baseline.c), figure by figure: the table of docs/benchmarks.md.
 *
 *   F1  order-0 alloc + free pair that splits and re-merges a 1 GiB chunk
 *   F2  order-9 pair, the same
 *   F3  random order-0 pairs on a host kept 50% full (2 x 32 GiB)
 *   F4  public API order-0 pair: xc_domain_populate_physmap_exact() +
 *       xc_domain_decrease_reservation_exact() on an exact node, against
 *       claimset's own heap pair (F1)
 *   F5  claims in the hot path: the F1 pair on a fully claimed host
 *       against the same pair with no claim anywhere
 *   F6  1 GiB extents populated and decreased at guest frames that are
 *       not 1 GiB-aligned, against aligned ones (per GiB)
 *
 * Two ways to run it:
 *   bench_compare [--quick]           CPU time (CLOCK_PROCESS_CPUTIME_ID),
 *                                     best of several rounds
 *   bench_compare --instr             under valgrind --tool=callgrind
 *                                     --collect-atstart=no: each measured
 *                                     loop is collected and dumped under
 *                                     its own name (bench/compare.sh reads
 *                                     the dumps)
 *   bench_compare --instructions F    CPU time, plus the instruction counts
 *                                     that compare.sh wrote to F, in one
 *                                     table
 *   --only f2                         one figure (and what it is compared
 *                                     with), for profiling
 *
 * It prints figures and judges nothing.  The hosts run with the invariant
 * checker off.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#else
#define HAVE_CALLGRIND 0
#endif

#include <xenctrl.h>

#include <hv/check.h>
#include <hv/claims.h>
#include <hv/config.h>
#include <hv/domain.h>
#include <hv/heap.h>
#include <hv/host.h>

#include "baseline.h"
#include "bench_host.h"

#define GIB_FRAMES (1UL << 18)

enum fig { F1, F2, F3, F4, F5, F6, NR_FIGS };

/* What each figure compares: the claimset side against the reference. */
static const struct {
    const char *key, *what, *ref;
} fig_name[NR_FIGS] = {
    [F1] = {"f1", "order-0 pair, 1 GiB split + merge", "baseline"},
    [F2] = {"f2", "order-9 pair, same", "baseline"},
    [F3] = {"f3", "random order-0 pairs, 50% full", "baseline"},
    [F4] = {"f4", "API order-0 pair (exact node)", "heap pair"},
    [F5] = {"f5", "order-0 pair, host fully claimed", "no claims"},
    [F6] = {"f6", "1 GiB populate+decrease, gfn misaligned", "aligned"},
};

struct run {
    bool quick, instr;
    unsigned int rounds;
    /* Per figure: [0] claimset side, [1] reference side. */
    double ns[NR_FIGS][2];
    double instr_per_op[NR_FIGS][2];
    bool have_instr;
    const char *only; /* one figure's key, for profiling; NULL: all */
};

static bool wanted(const struct run *r, enum fig f)
{
    return !r->only || !strcmp(r->only, fig_name[f].key);
}

/* ---- measuring ----------------------------------------------------------- */

static double cpu_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Collection on for one measured loop (instruction mode). */
static void collect_on(const struct run *r)
{
#if HAVE_CALLGRIND
    if (r->instr)
        CALLGRIND_TOGGLE_COLLECT;
#endif
}

static void collect_off(const struct run *r)
{
#if HAVE_CALLGRIND
    if (r->instr)
        CALLGRIND_TOGGLE_COLLECT;
#endif
}

/* End of a figure side in instruction mode: one dump named
 * "<figure>-<side>:<operations>", which compare.sh divides by. */
static void dump(const struct run *r, enum fig f, int side, unsigned long ops)
{
#if HAVE_CALLGRIND
    char name[64];

    if (!r->instr)
        return;
    snprintf(name, sizeof(name), "%s-%d:%lu", fig_name[f].key, side, ops);
    CALLGRIND_DUMP_STATS_AT(name);
#else
    (void)r, (void)f, (void)side, (void)ops;
#endif
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

/* ---- claimset side -------------------------------------------------------- */

static void claim_nodes(struct domain *d, unsigned int first, unsigned int nr, struct host *h)
{
    memory_claim_t c[MAX_NUMNODES];

    for (unsigned int i = 0; i < nr; i++)
        c[i] = (memory_claim_t){.pages = bench_node_free(h, first + i), .target = first + i};
    if (domain_set_node_claims(d, nr, c))
        bench_die("domain_set_node_claims", -EINVAL);
}

static void release_claims(struct domain *d)
{
    memory_claim_t none = {.pages = 0, .target = XEN_DOMCTL_CLAIM_MEMORY_GLOBAL};

    if (domain_set_node_claims(d, 1, &none))
        bench_die("releasing claims", -EINVAL);
}

/* n heap pairs of `order` for d on node 0; caller holds page_alloc_lock. */
static void cs_pairs(struct host *h, struct domain *d, unsigned int order, unsigned long n)
{
    for (unsigned long i = 0; i < n; i++) {
        mfn_t mfn = alloc_heap_pages(h, MEMZONE_LO, NR_ZONES - 1, order, MEMF_node(0), d);

        if (mfn == INVALID_MFN)
            bench_die("alloc_heap_pages", -ENOMEM);
        free_heap_pages(h, mfn, order, d, FREE_counted);
    }
}

static void bl_pairs(struct bl_heap *b, unsigned int order, unsigned long n)
{
    for (unsigned long i = 0; i < n; i++) {
        uint64_t mfn = bl_alloc(b, order, 0, 0);

        if (mfn == BL_INVALID)
            bench_die("bl_alloc", -ENOMEM);
        bl_free(b, mfn, order);
    }
}

/* ---- F1, F2, F5: pairs on a fresh 2 x 32 GiB host ---------------------- */

static void fig_pairs(struct run *r, struct host *h, struct bl_heap *b, struct domain *d,
                      struct domain *filler)
{
    unsigned long n = r->instr ? 2000 : r->quick ? 20000 : 400000;

    hv_lock(&d->page_alloc_lock);
    for (unsigned int k = 0; k < 2; k++) {
        enum fig f = k ? F2 : F1;
        unsigned int order = k ? 9 : 0;
        unsigned long pairs = k ? n / 2 : n;

        cs_pairs(h, d, order, 100); /* warm */
        bl_pairs(b, order, 100);
        r->ns[f][0] = r->ns[f][1] = 1e30;
        for (unsigned int round = 0; round < r->rounds; round++) {
            double t0 = cpu_s();

            collect_on(r);
            cs_pairs(h, d, order, pairs);
            collect_off(r);
            r->ns[f][0] = MIN(r->ns[f][0], (cpu_s() - t0) * 1e9 / pairs);
            dump(r, f, 0, pairs);
            t0 = cpu_s();
            collect_on(r);
            bl_pairs(b, order, pairs);
            collect_off(r);
            r->ns[f][1] = MIN(r->ns[f][1], (cpu_s() - t0) * 1e9 / pairs);
            dump(r, f, 1, pairs);
        }
    }

    /* F5: the same order-0 pair with every frame of the host claimed, d
     * holding node 0's claim, so that every allocation passes through
     * d's credit and retires some of it.  The claim is put back between
     * batches, untimed, since frees do not return it. */
    r->ns[F5][0] = r->ns[F5][1] = 1e30;
    for (unsigned int round = 0; round < r->rounds; round++) {
        unsigned long done = 0, batch = MIN(n, 1UL << 20);
        double spent = 0, t0;

        /* Claims are installed and released by entry points that take
         * their own locks: never while holding d's page_alloc_lock. */
        hv_unlock(&d->page_alloc_lock);
        claim_nodes(filler, 1, h->nr_nodes - 1, h);
        while (done < n) {
            unsigned long m = MIN(batch, n - done);

            claim_nodes(d, 0, 1, h);
            hv_lock(&d->page_alloc_lock);
            t0 = cpu_s();
            collect_on(r);
            cs_pairs(h, d, 0, m);
            collect_off(r);
            spent += cpu_s() - t0;
            hv_unlock(&d->page_alloc_lock);
            done += m;
        }
        r->ns[F5][0] = MIN(r->ns[F5][0], spent * 1e9 / n);
        dump(r, F5, 0, n);
        release_claims(d);
        release_claims(filler);
        hv_lock(&d->page_alloc_lock);

        t0 = cpu_s();
        collect_on(r);
        cs_pairs(h, d, 0, n);
        collect_off(r);
        r->ns[F5][1] = MIN(r->ns[F5][1], (cpu_s() - t0) * 1e9 / n);
        dump(r, F5, 1, n);
    }
    hv_unlock(&d->page_alloc_lock);
}

/* ---- F3: random order-0 pairs at 50% occupancy ---------------------------- */

static void fig_random(struct run *r)
{
    unsigned long node_mib = r->quick ? 256 : r->instr ? 2048 : 32768;
    unsigned long node_frames = node_mib << 8, total = 2 * node_frames;
    unsigned long held_nr = total / 2, pairs = r->instr ? 20000 : r->quick ? 20000 : 1000000;
    uint32_t *held = malloc(held_nr * sizeof(*held));
    struct host *h = bench_host(2, node_mib);
    struct domain *d = bench_domain(h, total);
    struct bl_heap *b = bl_create(2, node_frames);
    uint64_t seed;

    if (!held || !b)
        bench_die("allocating the random-pairs state", -ENOMEM);
    seed = rng_state;

    /* Claimset: fill half, then the timed random pairs (free one held
     * frame, allocate another on a random preferred node). */
    hv_lock(&d->page_alloc_lock);
    for (unsigned long i = 0; i < held_nr; i++) {
        mfn_t m = alloc_heap_pages(h, MEMZONE_LO, NR_ZONES - 1, 0, MEMF_node(i & 1), d);

        if (m == INVALID_MFN)
            bench_die("alloc_heap_pages (fill)", -ENOMEM);
        held[i] = (uint32_t)m;
    }
    r->ns[F3][0] = 1e30;
    for (unsigned int round = 0; round < r->rounds + 1; round++) {
        double t0 = cpu_s();

        if (round)
            collect_on(r);
        for (unsigned long i = 0; i < pairs; i++) {
            uint64_t x = rnd();
            unsigned long k = (x >> 1) % held_nr;
            mfn_t m;

            free_heap_pages(h, held[k], 0, d, FREE_counted);
            m = alloc_heap_pages(h, MEMZONE_LO, NR_ZONES - 1, 0, MEMF_node(x & 1), d);
            if (m == INVALID_MFN)
                bench_die("alloc_heap_pages (random)", -ENOMEM);
            held[k] = (uint32_t)m;
        }
        if (round) { /* round 0 warms up and mixes */
            collect_off(r);
            r->ns[F3][0] = MIN(r->ns[F3][0], (cpu_s() - t0) * 1e9 / pairs);
            dump(r, F3, 0, pairs);
        }
    }
    for (unsigned long i = 0; i < held_nr; i++)
        free_heap_pages(h, held[i], 0, d, FREE_counted);
    hv_unlock(&d->page_alloc_lock);
    domain_put(d);
    host_destroy(h);

    /* Baseline: the same sequence of random numbers. */
    rng_state = seed;
    for (unsigned long i = 0; i < held_nr; i++) {
        uint64_t m = bl_alloc(b, 0, (unsigned int)(i & 1), 0);

        if (m == BL_INVALID)
            bench_die("bl_alloc (fill)", -ENOMEM);
        held[i] = (uint32_t)m;
    }
    r->ns[F3][1] = 1e30;
    for (unsigned int round = 0; round < r->rounds + 1; round++) {
        double t0 = cpu_s();

        if (round)
            collect_on(r);
        for (unsigned long i = 0; i < pairs; i++) {
            uint64_t x = rnd();
            unsigned long k = (x >> 1) % held_nr;
            uint64_t m;

            bl_free(b, held[k], 0);
            m = bl_alloc(b, 0, (unsigned int)(x & 1), 0);
            if (m == BL_INVALID)
                bench_die("bl_alloc (random)", -ENOMEM);
            held[k] = (uint32_t)m;
        }
        if (round) {
            collect_off(r);
            r->ns[F3][1] = MIN(r->ns[F3][1], (cpu_s() - t0) * 1e9 / pairs);
            dump(r, F3, 1, pairs);
        }
    }
    bl_destroy(b);
    free(held);
}

/* ---- F4: the public API pair ---------------------------------------------- */

static void fig_api(struct run *r)
{
    unsigned long n = r->instr ? 2000 : r->quick ? 5000 : 200000;
    struct xen_domctl_createdomain cfg = {.max_vcpus = 1};
    uint32_t domid = 0;
    xc_interface *xch;
    xen_pfn_t gfn = 0x12345;

    /* The process's host: the same shape as F1's, and like every host
     * here without the invariant checker (debug builds would check it
     * deeply after every hypercall). */
    setenv("CLAIMSET_TOPOLOGY", r->quick ? "1G,1G" : "32G,32G", 1);
    setenv("CLAIMSET_CHECK", "0", 1);
    xch = xc_interface_open(NULL, NULL, 0);
    if (!xch)
        bench_die("xc_interface_open", -errno);
    if (xc_domain_create(xch, &domid, &cfg) || xc_domain_setmaxmem(xch, domid, 1UL << 30))
        bench_die("xc_domain_create", -errno);

    r->ns[F4][0] = 1e30;
    for (unsigned int round = 0; round < r->rounds + 1; round++) {
        double t0 = cpu_s();

        if (round)
            collect_on(r);
        for (unsigned long i = 0; i < n; i++) {
            if (xc_domain_populate_physmap_exact(xch, domid, 1, 0, XENMEMF_exact_node(0), &gfn))
                bench_die("xc_domain_populate_physmap_exact", -errno);
            if (xc_domain_decrease_reservation_exact(xch, domid, 1, 0, &gfn))
                bench_die("xc_domain_decrease_reservation_exact", -errno);
        }
        if (round) {
            collect_off(r);
            r->ns[F4][0] = MIN(r->ns[F4][0], (cpu_s() - t0) * 1e9 / n);
            dump(r, F4, 0, n);
        }
    }
    xc_domain_destroy(xch, domid);
    xc_interface_close(xch);
    /* The reference is F1's claimset side, copied when the table is made. */
}

/* ---- F6: misaligned 1 GiB guest frames ------------------------------------ */

static void fig_misaligned(struct run *r)
{
    unsigned long gib = r->quick ? 1 : r->instr ? 4 : 16;
    unsigned long node_mib = r->quick ? 2048 : 32768;
    struct host *h = bench_host(2, node_mib);
    struct domain *d = bench_domain(h, 2 * (node_mib << 8));

    for (int side = 0; side < 2; side++) {
        /* side 0: misaligned by one frame; side 1: 1 GiB-aligned */
        gfn_t base = side ? 0 : 1;

        r->ns[F6][side] = 1e30;
        for (unsigned int round = 0; round < r->rounds + 1; round++) {
            double t0 = cpu_s();

            if (round)
                collect_on(r);
            for (unsigned long i = 0; i < gib; i++) {
                int rc = domain_populate_extent(d, base + i * GIB_FRAMES, 18,
                                                MEMF_node(0) | MEMF_exact_node, NULL);
                if (rc)
                    bench_die("domain_populate_extent", rc);
            }
            for (unsigned long i = 0; i < gib; i++) {
                int rc = domain_decrease_extent(d, base + i * GIB_FRAMES, 18);

                if (rc)
                    bench_die("domain_decrease_extent", rc);
            }
            if (round) {
                collect_off(r);
                r->ns[F6][side] = MIN(r->ns[F6][side], (cpu_s() - t0) * 1e9 / gib);
                dump(r, F6, side, gib);
            }
        }
    }
    domain_put(d);
    host_destroy(h);
}

/* ---- the table ------------------------------------------------------------ */

/* Lines "<figure>-<side> <instructions per operation>" from compare.sh. */
static void read_instructions(struct run *r, const char *path)
{
    FILE *f = fopen(path, "r");
    char key[32];
    double v;
    int side;

    if (!f) {
        fprintf(stderr, "bench_compare: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    while (fscanf(f, "%31[^-]-%d %lf\n", key, &side, &v) == 3)
        for (int i = 0; i < NR_FIGS; i++)
            if (!strcmp(key, fig_name[i].key) && side >= 0 && side < 2) {
                r->instr_per_op[i][side] = v;
                r->have_instr = true;
            }
    fclose(f);
}

static void print_time(double ns)
{
    if (ns >= 1e6)
        printf(" %9.2f ms", ns / 1e6);
    else if (ns >= 1e4)
        printf(" %9.2f us", ns / 1e3);
    else
        printf(" %9.1f ns", ns);
}

static void print_table(const struct run *r)
{
    printf("%-40s %-10s %13s %13s %7s", "figure", "against", "claimset", "reference", "ratio");
    if (r->have_instr)
        printf(" %12s %12s %7s", "instr", "ref instr", "ratio");
    printf("\n");
    for (int f = 0; f < NR_FIGS; f++) {
        double a = r->ns[f][0], b = r->ns[f][1];

        if (!wanted(r, f))
            continue;
        printf("%-40s %-10s", fig_name[f].what, fig_name[f].ref);
        print_time(a);
        print_time(b);
        printf(" %6.2fx", a / b);
        if (r->have_instr) {
            double ia = r->instr_per_op[f][0], ib = r->instr_per_op[f][1];

            printf(" %12.0f %12.0f %6.3fx", ia, ib, ib ? ia / ib : 0);
        }
        printf("\n");
    }
}

int main(int argc, char **argv)
{
    struct run r = {.rounds = 5};
    const char *instr_file = NULL;
    struct host *h;
    struct bl_heap *b;
    struct domain *d, *filler;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick")) {
            r.quick = true;
        } else if (!strcmp(argv[i], "--instr")) {
            r.instr = true;
        } else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
            r.only = argv[++i];
        } else if (!strcmp(argv[i], "--instructions") && i + 1 < argc) {
            instr_file = argv[++i];
        } else {
            fprintf(stderr, "usage: %s [--quick] [--instr | --instructions FILE] [--only fN]\n",
                    argv[0]);
            return strcmp(argv[i], "--help") ? 2 : 0;
        }
    }
    if (r.instr && !HAVE_CALLGRIND) {
        fprintf(stderr, "bench_compare: built without valgrind/callgrind.h\n");
        return 1;
    }
    if (r.quick || r.instr)
        r.rounds = r.instr ? 1 : 2;
    if (instr_file)
        read_instructions(&r, instr_file);

    /* F1/F2/F5 share one 2 x 32 GiB host and one baseline of that size. */
    h = bench_host(2, r.quick ? 1024 : 32768);
    b = bl_create(2, (r.quick ? 1024UL : 32768UL) << 8);
    if (!b)
        bench_die("bl_create", -ENOMEM);
    d = bench_domain(h, h->nr_frames);
    filler = bench_domain(h, h->nr_frames);
    if (wanted(&r, F1) || wanted(&r, F2) || wanted(&r, F4) || wanted(&r, F5))
        fig_pairs(&r, h, b, d, filler);
    domain_put(filler);
    domain_put(d);
    host_destroy(h);
    bl_destroy(b);

    if (wanted(&r, F3))
        fig_random(&r);
    if (wanted(&r, F4))
        fig_api(&r);
    r.ns[F4][1] = r.ns[F1][0];
    r.instr_per_op[F4][1] = r.instr_per_op[F1][0];
    if (wanted(&r, F6))
        fig_misaligned(&r);

    if (r.instr)
        return 0;
    printf("claimset against a textbook buddy heap (%s run%s; CPU time, best of %u)\n",
           r.quick ? "quick" : "full",
           config_debug ? "; DEBUG BUILD: figures are not representative" : "", r.rounds);
    print_table(&r);
    return 0;
}
