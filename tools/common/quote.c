/*
 * Input quoted in messages (quote.h).
 */
#include <stdio.h>
#include <string.h>

#include "common/quote.h"

/* Copy at most max of the n characters of s for a message. */
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

const char *cs_quote_n(const char *s, size_t n, char *buf, size_t len)
{
    char text[CS_QUOTE_MAX + 1];

    shorten(s, n, CS_QUOTE_MAX, text, sizeof(text));
    if (n > CS_QUOTE_MAX)
        snprintf(buf, len, "'%s' (%zu characters)", text, n);
    else
        snprintf(buf, len, "'%s'", text);
    return buf;
}

const char *cs_quote(const char *s, char *buf, size_t len)
{
    return cs_quote_n(s, s ? strlen(s) : 0, buf, len);
}

const char *cs_path(const char *s, char *buf, size_t len)
{
    return shorten(s, s ? strlen(s) : 0, CS_PATH_SHOWN, buf, len);
}
