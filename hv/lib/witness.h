/*
 * The debug lock-order witness, as used by the lock wrappers of lock.c.
 * Debug builds only (config_debug): the wrappers call nothing here
 * otherwise.  The order the witness enforces is documented in hv/lock.h.
 */
#ifndef HV_LIB_WITNESS_H
#define HV_LIB_WITNESS_H

#include <stdbool.h>

/* The lock an operation is about to take or release. */
struct lock_ref {
    const void *lock; /* struct hv_lock * or struct hv_rwlock * */
    const char *name;
    unsigned int rank;
    unsigned int subkey;
    bool recursive; /* re-entry allowed (recursive hv_lock) */
    bool rw;        /* an hv_rwlock */
    bool read;      /* rwlock: read side */
};

/* Checks made before the caller blocks on the lock; may report. */
void witness_before_acquire(const struct lock_ref *r);
/* Record a lock the caller now holds. */
void witness_after_acquire(const struct lock_ref *r);
/*
 * Account for a release before it happens.  False when the thread does not
 * hold the lock: the caller then skips the release.
 */
bool witness_release(const struct lock_ref *r);
/* Report the destruction of a lock the thread holds. */
void witness_destroy(const struct lock_ref *r);
/* Does the calling thread hold the lock (or may it, after an overflow)? */
bool witness_holds(const void *lock);
/* Does the calling thread hold no lock at all?  (After an overflow of the
 * record the answer is "yes", so that an ASSERT never fails on it.) */
bool witness_holds_none(void);
void witness_set_handler(void (*handler)(const char *report));

#endif /* HV_LIB_WITNESS_H */
