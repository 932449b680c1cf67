/*
 * This machine's NUMA layout from sysfs (claimset/topology.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "topo_private.h"

/* Largest file read from sysfs (a node's meminfo is about 1.5 KiB). */
#define SYSFS_FILE_MAX 16384

/*
 * Node ids in sysfs may be sparse (node0 and node2 on a machine whose
 * node 1 is offline or absent).  They are compacted in ascending order:
 * the i-th smallest id becomes node i.  This matches the kernel's own
 * distance rows, which list one value per online node in ascending id
 * order, so row and column positions line up with the compacted ids, and
 * it gives the simulator the dense node numbering it expects.  The
 * original ids appear only in error messages.
 */

/* "node<N>" with N canonical decimal (no sign, no leading zeros). */
static bool node_dir_id(const char *name, unsigned int *id)
{
    uint32_t v;
    struct span s;

    if (strncmp(name, "node", 4))
        return false;
    s = (struct span){name + 4, strlen(name + 4)};
    if (!s.n || (s.n > 1 && s.p[0] == '0') || s.n > 9 || !span_parse_uint(s, &v))
        return false;
    *id = v;
    return true;
}

static void sort_ids(unsigned int *ids, size_t n)
{
    size_t i, j;

    for (i = 1; i < n; i++) {
        unsigned int v = ids[i];

        for (j = i; j > 0 && ids[j - 1] > v; j--)
            ids[j] = ids[j - 1];
        ids[j] = v;
    }
}

/* The ids of root's node directories, ascending. */
static int list_nodes(const char *dir, unsigned int *ids, size_t *count, const struct errsink *e)
{
    char qp[PATH_QUOTE_MAX + 4];
    struct dirent *de;
    size_t n = 0;
    DIR *d;
    int saved;

    d = opendir(dir);
    if (!d) {
        saved = errno;
        topo_printable(qp, sizeof(qp), dir, strlen(dir), PATH_QUOTE_MAX);
        if (saved == ENOENT || saved == ENOTDIR)
            return topo_fail(e, -ENOENT, "sysfs has no NUMA information at '%s'", qp);
        return topo_fail(e, -saved, "cannot open '%s': %s", qp, strerror(saved));
    }
    for (;;) {
        unsigned int id;

        errno = 0;
        de = readdir(d);
        if (!de)
            break;
        if (!node_dir_id(de->d_name, &id))
            continue;
        if (n < TOPO_MAX_NODES)
            ids[n] = id;
        n++;
    }
    saved = errno;
    closedir(d);
    topo_printable(qp, sizeof(qp), dir, strlen(dir), PATH_QUOTE_MAX);
    if (saved)
        return topo_fail(e, -saved, "cannot read '%s': %s", qp, strerror(saved));
    if (!n)
        return topo_fail(e, -ENOENT, "sysfs has no NUMA information at '%s' (no node directories)",
                         qp);
    if (n > TOPO_MAX_NODES)
        return topo_fail(e, -EINVAL, "%zu nodes in '%s'; at most %d are supported", n, qp,
                         TOPO_MAX_NODES);
    sort_ids(ids, n);
    *count = n;
    return 0;
}

/* The whole of a small file, NUL-terminated. */
static int read_small_file(const char *path, char *buf, size_t size, const char **qpath, char *qbuf,
                           size_t qlen, const struct errsink *e)
{
    size_t got = 0;
    int fd, saved;

    *qpath = topo_printable(qbuf, qlen, path, strlen(path), PATH_QUOTE_MAX);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        saved = errno;
        return topo_fail(e, -saved, "cannot read '%s': %s", *qpath, strerror(saved));
    }
    for (;;) {
        ssize_t r = read(fd, buf + got, size - 1 - got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            saved = errno;
            close(fd);
            return topo_fail(e, -saved, "cannot read '%s': %s", *qpath, strerror(saved));
        }
        if (r == 0)
            break;
        got += (size_t)r;
        if (got == size - 1) {
            close(fd);
            return topo_fail(e, -EFBIG, "'%s' is larger than %zu bytes", *qpath, size - 1);
        }
    }
    close(fd);
    buf[got] = '\0';
    return 0;
}

