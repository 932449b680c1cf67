/*
 * The set of frames whose offline state is not plain "online": a sorted
 * array, since offlining is rare and the set stays small.  heap_lock.
 */
#ifndef HV_HEAP_OFFLINE_SET_H
#define HV_HEAP_OFFLINE_SET_H

#include <hv/host.h>

struct offline_entry *offline_find(const struct offline_set *s, mfn_t mfn);
/* True when any frame of [mfn, mfn + nr) is in the set. */
bool offline_any_in(const struct offline_set *s, mfn_t mfn, unsigned long nr);
/* Add mfn with flags (or OR them into its entry).  0 or -ENOMEM. */
int offline_add(struct offline_set *s, mfn_t mfn, uint8_t flags);
void offline_remove(struct offline_set *s, mfn_t mfn);

#endif /* HV_HEAP_OFFLINE_SET_H */
