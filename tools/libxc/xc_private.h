/*
 * Internals of the toolstack library: handles, hosts, and the path of
 * every call into the hypervisor.
 *
 * Map of the structures
 * ---------------------
 *   struct claimset_host   one simulated host plus its bookkeeping
 *     h                    [I] the hypervisor side's host
 *     handles              [A] open handles on it (destroy refuses while > 0)
 *     process_wide         [I] the host xc_interface_open() uses
 *   struct xc_interface_core (xc_interface)
 *     host, caller, logger [I]
 *     preempt_budget       [A] copied into each call's context
 *     hypercalls, conts    [A] folded in after each call
 *     max_nodes            [A] cached node count (topology is immutable)
 *
 * Lock key: [I] immutable after creation, [A] atomic.  Handles may be
 * shared between threads: each call builds its own struct hcall_ctx on
 * the stack, so nothing else needs a lock.
 *
 * A call: xc_call_init() makes a context acting as the handle's caller,
 * xc_call_bounce() registers each caller buffer the hypercall may touch
 * (exact size, read-only or writable), then xc_domctl() / xc_sysctl() /
 * xc_memory_op() register the argument struct itself, issue the
 * hypercall (continuations are looped by the hypercall layer), fold the
 * statistics into the handle and turn -E into -1 with errno E.
 */
#ifndef TOOLS_LIBXC_XC_PRIVATE_H
#define TOOLS_LIBXC_XC_PRIVATE_H

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include <claimset/claimset.h>
#include <xenctrl.h>

/* The one hypervisor header the toolstack may include (the layer rule of
 * docs/architecture.md): hosts, hypercalls and read-outs, nothing else. */
#include <hvctl.h>

#include "xc_topology.h"

struct claimset_host {
    struct host *h;                /* [I] opaque: reached through hvctl.h only */
    struct claimset_topology topo; /* [I] as created, for claimset_host_topology() */
    atomic_uint handles;           /* [A] */
    bool process_wide;             /* [I] */
};

struct xc_interface_core {
    struct claimset_host *host; /* [I] */
    domid_t caller;             /* [I] 0: the control domain */
    xentoollog_logger *logger;  /* [I] may be NULL */
    atomic_ulong preempt_budget;
    atomic_ulong hypercalls;
    atomic_ulong continuations;
    atomic_int max_nodes; /* 0: not asked yet */
};

/* xc_host.c: make a host (topology text NULL: the default) with its
 * control domain.  NULL with errno and, for EINVAL, a message in err. */
struct claimset_host *cs_host_new(const char *topology, const struct claimset_host_opts *opts,
                                  char *err, size_t errlen);
/* The same from a topology struct (validated here). */
struct claimset_host *cs_host_new_topology(const struct claimset_topology *t,
                                           const struct claimset_host_opts *opts, char *err,
                                           size_t errlen);
void cs_host_free(struct claimset_host *host);

/* xc_interface.c: a handle on host acting as caller (no checks). */
xc_interface *cs_handle_new(struct claimset_host *host, domid_t caller, xentoollog_logger *logger);

/* Set errno to err, log the failure of `what` at XTL_DEBUG, return -1. */
int xc_fail(xc_interface *xch, int err, const char *what);

/* n * elem in *bytes; false when it does not fit in size_t. */
static inline bool xc_array_bytes(size_t n, size_t elem, size_t *bytes)
{
    return !__builtin_mul_overflow(n, elem, bytes);
}

/* A fresh context on the handle's host, acting as its caller. */
void xc_call_init(xc_interface *xch, struct hcall_ctx *ctx);
/* Let the hypervisor access [p, p + len); nothing for NULL or 0 bytes.
 * 0, or -1 with errno E2BIG if the context has no room left. */
int xc_call_bounce(struct hcall_ctx *ctx, const void *p, size_t len, bool writable);

/* Issue the hypercall.  xc_domctl/xc_sysctl: 0 or -1 with errno;
 * xc_memory_op: the non-negative result or -1 with errno.  `what` names
 * the operation for the log. */
int xc_domctl(xc_interface *xch, struct hcall_ctx *ctx, struct xen_domctl *domctl,
              const char *what);
int xc_sysctl(xc_interface *xch, struct hcall_ctx *ctx, struct xen_sysctl *sysctl,
              const char *what);
long xc_memory_op(xc_interface *xch, struct hcall_ctx *ctx, unsigned int cmd, void *arg,
                  size_t arg_len, const char *what);

/*
 * A zeroed domctl / sysctl with the command and interface version filled
 * in.  xc_domctl_init() fails (-1, EINVAL) when domid does not fit the
 * ABI's 16-bit field: libxenctrl would truncate it and act on another
 * domain.
 */
int xc_domctl_init(struct xen_domctl *domctl, uint32_t cmd, uint32_t domid);
void xc_sysctl_init(struct xen_sysctl *sysctl, uint32_t cmd);
/* The same check for the domid of a memory op. */
static inline bool xc_domid_fits(uint32_t domid)
{
    return domid <= UINT16_MAX;
}

#endif /* TOOLS_LIBXC_XC_PRIVATE_H */
