/*
 * The toolstack library under threads: domain builds in parallel through
 * the public API on one host (each thread with its own handle, some
 * pairs sharing one), a race for the last unclaimed memory where the
 * winners must still get every claimed page, and racing first opens of
 * the process's host.  Built for the TSan run too.
 *
 * Worker threads never call the harness (it is not thread-safe); each
 * records its first failure and the main thread reports it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "integration/test_xc_util.h"

#define NR_THREADS 8

struct worker {
    pthread_t tid;
    unsigned int index;
    xc_interface *xch;
    pthread_barrier_t *barrier;
    unsigned int rounds;
    char failure[256]; /* empty: no failure */
    int result;        /* scenario-specific outcome */
};

#define WORKER_CHECK(w, cond)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            if (!(w)->failure[0])                                                                  \
                snprintf((w)->failure, sizeof((w)->failure), "thread %u line %d: %s (errno %d)",   \
                         (w)->index, __LINE__, #cond, errno);                                      \
            return NULL;                                                                           \
        }                                                                                          \
    } while (0)

static void report(struct worker *w, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        if (w[i].failure[0])
            test_fail(__FILE__, __LINE__, "%s", w[i].failure);
}

/* Pages a domain holds on one node (0 on error). */
static uint64_t node_pages(xc_interface *xch, uint32_t domid, unsigned int node)
{
    uint64_t pages[CLAIMSET_MAX_NODES] = {0};
    unsigned int nr = CLAIMSET_MAX_NODES;

    if (claimset_domain_get_node_pages(xch, domid, &nr, pages) || node >= nr)
        return 0;
    return pages[node];
}

/* ------------------------------------------------------------------ */

#define BUILD_PAGES 1024 /* per domain: 48 x order 4 + 256 x order 0 */

/*
 * Build, check, shrink and destroy domains: even threads claim on their
 * node and populate exactly there, odd threads claim globally and
 * populate anywhere.
 */
static void *build_domains(void *arg)
{
    struct worker *w = (struct worker *)arg;
    unsigned int node = w->index % 4;
    bool on_node = w->index % 2 == 0;
    xen_pfn_t gfns[256];

    pthread_barrier_wait(w->barrier);
    for (unsigned int round = 0; round < w->rounds; round++) {
        struct xen_domctl_createdomain cfg;
        memory_claim_t claim = {.pages = BUILD_PAGES, .node = on_node ? node : XT_GLOBAL};
        memory_claim_t release = {.pages = 0, .node = XT_GLOBAL};
        unsigned int flags = on_node ? XENMEMF_exact_node(node) : 0;
        xc_domaininfo_t info;
        uint32_t domid = 0, nr = 0;
        uint8_t map[1] = {(uint8_t)(1u << node)};

        memset(&cfg, 0, sizeof(cfg));
        cfg.max_vcpus = 1;
        WORKER_CHECK(w, xc_domain_create(w->xch, &domid, &cfg) == 0);
        WORKER_CHECK(w, xc_domain_setmaxmem(w->xch, domid, BUILD_PAGES * 4) == 0);
        WORKER_CHECK(w, xc_domain_claim_memory(w->xch, domid, 1, &claim) == 0);
        if (on_node)
            WORKER_CHECK(w, xc_domain_node_setaffinity(w->xch, domid, map) == 0);

        /* 48 extents of order 4 (768 pages), then 256 of order 0. */
        for (unsigned int i = 0; i < 48; i++)
            gfns[i] = (xen_pfn_t)i << 4;
        WORKER_CHECK(w, xc_domain_populate_physmap_exact(w->xch, domid, 48, 4, flags, gfns) == 0);
        for (unsigned int i = 0; i < 256; i++)
            gfns[i] = 768 + i;
        WORKER_CHECK(w, xc_domain_populate_physmap_exact(w->xch, domid, 256, 0, flags, gfns) == 0);

        WORKER_CHECK(w, xc_domain_getinfo_single(w->xch, domid, &info) == 0);
        WORKER_CHECK(w, info.tot_pages == BUILD_PAGES);
        WORKER_CHECK(w, info.outstanding_pages == 0);
        WORKER_CHECK(w, xc_domain_get_claims(w->xch, domid, &nr, NULL) == 0 && nr == 0);
        if (on_node)
            WORKER_CHECK(w, node_pages(w->xch, domid, node) == BUILD_PAGES);
        WORKER_CHECK(w, xc_domain_claim_memory(w->xch, domid, 1, &release) == 0);
        WORKER_CHECK(w, xc_domain_unpause(w->xch, domid) == 0);

        /* Balloon down by 100 pages, then tear down. */
        for (unsigned int i = 0; i < 100; i++)
            gfns[i] = 768 + i;
        WORKER_CHECK(w, xc_domain_decrease_reservation_exact(w->xch, domid, 100, 0, gfns) == 0);
        WORKER_CHECK(w, xc_domain_destroy(w->xch, domid) == 0);
        WORKER_CHECK(w, xc_domain_getinfo_single(w->xch, domid, NULL) == -1 && errno == ESRCH);
    }
    return NULL;
}

