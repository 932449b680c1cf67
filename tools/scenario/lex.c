/*
 * The scenario parser's small pieces: errors in the "FILE:LINE: ..."
 * form, the statement list, domain names, and values.
 *
 * Every value parser names the word it refused, so a message always
 * points at the exact token: "x.scn:7: count: 'ten' is not an integer".
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "scn_private.h"

int scn_error(struct scn_parser *p, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (!p->err || !p->errlen)
        return -1;
    n = snprintf(p->err, p->errlen, "%s:%u: ", CS_PATH(p->s->file), p->line);
    if (n >= 0 && (size_t)n < p->errlen) {
        va_start(ap, fmt);
        vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

struct scn_stmt *scn_add_stmt(struct scn_parser *p, enum scn_kind kind)
{
    struct scenario *s = p->s;
    struct scn_stmt *st;

    if (s->nr_stmts == s->cap_stmts) {
        size_t cap = s->cap_stmts ? s->cap_stmts * 2 : 64;
        struct scn_stmt *bigger = realloc(s->stmts, cap * sizeof(*bigger));

        if (!bigger) {
            scn_error(p, "out of memory");
            return NULL;
        }
        s->stmts = bigger;
        s->cap_stmts = cap;
    }
    st = &s->stmts[s->nr_stmts];
    memset(st, 0, sizeof(*st));
    st->text = strdup(p->text);
    if (!st->text) {
        scn_error(p, "out of memory");
        return NULL;
    }
    s->nr_stmts++;
    st->kind = kind;
    st->line = p->line;
    st->dom = -1;
    return st;
}

static bool valid_name(const char *w)
{
    size_t n = strlen(w);

    if (n == 0 || n > SCN_NAME_MAX)
        return false;
    if (!((w[0] >= 'a' && w[0] <= 'z') || (w[0] >= 'A' && w[0] <= 'Z') || w[0] == '_'))
        return false;
    for (size_t i = 1; i < n; i++) {
        char c = w[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.'))
            return false;
    }
    return true;
}

static int find_domain(const struct scenario *s, const char *w)
{
    for (size_t i = 0; i < s->nr_domains; i++)
        if (!strcmp(s->domains[i], w))
            return (int)i;
    return -1;
}

int scn_domain(struct scn_parser *p, const char *word)
{
    int i;

    if (!word)
        return scn_error(p, "%s: missing domain name", p->words[0]);
    i = find_domain(p->s, word);
    if (i < 0)
        return scn_error(p, "unknown domain %s (bind it with 'create %s' first)", CS_Q(word),
                         valid_name(word) ? word : "NAME");
    return i;
}

int scn_bind_domain(struct scn_parser *p, const char *word)
{
    struct scenario *s = p->s;

    if (!word)
        return scn_error(p, "create: missing domain name");
    if (strlen(word) > SCN_NAME_MAX)
        return scn_error(p, "%s is too long for a domain name (at most %d characters)", CS_Q(word),
                         SCN_NAME_MAX);
    if (!valid_name(word))
        return scn_error(p,
                         "%s is not a domain name (a letter or '_', then letters, digits, "
                         "'_', '-' or '.'; at most %d)",
                         CS_Q(word), SCN_NAME_MAX);
    if (find_domain(s, word) >= 0)
        return scn_error(p, "domain %s is already bound", CS_Q(word));
    if (s->nr_domains == SCN_MAX_DOMAINS)
        return scn_error(p, "too many domains (at most %d)", SCN_MAX_DOMAINS);
    if (!s->domains) {
        s->domains = calloc(SCN_MAX_DOMAINS, sizeof(*s->domains));
        if (!s->domains)
            return scn_error(p, "out of memory");
    }
    snprintf(s->domains[s->nr_domains], sizeof(s->domains[0]), "%s", word);
    return (int)s->nr_domains++;
}

bool scn_split(char *word, char **key, char **val)
{
    char *eq = strchr(word, '=');

    if (!eq || eq == word)
        return false;
    *eq = '\0';
    *key = word;
    *val = eq + 1;
    return true;
}

int scn_size(struct scn_parser *p, const char *what, const char *val, uint64_t *pages)
{
    char why[SCN_ERR_LEN];

    if (topo_parse_size(val, pages, why, sizeof(why)))
        return scn_error(p, "%s: %s", what, why);
    return 0;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

int scn_amount(struct scn_parser *p, const char *what, const char *val, uint64_t *pages)
{
    if (all_digits(val))
        return scn_uint(p, what, val, UINT64_MAX, pages);
    return scn_size(p, what, val, pages);
}

int scn_uint(struct scn_parser *p, const char *what, const char *val, uint64_t max, uint64_t *v)
{
    char why[SCN_ERR_LEN];

    if (cs_parse_u64(val, v, why, sizeof(why)))
        return scn_error(p, "%s: %s", what, why);
    if (*v > max)
        return scn_error(p, "%s: %s is out of range (at most %llu)", what, CS_Q(val),
                         (unsigned long long)max);
    return 0;
}

int scn_int(struct scn_parser *p, const char *what, const char *val, long long *v)
{
    uint64_t mag;
    bool neg = val[0] == '-';
    char why[SCN_ERR_LEN];

    if (cs_parse_u64(val + neg, &mag, why, sizeof(why)))
        return scn_error(p, "%s: %s is not an integer", what, CS_Q(val));
    if (mag > (uint64_t)INT64_MAX + neg)
        return scn_error(p, "%s: %s is out of range", what, CS_Q(val));
    *v = neg ? (long long)(0 - mag) : (long long)mag;
    return 0;
}

int scn_node_key(const char *key, uint64_t max, uint32_t *node)
{
    uint64_t v;

    if (strncmp(key, "node", 4) || !all_digits(key + 4) || strlen(key + 4) > 10)
        return -1;
    v = strtoull(key + 4, NULL, 10);
    if (v > max)
        return -1;
    *node = (uint32_t)v;
    return 0;
}