/* The line of buf holding key, and where the text after key starts. */
static bool find_keyed_line(const char *buf, const char *key, struct span *line, size_t *after)
{
    struct span rest = {buf, strlen(buf)};
    size_t klen = strlen(key), i;

    while (rest.n) {
        *line = span_next_field(&rest, '\n');
        for (i = 0; i + klen <= line->n; i++) {
            if (!memcmp(line->p + i, key, klen)) {
                *after = i + klen;
                return true;
            }
        }
    }
    return false;
}

/*
 * "Node N MemTotal:   12345 kB" somewhere in a node's meminfo.  The same
 * size rules as the parser apply (a non-zero size below a page is an
 * error, no node above 16 TiB).
 */
static int parse_meminfo(const char *buf, const char *qpath, uint64_t *pages,
                         const struct errsink *e)
{
    char q[QUOTE_MAX + 4];
    struct span line, v;
    size_t after, digits = 0;
    uint64_t kb = 0;

    if (!find_keyed_line(buf, "MemTotal:", &line, &after))
        return topo_fail(e, -EINVAL, "'%s' has no MemTotal line", qpath);
    v = span_trim((struct span){line.p + after, line.n - after});
    while (digits < v.n && is_digit(v.p[digits])) {
        if (kb <= TOPO_MAX_BYTES) /* saturate; checked below */
            kb = kb * 10 + (unsigned int)(v.p[digits] - '0');
        digits++;
    }
    if (!digits || !span_eq(span_trim((struct span){v.p + digits, v.n - digits}), "kB"))
        return topo_fail(
            e, -EINVAL,
            "'%s': malformed MemTotal line '%s' (expected 'Node N MemTotal: <number> kB')", qpath,
            QUOTE(q, line));
    if (kb > (TOPO_MAX_BYTES >> 10))
        return topo_fail(e, -EINVAL, "'%s': MemTotal exceeds the 16 TiB limit", qpath);
    if (kb && kb * 1024 < TOPO_PAGE_SIZE)
        return topo_fail(e, -EINVAL, "'%s': MemTotal %" PRIu64 " kB is less than one 4 KiB page",
                         qpath, kb);
    *pages = (kb << 10) >> TOPO_PAGE_SHIFT;
    return 0;
}

/* One "A" or "A-B" item of a CPU list. */
static bool cpulist_item(struct span item, uint64_t *count)
{
    size_t dash = span_find(item, '-');
    uint32_t lo, hi;

    if (!span_parse_uint(span_trim((struct span){item.p, dash}), &lo))
        return false;
    hi = lo;
    if (dash < item.n &&
        !span_parse_uint(span_trim((struct span){item.p + dash + 1, item.n - dash - 1}), &hi))
        return false;
    if (hi < lo || hi == UINT32_MAX)
        return false;
    *count += (uint64_t)hi - lo + 1;
    return true;
}

/* "0-7,16-23" (ranges as the kernel prints them); empty means no CPUs. */
static int parse_cpulist(const char *buf, const char *qpath, unsigned int *cpus,
                         const struct errsink *e)
{
    struct span rest = span_trim((struct span){buf, strlen(buf)});
    char q[QUOTE_MAX + 4];
    uint64_t count = 0;

    while (rest.n) {
        struct span item = span_next_field(&rest, ',');

        if (!cpulist_item(item, &count) || count > UINT32_MAX)
            return topo_fail(e, -EINVAL, "'%s': '%s' is not a CPU list item (expected N or N-M)",
                             qpath, QUOTE(q, item));
    }
    *cpus = (unsigned int)count;
    return 0;
}

/* Next white-space separated word of *rest, or an empty span at the end. */
static struct span next_word(struct span *rest)
{
    struct span w;

    *rest = span_trim(*rest);
    w.p = rest->p;
    w.n = 0;
    while (w.n < rest->n && !is_space(rest->p[w.n]))
        w.n++;
    rest->p += w.n;
    rest->n -= w.n;
    return w;
}

