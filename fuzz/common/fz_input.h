/*
 * A fuzzer's input read as a stream: small integers and byte runs taken
 * from the front.  Past the end every read yields zeros, so any input,
 * however short or truncated, decodes to one well-defined program and a
 * mutation of one byte changes only what that byte feeds.
 *
 * Integers are little-endian.  Nothing here allocates.
 */
#ifndef CS_FUZZ_INPUT_H
#define CS_FUZZ_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fz_input {
    const uint8_t *p;
    size_t left;
};

static inline void fz_init(struct fz_input *in, const uint8_t *data, size_t size)
{
    in->p = data;
    in->left = size;
}

static inline bool fz_empty(const struct fz_input *in)
{
    return in->left == 0;
}

/* n bytes into dst; what the input lacks is zero-filled. */
static inline void fz_bytes(struct fz_input *in, void *dst, size_t n)
{
    size_t take = n < in->left ? n : in->left;

    if (take)
        memcpy(dst, in->p, take);
    if (n > take)
        memset((uint8_t *)dst + take, 0, n - take);
    in->p += take;
    in->left -= take;
}

static inline uint8_t fz_u8(struct fz_input *in)
{
    uint8_t v;

    fz_bytes(in, &v, 1);
    return v;
}

static inline uint16_t fz_u16(struct fz_input *in)
{
    uint8_t b[2];

    fz_bytes(in, b, sizeof(b));
    return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t fz_u32(struct fz_input *in)
{
    uint32_t lo = fz_u16(in);

    return lo | (uint32_t)fz_u16(in) << 16;
}

static inline uint64_t fz_u64(struct fz_input *in)
{
    uint64_t lo = fz_u32(in);

    return lo | (uint64_t)fz_u32(in) << 32;
}

#endif /* CS_FUZZ_INPUT_H */
