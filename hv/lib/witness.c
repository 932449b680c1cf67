/*
 * The debug lock-order witness: a per-thread record of the locks the
 * thread holds, checked at every acquisition against the order of
 * hv/lock.h (a thread may only take a lock whose (rank, subkey) key is
 * strictly above that of every lock it holds).  Re-entering a held
 * recursive lock is the one exception and is not order-checked: the thread
 * already owns it, so it cannot wait for anybody.
 *
 * Cost.  The deep checker holds every domain's page_alloc_lock at once --
 * up to DOMID_FIRST_RESERVED of them -- so the record has no fixed
 * capacity and no operation may scan it.  It is kept sorted by key.  A
 * correct acquisition is above every held key, hence above the top entry:
 * one comparison admits it and it is pushed on top.  Only the unusual
 * cases (re-entry, an inversion about to be reported) look further, by
 * binary search; so does a release, which is usually of the top entry
 * (LIFO) and then moves nothing.  The record starts in a small array of
 * thread-local storage, moves to the heap when a thread holds more locks
 * than that, and goes back when the thread holds none, so that no memory
 * stays behind a thread that exits.  Should growing fail, further locks
 * are taken unrecorded (nr_untracked) rather than aborting a debug build
 * for want of diagnostics memory.
 *
 * Per-thread state.  That is the one kind of mutable state outside struct
 * host on this side, and it is acceptable because it is diagnostics only:
 * no correct run's behaviour depends on it (it only changes what happens
 * after a reported bug), it is never shared between threads (so it needs
 * no locking and cannot race), and release builds never touch it.
 *
 * Reports.  A report goes to the calling thread's handler (also per-thread
 * state, for the same reasons).  The default handler prints
 * "witness: <report>" and aborts.  After a handler returns, an acquisition
 * goes ahead as it would have without the witness, and is recorded (at its
 * place in key order, so the record stays sorted); that includes re-taking
 * a held non-recursive mutex, which then waits for itself forever, so a
 * handler that must survive that report leaves by longjmp().  That is
 * safe: no witness state has been changed at the point where a report is
 * made.  The one operation that does not go ahead is the release of a
 * lock the thread does not hold (see witness_release()).
 */
#include "witness.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Entries held in thread-local storage before the record moves to the
 * heap: enough for every nesting but the deep checker's (at most three
 * locks outside it).  32 bytes each.
 */
#define WITNESS_INLINE 16

#define WITNESS_REPORT_LEN 512

/* One lock held by the current thread. */
struct held_lock {
    const void *lock;
    const char *name;
    unsigned int rank;
    unsigned int subkey;
    unsigned int depth; /* recursion depth, >= 1 */
    bool read;          /* rwlock held for read */
};

static __thread struct held_lock inline_record[WITNESS_INLINE];
static __thread struct held_lock *heap_record; /* NULL: inline_record in use */
static __thread unsigned int heap_capacity;
static __thread unsigned int nr_held;
/*
 * Locks taken while the record could not grow.  They cannot be named, so
 * releases of unrecorded locks are trusted while this is non-zero rather
 * than reported as bogus.
 */
static __thread unsigned int nr_untracked;
static __thread void (*witness_handler)(const char *report);

static struct held_lock *record(void)
{
    return heap_record ? heap_record : inline_record;
}

static uint64_t key_of(unsigned int rank, unsigned int subkey)
{
    return (uint64_t)rank << 32 | subkey;
}

static uint64_t entry_key(const struct held_lock *e)
{
    return key_of(e->rank, e->subkey);
}

static uint64_t ref_key(const struct lock_ref *r)
{
    return key_of(r->rank, r->subkey);
}

