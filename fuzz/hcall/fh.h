/*
 * The hypercall fuzz harness: a small host built from the input's setup
 * bytes, then a sequence of calls to do_domctl(), do_memory_op() and
 * do_sysctl() decoded from raw argument bytes (fh_format.h).
 *
 * Properties checked around every call, each a crash when broken:
 *   - the deep invariant checker passes (host_check(CHECK_DEEP));
 *   - a call that fails leaves the host as it was: counters, every
 *     domain's information, every frame's owner and offline state
 *     (fh_snap.c); page offlining, which documents partial progress
 *     before an error, leaves every frame it did not reach alone; a
 *     createdomain whose copy-back fails by an injected fault removes the
 *     domain again but leaves its frames to the scrubber (as documented);
 *   - a reservation op that reports n extents done changed the domain's
 *     tot_pages by exactly n extents, and one that did none changed
 *     nothing; read-only commands change nothing even on success;
 *   - the hypervisor touches only what was registered for it: bytes of
 *     read-only, unregistered and beyond-the-prefix memory are unchanged,
 *     and ASan catches any access outside the harness's allocations;
 *   - continuations make progress.
 */
#ifndef CS_FUZZ_FH_H
#define CS_FUZZ_FH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/domain.h>
#include <hv/hcall.h>
#include <hv/host.h>

#include "../common/fz_fail.h"
#include "../common/fz_input.h"
#include "fh_format.h"

#define FH_MAX_FRAMES 4096 /* the largest host of the topology table */
#define FH_MAX_DOMS   128  /* FH_MAX_STEPS bounds the domains far below */

enum fh_entry { FH_DOMCTL, FH_MEMORY_OP, FH_SYSCTL };

/* How a target divides its steps among the entry points (eighths). */
struct fh_mix {
    enum fh_entry entry[8];
};

/* Everything a host's state consists of for "unchanged" (see fh_snap.c). */
struct fh_snap {
    struct host_counters c; /* statistics zeroed: refused calls count too */
    unsigned int nr_doms;
    struct domain_info dom[FH_MAX_DOMS]; /* by ascending domid */
    owner_t owner[FH_MAX_FRAMES];
    uint8_t offline[FH_MAX_FRAMES];
};

/* A guest buffer: its own allocation of exactly len bytes, so ASan sees
 * any access past it, and a copy to find writes where none may happen. */
struct fh_buf {
    uint8_t *mem;
    size_t len;
    unsigned int reg; /* FH_REG_* */
    size_t reg_len;   /* bytes registered from mem */
    uint8_t *orig;
};

struct fh_world {
    struct fz_input in;
    struct host *h;
    struct hcall_ctx ctx;
    unsigned int ctx_flags;
    struct fh_buf buf[FH_MAX_BUFS];
    unsigned int nr_bufs;
    struct fh_buf arg; /* the argument structure */
    bool arg_null;     /* passed as NULL */
    domid_t live[FH_MAX_DOMS];
    unsigned int nr_live;
    struct fh_snap *before, *after;
};

/* Run one input with the given mix; 0 (libFuzzer's "keep going"). */
int fh_run(const uint8_t *data, size_t size, const struct fh_mix *mix);

/* fh_world.c: the host and its domains. */
int fh_world_setup(struct fh_world *w);
void fh_world_teardown(struct fh_world *w);
void fh_refresh_live(struct fh_world *w);
/* A domain id from a pick byte: a live domain, or (one value in
 * nr_live + 1) an id that names none. */
domid_t fh_pick_domid(struct fh_world *w, uint8_t pick);

/* fh_snap.c */
void fh_snap_take(struct host *h, struct fh_snap *s);
/* NULL when a and b are equal, else the first difference, in buf. */
const char *fh_snap_diff(const struct fh_snap *a, const struct fh_snap *b, char *buf, size_t len);
const struct domain_info *fh_snap_dom(const struct fh_snap *s, domid_t id);
/* Deep invariant check; a crash naming `what` when it fails. */
void fh_check_invariants(struct host *h, const char *what);
/* A crash naming `what` unless the host still matches w->before. */
void fh_expect_unchanged(struct fh_world *w, const char *what, long rc);
/* The same, except that frames may have been left to the scrubber. */
void fh_expect_unchanged_but_scrub(struct fh_world *w, const char *what, long rc);

/* fh_guest.c: guest memory. */
void fh_bufs_decode(struct fh_world *w);
void fh_arg_place(struct fh_world *w, const void *arg, size_t len, uint8_t place);
void fh_register(struct fh_world *w);
void *fh_pick_ptr(struct fh_world *w, void *raw);
/* A crash unless bytes the hypervisor may not write are unchanged. */
void fh_bufs_verify(const struct fh_world *w, const char *what);
void fh_bufs_free(struct fh_world *w);

/* One step of each entry point (fh_domctl.c, fh_memory.c, fh_sysctl.c):
 * decode the body, call, check. */
void fh_step_domctl(struct fh_world *w, uint8_t place);
void fh_step_memory_op(struct fh_world *w, uint8_t place);
void fh_step_sysctl(struct fh_world *w, uint8_t place);

#endif /* CS_FUZZ_FH_H */
