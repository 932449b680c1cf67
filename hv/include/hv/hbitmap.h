/*
 * Hierarchical bitmap: a flat bitmap plus 64-ary summary levels, so that
 * "next set bit in [from, to)" costs O(log64 n) word reads however sparse
 * the map is.  Level 0 holds the bits; bit i of level k+1 is set exactly
 * when word i of level k is non-zero.
 *
 * The heap uses one per node and order for free chunk heads (the free
 * "lists") and one per host for dirty frames.  Storage comes from calloc,
 * so never-touched stretches of a large host cost no resident memory.
 * Not thread-safe: the owner's lock protects it.
 */
#ifndef HV_HBITMAP_H
#define HV_HBITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HBITMAP_MAX_LEVELS 8

struct hbitmap {
    uint64_t nbits;
    unsigned int levels;                 /* >= 1; level 0 is the leaf level */
    uint64_t nwords[HBITMAP_MAX_LEVELS]; /* words per level */
    uint64_t *level[HBITMAP_MAX_LEVELS];
};

/* All bits clear.  nbits may be 0.  Returns 0 or -ENOMEM. */
int hbitmap_init(struct hbitmap *b, uint64_t nbits);
void hbitmap_destroy(struct hbitmap *b);

/* Single bits; i < nbits. */
void hbitmap_set(struct hbitmap *b, uint64_t i);
void hbitmap_clear(struct hbitmap *b, uint64_t i);
bool hbitmap_test(const struct hbitmap *b, uint64_t i);

/* Ranges [from, from + n), within nbits.  Word-at-a-time. */
void hbitmap_set_range(struct hbitmap *b, uint64_t from, uint64_t n);
void hbitmap_clear_range(struct hbitmap *b, uint64_t from, uint64_t n);
uint64_t hbitmap_count_range(const struct hbitmap *b, uint64_t from, uint64_t n);

/* First set bit in [from, to), or `to` when there is none (to <= nbits). */
uint64_t hbitmap_find_next(const struct hbitmap *b, uint64_t from, uint64_t to);

/* Number of set bits in the whole map (walks the summaries). */
uint64_t hbitmap_weight(const struct hbitmap *b);

/* Bytes of storage, for metadata accounting. */
size_t hbitmap_bytes(const struct hbitmap *b);

/* Debug: every summary bit matches its word.  True when consistent. */
bool hbitmap_summaries_ok(const struct hbitmap *b);

#endif /* HV_HBITMAP_H */
