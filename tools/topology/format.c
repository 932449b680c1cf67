/*
 * The canonical topology text (claimset/topology.h): what
 * claimset_host_topology() reports and what the CLI shows as the host's
 * topology.  Sizes go through the one token formatter (size_format.c).
 */
#include <stdarg.h>
#include <stdio.h>

#include "topo_private.h"

/* snprintf-style appending: counts everything, stores what fits. */
struct out {
    char *buf;
    size_t len;
    size_t pos;
};

static void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void out_printf(struct out *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    if (o->buf && o->pos < o->len)
        n = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
    else
        n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->pos += (size_t)n;
}

/*
 * t is expected to be valid (as the parser, sysfs and the default make
 * them); then the text parses back to an identical struct, except that
 * node_cpus, which the grammar cannot express, comes back as
 * CLAIMSET_TOPOLOGY_DEFAULT_CPUS.  An invalid t is still written without
 * reading out of bounds, but need not parse.
 */
int claimset_topology_format(const struct claimset_topology *t, char *buf, size_t len)
{
    struct out o = {buf, len, 0};
    char token[32];
    unsigned int n, i, j;

    if (buf && len)
        buf[0] = '\0';
    if (!t)
        return 0;
    n = t->nr_nodes < TOPO_MAX_NODES ? t->nr_nodes : TOPO_MAX_NODES;
    for (i = 0; i < n; i++)
        out_printf(&o, "%s%s", i ? "," : "",
                   topo_size_token(t->node_pages[i], token, sizeof(token)));
    out_printf(&o, ";distances=");
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++)
            out_printf(&o, "%s%u", (i || j) ? "," : "", (unsigned int)t->distance[i][j]);
    return o.pos > INT32_MAX ? INT32_MAX : (int)o.pos;
}
