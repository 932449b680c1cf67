/*
 * Spans of input text: the small scanner the topology grammar and the
 * sysfs reader share (topo_private.h).
 */
#include "topo_private.h"

struct span span_trim(struct span s)
{
    while (s.n && is_space(s.p[0])) {
        s.p++;
        s.n--;
    }
    while (s.n && is_space(s.p[s.n - 1]))
        s.n--;
    return s;
}

size_t span_find(struct span s, char c)
{
    const char *hit = s.n ? memchr(s.p, c, s.n) : NULL;

    return hit ? (size_t)(hit - s.p) : s.n;
}

size_t span_count(struct span s, char c)
{
    size_t i, count = 0;

    for (i = 0; i < s.n; i++)
        count += s.p[i] == c;
    return count;
}

struct span span_next_field(struct span *rest, char c)
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

bool span_eq(struct span s, const char *word)
{
    return strlen(word) == s.n && !memcmp(s.p, word, s.n);
}

bool span_parse_uint(struct span s, uint32_t *val)
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
