/*
 * Values on the command line and in scenarios: integers, sizes with
 * units, their human and token forms, JSON strings, whole text files.
 *
 * Sizes use the units of the topology grammar (powers of 1024) plus a
 * page count, and must come out as whole 4 KiB pages: every amount the
 * claimset command passes on is a page count, so a remainder is a typo,
 * not something to round away silently.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err && errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Copy at most max of the n characters of s for a message (cli.h). */
static const char *shorten(const char *s, size_t n, size_t max, char *buf, size_t len)
{
    size_t keep = n, o = 0;

    if (!len)
        return buf;
    if (max > len - 1)
        max = len - 1;
    if (n > max) {
        /* Room for "...", and never half a UTF-8 character. */
        keep = max > 3 ? max - 3 : 0;
        while (keep && ((unsigned char)s[keep] & 0xc0) == 0x80)
            keep--;
    }
    for (size_t i = 0; i < keep; i++) {
        unsigned char c = (unsigned char)s[i];

        buf[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    if (keep < n)
        for (size_t i = 0; i < 3 && o < len - 1; i++)
            buf[o++] = '.';
    buf[o] = '\0';
    return buf;
}

const char *cli_quote_n(const char *s, size_t n, char *buf, size_t len)
{
    char text[CLI_QUOTE_MAX + 1];

    shorten(s, n, CLI_QUOTE_MAX, text, sizeof(text));
    if (n > CLI_QUOTE_MAX)
        snprintf(buf, len, "'%s' (%zu characters)", text, n);
    else
        snprintf(buf, len, "'%s'", text);
    return buf;
}

const char *cli_quote(const char *s, char *buf, size_t len)
{
    return cli_quote_n(s, s ? strlen(s) : 0, buf, len);
}

const char *cli_path(const char *s, char *buf, size_t len)
{
    return shorten(s, s ? strlen(s) : 0, CLI_PATH_SHOWN, buf, len);
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int cli_parse_u64(const char *s, uint64_t *v, char *err, size_t errlen)
{
    uint64_t x = 0;
    const char *p = s;
    unsigned int base = 10;
    int d;

    if (!s || !*s)
        return cli_err(err, errlen, "'' is not an integer");
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
        if (!*p)
            return cli_err(err, errlen, "%s is not an integer", CLI_Q(s));
    }
    for (; *p; p++) {
        d = base == 16 ? hex_value(*p) : (is_digit(*p) ? *p - '0' : -1);
        if (d < 0)
            return cli_err(err, errlen, "%s is not an integer", CLI_Q(s));
        if (x > (UINT64_MAX - (uint64_t)d) / base)
            return cli_err(err, errlen, "%s is too large", CLI_Q(s));
        x = x * base + (uint64_t)d;
    }
    *v = x;
    return 0;
}

int cli_parse_range(const char *s, uint64_t min, uint64_t max, uint64_t *v, char *err,
                    size_t errlen)
{
    uint64_t x;
    int rc = cli_parse_u64(s, &x, NULL, 0);

    if (rc || x < min || x > max) {
        if (min == 1 && (rc || x == 0))
            return cli_err(err, errlen, "%s is not a positive integer", CLI_Q(s));
        if (rc)
            return cli_err(err, errlen, "%s is not an integer", CLI_Q(s));
        return cli_err(err, errlen, "%s is out of range (%llu..%llu)", CLI_Q(s),
                       (unsigned long long)min, (unsigned long long)max);
    }
    *v = x;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Sizes                                                               */

struct unit {
    const char *name;
    unsigned int shift; /* bytes = number << shift */
    bool pages;         /* a page count: no fraction */
};

static const struct unit units[] = {
    {"", 0, false},     {"k", 10, false},   {"kib", 10, false},  {"m", 20, false},
    {"mib", 20, false}, {"g", 30, false},   {"gib", 30, false},  {"t", 40, false},
    {"tib", 40, false}, {"page", 12, true}, {"pages", 12, true},
};

static const struct unit *find_unit(const char *u, size_t n)
{
    char low[8];

    if (n >= sizeof(low))
        return NULL;
    for (size_t i = 0; i < n; i++)
        low[i] = (u[i] >= 'A' && u[i] <= 'Z') ? (char)(u[i] - 'A' + 'a') : u[i];
    low[n] = '\0';
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (!strcmp(units[i].name, low))
            return &units[i];
    return NULL;
}

int cli_parse_size(const char *s, uint64_t *pages, char *err, size_t errlen)
{
    unsigned __int128 bytes = 0, frac = 0, scale = 1;
    const char *p = s, *ustart;
    const struct unit *u;
    size_t ndigits = 0, nfrac = 0;
    bool dot = false;

    if (!s)
        s = p = "";
    for (; is_digit(*p); p++, ndigits++) {
        bytes = bytes * 10 + (unsigned)(*p - '0');
        if (bytes >> 64)
            return cli_err(err, errlen, "%s is too large", CLI_Q(s));
    }
    if (*p == '.') {
        dot = true;
        for (p++; is_digit(*p); p++) {
            /* Digits beyond 18 can only matter if non-zero, and then the
             * amount is no whole number of bytes anyway (checked below). */
            if (nfrac < 18) {
                frac = frac * 10 + (unsigned)(*p - '0');
                scale *= 10;
                nfrac++;
            } else if (*p != '0') {
                return cli_err(err, errlen, "%s is not a whole number of 4 KiB pages", CLI_Q(s));
            }
        }
    }
    if (ndigits == 0 || (dot && nfrac == 0))
        return cli_err(err, errlen, "%s is not a size (examples: 4GiB, 512M, 1024pages, 8192)",
                       CLI_Q(s));
    while (*p == ' ')
        p++;
    ustart = p;
    u = find_unit(ustart, strlen(ustart));
    if (!u)
        return cli_err(err, errlen, "%s: unknown unit %s (K, M, G, T, KiB..TiB, pages)", CLI_Q(s),
                       CLI_Q(ustart));
    if (u->pages && frac)
        return cli_err(err, errlen, "%s: a page count has no fraction", CLI_Q(s));
    bytes <<= u->shift;
    frac <<= u->shift;
    if (frac % scale)
        return cli_err(err, errlen, "%s is not a whole number of 4 KiB pages", CLI_Q(s));
    bytes += frac / scale;
    if (bytes & ((1U << CLI_PAGE_SHIFT) - 1))
        return cli_err(err, errlen, "%s is not a whole number of 4 KiB pages", CLI_Q(s));
    bytes >>= CLI_PAGE_SHIFT;
    if (bytes >> 64)
        return cli_err(err, errlen, "%s is too large", CLI_Q(s));
    *pages = (uint64_t)bytes;
    return 0;
}

/* Token units: the ones cli_parse_size() reads. */
static const char *const unit_names[] = {"KiB", "MiB", "GiB", "TiB"};

const char *cli_fmt_pages(uint64_t pages, char *buf, size_t len)
{
    char size[32];

    snprintf(buf, len, "%llu page%s (%s)", (unsigned long long)pages, pages == 1 ? "" : "s",
             cs_human_size(pages, size, sizeof(size)));
    return buf;
}

const char *cli_fmt_size_token(uint64_t pages, char *buf, size_t len)
{
    unsigned int u = 0;

    if (pages == 0) {
        snprintf(buf, len, "0");
        return buf;
    }
    if (pages >> 62) {
        snprintf(buf, len, "%llupages", (unsigned long long)pages);
        return buf;
    }
    /* pages * 4 KiB: the largest of KiB..TiB that divides it exactly. */
    while (u < 3 && ((pages << 2) & ((1ULL << (10 * (u + 1))) - 1)) == 0)
        u++;
    snprintf(buf, len, "%llu%s", (unsigned long long)((pages << 2) >> (10 * u)), unit_names[u]);
    return buf;
}

/* ------------------------------------------------------------------ */
/* Text                                                                */

void cli_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

int cli_read_file(const char *path, size_t max, char **text, char *err, size_t errlen)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    size_t cap = 4096, len = 0, n;
    char *buf = NULL, *bigger;
    int e = 0;

    if (!f) {
        e = errno;
        cli_err(err, errlen, "cannot open '%s': %s", CLI_PATH(path), strerror(e));
        errno = e;
        return -1;
    }
    /* Read until EOF, one byte beyond max at most (to tell "too large"). */
    for (;;) {
        if (!buf || len + 1 >= cap) {
            bigger = realloc(buf, buf ? cap * 2 : cap);
            if (!bigger) {
                e = ENOMEM;
                break;
            }
            if (buf)
                cap *= 2;
            buf = bigger;
        }
        errno = 0;
        n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0 && ferror(f))
            e = errno ? errno : EIO;
        if (n == 0 || len > max)
            break;
    }
    if (f != stdin)
        fclose(f);
    if (e) {
        free(buf);
        cli_err(err, errlen, "cannot read '%s': %s", CLI_PATH(path), strerror(e));
        errno = e;
        return -1;
    }
    if (len > max || memchr(buf, '\0', len)) {
        free(buf);
        cli_err(err, errlen, "'%s' is not a text file of at most %zu bytes", CLI_PATH(path), max);
        errno = EINVAL;
        return -1;
    }
    buf[len] = '\0';
    *text = buf;
    return 0;
}