/* Index of the first entry whose key is >= key (nr_held if none). */
static unsigned int lower_bound(const struct held_lock *rec, uint64_t key)
{
    unsigned int lo = 0, hi = nr_held;

    while (lo < hi) {
        unsigned int mid = lo + (hi - lo) / 2;

        if (entry_key(&rec[mid]) < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The entry of r's lock, or NULL.  Keys are immutable, so the lock can
 * only sit among the entries of its own key. */
static struct held_lock *find(const struct lock_ref *r)
{
    struct held_lock *rec = record();
    uint64_t key = ref_key(r);

    if (nr_held && rec[nr_held - 1].lock == r->lock)
        return &rec[nr_held - 1];
    for (unsigned int i = lower_bound(rec, key); i < nr_held && entry_key(&rec[i]) == key; i++)
        if (rec[i].lock == r->lock)
            return &rec[i];
    return NULL;
}

/* Is r above every held lock (the one comparison of the common case)? */
static bool above_all(const struct lock_ref *r)
{
    return nr_held == 0 || entry_key(&record()[nr_held - 1]) < ref_key(r);
}

static bool grow(void)
{
    unsigned int capacity = heap_record ? heap_capacity : WITNESS_INLINE;
    struct held_lock *bigger;

    if (capacity > UINT32_MAX / 2)
        return false;
    capacity *= 2;
    if (heap_record) {
        bigger = realloc(heap_record, capacity * sizeof(*bigger));
    } else {
        bigger = malloc(capacity * sizeof(*bigger));
        if (bigger)
            memcpy(bigger, inline_record, nr_held * sizeof(*bigger));
    }
    if (!bigger)
        return false;
    heap_record = bigger;
    heap_capacity = capacity;
    return true;
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
void witness_before_acquire(const struct lock_ref *r)
{
    const struct held_lock *e;

    if (above_all(r))
        return;
    e = find(r);
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
    /* Name the lowest held lock that is not below the new one. */
    e = &record()[lower_bound(record(), ref_key(r))];
    witness_report("lock order violation: taking '%s' (rank %u, subkey %u) while holding "
                   "'%s' (rank %u, subkey %u)",
                   r->name, r->rank, r->subkey, e->name, e->rank, e->subkey);
}

void witness_after_acquire(const struct lock_ref *r)
{
    unsigned int at = nr_held;
    struct held_lock *rec;

    if (!above_all(r)) {
        struct held_lock *e = find(r);

        if (e) {
            e->depth++;
            return;
        }
        /* Went ahead after a report: its place in key order. */
        at = lower_bound(record(), ref_key(r) + 1);
    }
    if (nr_held == (heap_record ? heap_capacity : WITNESS_INLINE) && !grow()) {
        nr_untracked++;
        return;
    }
    rec = record();
    memmove(&rec[at + 1], &rec[at], (nr_held - at) * sizeof(*rec));
    rec[at] = (struct held_lock){
        .lock = r->lock,
        .name = r->name,
        .rank = r->rank,
        .subkey = r->subkey,
        .depth = 1,
        .read = r->read,
    };
    nr_held++;
}

/*
 * Unlocking a mutex owned by another thread is undefined and would
 * silently end that thread's critical section, hence the refusal.
 * Releases need not be in LIFO order.
 */
bool witness_release(const struct lock_ref *r)
{
    struct held_lock *e = find(r);
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
    i = (unsigned int)(e - record());
    memmove(e, e + 1, (nr_held - i - 1) * sizeof(*e));
    if (--nr_held == 0 && heap_record) {
        free(heap_record);
        heap_record = NULL;
        heap_capacity = 0;
    }
    return true;
}

void witness_destroy(const struct lock_ref *r)
{
    if (find(r))
        witness_report("destroying '%s' while holding it", r->name);
}

/* Callers pass only the lock, not its key: a scan from the top, where the
 * locks an ASSERT_LOCKED() asks about usually are. */
bool witness_holds_none(void)
{
    return nr_held == 0;
}

bool witness_holds(const void *lock)
{
    const struct held_lock *rec = record();

    for (unsigned int i = nr_held; i-- > 0;)
        if (rec[i].lock == lock)
            return true;
    /* After an overflow the answer is unknown; do not fail an ASSERT on it. */
    return nr_untracked != 0;
}

void witness_set_handler(void (*handler)(const char *report))
{
    witness_handler = handler;
}