/*
 * Node row's distance file: one value per node, separated by white space,
 * in the same ascending-id order as the compacted node numbers.
 */
static int parse_distance_row(const char *buf, const char *qpath, unsigned int row,
                              const unsigned int *ids, unsigned int nr, struct claimset_topology *t,
                              const struct errsink *e)
{
    struct span rest = {buf, strlen(buf)};
    char q[QUOTE_MAX + 4];
    unsigned int col = 0;

    for (;;) {
        struct span w = next_word(&rest);
        const char *broken;
        uint32_t val;

        if (!w.n)
            break;
        if (!span_parse_uint(w, &val))
            return topo_fail(e, -EINVAL, "'%s': value '%s' at position %u is not a number", qpath,
                             QUOTE(q, w), col + 1);
        if (col < nr) {
            broken = topo_distance_rule_broken(row, col, val);
            if (broken)
                return topo_fail(e, -EINVAL, "'%s': distance to node%u is %s; %s", qpath, ids[col],
                                 QUOTE(q, w), broken);
            t->distance[row][col] = (uint8_t)val;
        }
        col++;
    }
    if (col != nr)
        return topo_fail(e, -EINVAL, "'%s': expected %u value%s (one per node), got %u", qpath, nr,
                         nr == 1 ? "" : "s", col);
    return 0;
}

static int read_node(const char *dir, const unsigned int *ids, unsigned int nr, unsigned int index,
                     struct claimset_topology *t, const struct errsink *e)
{
    static const char *const files[] = {"meminfo", "cpulist", "distance"};
    char path[4096], qpath[PATH_QUOTE_MAX + 4], buf[SYSFS_FILE_MAX];
    const char *qp;
    size_t f;
    int rc, n;

    for (f = 0; f < TOPO_ARRAY_LEN(files); f++) {
        n = snprintf(path, sizeof(path), "%s/node%u/%s", dir, ids[index], files[f]);
        if (n < 0 || (size_t)n >= sizeof(path))
            return topo_fail(e, -ENAMETOOLONG, "sysfs path for node%u is too long", ids[index]);
        rc = read_small_file(path, buf, sizeof(buf), &qp, qpath, sizeof(qpath), e);
        if (rc)
            return rc;
        if (f == 0)
            rc = parse_meminfo(buf, qp, &t->node_pages[index], e);
        else if (f == 1)
            rc = parse_cpulist(buf, qp, &t->node_cpus[index], e);
        else
            rc = parse_distance_row(buf, qp, index, ids, nr, t, e);
        if (rc)
            return rc;
    }
    return 0;
}

int claimset_topology_from_sysfs(const char *root, struct claimset_topology *t, char *err,
                                 size_t errlen)
{
    struct errsink e = {err, errlen, NULL, NULL};
    unsigned int ids[TOPO_MAX_NODES], i;
    struct claimset_topology tmp;
    char dir[4096];
    size_t count = 0;
    int rc, n;

    if (err && errlen)
        err[0] = '\0';
    if (!t)
        return topo_fail(&e, -EINVAL, "no topology to fill in");
    if (!root)
        root = "/sys";
    n = snprintf(dir, sizeof(dir), "%s/devices/system/node", root);
    if (n < 0 || (size_t)n >= sizeof(dir))
        return topo_fail(&e, -ENAMETOOLONG, "sysfs root path is too long");

    rc = list_nodes(dir, ids, &count, &e);
    if (rc)
        return rc;
    memset(&tmp, 0, sizeof(tmp));
    tmp.nr_nodes = (unsigned int)count;
    for (i = 0; i < tmp.nr_nodes; i++) {
        rc = read_node(dir, ids, tmp.nr_nodes, i, &tmp, &e);
        if (rc)
            return rc;
    }
    rc = topo_check_totals(&tmp, &e);
    if (rc)
        return rc;
    memcpy(t, &tmp, sizeof(tmp));
    return 0;
}
