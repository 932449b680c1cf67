/*
 * Formatting helpers shared by the writers: times, shares and counts, and
 * escaping of untrusted text for JSON, HTML and CSV.
 *
 * Text in a run may hold any bytes.  JSON and HTML need valid UTF-8, so
 * the escapers pass well-formed UTF-8 through and replace every byte
 * that does not start a well-formed sequence by U+FFFD.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "out/out.h"

char *out_fmt_seconds(char *buf, size_t len, double s)
{
    if (!isfinite(s) || s < 0)
        snprintf(buf, len, "n/a");
    else if (s == 0)
        snprintf(buf, len, "0 s");
    else if (s < 0.01)
        snprintf(buf, len, "%.2f ms", s * 1e3);
    else if (s < 1)
        snprintf(buf, len, "%.0f ms", s * 1e3);
    else if (s < 60)
        snprintf(buf, len, "%.2f s", s);
    else if (s < 3600)
        snprintf(buf, len, "%um%02us", (unsigned int)(s / 60), (unsigned int)fmod(s, 60));
    else
        snprintf(buf, len, "%.0fh%02um", floor(s / 3600), (unsigned int)fmod(floor(s / 60), 60));
    return buf;
}

char *out_fmt_share(char *buf, size_t len, uint64_t part, uint64_t whole)
{
    uint64_t tenths;

    if (!whole) {
        snprintf(buf, len, "n/a");
        return buf;
    }
    /* Rounded down, as sizes are: 99.97% is not "100.0%"; a share that
     * is not zero but below a tenth of a percent says so. */
    tenths = (uint64_t)((unsigned __int128)part * 1000 / whole);
    if (part == whole || part == 0)
        snprintf(buf, len, "%s", part ? "100%" : "0%");
    else if (tenths == 0)
        snprintf(buf, len, "<0.1%%");
    else
        snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "%%", tenths / 10, tenths % 10);
    return buf;
}

char *out_fmt_count(char *buf, size_t len, uint64_t n)
{
    char digits[24];
    size_t nd, o = 0;

    nd = (size_t)snprintf(digits, sizeof(digits), "%" PRIu64, n);
    for (size_t i = 0; i < nd && o + 1 < len; i++) {
        if (i && (nd - i) % 3 == 0 && o + 2 < len)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    if (len)
        buf[o < len ? o : len - 1] = '\0';
    return buf;
}

/*
 * Length of the well-formed UTF-8 sequence at s (at most n bytes), or 0
 * when the byte at s does not start one.  Rejects overlong forms,
 * surrogates and code points beyond U+10FFFF.
 */
static size_t utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t len;
    uint32_t c, min;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xe0) == 0xc0)
        len = 2, c = s[0] & 0x1f, min = 0x80;
    else if ((s[0] & 0xf0) == 0xe0)
        len = 3, c = s[0] & 0x0f, min = 0x800;
    else if ((s[0] & 0xf8) == 0xf0)
        len = 4, c = s[0] & 0x07, min = 0x10000;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

void out_json_string(FILE *f, const char *s, size_t maxlen)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = s ? strnlen(s, maxlen) : 0;

    fputc('"', f);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = utf8_len(p + i, n - i, &cp);

        if (len == 0) {
            fputs("\\ufffd", f);
            i++;
            continue;
        }
        switch (cp) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\b':
            fputs("\\b", f);
            break;
        case '\f':
            fputs("\\f", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        default:
            if (cp < 0x20 || cp == 0x7f)
                fprintf(f, "\\u%04x", (unsigned int)cp);
            else
                fwrite(p + i, 1, len, f);
        }
        i += len;
    }
    fputc('"', f);
}

void out_html_text(FILE *f, const char *s, size_t maxlen)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = s ? strnlen(s, maxlen) : 0;

    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = utf8_len(p + i, n - i, &cp);

        if (len == 0) {
            fputs("&#xfffd;", f);
            i++;
            continue;
        }
        switch (cp) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        default:
            /* HTML forbids C0 controls other than white space, and DEL. */
            if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f)
                fputs("&#xfffd;", f);
            else
                fwrite(p + i, 1, len, f);
        }
        i += len;
    }
}

void out_csv_field(FILE *f, const char *s, size_t maxlen)
{
    size_t n = s ? strnlen(s, maxlen) : 0;
    bool quote = n && (s[0] == ' ' || s[n - 1] == ' ');

    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        fwrite(s, 1, n, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}

void out_json_double(FILE *f, double v)
{
    char buf[40];

    if (!isfinite(v)) {
        fputs("null", f);
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof(buf), "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, f);
}

double out_share(uint64_t part, uint64_t whole)
{
    return whole ? (double)part / (double)whole : NAN;
}

int out_stream_status(FILE *f)
{
    if (fflush(f) == EOF)
        return -1;
    if (ferror(f)) {
        errno = EIO;
        return -1;
    }
    return 0;
}

const char *out_outcome_label(enum sim_outcome o)
{
    switch (o) {
    case SIM_BUILT:
        return "built";
    case SIM_REFUSED_CLAIM:
        return "refused at claim time";
    case SIM_FAILED_POPULATE:
        return "failed while populating";
    }
    return "unknown";
}

const char *out_topology_text(const struct sim_run *run, char *buf, size_t len)
{
    if (run->pool[0])
        snprintf(buf, len, "%.*s", (int)strnlen(run->pool, sizeof(run->pool)), run->pool);
    else
        claimset_topology_format(&run->topo, buf, len);
    return buf;
}
