/*
 * Core benchmark: the figures the project reports (docs/benchmarks.md).
 *
 *   1. heap metadata per 4 KiB frame, by host size, and the resident
 *      memory actually used per frame after creation and after populating
 *      every frame;
 *   2. alloc_heap_pages() + free_heap_pages() pairs per second, order 0 and
 *      order 9, with no claims installed and with claims in use;
 *   3. a 1 TiB, 8-node host created, fully populated with 1 GiB extents by
 *      one claimed domain per node, and destroyed: times and peak RSS;
 *      then the same with every extent at guest frames one frame off
 *      1 GiB alignment (D102).
 *
 * It prints figures and asserts nothing about speed.  Hosts run with the
 * invariant checker off (it is what debug builds measure otherwise); build
 * in Release for meaningful numbers.  --quick shrinks everything for a
 * smoke test.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <hv/check.h>
#include <hv/claims.h>
#include <hv/config.h>
#include <hv/domain.h>
#include <hv/heap.h>
#include <hv/host.h>

#include "bench_host.h"

#define MAX_REPS 9

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU time of the calling thread: unlike wall time, it does not count
 * the time another process had the CPU, so it is steadier on a busy host. */
static double cpu_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Current resident set in bytes (VmRSS), 0 if unknown. */
static unsigned long rss_bytes(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    unsigned long kib = 0;

    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "VmRSS: %lu kB", &kib) == 1)
            break;
    fclose(f);
    return kib * 1024;
}

