/*
 * Hypervisor-side locks: thin wrappers around pthread mutexes and rwlocks.
 * In debug builds every acquisition and release also goes through the
 * lock-order witness (witness.c), which checks the order documented in
 * hv/lock.h.  The lock structures are only read by the witness (name,
 * rank and subkey are immutable after init).
 */
#include "hv/lock.h"

#include "hv/config.h"
#include "witness.h"

static const char *lock_name(const char *name)
{
    return name ? name : "(unnamed)";
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
    if (config_debug) {
        struct lock_ref r = mutex_ref(l);

        witness_destroy(&r);
    }
    /* Fails (EBUSY) when the lock is still held: a use-after-destroy to be. */
    BUG_ON(pthread_mutex_destroy(&l->mutex) != 0);
}

void hv_lock_witnessed(struct hv_lock *l)
{
    struct lock_ref r = mutex_ref(l);

    if (config_debug)
        witness_before_acquire(&r);
    BUG_ON(pthread_mutex_lock(&l->mutex) != 0);
    if (config_debug)
        witness_after_acquire(&r);
}

void hv_unlock_witnessed(struct hv_lock *l)
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
    if (config_debug) {
        struct lock_ref r = rwlock_ref(l, false);

        witness_destroy(&r);
    }
    BUG_ON(pthread_rwlock_destroy(&l->rwlock) != 0);
}

void hv_rwlock_witnessed(struct hv_rwlock *l, bool read)
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

void hv_rwunlock_witnessed(struct hv_rwlock *l, bool read)
{
    if (config_debug) {
        struct lock_ref r = rwlock_ref(l, read);

        if (!witness_release(&r))
            return;
    }
    BUG_ON(pthread_rwlock_unlock(&l->rwlock) != 0);
}

bool hv_lock_is_held(const void *lock)
{
    /* Release builds do not track ownership (see hv/lock.h). */
    return !config_debug || witness_holds(lock);
}

void hv_witness_set_handler(hv_witness_handler_t handler)
{
    if (config_debug)
        witness_set_handler(handler);
}

bool hv_holds_no_lock(void)
{
    return !config_debug || witness_holds_none();
}