TEST(parallel_domain_builds_through_the_public_api)
{
    claimset_host *h = xt_host_level("64M,64M,64M,64M", CLAIMSET_CHECK_COUNTERS);
    xc_interface *control = xt_open(h);
    xc_interface *own[NR_THREADS] = {0};
    struct worker w[NR_THREADS];
    pthread_barrier_t barrier;
    xc_physinfo_t before, after;

    ASSERT_TRUE(h && control);
    before = xt_physinfo(control);
    pthread_barrier_init(&barrier, NULL, NR_THREADS);
    for (unsigned int i = 0; i < NR_THREADS; i++) {
        memset(&w[i], 0, sizeof(w[i]));
        w[i].index = i;
        w[i].barrier = &barrier;
        w[i].rounds = 12;
        /* Threads 0-3 share handles in pairs; 4-7 have their own. */
        if (i < 4 && i % 2)
            w[i].xch = own[i - 1];
        else
            w[i].xch = own[i] = xt_open(h);
        ASSERT_TRUE(w[i].xch != NULL);
    }
    for (unsigned int i = 0; i < NR_THREADS; i++)
        ASSERT_EQ(pthread_create(&w[i].tid, NULL, build_domains, &w[i]), 0);
    for (unsigned int i = 0; i < NR_THREADS; i++)
        pthread_join(w[i].tid, NULL);
    pthread_barrier_destroy(&barrier);
    report(w, NR_THREADS);

    /* Everything came back; no claim is left. */
    after = xt_physinfo(control);
    EXPECT_EQ(after.outstanding_pages, 0);
    EXPECT_EQ(after.free_pages, before.free_pages);
    {
        struct claimset_xc_stats st;
        uint64_t calls = 0;

        for (unsigned int i = 0; i < NR_THREADS; i++)
            if (own[i] && claimset_xc_get_stats(own[i], &st) == 0)
                calls += st.hypercalls;
        /* At least 12 hypercalls per round and thread went through. */
        EXPECT_GE(calls, (uint64_t)NR_THREADS * 12 * 12);
    }
    for (unsigned int i = 0; i < NR_THREADS; i++)
        xc_interface_close(own[i]);
    xt_done(control, h);
}

/* ------------------------------------------------------------------ */

#define RACE_CLAIM 2000 /* 8191 free pages: exactly four claims fit */

static claimset_host *race_host;

/* Claim RACE_CLAIM pages at once with everybody; winners populate all of
 * them, losers try to populate as much as they can without a claim. */
static void *race_for_memory(void *arg)
{
    struct worker *w = (struct worker *)arg;
    memory_claim_t claim = {.pages = RACE_CLAIM, .node = XT_GLOBAL};
    struct xen_domctl_createdomain cfg;
    xen_pfn_t *gfns = (xen_pfn_t *)calloc(RACE_CLAIM, sizeof(*gfns));
    uint32_t domid = 0;
    int rc;

    WORKER_CHECK(w, gfns != NULL);
    for (unsigned int i = 0; i < RACE_CLAIM; i++)
        gfns[i] = i;
    memset(&cfg, 0, sizeof(cfg));
    cfg.max_vcpus = 1;
    WORKER_CHECK(w, xc_domain_create(w->xch, &domid, &cfg) == 0);
    WORKER_CHECK(w, xc_domain_setmaxmem(w->xch, domid, RACE_CLAIM * 4) == 0);

    pthread_barrier_wait(w->barrier);
    rc = xc_domain_claim_memory(w->xch, domid, 1, &claim);
    WORKER_CHECK(w, rc == 0 || errno == ENOMEM);
    pthread_barrier_wait(w->barrier);

    if (rc == 0) {
        /* A claim is a promise: every page of it arrives. */
        WORKER_CHECK(w,
                     xc_domain_populate_physmap_exact(w->xch, domid, RACE_CLAIM, 0, 0, gfns) == 0);
        w->result = 1;
    } else {
        rc = xc_domain_populate_physmap(w->xch, domid, RACE_CLAIM, 0, 0, gfns);
        WORKER_CHECK(w, rc >= 0 && rc < RACE_CLAIM);
        w->result = -rc; /* pages taken without a claim, negated */
    }
    free(gfns);
    return NULL;
}

