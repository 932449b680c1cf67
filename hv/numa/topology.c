/*
 * Host NUMA topology: the CLAIMSET_TOPOLOGY text (parse and format), the
 * built-in default, and this machine's layout from sysfs.
 *
 * Nothing here keeps state: every function works only on the caller's
 * struct and buffers, so any thread may call any of them at any time.
 *
 * Error reporting: every failure writes exactly one line into the caller's
 * err buffer (truncated to errlen, always NUL-terminated when errlen > 0).
 * Text copied from the input or from a path is passed through
 * printable(), so a message never contains control characters and never
 * grows without bound, whatever the input was.  On failure *t is left
 * untouched: everything is built in a local copy first.
 */
#include "hv/topology.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DIST_LOCAL      10 /* SLIT: a node's distance to itself */
#define DIST_REMOTE     20 /* SLIT: default between two nodes */
#define DIST_REMOTE_MIN 11
#define DIST_REMOTE_MAX 255

/* The heap never uses frame 0, so one more page must remain usable. */
#define TOPOLOGY_MIN_PAGES 2

/*
 * Fraction digits that can change the result.  A size is x * 2^s bytes
 * with s <= 40; once p >= s digits of x's fraction are kept, the value
 * kept times 2^s is a multiple of 1/(10^p / 2^s), and the digits dropped
 * add less than that, so they never move floor(x * 2^s).  Later digits are
 * still checked to be digits, then ignored.
 */
#define FRAC_KEEP 48

/* Longest piece of input or path quoted in a message. */
#define QUOTE_MAX      48
#define PATH_QUOTE_MAX 200

/* Largest file read from sysfs (a node's meminfo is about 1.5 KiB). */
#define SYSFS_FILE_MAX 16384

/* ------------------------------------------------------------------ */
/* Errors                                                              */

/* Where a message goes, and (for text input) where in the text the
 * problem is: *at becomes its offset from base, or TOPOLOGY_NO_OFFSET. */
struct errsink {
    char *buf;
    size_t len;
    const char *base;
    size_t *at;
};

static int vfail(const struct errsink *e, const char *where, int rc, const char *fmt, va_list ap)
{
    if (e->buf && e->len)
        vsnprintf(e->buf, e->len, fmt, ap);
    if (e->at)
        *e->at = where && e->base ? (size_t)(where - e->base) : TOPOLOGY_NO_OFFSET;
    return rc;
}

