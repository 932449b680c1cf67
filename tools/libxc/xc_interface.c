/*
 * Handles, and the host every process gets.
 *
 * The process's host is the one piece of process-wide state of the
 * library, because CONTRACT.md makes it process-wide: the first
 * xc_interface_open() makes it (under a mutex, so racing first opens make
 * one host) and every later open shares it.  A failed creation is not
 * remembered, so a program that fixes CLAIMSET_TOPOLOGY can open again.
 * The host is never destroyed: handles may be closed and reopened at any
 * time, and other threads may still be using it at exit.  The static
 * pointer keeps it reachable, so leak checkers do not report it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xc_private.h"

/* Characters of a malformed CLAIMSET_TOPOLOGY repeated in its message. */
#define ENV_QUOTE_MAX 60

static pthread_mutex_t process_host_lock = PTHREAD_MUTEX_INITIALIZER;
static struct claimset_host *_Atomic process_host;

claimset_host *claimset_process_host(void)
{
    struct claimset_host *host = atomic_load(&process_host);
    const char *text;
    char err[256];
    int saved = 0;

    if (host)
        return host;

    pthread_mutex_lock(&process_host_lock);
    host = atomic_load(&process_host);
    if (!host) {
        /* Set but empty ("CLAIMSET_TOPOLOGY= prog") counts as unset. */
        text = getenv("CLAIMSET_TOPOLOGY");
        if (text && !*text)
            text = NULL;
        host = cs_host_new(text, NULL, err, sizeof(err));
        saved = errno;
        if (host) {
            host->process_wide = true;
            atomic_store(&process_host, host);
        } else if (saved == EINVAL) {
            /* The value is quoted, but not without bound. */
            fprintf(stderr, "claimset: CLAIMSET_TOPOLOGY=\"%.*s%s\": %s\n", ENV_QUOTE_MAX, text,
                    strlen(text) > ENV_QUOTE_MAX ? "..." : "", err);
        }
    }
    pthread_mutex_unlock(&process_host_lock);
    if (!host)
        errno = saved;
    return host;
}

xc_interface *cs_handle_new(struct claimset_host *host, domid_t caller, xentoollog_logger *logger)
{
    xc_interface *xch = calloc(1, sizeof(*xch));

    if (!xch) {
        errno = ENOMEM;
        return NULL;
    }
    xch->host = host;
    xch->caller = caller;
    xch->logger = logger;
    atomic_init(&xch->preempt_budget, 0);
    atomic_init(&xch->hypercalls, 0);
    atomic_init(&xch->continuations, 0);
    atomic_init(&xch->max_nodes, 0);
    atomic_fetch_add(&host->handles, 1);
    return xch;
}

xc_interface *xc_interface_open(xentoollog_logger *logger, xentoollog_logger *dombuild_logger,
                                unsigned open_flags)
{
    struct claimset_host *host = claimset_process_host();
    int saved;

    (void)dombuild_logger;
    (void)open_flags;
    if (!host) {
        saved = errno;
        if (logger)
            xtl_log(logger, XTL_ERROR, saved, "xc", "cannot create the host");
        errno = saved;
        return NULL;
    }
    return cs_handle_new(host, 0, logger);
}

int xc_interface_close(xc_interface *xch)
{
    if (!xch)
        return 0;
    atomic_fetch_sub(&xch->host->handles, 1);
    free(xch);
    return 0;
}

const char *xc_strerror(xc_interface *xch, int errcode)
{
    (void)xch;
    return strerror(errcode);
}

xc_interface *claimset_xc_open(claimset_host *host, uint32_t caller_domid)
{
    struct xen_domctl domctl;
    struct hcall_ctx ctx;
    xc_interface *xch;

    if (!host || caller_domid >= DOMID_FIRST_RESERVED) {
        errno = EINVAL;
        return NULL;
    }
    xch = cs_handle_new(host, (domid_t)caller_domid, NULL);
    if (!xch || caller_domid == 0)
        return xch;

    /* A guest handle needs its domain: ask as the control domain. */
    xc_domctl_init(&domctl, XEN_DOMCTL_getdomaininfo, caller_domid);
    hcall_ctx_init(&ctx, host->h, 0);
    if (hcall_ctx_add_region(&ctx, &domctl, sizeof(domctl), true) ||
        hypercall_domctl(&ctx, &domctl) < 0) {
        xc_interface_close(xch);
        errno = ESRCH;
        return NULL;
    }
    return xch;
}

claimset_host *claimset_xc_host(xc_interface *xch)
{
    return xch ? xch->host : NULL;
}

uint32_t claimset_xc_caller(xc_interface *xch)
{
    return xch ? xch->caller : 0;
}

int claimset_xc_get_stats(xc_interface *xch, struct claimset_xc_stats *st)
{
    if (!xch || !st) {
        errno = EINVAL;
        return -1;
    }
    st->hypercalls = atomic_load(&xch->hypercalls);
    st->continuations = atomic_load(&xch->continuations);
    return 0;
}

int claimset_xc_reset_stats(xc_interface *xch)
{
    if (!xch) {
        errno = EINVAL;
        return -1;
    }
    atomic_store(&xch->hypercalls, 0);
    atomic_store(&xch->continuations, 0);
    return 0;
}

int claimset_xc_set_preempt_budget(xc_interface *xch, unsigned long budget)
{
    if (!xch) {
        errno = EINVAL;
        return -1;
    }
    atomic_store(&xch->preempt_budget, budget);
    return 0;
}
