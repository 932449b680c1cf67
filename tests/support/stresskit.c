/*
 * The threads of the stress kit (see stresskit.h) but the builders: start
 * and report, the install gate with the noise's side of it, the noise,
 * the scrubber and the offliner.
 */
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <xen/sysctl.h>

#include "stresskit.h"

/* ---- Threads ---------------------------------------------------------- */

void sk_start(struct sk_worker *w, struct sk_stress *s, unsigned int id, uint64_t seed,
              void *(*fn)(void *))
{
    w->s = s;
    w->id = id;
    test_rng_init(&w->rng, seed * 0x9E3779B97F4A7C15ULL + id);
    if (pthread_create(&w->thread, NULL, fn, w))
        test_fail(__FILE__, __LINE__, "pthread_create failed");
}

void sk_report(struct sk_worker *w, const char *what)
{
    if (w->nr_fail)
        test_fail(__FILE__, __LINE__, "%s: %s (%u failures)", what, w->fail, w->nr_fail);
}

double sk_now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

bool sk_wfail(struct sk_worker *w, const char *file, int line, const char *fmt, ...)
{
    const char *base = strrchr(file, '/');
    va_list ap;
    int n;

    if (w->nr_fail++)
        return false;
    n = snprintf(w->fail, sizeof(w->fail), "thread %u, %s:%d: ", w->id, base ? base + 1 : file,
                 line);
    va_start(ap, fmt);
    vsnprintf(w->fail + n, sizeof(w->fail) - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

/* ---- The install gate (see the argument in stresskit.h) ---------------- */

void sk_gate_enter(struct sk_stress *s)
{
    atomic_fetch_add(&s->installing, 1);
    while (atomic_load(&s->noise_held) > NOISE_CAP)
        sched_yield();
}

void sk_gate_exit(struct sk_stress *s)
{
    atomic_fetch_sub(&s->installing, 1);
}

unsigned long sk_max_node_unclaimed(struct host *h)
{
    struct host_counters c;
    unsigned long most = 0;

    host_get_counters(h, &c);
    for (unsigned int n = 0; n < NR_NODES; n++)
        most = MAX(most, c.node_avail_pages[n] - c.node_outstanding_claims[n]);
    return most;
}

/* Pacing, never needed for correctness: installs and populations should
 * meet a full host as often as possible. */
void sk_wait_for_full_host(struct sk_stress *s)
{
    const struct timespec nap = {0, 20 * 1000};

    for (unsigned int i = 0; i < PACING_NAPS && sk_max_node_unclaimed(s->h) >= PIECE; i++)
        nanosleep(&nap, NULL);
}

static bool noise_must_shrink(struct sk_stress *s)
{
    return atomic_load(&s->installing) && atomic_load(&s->noise_held) > NOISE_CAP;
}

static void noise_unreserve(struct sk_stress *s, unsigned int order)
{
    atomic_fetch_sub(&s->noise_held, ORDER_PAGES(order));
    if (order < 9)
        atomic_fetch_sub(&s->noise_small, 1);
}

/* Count a noise request before making it; false if it must not be made. */
static bool noise_reserve(struct sk_stress *s, unsigned int order)
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
void *sk_noise_heap_main(void *arg)
{
    struct sk_worker *w = arg;
    struct sk_stress *s = w->s;
    struct {
        mfn_t mfn;
        unsigned int order;
    } slot[NOISE_SLOTS];
    unsigned int nr = 0;

    while (!atomic_load(&s->stop)) {
        unsigned int r = (unsigned int)sk_rnd(w, 100), order, flags = 0;

        if (nr && (nr == NOISE_SLOTS || r < s->noise_free_pct || noise_must_shrink(s))) {
            unsigned int i = (unsigned int)sk_rnd(w, nr);

            free_heap_pages(s->h, slot[i].mfn, slot[i].order, NULL, (r & 1 ? FREE_need_scrub : 0));
            noise_unreserve(s, slot[i].order);
            slot[i] = slot[--nr];
            continue;
        }
        if (r % 3)
            flags = MEMF_node(sk_rnd(w, NR_NODES)) | (r & 1 ? MEMF_exact_node : 0);
        /* Greedy: on a refusal try the next order down, to the last page. */
        order = 9 + (unsigned int)sk_rnd(w, 4);
        if (r % 4 == 0 && atomic_load(&s->noise_small) < s->small_max)
            order = (unsigned int)sk_rnd(w, 9);
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
        free_heap_pages(s->h, slot[nr].mfn, slot[nr].order, NULL, FREE_need_scrub);
        noise_unreserve(s, slot[nr].order);
    }
    return NULL;
}

/* A domain without claims populating with no node hints (orders 9 and 0),
 * shrinking, and now and then destroyed and made anew. */
void *sk_noise_domain_main(void *arg)
{
    struct sk_worker *w = arg;
    struct sk_stress *s = w->s;
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
        unsigned int r = (unsigned int)sk_rnd(w, 100), order;
        bool stop = atomic_load(&s->stop);

        if (d && (stop || sk_rnd(w, 4096) == 0)) {
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
            unsigned int i = (unsigned int)sk_rnd(w, nr);
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

void *sk_scrubber_main(void *arg)
{
    struct sk_worker *w = arg;
    struct sk_stress *s = w->s;
    const struct timespec pause = {0, 200 * 1000};

    while (!atomic_load(&s->stop)) {
        nodeid_t node = sk_rnd(w, 2) ? NUMA_NO_NODE : (nodeid_t)sk_rnd(w, NR_NODES);

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
void *sk_offliner_main(void *arg)
{
    struct sk_worker *w = arg;
    struct sk_stress *s = w->s;
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
            mfn = 1 + sk_rnd(w, s->h->nr_frames - 1);
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
