/*
 * The one size grammar of the toolstack (topo.h): a topology's node
 * sizes, --size and every other option that takes an amount, scenario
 * statements and the simulator's size mix all read sizes here, so one
 * spelling means one amount everywhere.  Each caller words the failures
 * in its own context from the status topo_size_scan() returns.
 */
#include <stdarg.h>
#include <stdio.h>

#include "common/quote.h"
#include "common/err.h"
#include "topo_private.h"

typedef unsigned __int128 u128;

/*
 * Fraction digits that can change the result.  A size is x * 2^s bytes
 * with s <= 40; once p >= s digits of x's fraction are kept, the value
 * kept times 2^s is a multiple of 1/(10^p / 2^s), and the digits dropped
 * add less than that, so they never move floor(x * 2^s).  Later digits are
 * still checked to be digits, then ignored (but for telling whether they
 * are all zeros).
 */
#define FRAC_KEEP 48

/* The integer part as written must fit 64 bits, whatever its unit (an
 * amount of 2^64 pages or more is too large for every caller anyway); it
 * saturates just above, so that shifting it by the largest unit stays
 * within 128 bits. */
#define WHOLE_CAP ((u128)UINT64_MAX + 1)

static const struct unit {
    const char *name;
    unsigned int shift; /* bytes = number << shift */
    bool pages;         /* a page count: no fraction */
} units[] = {
    {"", 0, false},     {"K", 10, false},   {"KiB", 10, false},  {"M", 20, false},
    {"MiB", 20, false}, {"G", 30, false},   {"GiB", 30, false},  {"T", 40, false},
    {"TiB", 40, false}, {"page", 12, true}, {"pages", 12, true},
};

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Units are case-insensitive: "4gib" and "4GIB" mean 4 GiB. */
static const struct unit *lookup_unit(const char *u, size_t n)
{
    size_t i, k;

    for (i = 0; i < TOPO_ARRAY_LEN(units); i++) {
        if (strlen(units[i].name) != n)
            continue;
        for (k = 0; k < n && ascii_lower(u[k]) == ascii_lower(units[i].name[k]); k++)
            ;
        if (k == n)
            return &units[i];
    }
    return NULL;
}

/* A decimal number as written: integer part, leading fraction digits. */
struct decimal {
    u128 whole;           /* saturates at WHOLE_CAP */
    bool nonzero;         /* some digit is not 0 */
    bool dot;             /* written with a '.' */
    bool frac_nonzero;    /* some fraction digit is not 0 */
    unsigned int nr_frac; /* digits kept in frac[] */
    unsigned char frac[FRAC_KEEP];
    bool frac_tail; /* a non-zero digit beyond those kept */
};

/*
 * Scan "DIGITS[.DIGITS]" (either side may be empty, not both) from the
 * front of s.  Returns the number of characters that form the number, or 0
 * when s does not start with a well-formed one.
 */
static size_t scan_decimal(const char *s, size_t n, struct decimal *d)
{
    unsigned int dots = 0, digits = 0;
    size_t i;

    memset(d, 0, sizeof(*d));
    for (i = 0; i < n && (is_digit(s[i]) || s[i] == '.'); i++) {
        unsigned int v = (unsigned int)(s[i] - '0');

        if (s[i] == '.') {
            dots++;
            continue;
        }
        digits++;
        d->nonzero |= v != 0;
        if (dots) {
            d->frac_nonzero |= v != 0;
            if (d->nr_frac < FRAC_KEEP)
                d->frac[d->nr_frac++] = (unsigned char)v;
            else
                d->frac_tail |= v != 0;
        } else if (d->whole < WHOLE_CAP) {
            d->whole = d->whole * 10 + v;
            if (d->whole > WHOLE_CAP)
                d->whole = WHOLE_CAP;
        }
    }
    d->dot = dots != 0;
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

enum topo_size_status topo_size_scan(const char *s, size_t n, uint64_t max_pages,
                                     struct topo_size *r)
{
    const struct unit *u;
    struct decimal d;
    u128 bytes;
    size_t len, i;
    bool exact;

    memset(r, 0, sizeof(*r));
    len = scan_decimal(s, n, &d);
    if (!len)
        return TOPO_SIZE_NOT_NUMBER;
    r->number_len = len;
    for (i = len; i < n && is_space(s[i]);)
        i++;
    r->unit = s + i;
    r->unit_len = n - i;
    r->plain = !r->unit_len && !d.dot;
    u = lookup_unit(r->unit, r->unit_len);
    if (!u)
        return TOPO_SIZE_UNKNOWN_UNIT;
    if (u->pages && (d.frac_nonzero || d.frac_tail))
        return TOPO_SIZE_PAGE_FRACTION;

    bytes = (d.whole << u->shift) + frac_times_pow2(&d, u->shift, &exact);
    if (d.whole >= WHOLE_CAP || bytes > ((u128)max_pages << TOPO_PAGE_SHIFT))
        return TOPO_SIZE_TOO_BIG;
    r->bytes = bytes > UINT64_MAX ? UINT64_MAX : (uint64_t)bytes;
    if (d.nonzero && bytes == 0)
        return TOPO_SIZE_BELOW_BYTE;
    if (bytes && bytes < TOPO_PAGE_SIZE)
        return TOPO_SIZE_BELOW_PAGE;
    if (!exact || bytes % TOPO_PAGE_SIZE)
        return TOPO_SIZE_NOT_PAGES;
    r->pages = (uint64_t)(bytes >> TOPO_PAGE_SHIFT);
    return TOPO_SIZE_OK;
}

int topo_parse_size(const char *s, uint64_t *pages, char *err, size_t errlen)
{
    struct topo_size r;

    if (!s)
        s = "";
    switch (topo_size_scan(s, strlen(s), UINT64_MAX, &r)) {
    case TOPO_SIZE_OK:
        *pages = r.pages;
        return 0;
    case TOPO_SIZE_NOT_NUMBER:
        return cs_err(err, errlen, "%s is not a size (examples: 4GiB, 512M, 1024pages, 8192)",
                      CS_Q(s));
    case TOPO_SIZE_UNKNOWN_UNIT:
        return cs_err(err, errlen, "%s: unknown unit %s (K, M, G, T, KiB..TiB, pages)", CS_Q(s),
                      CS_Q(r.unit));
    case TOPO_SIZE_PAGE_FRACTION:
        return cs_err(err, errlen, "%s: a page count has no fraction", CS_Q(s));
    case TOPO_SIZE_TOO_BIG:
        return cs_err(err, errlen, "%s is too large", CS_Q(s));
    case TOPO_SIZE_BELOW_BYTE:
    case TOPO_SIZE_BELOW_PAGE:
    case TOPO_SIZE_NOT_PAGES:
        break;
    }
    return cs_err(err, errlen, "%s is not a whole number of 4 KiB pages", CS_Q(s));
}
