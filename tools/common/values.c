/*
 * Values every claimset tool reads or writes alike (values.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/human_size.h"
#include "common/err.h"
#include "common/quote.h"
#include "common/values.h"

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

int cs_parse_u64(const char *s, uint64_t *v, char *err, size_t errlen)
{
    uint64_t x = 0;
    const char *p = s;
    unsigned int base = 10;
    int d;

    if (!s || !*s)
        return cs_err(err, errlen, "'' is not an integer");
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
        if (!*p)
            return cs_err(err, errlen, "%s is not an integer", CS_Q(s));
    }
    for (; *p; p++) {
        d = base == 16 ? hex_value(*p) : (is_digit(*p) ? *p - '0' : -1);
        if (d < 0)
            return cs_err(err, errlen, "%s is not an integer", CS_Q(s));
        if (x > (UINT64_MAX - (uint64_t)d) / base)
            return cs_err(err, errlen, "%s is too large", CS_Q(s));
        x = x * base + (uint64_t)d;
    }
    *v = x;
    return 0;
}

int cs_parse_range(const char *s, uint64_t min, uint64_t max, uint64_t *v, char *err, size_t errlen)
{
    uint64_t x;
    int rc = cs_parse_u64(s, &x, NULL, 0);

    if (rc || x < min || x > max) {
        if (min == 1 && (rc || x == 0))
            return cs_err(err, errlen, "%s is not a positive integer", CS_Q(s));
        if (rc)
            return cs_err(err, errlen, "%s is not an integer", CS_Q(s));
        return cs_err(err, errlen, "%s is out of range (%llu..%llu)", CS_Q(s),
                      (unsigned long long)min, (unsigned long long)max);
    }
    *v = x;
    return 0;
}

const char *cs_fmt_pages(uint64_t pages, char *buf, size_t len)
{
    char size[32];

    snprintf(buf, len, "%llu page%s (%s)", (unsigned long long)pages, pages == 1 ? "" : "s",
             cs_human_size(pages, size, sizeof(size)));
    return buf;
}

int cs_read_file(const char *path, size_t max, char **text, char *err, size_t errlen)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    size_t cap = 4096, len = 0, n;
    char *buf = NULL, *bigger;
    int e = 0;

    if (!f) {
        e = errno;
        cs_err(err, errlen, "cannot open '%s': %s", CS_PATH(path), strerror(e));
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
        cs_err(err, errlen, "cannot read '%s': %s", CS_PATH(path), strerror(e));
        errno = e;
        return -1;
    }
    if (len > max || memchr(buf, '\0', len)) {
        free(buf);
        cs_err(err, errlen, "'%s' is not a text file of at most %zu bytes", CS_PATH(path), max);
        errno = EINVAL;
        return -1;
    }
    buf[len] = '\0';
    *text = buf;
    return 0;
}
