/*
 * The topology module's toolstack-side interface, beyond the public
 * claimset/topology.h: the one size grammar every claimset tool reads
 * (node sizes in a topology, --size, scenario amounts, the simulator's
 * size mix) and its token form.
 *
 * A SIZE is a decimal number (fractions allowed: 1.5G, .5M) with an
 * optional unit -- K, M, G, T, KiB, MiB, GiB, TiB (powers of 1024, any
 * case), "page" or "pages" (a page count, no fraction) -- or no unit for
 * bytes; white space may separate number and unit.  The amount must be a
 * whole number of 4 KiB pages: every amount claimset passes on is a page
 * count, so a remainder is a typo, not something to round away.
 */
#ifndef TOOLS_TOPOLOGY_TOPO_H
#define TOOLS_TOPOLOGY_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <claimset/topology.h>

#define TOPO_PAGE_SHIFT 12
#define TOPO_PAGE_SIZE  (1ULL << TOPO_PAGE_SHIFT)

/* What topo_size_scan() found wrong, for each caller to word in its own
 * context (a node of a topology, an option, a scenario statement). */
enum topo_size_status {
    TOPO_SIZE_OK = 0,
    TOPO_SIZE_NOT_NUMBER,    /* no number where one must start */
    TOPO_SIZE_UNKNOWN_UNIT,  /* unit is not one of the table */
    TOPO_SIZE_PAGE_FRACTION, /* "1.5pages" */
    TOPO_SIZE_TOO_BIG,       /* above the caller's limit */
    TOPO_SIZE_BELOW_BYTE,    /* not zero, yet less than one byte */
    TOPO_SIZE_BELOW_PAGE,    /* whole bytes, not zero, below one page */
    TOPO_SIZE_NOT_PAGES,     /* not a whole number of pages */
};

struct topo_size {
    uint64_t pages;    /* the result, TOPO_SIZE_OK only */
    uint64_t bytes;    /* whole bytes, for BELOW_PAGE messages */
    size_t number_len; /* characters of the number */
    const char *unit;  /* the unit as written (after any space) */
    size_t unit_len;   /* 0: no unit */
    bool plain;        /* a bare integer: no unit, no '.' */
};

/*
 * Scan s[0..n): NUMBER [white space] [UNIT], nothing else.  max_pages is
 * the largest amount allowed.  Returns the status; r->number_len and the
 * unit are set whenever a number was found.
 */
enum topo_size_status topo_size_scan(const char *s, size_t n, uint64_t max_pages,
                                     struct topo_size *r);

/*
 * A whole string in the size grammar, into pages (any amount that fits
 * 64 bits of pages).  0, or -1 with a message naming the value (e.g.
 * "'4GB': unknown unit 'GB' (K, M, G, T, KiB..TiB, pages)") in err;
 * *pages is untouched on failure.
 */
int topo_parse_size(const char *s, uint64_t *pages, char *err, size_t errlen);

/* A token topo_parse_size() reads back to the same value, in the largest
 * binary unit that divides it exactly: "4MiB", "1536MiB", "0". */
const char *topo_size_token(uint64_t pages, char *buf, size_t len);
/* The same amount (pages below 2^62, not 0) as a count of the largest of
 * KiB..TiB that divides it exactly, and that unit's name. */
uint64_t topo_exact_unit(uint64_t pages, const char **name);

/* ---------------------------------------------------------------------
 * Where a topology comes from (resolve.c)
 *
 * An argument X of --topology (or of the scenario's `host` statement):
 *   default        the built-in default;
 *   host           this machine's NUMA layout from /sys;
 *   host:ROOT      the same from a sysfs tree at ROOT (for tests);
 *   a file path    when X contains '/' or names an existing file: the
 *                  grammar text, with '#' comments and line breaks;
 *   anything else  the CLAIMSET_TOPOLOGY grammar text itself.
 * Without an argument: CLAIMSET_TOPOLOGY when set, else the default.
 * ------------------------------------------------------------------ */

#define TOPO_TEXT_MAX 20480
#define TOPO_FILE_MAX (1U << 20)

struct topo_resolved {
    struct claimset_topology t; /* parsed; node_cpus included */
    char text[TOPO_TEXT_MAX];   /* canonical text, for people */
    char source[160];           /* where it came from, for people */
};

/* Resolve X as above; relative file paths are taken from base_dir when
 * it is not NULL.  0, or -1 with a message naming the problem. */
int topo_resolve(const char *x, const char *base_dir, struct topo_resolved *ct, char *err,
                 size_t errlen);
/* CLAIMSET_TOPOLOGY when set (and valid), else the default. */
int topo_from_env(struct topo_resolved *ct, char *err, size_t errlen);
/* Strip '#' comments from topology file text in place (line breaks stay:
 * the grammar ignores white space around tokens). */
void topo_strip_comments(char *text);

#endif /* TOOLS_TOPOLOGY_TOPO_H */