static int fail(const struct errsink *e, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail_at(const struct errsink *e, const char *where, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Write the message (if there is room for any) and return rc. */
static int fail(const struct errsink *e, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    rc = vfail(e, NULL, rc, fmt, ap);
    va_end(ap);
    return rc;
}

/* The same, for a problem at where in the text being parsed. */
static int fail_at(const struct errsink *e, const char *where, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    rc = vfail(e, where, rc, fmt, ap);
    va_end(ap);
    return rc;
}

/*
 * Copy src[0..n) into dst (dstlen > 0) for quoting in a message: control
 * and non-ASCII bytes become '?', and text longer than max (or than dst
 * allows) is cut, ending in "...".  Returns dst.
 */
static const char *printable(char *dst, size_t dstlen, const char *src, size_t n, size_t max)
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

/* ------------------------------------------------------------------ */
/* Spans of the input text (never modified, never NUL-terminated)      */

struct span {
    const char *p;
    size_t n;
};

/* The C library's isspace()/isdigit()/tolower() follow the locale; the
 * grammar is plain ASCII whatever the process's locale is. */
static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static struct span span_trim(struct span s)
{
    while (s.n && is_space(s.p[0])) {
        s.p++;
        s.n--;
    }
    while (s.n && is_space(s.p[s.n - 1]))
        s.n--;
    return s;
}

/* Index of the first c in s, or s.n. */
static size_t span_find(struct span s, char c)
{
    const char *hit = memchr(s.p, c, s.n);

    return hit ? (size_t)(hit - s.p) : s.n;
}

static size_t span_count(struct span s, char c)
{
    size_t i, count = 0;

    for (i = 0; i < s.n; i++)
        count += s.p[i] == c;
    return count;
}

/*
 * Take the next c-separated field off the front of *rest (the whole of it
 * when there is no c) and return it trimmed.
 */
static struct span span_next_field(struct span *rest, char c)
{
    size_t at = span_find(*rest, c);
    struct span field = {rest->p, at};

    if (at < rest->n) {
        rest->p += at + 1;
        rest->n -= at + 1;
    } else {
        rest->p += at;
        rest->n = 0;
    }
    return span_trim(field);
}

static bool span_eq(struct span s, const char *word)
{
    return strlen(word) == s.n && !memcmp(s.p, word, s.n);
}

static bool span_eq_nocase(struct span s, const char *word)
{
    size_t i;

    if (strlen(word) != s.n)
        return false;
    for (i = 0; i < s.n; i++)
        if (ascii_lower(s.p[i]) != ascii_lower(word[i]))
            return false;
    return true;
}

/* Quote a span of the input into a message buffer. */
#define QUOTE(buf, s) printable(buf, sizeof(buf), (s).p, (s).n, QUOTE_MAX)

/* ------------------------------------------------------------------ */
/* Sizes                                                               */

static const struct {
    const char *name;
    unsigned int shift;
} units[] = {
    {"", 0},   {"K", 10},   {"KiB", 10}, {"M", 20},   {"MiB", 20},
    {"G", 30}, {"GiB", 30}, {"T", 40},   {"TiB", 40},
};

/* Units are case-insensitive: "4gib" and "4GIB" mean 4 GiB. */
static bool lookup_unit(struct span u, unsigned int *shift)
{
    size_t i;

    for (i = 0; i < ARRAY_LEN(units); i++) {
        if (span_eq_nocase(u, units[i].name)) {
            *shift = units[i].shift;
            return true;
        }
    }
    return false;
}

/* A decimal number as written: integer part, leading fraction digits. */
struct decimal {
    uint64_t whole;       /* saturates just above TOPOLOGY_MAX_BYTES */
    bool whole_too_big;   /* the integer part alone exceeds the limit */
    bool nonzero;         /* some digit is not 0 */
    unsigned int nr_frac; /* digits kept in frac[] */
    unsigned char frac[FRAC_KEEP];
    bool frac_tail; /* a non-zero digit beyond those kept */
};

/*
 * Scan "DIGITS[.DIGITS]" (either side may be empty, not both) from the
 * front of s.  Returns the number of characters that form the number, or 0
 * when s does not start with a well-formed one.  Characters after the
 * number are the caller's business.
 */
static size_t scan_decimal(struct span s, struct decimal *d)
{
    unsigned int dots = 0, digits = 0;
    size_t i;

    memset(d, 0, sizeof(*d));
    for (i = 0; i < s.n && (is_digit(s.p[i]) || s.p[i] == '.'); i++) {
        unsigned int v = (unsigned int)(s.p[i] - '0');

        if (s.p[i] == '.') {
            dots++;
            continue;
        }
        digits++;
        d->nonzero |= v != 0;
        if (dots) {
            if (d->nr_frac < FRAC_KEEP)
                d->frac[d->nr_frac++] = (unsigned char)v;
            else
                d->frac_tail |= v != 0;
        } else if (!d->whole_too_big) {
            /* Stop before overflow: anything above the limit is an error. */
            d->whole = d->whole * 10 + v;
            d->whole_too_big = d->whole > TOPOLOGY_MAX_BYTES;
        }
    }
    return (dots > 1 || digits == 0) ? 0 : i;
}

/*
 * floor(0.f1f2...fn * 2^shift), exactly: double the decimal fraction
 * shift times, collecting the bits that carry out of it.  *exact: nothing
 * is left below the point (so the size is a whole number of bytes).
 */
static uint64_t frac_times_pow2(const struct decimal *d, unsigned int shift, bool *exact)
{
    unsigned char f[FRAC_KEEP];
    uint64_t whole = 0;
    unsigned int s, i;

    memcpy(f, d->frac, sizeof(f));
    for (s = 0; s < shift; s++) {
        unsigned int carry = 0;

        for (i = d->nr_frac; i-- > 0;) {
            unsigned int v = f[i] * 2U + carry;

            f[i] = (unsigned char)(v % 10);
            carry = v / 10;
        }
        whole = whole * 2 + carry;
    }
    *exact = !d->frac_tail;
    for (i = 0; i < d->nr_frac; i++)
        *exact = *exact && !f[i];
    return whole;
}

/*
 * One node's SIZE token (already trimmed) into whole pages.  A size must
 * be a whole number of pages, as every size claimset takes: a remainder
 * is a typo (a page count without its unit, 16.3M for 16M), not something
 * to round away.  A size that is not zero but below one page gets its own
 * message rather than a silent memory-less node.
 */
static int parse_size(struct span tok, unsigned int node, uint64_t *pages, const struct errsink *e)
{
    char q[QUOTE_MAX + 4], qu[QUOTE_MAX + 4];
    struct span unit, word, rest;
    struct decimal d;
    unsigned int shift;
    uint64_t bytes;
    bool exact;
    size_t len;

    if (!tok.n)
        return fail_at(e, tok.p, -EINVAL, "node %u: empty size", node);
    if (tok.p[0] == '-')
        return fail_at(e, tok.p, -EINVAL, "node %u: '%s' is negative", node, QUOTE(q, tok));
    len = scan_decimal(tok, &d);
    if (!len)
        return fail_at(e, tok.p, -EINVAL, "node %u: '%s' is not a number", node, QUOTE(q, tok));
    /* A space between number and unit ("4 GiB") is allowed; a second
     * size after it ("4G 4G", or "16M" on the next line of a file) is a
     * comma left out. */
    unit = span_trim((struct span){tok.p + len, tok.n - len});
    word = unit;
    for (word.n = 0; word.n < unit.n && !is_space(unit.p[word.n]);)
        word.n++;
    rest = span_trim((struct span){unit.p + word.n, unit.n - word.n});
    if ((rest.n && (is_digit(rest.p[0]) || rest.p[0] == '.')) || (word.n && is_digit(word.p[0]))) {
        struct span second = rest.n ? rest : word;

        return fail_at(e, second.p, -EINVAL, "node %u: a ',' is missing before '%s'", node,
                       QUOTE(q, second));
    }
    if (!lookup_unit(unit, &shift))
        return fail_at(e, unit.p, -EINVAL,
                       "node %u: unknown unit '%s' in '%s' (expected K, M, G, T, KiB, MiB, "
                       "GiB or TiB)",
                       node, QUOTE(qu, unit), QUOTE(q, tok));

    if (d.whole_too_big || d.whole > (TOPOLOGY_MAX_BYTES >> shift))
        goto too_big;
    bytes = (d.whole << shift) + frac_times_pow2(&d, shift, &exact);
    if (bytes > TOPOLOGY_MAX_BYTES)
        goto too_big;

    if (d.nonzero && bytes == 0)
        return fail_at(e, tok.p, -EINVAL,
                       "node %u: '%s' is less than one byte (write 0 for a memory-less node)", node,
                       QUOTE(q, tok));
    if (bytes && bytes < PAGE_SIZE) {
        bool plain = !unit.n && len == tok.n && !memchr(tok.p, '.', tok.n);

        if (plain)
            return fail_at(e, tok.p, -EINVAL,
                           "node %u: %" PRIu64 " bytes is less than one 4 KiB page", node, bytes);
        return fail_at(e, tok.p, -EINVAL,
                       "node %u: %" PRIu64 " bytes is less than one 4 KiB page ('%s')", node, bytes,
                       QUOTE(q, tok));
    }
    if (!exact || bytes % PAGE_SIZE)
        return fail_at(e, tok.p, -EINVAL, "node %u: '%s' is not a whole number of 4 KiB pages",
                       node, QUOTE(q, tok));
    *pages = bytes >> PAGE_SHIFT;
    return 0;

too_big:
    return fail_at(e, tok.p, -EINVAL, "node %u: '%s' exceeds the 16 TiB limit", node,
                   QUOTE(q, tok));
}

static int parse_sizes(struct span sizes, struct topology *t, const struct errsink *e)
{
    size_t count = span_count(sizes, ',') + 1;
    unsigned int node;
    int rc;

    if (count > MAX_NUMNODES)
        return fail_at(e, sizes.p, -EINVAL, "%zu nodes; at most %d are supported", count,
                       MAX_NUMNODES);
    for (node = 0; node < count; node++) {
        rc = parse_size(span_next_field(&sizes, ','), node, &t->node_pages[node], e);
        if (rc)
            return rc;
        t->node_cpus[node] = TOPOLOGY_DEFAULT_CPUS;
    }
    t->nr_nodes = (unsigned int)count;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Distances                                                           */

static void default_distances(struct topology *t)
{
    unsigned int i, j;

    for (i = 0; i < t->nr_nodes; i++)
        for (j = 0; j < t->nr_nodes; j++)
            t->distance[i][j] = i == j ? DIST_LOCAL : DIST_REMOTE;
}

/* An unsigned decimal integer, all of s; saturates at UINT32_MAX. */
static bool parse_uint(struct span s, uint32_t *val)
{
    uint64_t v = 0;
    size_t i;

    if (!s.n)
        return false;
    for (i = 0; i < s.n; i++) {
        if (!is_digit(s.p[i]))
            return false;
        if (v <= UINT32_MAX)
            v = v * 10 + (unsigned int)(s.p[i] - '0');
    }
    *val = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
    return true;
}

/* The rule every SLIT entry must follow; NULL when val is allowed. */
static const char *distance_rule_broken(unsigned int row, unsigned int col, uint32_t val)
{
    if (row == col)
        return val == DIST_LOCAL ? NULL : "a node's distance to itself must be 10";
    if (val < DIST_REMOTE_MIN || val > DIST_REMOTE_MAX)
        return "the distance between two nodes must be 11..255";
    return NULL;
}

/*
 * "D{,D}": exactly nr_nodes^2 values, row by row.  Positions in messages
 * count from 1 (the n-th value written); rows and columns are node ids
 * and count from 0.
 */
static int parse_distances(struct span v, struct topology *t, const struct errsink *e)
{
    size_t want = (size_t)t->nr_nodes * t->nr_nodes, got, i;
    char q[QUOTE_MAX + 4];

    v = span_trim(v);
    got = v.n ? span_count(v, ',') + 1 : 0;
    if (got != want)
        return fail_at(e, v.p, -EINVAL, "distances: expected %zu value%s for %u node%s, got %zu",
                       want, want == 1 ? "" : "s", t->nr_nodes, t->nr_nodes == 1 ? "" : "s", got);
    for (i = 0; i < want; i++) {
        struct span tok = span_next_field(&v, ',');
        unsigned int row = (unsigned int)(i / t->nr_nodes), col = (unsigned int)(i % t->nr_nodes);
        const char *broken;
        uint32_t val;

        if (!tok.n)
            return fail_at(e, tok.p, -EINVAL,
                           "distances: value at position %zu (row %u column %u) is empty", i + 1,
                           row, col);
        if (!parse_uint(tok, &val))
            return fail_at(e, tok.p, -EINVAL,
                           "distances: value '%s' at position %zu (row %u column %u) is not a "
                           "number",
                           QUOTE(q, tok), i + 1, row, col);
        broken = distance_rule_broken(row, col, val);
        if (broken)
            return fail_at(e, tok.p, -EINVAL, "distances: row %u column %u is %s; %s", row, col,
                           QUOTE(q, tok), broken);
        t->distance[row][col] = (uint8_t)val;
    }
    return 0;
}

/*
 * "NAME=VALUE{;NAME=VALUE}" after the first ';'.  The only option is
 * distances, at most once; an empty option (a stray ';') is an error so
 * that typos do not pass silently.
 */
static int parse_options(struct span opts, struct topology *t, const struct errsink *e)
{
    size_t nr_opts = span_count(opts, ';') + 1, k;
    char q[QUOTE_MAX + 4];
    bool have_distances = false;
    int rc;

    for (k = 0; k < nr_opts; k++) {
        struct span opt = span_next_field(&opts, ';');
        size_t eq = span_find(opt, '=');
        struct span name = span_trim((struct span){opt.p, eq});

        if (!opt.n)
            return fail_at(e, opt.p, -EINVAL, "empty option after ';' (expected 'distances=')");
        if (eq == opt.n || !span_eq(name, "distances"))
            return fail_at(e, name.p, -EINVAL, "unknown option '%s' (expected 'distances=')",
                           QUOTE(q, name));
        if (have_distances)
            return fail_at(e, name.p, -EINVAL, "distances given more than once");
        rc = parse_distances((struct span){opt.p + eq + 1, opt.n - eq - 1}, t, e);
        if (rc)
            return rc;
        have_distances = true;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Whole-topology rules (shared by the parser and sysfs)               */

/*
 * bytes (a multiple of 1 KiB) as a count of the largest binary unit that
 * divides it exactly, e.g. 1536 and "MiB".
 */
static uint64_t exact_unit(uint64_t bytes, const char **name)
{
    static const char *const names[] = {"KiB", "MiB", "GiB", "TiB"};
    unsigned int u;

    for (u = 4; u > 1; u--)
        if (bytes % (1ULL << (10 * u)) == 0)
            break;
    *name = names[u - 1];
    return bytes >> (10 * u);
}

/* "17 TiB", or "16 TiB + 4 KiB" when not whole TiB. */
static const char *bytes_text(char *buf, size_t len, uint64_t bytes)
{
    uint64_t rest = bytes & ((1ULL << 40) - 1);
    const char *name;
    uint64_t v;

    if (!rest) {
        snprintf(buf, len, "%" PRIu64 " TiB", bytes >> 40);
    } else {
        v = exact_unit(rest, &name);
        snprintf(buf, len, "%" PRIu64 " TiB + %" PRIu64 " %s", bytes >> 40, v, name);
    }
    return buf;
}

static int check_totals(const struct topology *t, const struct errsink *e)
{
    uint64_t pages = topology_total_pages(t);
    char buf[64];

    /* Each node is at most 2^44 bytes and there are at most 64: no overflow. */
    if (pages > (TOPOLOGY_MAX_BYTES >> PAGE_SHIFT))
        return fail(e, -EINVAL, "total memory %s exceeds the 16 TiB limit",
                    bytes_text(buf, sizeof(buf), pages << PAGE_SHIFT));
    if (pages < TOPOLOGY_MIN_PAGES)
        return fail(e, -EINVAL,
                    "total memory is %" PRIu64 " page%s; at least %d are needed (frame 0 never "
                    "enters the heap)",
                    pages, pages == 1 ? "" : "s", TOPOLOGY_MIN_PAGES);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Public: parse, format, default, total                               */

int topology_parse(const char *text, struct topology *t, char *err, size_t errlen)
{
    return topology_parse_at(text, t, err, errlen, NULL);
}

int topology_parse_at(const char *text, struct topology *t, char *err, size_t errlen, size_t *at)
{
    struct errsink e = {err, errlen, text, at};
    struct topology tmp;
    struct span all, sizes;
    size_t semi;
    int rc;

    if (err && errlen)
        err[0] = '\0';
    if (at)
        *at = TOPOLOGY_NO_OFFSET;
    if (!text)
        return fail(&e, -EINVAL, "no topology given");
    if (!t)
        return fail(&e, -EINVAL, "no topology to fill in");

    all = span_trim((struct span){text, strlen(text)});
    if (!all.n)
        return fail(&e, -EINVAL, "empty topology (expected node sizes such as '4GiB,4GiB')");

    /* Zeroed, so unused nodes and padding compare equal after a round trip. */
    memset(&tmp, 0, sizeof(tmp));
    semi = span_find(all, ';');
    sizes = (struct span){all.p, semi};
    rc = parse_sizes(sizes, &tmp, &e);
    if (!rc)
        rc = check_totals(&tmp, &e);
    if (rc)
        return rc;
    default_distances(&tmp);
    if (semi < all.n) {
        rc = parse_options((struct span){all.p + semi + 1, all.n - semi - 1}, &tmp, &e);
        if (rc)
            return rc;
    }
    memcpy(t, &tmp, sizeof(tmp));
    return 0;
}

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

/* A page count in the largest binary unit that divides it exactly. */
static void out_size(struct out *o, uint64_t pages)
{
    const char *name;
    uint64_t v;

    if (!pages) {
        out_printf(o, "0");
        return;
    }
    /* Whole pages are always whole KiB. */
    v = exact_unit(pages << PAGE_SHIFT, &name);
    out_printf(o, "%" PRIu64 "%s", v, name);
}

/*
 * t is expected to be valid (as the parser, sysfs and the default make
 * them); then the text parses back to an identical struct, except that
 * node_cpus, which the grammar cannot express, comes back as
 * TOPOLOGY_DEFAULT_CPUS.  An invalid t is still written without reading
 * out of bounds, but need not parse.
 */
int topology_format(const struct topology *t, char *buf, size_t len)
{
    struct out o = {buf, len, 0};
    unsigned int n, i, j;

    if (buf && len)
        buf[0] = '\0';
    if (!t)
        return 0;
    n = MIN(t->nr_nodes, (unsigned int)MAX_NUMNODES);
    for (i = 0; i < n; i++) {
        if (i)
            out_printf(&o, ",");
        out_size(&o, t->node_pages[i]);
    }
    out_printf(&o, ";distances=");
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++)
            out_printf(&o, "%s%u", (i || j) ? "," : "", (unsigned int)t->distance[i][j]);
    return o.pos > INT32_MAX ? INT32_MAX : (int)o.pos;
}

void topology_default(struct topology *t)
{
    char err[160];

    if (!t)
        return;
    /* The text is a compile-time constant; failing to parse it is a bug. */
    if (topology_parse(TOPOLOGY_DEFAULT_TEXT, t, err, sizeof(err))) {
        fprintf(stderr, "claimset: built-in topology is invalid: %s\n", err);
        abort();
    }
}

uint64_t topology_total_pages(const struct topology *t)
{
    uint64_t sum = 0;
    unsigned int i;

    if (!t)
        return 0;
    for (i = 0; i < t->nr_nodes && i < MAX_NUMNODES; i++)
        sum += t->node_pages[i];
    return sum;
}

/* ------------------------------------------------------------------ */
/* sysfs                                                               */

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
    if (!s.n || (s.n > 1 && s.p[0] == '0') || s.n > 9 || !parse_uint(s, &v))
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
        printable(qp, sizeof(qp), dir, strlen(dir), PATH_QUOTE_MAX);
        if (saved == ENOENT || saved == ENOTDIR)
            return fail(e, -ENOENT, "sysfs has no NUMA information at '%s'", qp);
        return fail(e, -saved, "cannot open '%s': %s", qp, strerror(saved));
    }
    for (;;) {
        unsigned int id;

        errno = 0;
        de = readdir(d);
        if (!de)
            break;
        if (!node_dir_id(de->d_name, &id))
            continue;
        if (n < MAX_NUMNODES)
            ids[n] = id;
        n++;
    }
    saved = errno;
    closedir(d);
    printable(qp, sizeof(qp), dir, strlen(dir), PATH_QUOTE_MAX);
    if (saved)
        return fail(e, -saved, "cannot read '%s': %s", qp, strerror(saved));
    if (!n)
        return fail(e, -ENOENT, "sysfs has no NUMA information at '%s' (no node directories)", qp);
    if (n > MAX_NUMNODES)
        return fail(e, -EINVAL, "%zu nodes in '%s'; at most %d are supported", n, qp, MAX_NUMNODES);
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

    *qpath = printable(qbuf, qlen, path, strlen(path), PATH_QUOTE_MAX);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        saved = errno;
        return fail(e, -saved, "cannot read '%s': %s", *qpath, strerror(saved));
    }
    for (;;) {
        ssize_t r = read(fd, buf + got, size - 1 - got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            saved = errno;
            close(fd);
            return fail(e, -saved, "cannot read '%s': %s", *qpath, strerror(saved));
        }
        if (r == 0)
            break;
        got += (size_t)r;
        if (got == size - 1) {
            close(fd);
            return fail(e, -EFBIG, "'%s' is larger than %zu bytes", *qpath, size - 1);
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
        return fail(e, -EINVAL, "'%s' has no MemTotal line", qpath);
    v = span_trim((struct span){line.p + after, line.n - after});
    while (digits < v.n && is_digit(v.p[digits])) {
        if (kb <= TOPOLOGY_MAX_BYTES) /* saturate; checked below */
            kb = kb * 10 + (unsigned int)(v.p[digits] - '0');
        digits++;
    }
    if (!digits || !span_eq(span_trim((struct span){v.p + digits, v.n - digits}), "kB"))
        return fail(e, -EINVAL,
                    "'%s': malformed MemTotal line '%s' (expected 'Node N MemTotal: <number> kB')",
                    qpath, QUOTE(q, line));
    if (kb > (TOPOLOGY_MAX_BYTES >> 10))
        return fail(e, -EINVAL, "'%s': MemTotal exceeds the 16 TiB limit", qpath);
    if (kb && kb * 1024 < PAGE_SIZE)
        return fail(e, -EINVAL, "'%s': MemTotal %" PRIu64 " kB is less than one 4 KiB page", qpath,
                    kb);
    *pages = (kb << 10) >> PAGE_SHIFT;
    return 0;
}

/* One "A" or "A-B" item of a CPU list. */
static bool cpulist_item(struct span item, uint64_t *count)
{
    size_t dash = span_find(item, '-');
    uint32_t lo, hi;

    if (!parse_uint(span_trim((struct span){item.p, dash}), &lo))
        return false;
    hi = lo;
    if (dash < item.n &&
        !parse_uint(span_trim((struct span){item.p + dash + 1, item.n - dash - 1}), &hi))
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
            return fail(e, -EINVAL, "'%s': '%s' is not a CPU list item (expected N or N-M)", qpath,
                        QUOTE(q, item));
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
                              const unsigned int *ids, unsigned int nr, struct topology *t,
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
        if (!parse_uint(w, &val))
            return fail(e, -EINVAL, "'%s': value '%s' at position %u is not a number", qpath,
                        QUOTE(q, w), col + 1);
        if (col < nr) {
            broken = distance_rule_broken(row, col, val);
            if (broken)
                return fail(e, -EINVAL, "'%s': distance to node%u is %s; %s", qpath, ids[col],
                            QUOTE(q, w), broken);
            t->distance[row][col] = (uint8_t)val;
        }
        col++;
    }
    if (col != nr)
        return fail(e, -EINVAL, "'%s': expected %u value%s (one per node), got %u", qpath, nr,
                    nr == 1 ? "" : "s", col);
    return 0;
}

static int read_node(const char *dir, const unsigned int *ids, unsigned int nr, unsigned int index,
                     struct topology *t, const struct errsink *e)
{
    static const char *const files[] = {"meminfo", "cpulist", "distance"};
    char path[4096], qpath[PATH_QUOTE_MAX + 4], buf[SYSFS_FILE_MAX];
    const char *qp;
    size_t f;
    int rc, n;

    for (f = 0; f < ARRAY_LEN(files); f++) {
        n = snprintf(path, sizeof(path), "%s/node%u/%s", dir, ids[index], files[f]);
        if (n < 0 || (size_t)n >= sizeof(path))
            return fail(e, -ENAMETOOLONG, "sysfs path for node%u is too long", ids[index]);
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

int topology_from_sysfs(const char *root, struct topology *t, char *err, size_t errlen)
{
    struct errsink e = {err, errlen, NULL, NULL};
    unsigned int ids[MAX_NUMNODES], i;
    struct topology tmp;
    char dir[4096];
    size_t count = 0;
    int rc, n;

    if (err && errlen)
        err[0] = '\0';
    if (!t)
        return fail(&e, -EINVAL, "no topology to fill in");
    if (!root)
        root = "/sys";
    n = snprintf(dir, sizeof(dir), "%s/devices/system/node", root);
    if (n < 0 || (size_t)n >= sizeof(dir))
        return fail(&e, -ENAMETOOLONG, "sysfs root path is too long");

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
    rc = check_totals(&tmp, &e);
    if (rc)
        return rc;
    memcpy(t, &tmp, sizeof(tmp));
    return 0;
}
