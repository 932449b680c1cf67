/*
 * Hypervisor-side locks and the debug lock-order witness.
 *
 * The locks are thin wrappers around pthread mutexes and rwlocks.  In debug
 * builds every acquisition and release also goes through the witness, which
 * keeps a per-thread record of the locks the thread holds and checks each
 * new acquisition against the order documented in hv/lock.h: a thread may
 * only take a lock whose (rank, subkey) is strictly above that of every
 * lock it already holds.  Re-entering a held recursive lock is the one
 * exception and is not order-checked: the thread already owns it, so it
 * cannot wait for anybody.
 *
 * Per-thread state.  The record is static __thread storage.  That is the
 * one kind of mutable state outside struct host on this side, and it is
 * acceptable because it is diagnostics only: no correct run's behaviour
 * depends on it (it only changes what happens after a reported bug), it is
 * never shared between threads (so it needs no locking and cannot race),
 * and release builds never touch it.  The lock structures themselves are
 * only read by the witness (name, rank and subkey are immutable after
 * init).
 *
 * Reports.  A report goes to the calling thread's handler (also per-thread
 * state, for the same reasons).  The default handler prints
 * "witness: <report>" and aborts.  After a handler returns, an acquisition
 * goes ahead as it would have without the witness, and is recorded; that
 * includes re-taking a held non-recursive mutex, which then waits for
 * itself forever, so a handler that must survive that report leaves by
 * longjmp().  That is safe: no witness state has been changed at the point
 * where a report is made.  The one operation that does not go ahead is
 * the release of a lock the thread does not hold (see witness_release()).
 */
#include "hv/lock.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/config.h"

/*
 * Capacity of the per-thread record.  The deepest nesting in the design is
 * the deep checker, which holds every domain's page_alloc_lock and then
 * heap_lock, so this bounds the number of domains a debug build can check
 * deeply at once.  Each entry is 32 bytes, so the record costs 4 KiB of
 * thread-local storage per thread.
 */
#define WITNESS_MAX_HELD 128

#define WITNESS_REPORT_LEN 512

/* One lock held by the current thread. */
struct held_lock {
    const void *lock; /* struct hv_lock * or struct hv_rwlock * */
    const char *name;
    unsigned int rank;
    unsigned int subkey;
    unsigned int depth; /* recursion depth, >= 1 */
    bool read;          /* rwlock held for read */
};

/* The lock an operation is about to take or release. */
struct lock_ref {
    const void *lock;
    const char *name;
    unsigned int rank;
    unsigned int subkey;
    bool recursive; /* re-entry allowed (recursive hv_lock) */
    bool rw;        /* an hv_rwlock */
    bool read;      /* rwlock: read side */
};

static __thread struct held_lock held[WITNESS_MAX_HELD];
static __thread unsigned int nr_held;
/*
 * Locks taken after the record overflowed (and the overflow report's handler
 * returned).  They cannot be named, so releases of unrecorded locks are
 * trusted while this is non-zero rather than reported as bogus.
 */
static __thread unsigned int nr_untracked;
static __thread hv_witness_handler_t witness_handler;

static const char *lock_name(const char *name)
{
    return name ? name : "(unnamed)";
}

static void witness_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void witness_report(const char *fmt, ...)
{
    char report[WITNESS_REPORT_LEN];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(report, sizeof(report), fmt, ap);
    va_end(ap);

    if (witness_handler) {
        witness_handler(report);
        return;
    }
    fprintf(stderr, "witness: %s\n", report);
    abort();
}

static struct held_lock *witness_find(const void *lock)
{
    for (unsigned int i = 0; i < nr_held; i++)
        if (held[i].lock == lock)
            return &held[i];
    return NULL;
}

static const char *hold_mode(bool read)
{
    return read ? "read" : "write";
}

/*
 * Checks made before the caller blocks on the lock.  They have to come
 * first: an inversion is exactly the case in which the acquisition may
 * never return (the other thread holds our lock and waits for this one),
 * and a check made after blocking would then never run, turning a clear
 * report into a silent hang.  Checking first also reports the inversion
 * when it happens not to deadlock this time, which is the usual case.
 */
static void witness_before_acquire(const struct lock_ref *r)
{
    const struct held_lock *e = witness_find(r->lock);

    if (e) {
        if (r->recursive)
            return; /* re-entry: already owned, cannot wait, no order check */
        if (r->rw)
            witness_report("recursive acquisition of non-recursive lock '%s' (held for %s, "
                           "taking for %s)",
                           e->name, hold_mode(e->read), hold_mode(r->read));
        else
            witness_report("recursive acquisition of non-recursive lock '%s'", e->name);
        return;
    }

    for (unsigned int i = 0; i < nr_held; i++) {
        const struct held_lock *h = &held[i];

        if (h->rank < r->rank || (h->rank == r->rank && h->subkey < r->subkey))
            continue;
        witness_report("lock order violation: taking '%s' (rank %u, subkey %u) while holding "
                       "'%s' (rank %u, subkey %u)",
                       r->name, r->rank, r->subkey, h->name, h->rank, h->subkey);
        /* One report per acquisition is enough to find the culprit. */
        break;
    }

    if (nr_held == WITNESS_MAX_HELD)
        witness_report("too many locks held: cannot record '%s' (capacity %u)", r->name,
                       WITNESS_MAX_HELD);
}

