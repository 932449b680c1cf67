/*
 * Does the running hypervisor implement claim sets?
 *
 * libxenctrl 4.17 has no call for XEN_DOMCTL_claim_memory, so the probe
 * sends the domctl itself through libxencall.  A domctl carries the
 * interface version it was written for and the hypervisor refuses any
 * other with EACCES; the version is found by asking a harmless domctl
 * (getdomaininfo of domain 0) with the system header's version first,
 * then with the others in a small bounded range.
 *
 * The probe itself is a claim_memory domctl for domain 0 with no entries:
 * a hypervisor without claim sets answers ENOSYS (the domctl is unknown);
 * one with them refuses the empty set (EINVAL) without changing anything.
 * Domain 0 is used because an unknown domain is refused (ESRCH) before
 * the command is even looked at.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* xenctrl.h first: it sets up what Xen's public headers need. */
#include "cs_xen.h"

#include <xencall.h>
#include <xen/version.h>

#define VERSION_SCAN_FIRST 0x10U
#define VERSION_SCAN_LAST  0x30U

/* The probe's answer: written once under pthread_once, read-only after. */
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static struct cs_xen_backend probe_result;
static int probe_rc, probe_err;

/* One raw domctl through a fresh libxencall handle (the probe and claim
 * calls are rare; a handle per call keeps no state around).  extra, when
 * given, is copied to hypercall-safe memory whose address goes in the
 * first 8 bytes of the union (where every command we issue keeps its
 * guest handle). */
static int raw_domctl(struct xen_domctl *d, void *extra, size_t extra_len)
{
    xencall_handle *xcall = xencall_open(NULL, 0);
    struct xen_domctl *buf;
    void *ebuf = NULL;
    int rc, e;

    if (!xcall)
        return -1;
    buf = xencall_alloc_buffer(xcall, sizeof(*buf));
    if (!buf) {
        e = errno;
        xencall_close(xcall);
        errno = e;
        return -1;
    }
    if (extra_len) {
        ebuf = xencall_alloc_buffer(xcall, extra_len);
        if (!ebuf) {
            e = errno;
            xencall_free_buffer(xcall, buf);
            xencall_close(xcall);
            errno = e;
            return -1;
        }
        memcpy(ebuf, extra, extra_len);
    }
    memcpy(buf, d, sizeof(*buf));
    if (ebuf) {
        uint64_t h = (uint64_t)(uintptr_t)ebuf;

        memcpy(&buf->u, &h, sizeof(h));
    }
    rc = xencall1(xcall, __HYPERVISOR_domctl, (uint64_t)(uintptr_t)buf);
    e = errno;
    if (rc >= 0)
        memcpy(d, buf, sizeof(*buf));
    if (ebuf) {
        memcpy(extra, ebuf, extra_len);
        xencall_free_buffer(xcall, ebuf);
    }
    xencall_free_buffer(xcall, buf);
    xencall_close(xcall);
    errno = e;
    return rc < 0 ? -1 : 0;
}

static int version_accepted(uint32_t v)
{
    struct xen_domctl d;

    memset(&d, 0, sizeof(d));
    d.cmd = XEN_DOMCTL_getdomaininfo;
    d.interface_version = v;
    d.domain = 0;
    if (raw_domctl(&d, NULL, 0) == 0)
        return 1;
    return errno == EACCES ? 0 : -1;
}

static int find_domctl_version(uint32_t *v)
{
    int r = version_accepted(XEN_DOMCTL_INTERFACE_VERSION);

    if (r > 0) {
        *v = XEN_DOMCTL_INTERFACE_VERSION;
        return 0;
    }
    if (r < 0)
        return -1;
    for (uint32_t c = VERSION_SCAN_FIRST; c <= VERSION_SCAN_LAST; c++) {
        r = version_accepted(c);
        if (r < 0)
            return -1;
        if (r > 0) {
            *v = c;
            return 0;
        }
    }
    errno = EACCES;
    return -1;
}

static void xen_version(struct cs_xen_backend *b)
{
    xc_interface *xch = xc_interface_open(NULL, NULL, 0);
    xen_extraversion_t extra;
    int v;

    if (!xch)
        return;
    v = xc_version(xch, XENVER_version, NULL);
    if (v > 0) {
        b->xen_major = v >> 16;
        b->xen_minor = v & 0xffff;
    }
    memset(extra, 0, sizeof(extra));
    if (xc_version(xch, XENVER_extraversion, &extra) == 0)
        snprintf(b->xen_extra, sizeof(b->xen_extra), "%.*s", (int)sizeof(extra), extra);
    xc_interface_close(xch);
}

static void probe(void)
{
    struct cs_xen_backend *b = &probe_result;
    struct xen_domctl d;

    memset(b, 0, sizeof(*b));
    xen_version(b);
    if (find_domctl_version(&b->domctl_version)) {
        probe_rc = -1;
        probe_err = errno;
        return;
    }
    memset(&d, 0, sizeof(d));
    d.cmd = XEN_DOMCTL_claim_memory;
    d.interface_version = b->domctl_version;
    d.domain = 0;
    /* u stays zero: no entries, a NULL list. */
    if (raw_domctl(&d, NULL, 0) == 0) {
        b->probe_errno = 0;
    } else {
        b->probe_errno = errno;
        if (errno == EACCES || errno == EPERM) {
            probe_rc = -1;
            probe_err = errno;
            return;
        }
    }
    b->claim_sets = b->probe_errno != ENOSYS && b->probe_errno != EOPNOTSUPP;
}

int cs_xen_probe(struct cs_xen_backend *out)
{
    pthread_once(&probe_once, probe);
    if (probe_rc) {
        errno = probe_err;
        return -1;
    }
    if (out)
        *out = probe_result;
    return 0;
}

/*
 * XEN_DOMCTL_claim_memory as the claim-set series lays it out: a guest
 * handle to the entries, their count and a zero pad, at the start of the
 * domctl's union.
 */
struct claim_memory_args {
    uint64_t claims;
    uint32_t nr_claims;
    uint32_t pad;
};

int cs_xen_claim_memory_raw(uint32_t domid, uint32_t nr, memory_claim_t *claims)
{
    struct xen_domctl d;
    struct claim_memory_args a = {0, nr, 0};

    if (cs_xen_probe(NULL))
        return -1;
    memset(&d, 0, sizeof(d));
    d.cmd = XEN_DOMCTL_claim_memory;
    d.interface_version = probe_result.domctl_version;
    d.domain = (domid_t)domid;
    memcpy(&d.u, &a, sizeof(a));
    return raw_domctl(&d, claims, nr && claims ? (size_t)nr * sizeof(*claims) : 0);
}