TEST(racing_claims_winners_get_every_claimed_page)
{
    xc_interface *control;
    struct worker w[NR_THREADS];
    pthread_barrier_t barrier;
    int winners = 0, unclaimed_taken = 0;

    race_host = xt_host_level("16M,16M", CLAIMSET_CHECK_COUNTERS);
    control = xt_open(race_host);
    ASSERT_TRUE(control != NULL);
    ASSERT_EQ(xt_physinfo(control).free_pages, 8191);
    pthread_barrier_init(&barrier, NULL, NR_THREADS);
    for (unsigned int i = 0; i < NR_THREADS; i++) {
        memset(&w[i], 0, sizeof(w[i]));
        w[i].index = i;
        w[i].barrier = &barrier;
        w[i].xch = xt_open(race_host);
    }
    for (unsigned int i = 0; i < NR_THREADS; i++)
        ASSERT_EQ(pthread_create(&w[i].tid, NULL, race_for_memory, &w[i]), 0);
    for (unsigned int i = 0; i < NR_THREADS; i++)
        pthread_join(w[i].tid, NULL);
    pthread_barrier_destroy(&barrier);
    report(w, NR_THREADS);

    for (unsigned int i = 0; i < NR_THREADS; i++) {
        if (w[i].result > 0)
            winners++;
        else
            unclaimed_taken += -w[i].result;
        xc_interface_close(w[i].xch);
    }
    EXPECT_EQ(winners, 8191 / RACE_CLAIM);
    /* Losers shared exactly the memory nobody had claimed. */
    EXPECT_EQ(unclaimed_taken, 8191 - 4 * RACE_CLAIM);
    EXPECT_EQ(xt_physinfo(control).free_pages, 0);
    EXPECT_EQ(xt_outstanding(control), 0);
    xt_done(control, race_host);
}

/* ------------------------------------------------------------------ */

static pthread_barrier_t open_barrier;

static void *open_process_host(void *arg)
{
    xc_interface **out = (xc_interface **)arg;

    pthread_barrier_wait(&open_barrier);
    *out = xc_interface_open(NULL, NULL, 0);
    return NULL;
}

/* In a child (the process's host is made once per process). */
static int racing_first_opens(void)
{
    pthread_t t[NR_THREADS];
    xc_interface *x[NR_THREADS];
    uint32_t domid = 0;
    struct xen_domctl_createdomain cfg;

    setenv("CLAIMSET_TOPOLOGY", "16M,16M", 1);
    pthread_barrier_init(&open_barrier, NULL, NR_THREADS);
    for (unsigned int i = 0; i < NR_THREADS; i++)
        if (pthread_create(&t[i], NULL, open_process_host, &x[i]))
            return 1;
    for (unsigned int i = 0; i < NR_THREADS; i++)
        pthread_join(t[i], NULL);
    for (unsigned int i = 0; i < NR_THREADS; i++)
        if (!x[i] || claimset_xc_host(x[i]) != claimset_xc_host(x[0]))
            return 2;
    /* One host: a domain made through one handle is seen by all. */
    memset(&cfg, 0, sizeof(cfg));
    cfg.max_vcpus = 1;
    if (xc_domain_create(x[0], &domid, &cfg))
        return 3;
    for (unsigned int i = 0; i < NR_THREADS; i++)
        if (xc_domain_getinfo_single(x[i], domid, NULL))
            return 4;
    for (unsigned int i = 0; i < NR_THREADS; i++)
        xc_interface_close(x[i]);
    return 0;
}

TEST(racing_first_opens_make_one_host)
{
    pid_t pid = fork();
    int status = 0;

    ASSERT_TRUE(pid >= 0);
    if (pid == 0)
        _exit(racing_first_opens());
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
}
