/*
 * Hypervisor locks and the lock-order witness: order checks, recursion,
 * bogus releases, ownership queries, and mutual exclusion under threads.
 *
 * Witness reports are captured by a per-thread handler so that a case can
 * observe them.  The cases about the witness itself need a debug build
 * (CS_DEBUG=1); with the witness off they only note that and pass.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/config.h"
#include "hv/lock.h"
#include "hv/types.h"
#include "test.h"

/* TSan (GCC defines the first, Clang answers the second). */
#if defined(__SANITIZE_THREAD__)
#define UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UNDER_TSAN 1
#endif
#endif
#ifndef UNDER_TSAN
#define UNDER_TSAN 0
#endif

#define NEED_WITNESS()                                                                             \
    do {                                                                                           \
        if (!config_debug) {                                                                       \
            test_note("witness off (CS_DEBUG=0): nothing to check");                               \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* hv_lock_is_held() is only meaningful with the witness on. */
#define EXPECT_NOT_HELD(l)                                                                         \
    do {                                                                                           \
        if (config_debug)                                                                          \
            EXPECT_FALSE(hv_lock_is_held(l));                                                      \
    } while (0)

/*
 * Reports seen by the test's own thread.  Only that thread writes or reads
 * them (handlers are per-thread), and each case runs in its own process.
 */
static char last_report[512];
static unsigned int nr_reports;
static jmp_buf escape;

/* A pointer for EXPECT_CONTAINS (its first form tripped -Waddress on an array). */
static const char *reported(void)
{
    return last_report;
}

static void capture_report(const char *report)
{
    snprintf(last_report, sizeof(last_report), "%s", report);
    nr_reports++;
}

/* For reports after which going ahead would hang the thread on itself. */
static void capture_and_escape(const char *report)
{
    capture_report(report);
    longjmp(escape, 1);
}

static void capture_reports(void)
{
    last_report[0] = '\0';
    nr_reports = 0;
    hv_witness_set_handler(capture_report);
}

static void init_heap_lock(struct hv_lock *l)
{
    hv_lock_init(l, "heap_lock", LOCK_RANK_HEAP, 0, false);
}

static void init_page_alloc_lock(struct hv_lock *l, unsigned int domid)
{
    hv_lock_init(l, "page_alloc_lock", LOCK_RANK_PAGE_ALLOC, domid, true);
}

static void init_domlist_lock(struct hv_rwlock *l)
{
    hv_rwlock_init(l, "domlist_lock", LOCK_RANK_DOMLIST);
}

/*
 * Wait for a flag that another thread sets, giving up after a budget of
 * yields rather than of time: each yield lets the other threads run, so
 * the budget holds however busy the machine is.  True when it was set.
 */
#define WAIT_YIELDS 10000000UL

static bool wait_for(atomic_bool *flag)
{
    for (unsigned long i = 0; !atomic_load(flag); i++) {
        if (i == WAIT_YIELDS)
            return false;
        sched_yield();
    }
    return true;
}

/* Is the mutex free, as seen by another thread (which owns nothing)? */
static void *probe_mutex(void *arg)
{
    pthread_mutex_t *m = arg;
    int rc = pthread_mutex_trylock(m);

    if (rc == 0)
        pthread_mutex_unlock(m);
    return (void *)(long)rc;
}

static bool mutex_free_elsewhere(pthread_mutex_t *m)
{
    pthread_t t;
    void *rc;

    if (pthread_create(&t, NULL, probe_mutex, m) != 0)
        return false;
    pthread_join(t, &rc);
    return rc == NULL;
}

static void *probe_rwlock(void *arg)
{
    pthread_rwlock_t *l = arg;
    int rc = pthread_rwlock_trywrlock(l);

    if (rc == 0)
        pthread_rwlock_unlock(l);
    return (void *)(long)rc;
}

static bool rwlock_free_elsewhere(pthread_rwlock_t *l)
{
    pthread_t t;
    void *rc;

    if (pthread_create(&t, NULL, probe_rwlock, l) != 0)
        return false;
    pthread_join(t, &rc);
    return rc == NULL;
}

TEST(witness_fires_on_heap_lock_then_page_alloc_lock)
{
    struct hv_lock heap, pa;

    NEED_WITNESS();
    capture_reports();
    init_heap_lock(&heap);
    init_page_alloc_lock(&pa, 3);

    hv_lock(&heap);
    EXPECT_EQ(nr_reports, 0u);
    hv_lock(&pa);
    EXPECT_EQ(nr_reports, 1u);
    EXPECT_STREQ(last_report, "lock order violation: taking 'page_alloc_lock' (rank 20, subkey 3) "
                              "while holding 'heap_lock' (rank 30, subkey 0)");
    /* The acquisition went ahead after the handler returned. */
    EXPECT_TRUE(hv_lock_is_held(&pa));
    EXPECT_TRUE(hv_lock_is_held(&heap));

    /* Release out of order: the witness removes the right entry. */
    hv_unlock(&heap);
    EXPECT_FALSE(hv_lock_is_held(&heap));
    EXPECT_TRUE(hv_lock_is_held(&pa));
    hv_unlock(&pa);
    EXPECT_FALSE(hv_lock_is_held(&pa));
    EXPECT_EQ(nr_reports, 1u);

    hv_lock_destroy(&pa);
    hv_lock_destroy(&heap);
}

TEST(witness_fires_on_domlist_lock_after_heap_lock)
{
    struct hv_lock heap;
    struct hv_rwlock dl;

    NEED_WITNESS();
    capture_reports();
    init_heap_lock(&heap);
    init_domlist_lock(&dl);

    hv_lock(&heap);
    hv_read_lock(&dl);
    EXPECT_EQ(nr_reports, 1u);
    EXPECT_STREQ(last_report, "lock order violation: taking 'domlist_lock' (rank 10, subkey 0) "
                              "while holding 'heap_lock' (rank 30, subkey 0)");
    hv_read_unlock(&dl);
    hv_unlock(&heap);
    EXPECT_EQ(nr_reports, 1u);

    hv_rwlock_destroy(&dl);
    hv_lock_destroy(&heap);
}

TEST(witness_silent_on_page_alloc_lock_then_heap_lock)
{
    struct hv_lock heap, pa;

    capture_reports();
    init_heap_lock(&heap);
    init_page_alloc_lock(&pa, 3);

    hv_lock(&pa);
    hv_lock(&heap);
    EXPECT_TRUE(hv_lock_is_held(&pa));
    EXPECT_TRUE(hv_lock_is_held(&heap));
    hv_unlock(&heap);
    EXPECT_NOT_HELD(&heap);
    hv_unlock(&pa);
    EXPECT_NOT_HELD(&pa);
    EXPECT_EQ(nr_reports, 0u);
    EXPECT_STREQ(last_report, "");

    hv_lock_destroy(&pa);
    hv_lock_destroy(&heap);
}

TEST(witness_silent_on_domlist_then_page_alloc_then_heap)
{
    struct hv_lock heap, pa;
    struct hv_rwlock dl;

    capture_reports();
    init_heap_lock(&heap);
    init_page_alloc_lock(&pa, 1);
    init_domlist_lock(&dl);

    hv_read_lock(&dl);
    EXPECT_TRUE(hv_lock_is_held(&dl));
    hv_lock(&pa);
    hv_lock(&heap);
    hv_unlock(&heap);
    hv_unlock(&pa);
    hv_read_unlock(&dl);
    EXPECT_NOT_HELD(&dl);

    hv_write_lock(&dl);
    EXPECT_TRUE(hv_lock_is_held(&dl));
    hv_lock(&pa);
    hv_lock(&heap);
    /* Release in acquisition order this time. */
    hv_write_unlock(&dl);
    hv_unlock(&pa);
    hv_unlock(&heap);
    EXPECT_NOT_HELD(&dl);
    EXPECT_NOT_HELD(&pa);
    EXPECT_NOT_HELD(&heap);

    EXPECT_EQ(nr_reports, 0u);
    EXPECT_STREQ(last_report, "");
    EXPECT_TRUE(rwlock_free_elsewhere(&dl.rwlock));
    EXPECT_TRUE(mutex_free_elsewhere(&pa.mutex));
    EXPECT_TRUE(mutex_free_elsewhere(&heap.mutex));

    hv_rwlock_destroy(&dl);
    hv_lock_destroy(&pa);
    hv_lock_destroy(&heap);
}

TEST(witness_silent_on_ascending_page_alloc_subkeys)
{
    struct hv_lock heap, pa1, pa2, pa7;

    capture_reports();
    init_heap_lock(&heap);
    init_page_alloc_lock(&pa1, 1);
    init_page_alloc_lock(&pa2, 2);
    init_page_alloc_lock(&pa7, 7);

    hv_lock(&pa1);
    hv_lock(&pa2);
    hv_lock(&pa7);
    hv_lock(&heap);
    hv_unlock(&heap);
    hv_unlock(&pa2);
    hv_unlock(&pa1);
    hv_unlock(&pa7);
    EXPECT_EQ(nr_reports, 0u);
    EXPECT_STREQ(last_report, "");

    hv_lock_destroy(&pa7);
    hv_lock_destroy(&pa2);
    hv_lock_destroy(&pa1);
    hv_lock_destroy(&heap);
}

TEST(witness_fires_on_descending_page_alloc_subkeys)
{
    struct hv_lock pa2, pa5, pa5b;

    NEED_WITNESS();
    capture_reports();
    init_page_alloc_lock(&pa2, 2);
    init_page_alloc_lock(&pa5, 5);
    init_page_alloc_lock(&pa5b, 5);

    hv_lock(&pa5);
    hv_lock(&pa2);
    EXPECT_EQ(nr_reports, 1u);
    EXPECT_STREQ(last_report, "lock order violation: taking 'page_alloc_lock' (rank 20, subkey 2) "
                              "while holding 'page_alloc_lock' (rank 20, subkey 5)");
    hv_unlock(&pa2);

    /* Equal rank and subkey is no order either. */
    hv_lock(&pa5b);
    EXPECT_EQ(nr_reports, 2u);
    EXPECT_STREQ(last_report, "lock order violation: taking 'page_alloc_lock' (rank 20, subkey 5) "
                              "while holding 'page_alloc_lock' (rank 20, subkey 5)");
    hv_unlock(&pa5b);
    hv_unlock(&pa5);
    EXPECT_EQ(nr_reports, 2u);

    hv_lock_destroy(&pa5b);
    hv_lock_destroy(&pa5);
    hv_lock_destroy(&pa2);
}

TEST(recursive_page_alloc_lock_reentry_silent_and_unwinds)
{
    struct hv_lock heap, heap2, pa;

    capture_reports();
    init_heap_lock(&heap);
    init_heap_lock(&heap2);
    init_page_alloc_lock(&pa, 4);

    hv_lock(&pa);
    hv_lock(&heap);
    /* Re-entry while holding a higher rank: owned already, not order-checked. */
    hv_lock(&pa);
    hv_lock(&pa);
    EXPECT_EQ(nr_reports, 0u);

    hv_unlock(&pa);
    EXPECT_TRUE(hv_lock_is_held(&pa));
    hv_unlock(&heap);
    EXPECT_TRUE(hv_lock_is_held(&pa));
    hv_unlock(&pa);
    EXPECT_TRUE(hv_lock_is_held(&pa));
    EXPECT_FALSE(mutex_free_elsewhere(&pa.mutex));
    hv_unlock(&pa);
    EXPECT_NOT_HELD(&pa);
    EXPECT_TRUE(mutex_free_elsewhere(&pa.mutex));
    EXPECT_EQ(nr_reports, 0u);

    /*
     * Fully released: taking it under a heap lock is an inversion again.
     * (Another heap lock, so that TSan's own deadlock detector does not see
     * the pa -> heap -> pa cycle that this deliberately builds.)
     */
    if (config_debug) {
        hv_lock(&heap2);
        hv_lock(&pa);
        EXPECT_EQ(nr_reports, 1u);
        EXPECT_CONTAINS(reported(), "taking 'page_alloc_lock' (rank 20, subkey 4)");
        hv_unlock(&pa);
        hv_unlock(&heap2);
    }

    hv_lock_destroy(&pa);
    hv_lock_destroy(&heap2);
    hv_lock_destroy(&heap);
}

TEST(witness_fires_on_nonrecursive_reacquire)
{
    struct hv_lock heap;
    pthread_mutexattr_t attr;

    NEED_WITNESS();
    capture_reports();
    init_heap_lock(&heap);
    /*
     * Going ahead would hang on ourselves.  An error-checking mutex fails
     * instead (EDEADLK, which hv_lock() turns into an abort), so a missing
     * report fails the case at once, on any machine.
     */
    ASSERT_EQ(pthread_mutex_destroy(&heap.mutex), 0);
    ASSERT_EQ(pthread_mutexattr_init(&attr), 0);
    ASSERT_EQ(pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK), 0);
    ASSERT_EQ(pthread_mutex_init(&heap.mutex, &attr), 0);
    pthread_mutexattr_destroy(&attr);

    hv_lock(&heap);
    hv_witness_set_handler(capture_and_escape);
    if (!setjmp(escape)) {
        hv_lock(&heap);
        test_fail(__FILE__, __LINE__, "re-acquisition returned");
    }
    hv_witness_set_handler(capture_report);

    EXPECT_EQ(nr_reports, 1u);
    EXPECT_STREQ(last_report, "recursive acquisition of non-recursive lock 'heap_lock'");
    /* Still held once; one release frees it. */
    EXPECT_TRUE(hv_lock_is_held(&heap));
    hv_unlock(&heap);
    EXPECT_FALSE(hv_lock_is_held(&heap));
    EXPECT_TRUE(mutex_free_elsewhere(&heap.mutex));
    EXPECT_EQ(nr_reports, 1u);

    hv_lock_destroy(&heap);
}

TEST(witness_fires_on_rwlock_reacquire)
{
    struct hv_rwlock dl;

    NEED_WITNESS();
    capture_reports();
    init_domlist_lock(&dl);

    /* Read inside read: glibc lets it through, the design forbids it. */
    hv_read_lock(&dl);
    hv_read_lock(&dl);
    EXPECT_EQ(nr_reports, 1u);
    EXPECT_STREQ(last_report, "recursive acquisition of non-recursive lock 'domlist_lock' "
                              "(held for read, taking for read)");
    hv_read_unlock(&dl);
    EXPECT_TRUE(hv_lock_is_held(&dl));
    hv_read_unlock(&dl);
    EXPECT_FALSE(hv_lock_is_held(&dl));
    EXPECT_TRUE(rwlock_free_elsewhere(&dl.rwlock));

    /* Read inside write would fail (EDEADLK); leave from the handler. */
    hv_write_lock(&dl);
    hv_witness_set_handler(capture_and_escape);
    if (!setjmp(escape)) {
        hv_read_lock(&dl);
        test_fail(__FILE__, __LINE__, "re-acquisition returned");
    }
    hv_witness_set_handler(capture_report);
    EXPECT_EQ(nr_reports, 2u);
    EXPECT_STREQ(last_report, "recursive acquisition of non-recursive lock 'domlist_lock' "
                              "(held for write, taking for read)");
    hv_write_unlock(&dl);
    EXPECT_FALSE(hv_lock_is_held(&dl));
    EXPECT_TRUE(rwlock_free_elsewhere(&dl.rwlock));
    EXPECT_EQ(nr_reports, 2u);

    hv_rwlock_destroy(&dl);
}

/* A thread that holds a lock until told to let go (or gives up waiting). */
struct holder {
    struct hv_lock *lock;
    atomic_bool *release;
    atomic_bool holding;
    bool timed_out;
};

static void *hold_until_told(void *arg)
{
    struct holder *h = arg;

    hv_lock(h->lock);
    atomic_store(&h->holding, true);
    h->timed_out = !wait_for(h->release);
    hv_unlock(h->lock);
    return NULL;
}

TEST(witness_fires_on_unlock_of_unheld_lock)
{
    atomic_bool release = false;
    struct holder h = {.release = &release};
    struct hv_lock heap;
    struct hv_rwlock dl;
    pthread_t t;

    NEED_WITNESS();
    capture_reports();
    init_heap_lock(&heap);
    init_domlist_lock(&dl);

    hv_unlock(&heap);
    EXPECT_EQ(nr_reports, 1u);
    EXPECT_STREQ(last_report, "unlock of 'heap_lock', which this thread does not hold");
    hv_read_unlock(&dl);
    EXPECT_EQ(nr_reports, 2u);
    EXPECT_STREQ(last_report, "unlock of 'domlist_lock', which this thread does not hold");

    /* The bogus releases were not passed on: the locks still work. */
    hv_lock(&heap);
    hv_unlock(&heap);
    hv_write_lock(&dl);
    hv_write_unlock(&dl);
    EXPECT_EQ(nr_reports, 2u);

    /* Releasing another thread's lock does not end its critical section. */
    h.lock = &heap;
    ASSERT_EQ(pthread_create(&t, NULL, hold_until_told, &h), 0);
    EXPECT_TRUE(wait_for(&h.holding));
    hv_unlock(&heap);
    EXPECT_EQ(nr_reports, 3u);
    EXPECT_STREQ(last_report, "unlock of 'heap_lock', which this thread does not hold");
    EXPECT_EQ(pthread_mutex_trylock(&heap.mutex), EBUSY);
    atomic_store(&release, true);
    pthread_join(t, NULL);
    EXPECT_FALSE(h.timed_out);
    EXPECT_TRUE(mutex_free_elsewhere(&heap.mutex));

    hv_rwlock_destroy(&dl);
    hv_lock_destroy(&heap);
}

TEST(witness_fires_on_rwlock_release_of_wrong_kind)
{
    struct hv_rwlock dl;

    NEED_WITNESS();
    capture_reports();
    init_domlist_lock(&dl);

    hv_write_lock(&dl);
    hv_read_unlock(&dl);
    EXPECT_EQ(nr_reports, 1u);
    EXPECT_STREQ(last_report, "'domlist_lock' is held for write but released as a read lock");
    /* The release itself went ahead. */
    EXPECT_FALSE(hv_lock_is_held(&dl));
    EXPECT_TRUE(rwlock_free_elsewhere(&dl.rwlock));

    hv_rwlock_destroy(&dl);
}

/*
 * The deep checker's nesting at its largest: the domain list, the
 * page_alloc_lock of every domain the host allows (ascending domid), then
 * heap_lock.  The witness follows all of it, still catches an inversion at
 * that depth, and a release from the middle removes the right entry.
 */
TEST(witness_follows_every_domain_lock_at_once)
{
    const unsigned int n = DOMID_FIRST_RESERVED;
    struct hv_lock *locks, heap, late;
    struct hv_rwlock dl;
    char want[160];

    NEED_WITNESS();
    if (UNDER_TSAN) {
        /* Its deadlock detector fails a CHECK above 64 mutexes held by one thread. */
        test_note("skipped under TSan: it cannot follow more than 64 held mutexes");
        return;
    }
    locks = calloc(n, sizeof(*locks));
    ASSERT_TRUE(locks != NULL);
    capture_reports();
    init_domlist_lock(&dl);
    init_heap_lock(&heap);

    hv_read_lock(&dl);
    for (unsigned int i = 0; i < n; i++) {
        init_page_alloc_lock(&locks[i], i);
        hv_lock(&locks[i]);
    }
    hv_lock(&heap);
    EXPECT_EQ(nr_reports, 0u);
    EXPECT_STREQ(last_report, "");
    EXPECT_TRUE(hv_lock_is_held(&dl));
    EXPECT_TRUE(hv_lock_is_held(&locks[0]));
    EXPECT_TRUE(hv_lock_is_held(&locks[n / 2]));
    EXPECT_TRUE(hv_lock_is_held(&locks[n - 1]));

    /* Re-entry deep down is no inversion. */
    hv_lock(&locks[n / 3]);
    hv_unlock(&locks[n / 3]);
    EXPECT_EQ(nr_reports, 0u);
    EXPECT_TRUE(hv_lock_is_held(&locks[n / 3]));

    /* Another lock with a held key: caught, naming the held one. */
    init_page_alloc_lock(&late, n / 2);
    hv_lock(&late);
    EXPECT_EQ(nr_reports, 1u);
    snprintf(want, sizeof(want),
             "lock order violation: taking 'page_alloc_lock' (rank 20, subkey %u) while holding "
             "'page_alloc_lock' (rank 20, subkey %u)",
             n / 2, n / 2);
    EXPECT_STREQ(last_report, want);
    hv_unlock(&late);
    EXPECT_TRUE(mutex_free_elsewhere(&late.mutex));
    EXPECT_FALSE(mutex_free_elsewhere(&locks[n / 2].mutex));
    hv_lock_destroy(&late);

    /* Out of order from the middle, then the rest newest first. */
    hv_unlock(&locks[n / 2]);
    EXPECT_FALSE(hv_lock_is_held(&locks[n / 2]));
    EXPECT_TRUE(hv_lock_is_held(&locks[n / 2 + 1]));
    hv_unlock(&heap);
    for (unsigned int i = n; i-- > 0;) {
        if (i != n / 2)
            hv_unlock(&locks[i]);
        hv_lock_destroy(&locks[i]); /* BUG_ON if the mutex was not released */
    }
    hv_read_unlock(&dl);
    EXPECT_EQ(nr_reports, 1u);
    EXPECT_FALSE(hv_lock_is_held(&locks[0]));
    EXPECT_FALSE(hv_lock_is_held(&dl));
    EXPECT_TRUE(rwlock_free_elsewhere(&dl.rwlock));
    hv_rwlock_destroy(&dl);
    hv_lock_destroy(&heap);
    free(locks);
}

struct held_probe {
    const void *locks[3];
    bool held[3];
};

static void *probe_held(void *arg)
{
    struct held_probe *p = arg;

    for (int i = 0; i < 3; i++)
        p->held[i] = hv_lock_is_held(p->locks[i]);
    return NULL;
}

TEST(is_held_false_in_other_thread)
{
    struct held_probe p;
    struct hv_lock heap, pa;
    struct hv_rwlock dl;
    pthread_t t;

    NEED_WITNESS();
    capture_reports();
    init_heap_lock(&heap);
    init_page_alloc_lock(&pa, 9);
    init_domlist_lock(&dl);

    hv_read_lock(&dl);
    hv_lock(&pa);
    hv_lock(&pa);
    hv_lock(&heap);
    p = (struct held_probe){.locks = {&dl, &pa, &heap}};
    ASSERT_EQ(pthread_create(&t, NULL, probe_held, &p), 0);
    pthread_join(t, NULL);
    for (int i = 0; i < 3; i++) {
        EXPECT_FALSE(p.held[i]);
        EXPECT_TRUE(hv_lock_is_held(p.locks[i]));
    }
    hv_unlock(&heap);
    hv_unlock(&pa);
    hv_unlock(&pa);
    hv_read_unlock(&dl);
    EXPECT_EQ(nr_reports, 0u);

    hv_rwlock_destroy(&dl);
    hv_lock_destroy(&pa);
    hv_lock_destroy(&heap);
}

TEST(is_held_true_without_witness)
{
    struct hv_lock heap;

    if (config_debug) {
        test_note("witness on: covered by the other cases");
        return;
    }
    init_heap_lock(&heap);
    EXPECT_TRUE(hv_lock_is_held(&heap));
    hv_lock_destroy(&heap);
}

/*
 * The inversion must be reported before the thread blocks on the lock:
 * were another thread holding it, a check made after blocking would never
 * run, and the deadlock the witness exists to explain would be silent.
 * So at the report the lock must still be free for another thread.
 */
static struct hv_lock *probed;
static bool free_at_report;

static void probe_at_report(const char *report)
{
    capture_report(report);
    free_at_report = mutex_free_elsewhere(&probed->mutex);
}

TEST(witness_reports_inversion_before_blocking)
{
    struct hv_lock heap, pa;

    NEED_WITNESS();
    capture_reports();
    init_heap_lock(&heap);
    init_page_alloc_lock(&pa, 1);

    hv_lock(&heap);
    probed = &pa;
    free_at_report = false;
    hv_witness_set_handler(probe_at_report);
    hv_lock(&pa);
    hv_witness_set_handler(capture_report);
    EXPECT_EQ(nr_reports, 1u);
    EXPECT_TRUE(free_at_report);
    EXPECT_CONTAINS(reported(),
                    "lock order violation: taking 'page_alloc_lock' (rank 20, subkey 1)");
    /* And then it was taken. */
    EXPECT_FALSE(mutex_free_elsewhere(&pa.mutex));
    hv_unlock(&pa);
    hv_unlock(&heap);

    hv_lock_destroy(&pa);
    hv_lock_destroy(&heap);
}

/* ---- Threads ---------------------------------------------------------- */

#define NR_THREADS 4
#define ITERATIONS 20000

struct shared {
    struct hv_lock heap_lock;
    struct hv_lock page_alloc_lock[NR_THREADS];
    pthread_barrier_t start;
    unsigned long counter;                 /* under heap_lock */
    unsigned long dom_counter[NR_THREADS]; /* under page_alloc_lock[i] */
    atomic_uint inside;                    /* threads inside heap_lock */
    atomic_uint violations;
    atomic_uint reports;
};

static struct shared *shared;

static void count_report(const char *report)
{
    atomic_fetch_add(&shared->reports, 1);
    fprintf(stderr, "  # unexpected witness report: %s\n", report);
}

struct worker {
    struct shared *s;
    unsigned int id;
};

static void *mutex_worker(void *arg)
{
    struct worker *w = arg;
    struct shared *s = w->s;
    struct hv_lock *pa = &s->page_alloc_lock[w->id];

    hv_witness_set_handler(count_report);
    pthread_barrier_wait(&s->start);
    for (unsigned int i = 0; i < ITERATIONS; i++) {
        unsigned long v;

        hv_lock(pa);
        if (i % 8 == 0)
            hv_lock(pa); /* re-entry, as nested page_alloc_lock users do */
        s->dom_counter[w->id]++;
        hv_lock(&s->heap_lock);
        if (atomic_fetch_add(&s->inside, 1) != 0)
            atomic_fetch_add(&s->violations, 1);
        /* A split read-modify-write: loses updates without exclusion. */
        v = *(volatile unsigned long *)&s->counter;
        if (i % 64 == 0)
            sched_yield();
        *(volatile unsigned long *)&s->counter = v + 1;
        atomic_fetch_sub(&s->inside, 1);
        hv_unlock(&s->heap_lock);
        if (i % 8 == 0)
            hv_unlock(pa);
        hv_unlock(pa);
    }
    if (config_debug && hv_lock_is_held(pa))
        atomic_fetch_add(&s->violations, 1);
    return NULL;
}

TEST(threads_page_alloc_lock_then_heap_lock_mutual_exclusion)
{
    struct worker w[NR_THREADS];
    pthread_t t[NR_THREADS];
    struct shared *s = calloc(1, sizeof(*s));

    ASSERT_TRUE(s != NULL);
    shared = s;
    init_heap_lock(&s->heap_lock);
    for (unsigned int i = 0; i < NR_THREADS; i++)
        init_page_alloc_lock(&s->page_alloc_lock[i], i + 1);
    ASSERT_EQ(pthread_barrier_init(&s->start, NULL, NR_THREADS), 0);

    for (unsigned int i = 0; i < NR_THREADS; i++) {
        w[i] = (struct worker){s, i};
        ASSERT_EQ(pthread_create(&t[i], NULL, mutex_worker, &w[i]), 0);
    }
    for (unsigned int i = 0; i < NR_THREADS; i++)
        pthread_join(t[i], NULL);

    EXPECT_EQ(s->counter, (unsigned long)NR_THREADS * ITERATIONS);
    for (unsigned int i = 0; i < NR_THREADS; i++)
        EXPECT_EQ(s->dom_counter[i], (unsigned long)ITERATIONS);
    EXPECT_EQ(atomic_load(&s->violations), 0u);
    EXPECT_EQ(atomic_load(&s->reports), 0u);

    pthread_barrier_destroy(&s->start);
    for (unsigned int i = 0; i < NR_THREADS; i++)
        hv_lock_destroy(&s->page_alloc_lock[i]);
    hv_lock_destroy(&s->heap_lock);
    free(s);
    shared = NULL;
}

#define NR_READERS    3
#define NR_WRITERS    2
#define RW_ITERATIONS 5000

struct rw_shared {
    struct hv_rwlock domlist_lock;
    pthread_barrier_t start;
    atomic_uint readers_inside;
    atomic_uint writers_inside;
    atomic_bool all_inside; /* phase 1: every reader held the lock at once */
    atomic_uint violations;
    atomic_uint reports;
    unsigned long a, b; /* written under the write lock, always equal outside it */
};

static struct rw_shared *rw_shared;

static void count_rw_report(const char *report)
{
    atomic_fetch_add(&rw_shared->reports, 1);
    fprintf(stderr, "  # unexpected witness report: %s\n", report);
}

/*
 * Phase 1: no reader leaves before some reader has seen all of them inside
 * the read lock at once (or a budget of yields runs out, if the lock
 * excludes them).
 */
static void *concurrent_reader(void *arg)
{
    struct rw_shared *s = arg;

    hv_witness_set_handler(count_rw_report);
    pthread_barrier_wait(&s->start);
    hv_read_lock(&s->domlist_lock);
    atomic_fetch_add(&s->readers_inside, 1);
    for (unsigned long i = 0; !atomic_load(&s->all_inside) && i < WAIT_YIELDS; i++) {
        if (atomic_load(&s->readers_inside) == NR_READERS)
            atomic_store(&s->all_inside, true);
        sched_yield();
    }
    atomic_fetch_sub(&s->readers_inside, 1);
    hv_read_unlock(&s->domlist_lock);
    return NULL;
}

static void *rw_reader(void *arg)
{
    struct rw_shared *s = arg;

    hv_witness_set_handler(count_rw_report);
    pthread_barrier_wait(&s->start);
    for (unsigned int i = 0; i < RW_ITERATIONS; i++) {
        hv_read_lock(&s->domlist_lock);
        atomic_fetch_add(&s->readers_inside, 1);
        if (atomic_load(&s->writers_inside) != 0 || s->a != s->b)
            atomic_fetch_add(&s->violations, 1);
        atomic_fetch_sub(&s->readers_inside, 1);
        hv_read_unlock(&s->domlist_lock);
    }
    return NULL;
}

static void *rw_writer(void *arg)
{
    struct rw_shared *s = arg;

    hv_witness_set_handler(count_rw_report);
    pthread_barrier_wait(&s->start);
    for (unsigned int i = 0; i < RW_ITERATIONS; i++) {
        hv_write_lock(&s->domlist_lock);
        if (atomic_fetch_add(&s->writers_inside, 1) != 0 || atomic_load(&s->readers_inside) != 0)
            atomic_fetch_add(&s->violations, 1);
        s->a++;
        if (i % 64 == 0)
            sched_yield();
        s->b++;
        atomic_fetch_sub(&s->writers_inside, 1);
        hv_write_unlock(&s->domlist_lock);
    }
    return NULL;
}

TEST(rwlock_readers_concurrent_writer_exclusive)
{
    pthread_t t[NR_READERS + NR_WRITERS];
    struct rw_shared *s = calloc(1, sizeof(*s));

    ASSERT_TRUE(s != NULL);
    rw_shared = s;
    init_domlist_lock(&s->domlist_lock);

    /* Phase 1: readers share the lock. */
    ASSERT_EQ(pthread_barrier_init(&s->start, NULL, NR_READERS), 0);
    for (unsigned int i = 0; i < NR_READERS; i++)
        ASSERT_EQ(pthread_create(&t[i], NULL, concurrent_reader, s), 0);
    for (unsigned int i = 0; i < NR_READERS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&s->start);
    EXPECT_TRUE(atomic_load(&s->all_inside));

    /* Phase 2: writers exclude readers and each other. */
    ASSERT_EQ(pthread_barrier_init(&s->start, NULL, NR_READERS + NR_WRITERS), 0);
    for (unsigned int i = 0; i < NR_READERS; i++)
        ASSERT_EQ(pthread_create(&t[i], NULL, rw_reader, s), 0);
    for (unsigned int i = NR_READERS; i < NR_READERS + NR_WRITERS; i++)
        ASSERT_EQ(pthread_create(&t[i], NULL, rw_writer, s), 0);
    for (unsigned int i = 0; i < NR_READERS + NR_WRITERS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&s->start);

    EXPECT_EQ(atomic_load(&s->violations), 0u);
    EXPECT_EQ(atomic_load(&s->reports), 0u);
    EXPECT_EQ(s->a, (unsigned long)NR_WRITERS * RW_ITERATIONS);
    EXPECT_EQ(s->b, s->a);

    hv_rwlock_destroy(&s->domlist_lock);
    free(s);
    rw_shared = NULL;
}
