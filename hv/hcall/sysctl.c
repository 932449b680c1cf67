/*
 * do_sysctl(): host-wide information and page offlining for the control
 * domain.
 *
 * Common path, in order: copy the sysctl in (-EFAULT), interface version
 * (-EACCES), caller is the control domain (-EPERM).  The information
 * commands copy the whole sysctl back on success, as Xen does; page
 * offlining writes only its status array.
 *
 * Page offlining is the one preemptible sysctl.  Its progress cannot
 * live in the caller's structure without changing what the caller sees,
 * so a preempted call leaves the number of frames done in
 * ctx->continuation and the re-issued call (hypercall_sysctl()) resumes
 * from there.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <hv/domain.h>
#include <hv/heap.h>

#include "hcall_private.h"

/* Clock rate reported for the simulated CPUs. */
#define SIM_CPU_KHZ 2600000U

static void physinfo(struct host *h, struct xen_sysctl_physinfo *pi)
{
    struct host_counters c;
    unsigned int cpus = 0, per_node = 0;

    host_get_counters(h, &c);
    for (unsigned int n = 0; n < h->nr_nodes; n++) {
        cpus += h->layout.node_cpus[n];
        if (!per_node)
            per_node = h->layout.node_cpus[n];
    }
    memset(pi, 0, sizeof(*pi));
    /* One thread per core, one socket per node. */
    pi->threads_per_core = 1;
    pi->cores_per_socket = per_node;
    pi->nr_cpus = cpus;
    pi->max_cpu_id = cpus ? cpus - 1 : 0;
    pi->nr_nodes = h->nr_nodes;
    pi->max_node_id = h->nr_nodes - 1;
    pi->cpu_khz = SIM_CPU_KHZ;
    pi->total_pages = c.total_pages;
    pi->free_pages = c.total_avail_pages;
    pi->scrub_pages = c.scrub_pages;
    pi->outstanding_pages = c.outstanding_claims;
    pi->max_mfn = h->nr_frames - 1;
}

/*
 * XEN_SYSCTL_numainfo as Xen does it: both arrays NULL asks for the node
 * count; otherwise min(capacity, nodes) nodes are filled -- memory in
 * bytes, free memory not net of claims, and a square distance matrix of
 * that many rows -- and num_nodes becomes the number filled.
 */
static long numainfo(struct hcall_ctx *ctx, struct xen_sysctl_numainfo *ni)
{
    struct host *h = ctx->host;
    bool do_meminfo = !guest_handle_is_null(ni->meminfo);
    bool do_distance = !guest_handle_is_null(ni->distance);
    unsigned int num = h->nr_nodes, i;
    struct host_counters c;

    if (!do_meminfo && !do_distance) {
        ni->num_nodes = num;
        return 0;
    }
    host_get_counters(h, &c);
    num = MIN(num, ni->num_nodes);
    for (i = 0; i < num; i++) {
        if (do_meminfo) {
            struct xen_sysctl_meminfo mi = {
                .memsize = (uint64_t)c.node_pages[i] << PAGE_SHIFT,
                .memfree = (uint64_t)c.node_avail_pages[i] << PAGE_SHIFT,
            };

            if (copy_to_guest_offset(ctx, ni->meminfo.p, i, &mi, sizeof(mi)))
                return -EFAULT;
        }
        if (do_distance) {
            uint32_t row[MAX_NUMNODES];

            for (unsigned int j = 0; j < num; j++)
                row[j] = h->layout.distance[i][j];
            if (copy_to_guest_array(ctx, ni->distance.p, (uint64_t)i * num, row, num,
                                    sizeof(row[0])))
                return -EFAULT;
        }
    }
    ni->num_nodes = num;
    return 0;
}

/* XEN_SYSCTL_numa_meminfo (extension): same sizing rules as numainfo. */
static long numa_meminfo(struct hcall_ctx *ctx, struct xen_sysctl_numa_meminfo *nm)
{
    struct xen_sysctl_numa_meminfo_entry e[MAX_NUMNODES];
    struct host *h = ctx->host;
    unsigned int num = h->nr_nodes;
    struct host_counters c;

    if (nm->pad)
        return -EINVAL;
    if (guest_handle_is_null(nm->info)) {
        nm->num_nodes = num;
        return 0;
    }
    host_get_counters(h, &c);
    num = MIN(num, nm->num_nodes);
    for (unsigned int n = 0; n < num; n++) {
        e[n].size = (uint64_t)c.node_pages[n] << PAGE_SHIFT;
        e[n].free = (uint64_t)c.node_avail_pages[n] << PAGE_SHIFT;
        e[n].claimed = (uint64_t)c.node_outstanding_claims[n] << PAGE_SHIFT;
    }
    if (copy_to_guest_array(ctx, nm->info.p, 0, e, num, sizeof(e[0])))
        return -EFAULT;
    nm->num_nodes = num;
    return 0;
}

