/*
 * Locks of the hypervisor side, with ranks checked by a debug witness.
 *
 * Lock order (lowest rank first; a thread may only take a lock of a higher
 * rank than every lock it holds, or of the same rank with a higher subkey):
 *
 *   LOCK_RANK_DOMLIST     host->domlist_lock   (rwlock: the domain table)
 *   LOCK_RANK_PAGE_ALLOC  d->page_alloc_lock   (recursive; subkey = domid,
 *                                               so several are taken in
 *                                               ascending domid order)
 *   LOCK_RANK_HEAP        host->heap_lock      (heap and claims state)
 *
 * The design requires page_alloc_lock before heap_lock and never the other
 * way round; the witness turns any inversion into an immediate report
 * instead of a rare deadlock.  The witness keeps a per-thread record of
 * held locks (debug builds only; no fixed capacity, since the deep checker
 * holds every domain's page_alloc_lock); it is the one piece of
 * thread-local state on this side and holds nothing but diagnostics.
 */
#ifndef HV_LOCK_H
#define HV_LOCK_H

#include <pthread.h>
#include <stdbool.h>

#include "config.h"

enum lock_rank {
    LOCK_RANK_DOMLIST = 10,
    LOCK_RANK_PAGE_ALLOC = 20,
    LOCK_RANK_HEAP = 30,
};

struct hv_lock {
    pthread_mutex_t mutex;
    const char *name;
    unsigned int rank;
    unsigned int subkey;
    bool recursive;
};

struct hv_rwlock {
    pthread_rwlock_t rwlock;
    const char *name;
    unsigned int rank;
};

/* Initialisation cannot fail on Linux for these attribute sets. */
void hv_lock_init(struct hv_lock *l, const char *name, unsigned int rank, unsigned int subkey,
                  bool recursive);
void hv_lock_destroy(struct hv_lock *l);
/* The mutex and the witness (debug builds); hv_lock() and hv_unlock()
 * below are the callers' names. */
void hv_lock_witnessed(struct hv_lock *l);
void hv_unlock_witnessed(struct hv_lock *l);

/* Inline: without the witness a lock is the bare mutex, and the heap takes
 * two or three per extent. */
static inline void hv_lock(struct hv_lock *l)
{
    if (config_debug)
        hv_lock_witnessed(l);
    else
        BUG_ON(pthread_mutex_lock(&l->mutex) != 0);
}

static inline void hv_unlock(struct hv_lock *l)
{
    if (config_debug)
        hv_unlock_witnessed(l);
    else
        BUG_ON(pthread_mutex_unlock(&l->mutex) != 0);
}

void hv_rwlock_init(struct hv_rwlock *l, const char *name, unsigned int rank);
void hv_rwlock_destroy(struct hv_rwlock *l);
/* The same split as the mutex's: witnessed out of line in debug builds,
 * the bare rwlock inline otherwise (every hypercall takes the domain
 * table's read lock to find its domain). */
void hv_rwlock_witnessed(struct hv_rwlock *l, bool read);
void hv_rwunlock_witnessed(struct hv_rwlock *l, bool read);

static inline void hv_rwlock_take(struct hv_rwlock *l, bool read)
{
    if (config_debug)
        hv_rwlock_witnessed(l, read);
    else if (read)
        BUG_ON(pthread_rwlock_rdlock(&l->rwlock) != 0);
    else
        BUG_ON(pthread_rwlock_wrlock(&l->rwlock) != 0);
}

static inline void hv_rwlock_drop(struct hv_rwlock *l, bool read)
{
    if (config_debug)
        hv_rwunlock_witnessed(l, read);
    else
        BUG_ON(pthread_rwlock_unlock(&l->rwlock) != 0);
}

static inline void hv_read_lock(struct hv_rwlock *l)
{
    hv_rwlock_take(l, true);
}
static inline void hv_read_unlock(struct hv_rwlock *l)
{
    hv_rwlock_drop(l, true);
}
static inline void hv_write_lock(struct hv_rwlock *l)
{
    hv_rwlock_take(l, false);
}
static inline void hv_write_unlock(struct hv_rwlock *l)
{
    hv_rwlock_drop(l, false);
}

/*
 * True when the calling thread holds the lock (debug builds).  Release
 * builds do not track ownership and answer true, so the function is only
 * meaningful inside ASSERT().  Cost: the number of locks the thread took
 * after this one.
 */
bool hv_lock_is_held(const void *lock);

/*
 * True when the calling thread holds no hypervisor lock (debug builds;
 * release builds answer true).  Asserted where a caller enters the core
 * (hypercalls, hvctl) and where an entry point returns (host_call_done()):
 * no lock is ever held across the boundary.
 */
bool hv_holds_no_lock(void);

/*
 * Witness reports.  The default handler prints the report and aborts.  A
 * test can install its own handler for the calling thread (NULL restores
 * the default) to prove that an inversion is caught; the offending
 * acquisition still goes ahead after a non-aborting handler returns.
 */
typedef void (*hv_witness_handler_t)(const char *report);
void hv_witness_set_handler(hv_witness_handler_t handler);

#define ASSERT_LOCKED(l) ASSERT(hv_lock_is_held(l))

#endif /* HV_LOCK_H */
