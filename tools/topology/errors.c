/*
 * The topology module's one-line messages (topo_private.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "topo_private.h"

static int vfail(const struct errsink *e, const char *where, int rc, const char *fmt, va_list ap)
{
    if (e->buf && e->len)
        vsnprintf(e->buf, e->len, fmt, ap);
    if (e->at)
        *e->at = where && e->base ? (size_t)(where - e->base) : CLAIMSET_TOPOLOGY_NO_OFFSET;
    return rc;
}

int topo_fail(const struct errsink *e, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    rc = vfail(e, NULL, rc, fmt, ap);
    va_end(ap);
    return rc;
}

int topo_fail_at(const struct errsink *e, const char *where, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    rc = vfail(e, where, rc, fmt, ap);
    va_end(ap);
    return rc;
}

const char *topo_printable(char *dst, size_t dstlen, const char *src, size_t n, size_t max)
{
    bool cut;
    size_t i;

    if (max > dstlen - 1)
        max = dstlen - 1;
    cut = n > max && max >= 3;
    if (n > max)
        n = cut ? max - 3 : max;
    for (i = 0; i < n; i++)
        dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
    if (cut)
        memcpy(dst + n, "...", 3);
    dst[n + (cut ? 3 : 0)] = '\0';
    return dst;
}
