/*
 * Inside the topology module: error sinks, spans of input text, and the
 * rules the parser and the sysfs reader share.  Not for other modules:
 * they use claimset/topology.h and topology/topo.h.
 *
 * Error reporting: every failure writes exactly one line into the
 * caller's err buffer (truncated to errlen, always NUL-terminated when
 * errlen > 0).  Text copied from the input or from a path is passed
 * through topo_printable(), so a message never contains control
 * characters and never grows without bound, whatever the input was.  On
 * failure the caller's struct is left untouched: everything is built in a
 * local copy first.
 */
#ifndef TOOLS_TOPOLOGY_TOPO_PRIVATE_H
#define TOOLS_TOPOLOGY_TOPO_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <claimset/topology.h>

#include "topology/topo.h"

#define TOPO_MAX_NODES CLAIMSET_TOPOLOGY_MAX_NODES
#define TOPO_MAX_BYTES CLAIMSET_TOPOLOGY_MAX_BYTES

#define DIST_LOCAL      10 /* SLIT: a node's distance to itself */
#define DIST_REMOTE     20 /* SLIT: default between two nodes */
#define DIST_REMOTE_MIN 11
#define DIST_REMOTE_MAX 255

/* The heap never uses frame 0, so one more page must remain usable. */
#define TOPOLOGY_MIN_PAGES 2

/* Longest piece of input or path quoted in a message. */
#define QUOTE_MAX      48
#define PATH_QUOTE_MAX 200

#define TOPO_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* Errors (errors.c)                                                   */

/* Where a message goes, and (for text input) where in the text the
 * problem is: *at becomes its offset from base, or
 * CLAIMSET_TOPOLOGY_NO_OFFSET. */
struct errsink {
    char *buf;
    size_t len;
    const char *base;
    size_t *at;
};

/* Write the message (if there is room for any) and return rc. */
int topo_fail(const struct errsink *e, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same, for a problem at where in the text being parsed. */
int topo_fail_at(const struct errsink *e, const char *where, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Copy src[0..n) into dst (dstlen > 0) for quoting in a message: control
 * and non-ASCII bytes become '?', and text longer than max (or than dst
 * allows) is cut, ending in "...".  Returns dst.
 */
const char *topo_printable(char *dst, size_t dstlen, const char *src, size_t n, size_t max);

/* ------------------------------------------------------------------ */
/* Spans of the input text (never modified, never NUL-terminated)      */

struct span {
    const char *p;
    size_t n;
};

/* The C library's isspace()/isdigit() follow the locale; the grammar is
 * plain ASCII whatever the process's locale is. */
static inline bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static inline bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

struct span span_trim(struct span s);
/* Index of the first c in s, or s.n. */
size_t span_find(struct span s, char c);
size_t span_count(struct span s, char c);
/* Take the next c-separated field off the front of *rest (the whole of
 * it when there is no c) and return it trimmed. */
struct span span_next_field(struct span *rest, char c);
bool span_eq(struct span s, const char *word);
/* An unsigned decimal integer, all of s; saturates at UINT32_MAX. */
bool span_parse_uint(struct span s, uint32_t *val);

/* Quote a span of the input into a message buffer. */
#define QUOTE(buf, s) topo_printable(buf, sizeof(buf), (s).p, (s).n, QUOTE_MAX)

/* ------------------------------------------------------------------ */
/* Rules shared by the parser and sysfs (validate.c)                   */

/* The rule every SLIT entry must follow; NULL when val is allowed. */
const char *topo_distance_rule_broken(unsigned int row, unsigned int col, uint32_t val);
/* Total memory within 2 pages .. 16 TiB. */
int topo_check_totals(const struct claimset_topology *t, const struct errsink *e);

#endif /* TOOLS_TOPOLOGY_TOPO_PRIVATE_H */