/*
 * XEN_SYSCTL_page_offline_op: frames start..end in turn, each status
 * written as soon as the frame is done.  Stops at the first error; the
 * statuses of the frames not reached are zeroed (Xen copies back a
 * zero-filled array).  `resume` is the number of frames a preempted call
 * already did.
 */
static long page_offline(struct hcall_ctx *ctx, const struct xen_sysctl_page_offline_op *po,
                         unsigned long resume)
{
    uint32_t *status = po->status.p;
    uint64_t count;

    if (po->end < po->start)
        return -EINVAL;
    if (po->cmd != sysctl_page_offline && po->cmd != sysctl_page_online &&
        po->cmd != sysctl_query_page_offline)
        return -EINVAL;
    count = (uint64_t)po->end - po->start + 1;
    /* A continuation that cannot belong to this request. */
    if (resume >= count)
        return -EINVAL;
    /* Every status word must be writable before any frame changes. */
    if (!guest_array_ok(ctx, status, 0, count, sizeof(*status), true))
        return -EFAULT;

    for (uint64_t i = resume; i < count; i++) {
        mfn_t mfn = (mfn_t)po->start + i;
        uint32_t st = 0;
        int rc;

        if (po->cmd == sysctl_page_offline)
            rc = offline_page(ctx->host, mfn, false, &st);
        else if (po->cmd == sysctl_page_online)
            rc = online_page(ctx->host, mfn, &st);
        else
            rc = query_page_offline(ctx->host, mfn, &st);
        if (copy_to_guest_array(ctx, status, i, &st, 1, sizeof(st)))
            return -EFAULT;
        if (rc) {
            if (i + 1 < count && clear_guest_array(ctx, status, i + 1, count - i - 1, sizeof(st)))
                return -EFAULT;
            return rc;
        }
        if (i + 1 < count && hypercall_preempt_check(ctx, 1)) {
            ctx->continuation = (unsigned long)(i + 1);
            return -ERESTART;
        }
    }
    return 0;
}

long do_sysctl(struct hcall_ctx *ctx, struct xen_sysctl *u_sysctl)
{
    unsigned long resume = ctx->continuation;
    struct xen_sysctl op;
    bool copyback = true;
    long rc;

    hcall_enter(ctx);
    ctx->continuation = 0;
    if (copy_from_guest(ctx, &op, u_sysctl, sizeof(op)))
        return hcall_leave(ctx, -EFAULT);
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
        return hcall_leave(ctx, -EACCES);
    if (!hcall_is_control(ctx))
        return hcall_leave(ctx, -EPERM);

    switch (op.cmd) {
    case XEN_SYSCTL_physinfo:
        physinfo(ctx->host, &op.u.physinfo);
        rc = 0;
        break;
    case XEN_SYSCTL_numainfo:
        rc = numainfo(ctx, &op.u.numainfo);
        break;
    case XEN_SYSCTL_numa_meminfo:
        rc = numa_meminfo(ctx, &op.u.numa_meminfo);
        break;
    case XEN_SYSCTL_page_offline_op:
        rc = page_offline(ctx, &op.u.page_offline, resume);
        copyback = false;
        break;
    default:
        rc = -ENOSYS;
        copyback = false;
        break;
    }

    if (!rc && copyback && copy_to_guest(ctx, u_sysctl, &op, sizeof(op)))
        rc = -EFAULT;
    return hcall_leave(ctx, rc);
}

long hypercall_sysctl(struct hcall_ctx *ctx, struct xen_sysctl *u_sysctl)
{
    long rc;

    ctx->continuation = 0; /* a new operation, not a resumed one */
    while ((rc = do_sysctl(ctx, u_sysctl)) == -ERESTART)
        ;
    return rc;
}