/* Record a lock the caller now holds. */
static void witness_after_acquire(const struct lock_ref *r)
{
    struct held_lock *e = witness_find(r->lock);

    if (e) {
        e->depth++;
        return;
    }
    if (nr_held == WITNESS_MAX_HELD) {
        nr_untracked++;
        return;
    }
    held[nr_held++] = (struct held_lock){
        .lock = r->lock,
        .name = r->name,
        .rank = r->rank,
        .subkey = r->subkey,
        .depth = 1,
        .read = r->read,
    };
}

/*
 * Account for a release before it happens.  Returns false when the thread
 * does not hold the lock: the release is then skipped, because unlocking a
 * mutex owned by another thread is undefined and would silently end that
 * thread's critical section.  Releases need not be in LIFO order.
 */
static bool witness_release(const struct lock_ref *r)
{
    struct held_lock *e = witness_find(r->lock);
    unsigned int i;

    if (!e) {
        if (nr_untracked) {
            nr_untracked--;
            return true;
        }
        witness_report("unlock of '%s', which this thread does not hold", r->name);
        return false;
    }
    if (r->rw && e->read != r->read)
        witness_report("'%s' is held for %s but released as a %s lock", e->name, hold_mode(e->read),
                       hold_mode(r->read));
    if (--e->depth)
        return true;
    i = (unsigned int)(e - held);
    memmove(&held[i], &held[i + 1], (nr_held - i - 1) * sizeof(held[0]));
    nr_held--;
    return true;
}

static void witness_destroy(const void *lock, const char *name)
{
    if (witness_find(lock))
        witness_report("destroying '%s' while holding it", name);
}

static struct lock_ref mutex_ref(const struct hv_lock *l)
{
    return (struct lock_ref){
        .lock = l,
        .name = lock_name(l->name),
        .rank = l->rank,
        .subkey = l->subkey,
        .recursive = l->recursive,
    };
}

static struct lock_ref rwlock_ref(const struct hv_rwlock *l, bool read)
{
    return (struct lock_ref){
        .lock = l,
        .name = lock_name(l->name),
        .rank = l->rank,
        .subkey = 0,
        .rw = true,
        .read = read,
    };
}

void hv_lock_init(struct hv_lock *l, const char *name, unsigned int rank, unsigned int subkey,
                  bool recursive)
{
    pthread_mutexattr_t attr;

    BUG_ON(pthread_mutexattr_init(&attr) != 0);
    BUG_ON(pthread_mutexattr_settype(&attr, recursive ? PTHREAD_MUTEX_RECURSIVE
                                                      : PTHREAD_MUTEX_DEFAULT) != 0);
    BUG_ON(pthread_mutex_init(&l->mutex, &attr) != 0);
    pthread_mutexattr_destroy(&attr);
    l->name = name;
    l->rank = rank;
    l->subkey = subkey;
    l->recursive = recursive;
}

void hv_lock_destroy(struct hv_lock *l)
{
    if (config_debug)
        witness_destroy(l, lock_name(l->name));
    /* Fails (EBUSY) when the lock is still held: a use-after-destroy to be. */
    BUG_ON(pthread_mutex_destroy(&l->mutex) != 0);
}

void hv_lock(struct hv_lock *l)
{
    struct lock_ref r = mutex_ref(l);

    if (config_debug)
        witness_before_acquire(&r);
    BUG_ON(pthread_mutex_lock(&l->mutex) != 0);
    if (config_debug)
        witness_after_acquire(&r);
}

void hv_unlock(struct hv_lock *l)
{
    if (config_debug) {
        struct lock_ref r = mutex_ref(l);

        if (!witness_release(&r))
            return;
    }
    BUG_ON(pthread_mutex_unlock(&l->mutex) != 0);
}

void hv_rwlock_init(struct hv_rwlock *l, const char *name, unsigned int rank)
{
    BUG_ON(pthread_rwlock_init(&l->rwlock, NULL) != 0);
    l->name = name;
    l->rank = rank;
}

void hv_rwlock_destroy(struct hv_rwlock *l)
{
    if (config_debug)
        witness_destroy(l, lock_name(l->name));
    BUG_ON(pthread_rwlock_destroy(&l->rwlock) != 0);
}

static void rwlock_acquire(struct hv_rwlock *l, bool read)
{
    struct lock_ref r = rwlock_ref(l, read);

    if (config_debug)
        witness_before_acquire(&r);
    /* EDEADLK (a detected self-deadlock) is as much a bug as any other error. */
    if (read)
        BUG_ON(pthread_rwlock_rdlock(&l->rwlock) != 0);
    else
        BUG_ON(pthread_rwlock_wrlock(&l->rwlock) != 0);
    if (config_debug)
        witness_after_acquire(&r);
}

static void rwlock_release(struct hv_rwlock *l, bool read)
{
    if (config_debug) {
        struct lock_ref r = rwlock_ref(l, read);

        if (!witness_release(&r))
            return;
    }
    BUG_ON(pthread_rwlock_unlock(&l->rwlock) != 0);
}

void hv_read_lock(struct hv_rwlock *l)
{
    rwlock_acquire(l, true);
}

void hv_read_unlock(struct hv_rwlock *l)
{
    rwlock_release(l, true);
}

void hv_write_lock(struct hv_rwlock *l)
{
    rwlock_acquire(l, false);
}

void hv_write_unlock(struct hv_rwlock *l)
{
    rwlock_release(l, false);
}

bool hv_lock_is_held(const void *lock)
{
    if (!config_debug)
        return true;
    /* After an overflow the answer is unknown; do not fail an ASSERT on it. */
    return witness_find(lock) != NULL || nr_untracked != 0;
}

void hv_witness_set_handler(hv_witness_handler_t handler)
{
    if (config_debug)
        witness_handler = handler;
}
