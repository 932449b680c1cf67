/* Sorted-array set of frames with a non-default offline state. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "offline_set.h"

/* Index of the first entry with mfn >= key. */
static size_t lower_bound(const struct offline_set *s, mfn_t key)
{
    size_t lo = 0, hi = s->nr;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (s->v[mid].mfn < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct offline_entry *offline_find(const struct offline_set *s, mfn_t mfn)
{
    size_t i = lower_bound(s, mfn);

    return i < s->nr && s->v[i].mfn == mfn ? &s->v[i] : NULL;
}

bool offline_any_in(const struct offline_set *s, mfn_t mfn, unsigned long nr)
{
    size_t i;

    if (!s->nr)
        return false;
    i = lower_bound(s, mfn);
    return i < s->nr && s->v[i].mfn < mfn + nr;
}

int offline_add(struct offline_set *s, mfn_t mfn, uint8_t flags)
{
    size_t i = lower_bound(s, mfn);

    if (i < s->nr && s->v[i].mfn == mfn) {
        s->v[i].flags |= flags;
        return 0;
    }
    if (s->nr == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        struct offline_entry *v = realloc(s->v, cap * sizeof(*v));

        if (!v)
            return -ENOMEM;
        s->v = v;
        s->cap = cap;
    }
    memmove(&s->v[i + 1], &s->v[i], (s->nr - i) * sizeof(*s->v));
    s->v[i] = (struct offline_entry){.mfn = mfn, .flags = flags};
    s->nr++;
    return 0;
}

void offline_remove(struct offline_set *s, mfn_t mfn)
{
    size_t i = lower_bound(s, mfn);

    if (i < s->nr && s->v[i].mfn == mfn) {
        memmove(&s->v[i], &s->v[i + 1], (s->nr - i - 1) * sizeof(*s->v));
        s->nr--;
    }
}
