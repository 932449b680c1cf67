/*
 * The caller's memory: the guest buffers of a step and the argument
 * structure, each in an allocation of its own and registered (or not) as
 * the input says.  The harness never registers memory it does not own,
 * so any hypervisor access outside these allocations is a copy-layer bug
 * that ASan reports; writes inside them but outside what was registered
 * writable are found by comparing with a copy after the call.
 */
#include <stdlib.h>
#include <string.h>

#include "fh.h"

static void buf_alloc(struct fh_buf *b, size_t len, unsigned int reg, unsigned int cut)
{
    /* At least one byte, so that every buffer has an address of its own. */
    b->mem = malloc(len ? len : 1);
    b->orig = malloc(len ? len : 1);
    if (!b->mem || !b->orig)
        fz_fail("out of memory for a guest buffer");
    b->len = len;
    b->reg = reg;
    b->reg_len = reg == FH_REG_NONE ? 0 : len;
    if (reg == FH_REG_PREFIX)
        b->reg_len = len > cut ? len - cut : 0;
}

static void fill_gfns(struct fz_input *in, struct fh_buf *b)
{
    uint64_t base = fz_u16(in);
    unsigned int shift = fz_u8(in) % 12;

    memset(b->mem, 0, b->len);
    for (size_t i = 0; i < b->len / sizeof(uint64_t); i++) {
        uint64_t gfn = base + ((uint64_t)i << shift);

        memcpy(b->mem + i * sizeof(gfn), &gfn, sizeof(gfn));
    }
}

static void fill_claims(struct fz_input *in, struct fh_buf *b)
{
    memset(b->mem, 0, b->len);
    for (size_t i = 0; i < b->len / sizeof(memory_claim_t); i++) {
        memory_claim_t c = {0};
        uint8_t t = fz_u8(in);

        if (t == FH_CLAIM_RAW)
            c.target = fz_u32(in);
        else if (t >= FH_CLAIM_LEGACY)
            c.target = XEN_DOMCTL_CLAIM_MEMORY_LEGACY;
        else if (t >= FH_CLAIM_GLOBAL)
            c.target = XEN_DOMCTL_CLAIM_MEMORY_GLOBAL;
        else
            c.target = t % 4;
        c.pages = fz_u16(in);
        memcpy(b->mem + i * sizeof(c), &c, sizeof(c));
    }
}

void fh_bufs_decode(struct fh_world *w)
{
    struct fz_input *in = &w->in;

    w->nr_bufs = fz_u8(in) % (FH_MAX_BUFS + 1);
    for (unsigned int i = 0; i < w->nr_bufs; i++) {
        struct fh_buf *b = &w->buf[i];
        uint8_t mode = fz_u8(in);
        size_t len = fz_u16(in) % (FH_BUF_MAX + 1);

        buf_alloc(b, len, mode & 3, 1 + ((mode >> 4) & 7));
        switch ((mode >> 2) & 3) {
        case FH_FILL_RAW:
            fz_bytes(in, b->mem, len);
            break;
        case FH_FILL_GFNS:
            fill_gfns(in, b);
            break;
        case FH_FILL_CLAIMS:
            fill_claims(in, b);
            break;
        default:
            memset(b->mem, 0, len);
            break;
        }
        memcpy(b->orig, b->mem, len);
    }
}

void fh_arg_place(struct fh_world *w, const void *arg, size_t len, uint8_t place)
{
    static const unsigned int reg[] = {FH_REG_RW, FH_REG_RO, FH_REG_NONE, FH_REG_NONE,
                                       FH_REG_PREFIX};
    unsigned int p = place % 5;

    buf_alloc(&w->arg, len, reg[p], 1 + ((place >> 4) & 7));
    memcpy(w->arg.mem, arg, len);
    memcpy(w->arg.orig, arg, len);
    w->arg_null = p == FH_PLACE_NULL;
}

static void add_region(struct fh_world *w, const struct fh_buf *b)
{
    int rc;

    if (b->reg == FH_REG_NONE)
        return;
    rc = hcall_ctx_add_region(&w->ctx, b->mem, b->reg_len, b->reg != FH_REG_RO);
    if (rc)
        fz_fail("registering a %zu-byte buffer failed: %d", b->reg_len, rc);
}

void fh_register(struct fh_world *w)
{
    hcall_ctx_clear_regions(&w->ctx);
    add_region(w, &w->arg);
    for (unsigned int i = 0; i < w->nr_bufs; i++)
        add_region(w, &w->buf[i]);
}

void *fh_pick_ptr(struct fh_world *w, void *raw)
{
    uint8_t sel = fz_u8(&w->in);
    const struct fh_buf *b;
    size_t off;

    if (sel == FH_PTR_RAW)
        return raw;
    if (sel == FH_PTR_NULL || !w->nr_bufs)
        return NULL;
    b = &w->buf[(sel - FH_PTR_BUF) % w->nr_bufs];
    off = fz_u8(&w->in);
    return b->mem + (off < b->len ? off : b->len);
}

/* Which bytes of b the hypervisor may have written. */
static size_t writable_bytes(const struct fh_buf *b)
{
    return b->reg == FH_REG_RW || b->reg == FH_REG_PREFIX ? b->reg_len : 0;
}

static void verify_one(const struct fh_buf *b, const char *what, const char *which)
{
    size_t w = writable_bytes(b);

    if (b->len > w && memcmp(b->mem + w, b->orig + w, b->len - w))
        fz_fail("%s wrote to %s memory not registered writable (registration %u, %zu of %zu "
                "bytes writable)",
                what, which, b->reg, w, b->len);
}

void fh_bufs_verify(const struct fh_world *w, const char *what)
{
    verify_one(&w->arg, what, "argument");
    for (unsigned int i = 0; i < w->nr_bufs; i++)
        verify_one(&w->buf[i], what, "buffer");
}

static void buf_free(struct fh_buf *b)
{
    free(b->mem);
    free(b->orig);
    memset(b, 0, sizeof(*b));
}

void fh_bufs_free(struct fh_world *w)
{
    buf_free(&w->arg);
    for (unsigned int i = 0; i < w->nr_bufs; i++)
        buf_free(&w->buf[i]);
    w->nr_bufs = 0;
}