static unsigned long peak_rss_bytes(void)
{
    struct rusage ru;

    return getrusage(RUSAGE_SELF, &ru) ? 0 : (unsigned long)ru.ru_maxrss * 1024;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double median(double *v, unsigned int n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void claim_node(struct domain *d, unsigned int node, unsigned long pages)
{
    memory_claim_t c = {.pages = pages, .target = node};
    int rc = domain_set_node_claims(d, 1, &c);

    if (rc)
        bench_die("domain_set_node_claims", rc);
}

/*
 * Populate every free frame: one domain per node claims the whole node and
 * fills it with exact-node extents, the largest order that the claim left
 * allows (1 GiB where the node is whole), at guest frames from gfn_off.
 * Returns the extents populated; adds the physmap tables to *tables.
 */
static unsigned long populate_all(struct host *h, gfn_t gfn_off, unsigned long *tables)
{
    unsigned long extents = 0;

    for (unsigned int n = 0; n < h->nr_nodes; n++) {
        unsigned long left = bench_node_free(h, n);
        struct domain *d = bench_domain(h, left);
        gfn_t gfn = gfn_off;

        claim_node(d, n, left);
        for (unsigned int order = MAX_ORDER; left; order--) {
            while (left >= ORDER_PAGES(order)) {
                int rc =
                    domain_populate_extent(d, gfn, order, MEMF_node(n) | MEMF_exact_node, NULL);

                if (rc == -ENOMEM)
                    break; /* no chunk that large left: next order down */
                if (rc)
                    bench_die("domain_populate_extent", rc);
                gfn += ORDER_PAGES(order);
                left -= ORDER_PAGES(order);
                extents++;
            }
            if (!order)
                break;
        }
        if (left) {
            fprintf(stderr, "bench_heap: node %u: %lu frames left unpopulated\n", n, left);
            exit(1);
        }
        *tables += d->p2m.nr_tables;
        domain_put(d);
    }
    return extents;
}

/* ---- 1. Metadata and resident memory per frame ------------------------ */

static void bench_metadata(bool quick)
{
    static const unsigned long full_mib[] = {256, 4096, 65536};
    static const unsigned long quick_mib[] = {64, 256};
    const unsigned long *mib = quick ? quick_mib : full_mib;
    unsigned int nr = quick ? ARRAY_LEN(quick_mib) : ARRAY_LEN(full_mib);

    printf("\n1. Heap metadata per 4 KiB frame (4 nodes)\n");
    printf("%10s %12s %14s %12s %16s %16s\n", "host", "frames", "metadata", "bytes/frame",
           "RSS/frame create", "RSS/frame full");
    for (unsigned int i = 0; i < nr; i++) {
        unsigned long before = rss_bytes(), created, full, tables = 0;
        struct host *h = bench_host(4, mib[i]);
        double frames = (double)h->nr_frames;
        size_t meta = host_metadata_bytes(h);

        created = rss_bytes();
        populate_all(h, 0, &tables);
        full = rss_bytes();
        printf("%6lu %s %12lu %11.1f MiB %12.3f %16.3f %16.3f\n",
               mib[i] >= 256 ? mib[i] / 256 : 4 * mib[i], mib[i] >= 256 ? "GiB" : "MiB",
               (unsigned long)h->nr_frames, meta / 1048576.0, meta / frames,
               (double)(created - before) / frames, (double)(full - before) / frames);
        host_destroy(h);
    }
}

/* ---- 2. Allocate + free pairs ----------------------------------------- */

enum claims_mode { NO_CLAIMS, CLAIMS_SPARE, CLAIMS_FULL };
static const char *const mode_name[] = {
    [NO_CLAIMS] = "no claims",
    [CLAIMS_SPARE] = "claims, host has unclaimed memory",
    [CLAIMS_FULL] = "claims, host fully claimed",
};

/*
 * Time `pairs` alloc+free pairs of `order` on node 0 for d, holding its
 * page_alloc_lock around each pair.  With claims, d's claim on node 0
 * covers each batch and is put back (untimed) between batches, since
 * allocations retire it and frees do not return it.
 */
static double time_pairs(struct host *h, struct domain *d, unsigned int order, unsigned long pairs,
                         unsigned long claim)
{
    unsigned long batch = claim ? claim / ORDER_PAGES(order) : pairs;
    double spent = 0;

    while (pairs) {
        unsigned long n = MIN(batch, pairs);
        double t0;

        if (claim)
            claim_node(d, 0, claim);
        t0 = cpu_s();
        for (unsigned long i = 0; i < n; i++) {
            mfn_t mfn;

            hv_lock(&d->page_alloc_lock);
            mfn = alloc_heap_pages(h, MEMZONE_LO, NR_ZONES - 1, order, MEMF_node(0), d);
            if (mfn == INVALID_MFN)
                bench_die("alloc_heap_pages", -ENOMEM);
            free_heap_pages(h, mfn, order, d, FREE_counted);
            hv_unlock(&d->page_alloc_lock);
        }
        spent += cpu_s() - t0;
        pairs -= n;
    }
    return spent;
}

/*
 * Set up a claims mode and return d's claim on node 0 for time_pairs().
 * CLAIMS_FULL: a second domain claims every other node, so that nothing
 * is unclaimed and each request must lean on d's claim.
 */
static unsigned long set_mode(struct host *h, struct domain *d, struct domain *filler, int mode)
{
    memory_claim_t none = {.pages = 0, .target = XEN_DOMCTL_CLAIM_MEMORY_GLOBAL};
    memory_claim_t rest[MAX_NUMNODES];

    if (domain_set_node_claims(filler, 1, &none) || domain_set_node_claims(d, 1, &none))
        bench_die("releasing claims", -EINVAL);
    if (mode == CLAIMS_FULL) {
        for (unsigned int n = 1; n < h->nr_nodes; n++)
            rest[n - 1] = (memory_claim_t){.pages = bench_node_free(h, n), .target = n};
        if (domain_set_node_claims(filler, h->nr_nodes - 1, rest))
            bench_die("filler claims", -EINVAL);
    }
    if (mode == NO_CLAIMS)
        return 0;
    return mode == CLAIMS_FULL ? bench_node_free(h, 0) : bench_node_free(h, 0) / 2;
}

static void bench_pairs(bool quick)
{
    unsigned long node_mib = quick ? 1024 : 16384;
    unsigned int reps = quick ? 3 : MAX_REPS;
    struct host *h = bench_host(4, node_mib);
    struct domain *d = bench_domain(h, h->nr_frames);
    struct domain *filler = bench_domain(h, h->nr_frames);

    printf("\n2. alloc_heap_pages + free_heap_pages pairs, 4 x %lu GiB host, median of %u runs "
           "(CPU time)\n",
           node_mib / 1024, reps);
    printf("%6s  %-34s %12s %14s %10s\n", "order", "claims", "ns/pair", "pairs/s", "vs none");
    for (unsigned int order = 0; order <= 9; order += 9) {
        unsigned long pairs = (quick ? 20000UL : 500000UL) >> (order ? 2 : 0);
        double ns[CLAIMS_FULL + 1][MAX_REPS], med[CLAIMS_FULL + 1];

        /* Modes take turns within each run, so that a change in machine
         * load shifts them all alike. */
        for (unsigned int r = 0; r < reps; r++)
            for (int mode = NO_CLAIMS; mode <= CLAIMS_FULL; mode++) {
                unsigned long claim = set_mode(h, d, filler, mode);

                ns[mode][r] = time_pairs(h, d, order, pairs, claim) * 1e9 / pairs;
            }
        for (int mode = NO_CLAIMS; mode <= CLAIMS_FULL; mode++) {
            med[mode] = median(ns[mode], reps);
            printf("%6u  %-34s %12.1f %14.0f %+9.1f%%\n", order, mode_name[mode], med[mode],
                   1e9 / med[mode], (med[mode] / med[NO_CLAIMS] - 1) * 100);
        }
    }
    domain_put(filler);
    domain_put(d);
    host_destroy(h);
}

/* ---- 3. The 1 TiB host ------------------------------------------------ */

/* Wall and CPU seconds since a mark. */
struct mark {
    double wall, cpu;
};

static struct mark mark_now(void)
{
    return (struct mark){now_s(), cpu_s()};
}

static void print_since(const char *what, struct mark m, const char *extra)
{
    printf("  %-38s %9.3f s wall %9.3f s CPU%s\n", what, now_s() - m.wall, cpu_s() - m.cpu, extra);
}

/* gfn_off: where each domain's guest frames start; 1 puts every extent
 * one frame off 1 GiB alignment. */
static void bench_big_host(bool quick, gfn_t gfn_off)
{
    unsigned long node_mib = quick ? 1024 : 131072;
    struct mark start = mark_now(), m = start;
    unsigned long meta, rss, tables = 0;
    struct host *h = bench_host(8, node_mib);
    char extents[96];

    printf("\n3%s. %lu GiB host, 8 nodes, fully populated by 8 claimed domains%s\n",
           gfn_off ? "b" : "", 8 * node_mib / 1024,
           gfn_off ? ",\n    every extent one frame off 1 GiB alignment in guest frames" : "");
    print_since("create", m, "");
    m = mark_now();
    snprintf(extents, sizeof(extents), "  (%lu extents)", populate_all(h, gfn_off, &tables));
    print_since("populate (claim + exact-node order 18)", m, extents);
    printf("  %-38s %9lu (%.1f MiB)\n", "physmap tables", tables, tables * 4096 / 1048576.0);
    print_since("create + populate", start, "");
    rss = rss_bytes();
    meta = host_metadata_bytes(h);
    /* The kernel updates ru_maxrss lazily (when the RSS next drops), so
     * it may still lag the current RSS here: report the larger. */
    printf("  %-38s %9.1f MiB\n", "peak RSS (ru_maxrss)", MAX(peak_rss_bytes(), rss) / 1048576.0);
    printf("  %-38s %9.1f MiB (%.3f bytes/frame)\n", "RSS when populated", rss / 1048576.0,
           (double)rss / h->nr_frames);
    printf("  %-38s %9.1f MiB (%.3f bytes/frame)\n", "heap metadata", meta / 1048576.0,
           (double)meta / h->nr_frames);
    m = mark_now();
    host_destroy(h);
    print_since("destroy (8 domains, then the host)", m, "");
}

int main(int argc, char **argv)
{
    bool quick = false;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick")) {
            quick = true;
        } else {
            fprintf(stderr, "usage: %s [--quick]\n", argv[0]);
            return strcmp(argv[i], "--help") ? 2 : 0;
        }
    }
    printf("claimset core benchmark (%s run%s)\n", quick ? "quick" : "full",
           config_debug ? "; DEBUG BUILD: figures are not representative" : "");
    bench_metadata(quick);
    bench_pairs(quick);
    bench_big_host(quick, 0);
    bench_big_host(quick, 1);
    return 0;
}
