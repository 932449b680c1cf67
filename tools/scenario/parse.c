/*
 * Parsing a scenario: lines into statements, and the action statements'
 * arguments.  Expectations are in parse_expect.c.
 *
 * The whole text is checked before anything runs; the first problem
 * stops the parse with a message naming the line and the token.
 */
#include <stdlib.h>
#include <string.h>

#include "scn_private.h"

#define MAX_WORDS 2048

struct scn_syntax {
    const char *name;
    enum scn_kind kind;
    int (*parse)(struct scn_parser *p, struct scn_stmt *st);
    const char *usage;
};

/* "populate: unexpected 'x' (usage: ...)" */
static int extra_word(struct scn_parser *p, const struct scn_syntax *a, const char *word)
{
    return scn_error(p, "%s: unexpected %s (usage: %s)", a->name, CS_Q(word), a->usage);
}

static int missing(struct scn_parser *p, const struct scn_syntax *a, const char *what)
{
    return scn_error(p, "%s: missing %s (usage: %s)", a->name, what, a->usage);
}

/* ------------------------------------------------------------------ */
/* key=value arguments                                                 */

/* The arguments words[from..] as key=value pairs (or bare flags), each
 * key at most once.  keys: NULL-terminated; vals[i] receives the value
 * of keys[i] ("" for a flag), or stays NULL. */
static int keyed_args(struct scn_parser *p, size_t from, const char *const *keys,
                      const char *const *flags, const char **vals)
{
    for (size_t w = from; w < p->nr_words; w++) {
        char *word = p->words[w], *key, *val;
        size_t i;
        bool found = false;

        if (!scn_split(word, &key, &val)) {
            for (i = 0; flags && flags[i]; i++) {
                if (!strcmp(word, flags[i])) {
                    found = true;
                    break;
                }
            }
            if (!found)
                return extra_word(p, p->syntax, word);
            key = word;
            val = "";
        }
        for (i = 0; keys[i]; i++)
            if (!strcmp(key, keys[i]))
                break;
        if (!keys[i])
            return scn_error(p, "%s: unknown argument %s (usage: %s)", p->syntax->name, CS_Q(key),
                             p->syntax->usage);
        if (vals[i])
            return scn_error(p, "%s: %s given twice", p->syntax->name, CS_Q(key));
        vals[i] = val;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Actions                                                             */

static int parse_name_only(struct scn_parser *p, struct scn_stmt *st)
{
    if (p->nr_words < 2)
        return missing(p, p->syntax, "domain name");
    if (p->nr_words > 2)
        return extra_word(p, p->syntax, p->words[2]);
    st->dom = scn_domain(p, p->words[1]);
    return st->dom < 0 ? -1 : 0;
}

/* "NAME VALUE" after the statement's name: exactly those two words, NAME
 * a bound domain (into st->dom).  what: VALUE's name for the message when
 * it is missing.  The value is p->words[2]. */
static int name_and_value(struct scn_parser *p, struct scn_stmt *st, const char *what)
{
    if (p->nr_words < 3)
        return missing(p, p->syntax, p->nr_words < 2 ? "domain name" : what);
    if (p->nr_words > 3)
        return extra_word(p, p->syntax, p->words[3]);
    st->dom = scn_domain(p, p->words[1]);
    return st->dom < 0 ? -1 : 0;
}

static int parse_create(struct scn_parser *p, struct scn_stmt *st)
{
    static const char *const keys[] = {"vcpus", NULL};
    const char *vals[1] = {NULL};
    uint64_t v = 1;

    if (p->nr_words < 2)
        return missing(p, p->syntax, "domain name");
    if (keyed_args(p, 2, keys, NULL, vals) || (vals[0] && scn_uint(p, "vcpus", vals[0], 4096, &v)))
        return -1;
    st->u.vcpus = (unsigned int)v;
    st->dom = scn_bind_domain(p, p->words[1]);
    return st->dom < 0 ? -1 : 0;
}

static int parse_max_mem(struct scn_parser *p, struct scn_stmt *st)
{
    uint64_t pages;

    if (name_and_value(p, st, "size"))
        return -1;
    if (!strcmp(p->words[2], "unlimited")) {
        st->u.max_kb = UINT64_MAX;
        return 0;
    }
    if (scn_size(p, "max_mem", p->words[2], &pages))
        return -1;
    if (pages > UINT64_MAX / 4)
        return scn_error(p, "max_mem: %s is too large", CS_Q(p->words[2]));
    st->u.max_kb = pages * 4;
    return 0;
}

static int add_entry(struct scn_parser *p, struct scn_stmt *st, uint32_t target, uint64_t pages,
                     uint32_t pad)
{
    memory_claim_t *e;

    if (st->u.claim.nr == SCN_MAX_ENTRIES)
        return scn_error(p, "claim: more than %d entries", SCN_MAX_ENTRIES);
    if (!st->u.claim.entries) {
        st->u.claim.entries = calloc(SCN_MAX_ENTRIES, sizeof(*e));
        if (!st->u.claim.entries)
            return scn_error(p, "out of memory");
    }
    e = &st->u.claim.entries[st->u.claim.nr++];
    e->pages = pages;
    e->target = target;
    e->pad = pad;
    return 0;
}

/* A raw entry: TARGET:PAGES[:PAD][*REPEAT], TARGET a number, "global"
 * or "legacy"; PAGES a page count. */
static int raw_entry(struct scn_parser *p, struct scn_stmt *st, char *word)
{
    char *star = strchr(word, '*'), *parts[3] = {word, NULL, NULL};
    uint64_t target, pages, pad = 0, repeat = 1;
    char orig[CS_QUOTE_LEN];
    int n = 1;

    cs_quote(word, orig, sizeof(orig)); /* before it is cut up */
    if (star) {
        *star = '\0';
        if (scn_uint(p, "claim raw: repeat", star + 1, SCN_MAX_ENTRIES, &repeat))
            return -1;
    }
    for (char *c = word; *c && n < 3; c++) {
        if (*c == ':') {
            *c = '\0';
            parts[n++] = c + 1;
        }
    }
    if (n < 2 || strchr(parts[n - 1], ':'))
        return scn_error(p, "claim raw: %s is not TARGET:PAGES[:PAD][*N]", orig);
    if (!strcmp(parts[0], "global"))
        target = XEN_DOMCTL_CLAIM_MEMORY_GLOBAL;
    else if (!strcmp(parts[0], "legacy"))
        target = XEN_DOMCTL_CLAIM_MEMORY_LEGACY;
    else if (scn_uint(p, "claim raw: target", parts[0], UINT32_MAX, &target))
        return -1;
    if (scn_uint(p, "claim raw: pages", parts[1], UINT64_MAX, &pages) ||
        (parts[2] && scn_uint(p, "claim raw: pad", parts[2], UINT32_MAX, &pad)))
        return -1;
    for (uint64_t i = 0; i < repeat; i++)
        if (add_entry(p, st, (uint32_t)target, pages, (uint32_t)pad))
            return -1;
    return 0;
}

static int parse_claim(struct scn_parser *p, struct scn_stmt *st)
{
    if (p->nr_words < 3)
        return missing(p, p->syntax, p->nr_words < 2 ? "domain name" : "claims");
    if ((st->dom = scn_domain(p, p->words[1])) < 0)
        return -1;
    if (!strcmp(p->words[2], "release")) {
        if (p->nr_words > 3)
            return extra_word(p, p->syntax, p->words[3]);
        return add_entry(p, st, XEN_DOMCTL_CLAIM_MEMORY_GLOBAL, 0, 0);
    }
    if (!strcmp(p->words[2], "raw")) {
        for (size_t w = 3; w < p->nr_words; w++)
            if (raw_entry(p, st, p->words[w]))
                return -1;
        return 0;
    }
    for (size_t w = 2; w < p->nr_words; w++) {
        char *key, *val;
        uint32_t node;
        uint64_t pages;

        if (!scn_split(p->words[w], &key, &val))
            return extra_word(p, p->syntax, p->words[w]);
        if (!strcmp(key, "global"))
            node = XEN_DOMCTL_CLAIM_MEMORY_GLOBAL;
        else if (scn_node_key(key, 0x3FFFFFFF, &node))
            return scn_error(p, "claim: %s is not nodeN or global", CS_Q(key));
        if (scn_size(p, key, val, &pages) || add_entry(p, st, node, pages, 0))
            return -1;
    }
    return 0;
}

static int parse_legacy_claim(struct scn_parser *p, struct scn_stmt *st)
{
    if (name_and_value(p, st, "size"))
        return -1;
    return scn_size(p, "legacy_claim", p->words[2], &st->u.pages);
}

/* "0,2-3" into a node bitmap. */
static int node_list(struct scn_parser *p, char *list, uint8_t *map)
{
    char *save = NULL, *item;

    if (!*list)
        return scn_error(p, "affinity: empty node list");
    for (item = strtok_r(list, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *dash = strchr(item, '-');
        uint64_t lo, hi;

        if (dash)
            *dash = '\0';
        if (scn_uint(p, "affinity: node", item, SCN_MAX_NODE_ID, &lo))
            return -1;
        hi = lo;
        if (dash && scn_uint(p, "affinity: node", dash + 1, SCN_MAX_NODE_ID, &hi))
            return -1;
        if (hi < lo)
            return scn_error(p, "affinity: '%s-%s' is an empty range", item, dash + 1);
        for (uint64_t n = lo; n <= hi; n++)
            map[n / 8] |= (uint8_t)(1U << (n % 8));
    }
    return 0;
}

static int parse_affinity(struct scn_parser *p, struct scn_stmt *st)
{
    if (name_and_value(p, st, "node list"))
        return -1;
    if (!strcmp(p->words[2], "all")) {
        st->u.affinity.all = true;
        return 0;
    }
    return node_list(p, p->words[2], st->u.affinity.nodes);
}

static int parse_extents(struct scn_parser *p, struct scn_stmt *st)
{
    static const char *const keys[] = {"count", "order", "gfn", "node", "exact", NULL};
    static const char *const flags[] = {"exact", NULL};
    const char *v[5] = {NULL};
    bool populate = st->kind == SCN_POPULATE;
    uint64_t count = 1, order = 0, gfn = 0, node = 0;

    if (p->nr_words < 2)
        return missing(p, p->syntax, "domain name");
    if ((st->dom = scn_domain(p, p->words[1])) < 0 ||
        keyed_args(p, 2, keys, populate ? flags : NULL, v))
        return -1;
    if (populate && !v[0])
        return missing(p, p->syntax, "count=N");
    if (!populate && !v[2])
        return missing(p, p->syntax, "gfn=G");
    if (!populate && (v[3] || v[4]))
        return extra_word(p, p->syntax, v[3] ? "node" : "exact");
    if (v[4] && *v[4])
        return scn_error(p, "populate: 'exact' takes no value");
    if (v[4] && !v[3])
        return scn_error(p, "populate: 'exact' needs node=N");
    if ((v[0] && scn_uint(p, "count", v[0], SCN_MAX_EXTENTS, &count)) ||
        (v[1] && scn_uint(p, "order", v[1], 63, &order)) ||
        (v[2] && scn_uint(p, "gfn", v[2], UINT64_MAX, &gfn)) ||
        (v[3] && scn_uint(p, "node", v[3], 254, &node)))
        return -1;
    st->u.extents.count = count;
    st->u.extents.order = (unsigned int)order;
    st->u.extents.has_gfn = v[2] != NULL;
    st->u.extents.gfn = gfn;
    st->u.extents.has_node = v[3] != NULL;
    st->u.extents.node = (unsigned int)node;
    st->u.extents.exact = v[4] != NULL;
    return 0;
}

static int parse_frames(struct scn_parser *p, struct scn_stmt *st)
{
    char *dash;
    uint64_t first, last;

    if (p->nr_words < 2)
        return missing(p, p->syntax, "frame or frame range");
    if (p->nr_words > 2)
        return extra_word(p, p->syntax, p->words[2]);
    dash = strchr(p->words[1], '-');
    if (dash)
        *dash = '\0';
    if (scn_uint(p, "frame", p->words[1], UINT64_MAX, &first))
        return -1;
    last = first;
    if (dash && scn_uint(p, "frame", dash + 1, UINT64_MAX, &last))
        return -1;
    /* last < first is passed on: the API answers it (EINVAL). */
    if (last >= first && last - first >= SCN_MAX_FRAMES)
        return scn_error(p, "%s: more than %u frames at once", p->syntax->name, SCN_MAX_FRAMES);
    st->u.frames.first = first;
    st->u.frames.last = last;
    return 0;
}

static int parse_scrub(struct scn_parser *p, struct scn_stmt *st)
{
    static const char *const keys[] = {"node", "max", NULL};
    const char *v[2] = {NULL};
    uint64_t node = CLAIMSET_ANY_NODE, max = UINT64_MAX;

    if (keyed_args(p, 1, keys, NULL, v) || (v[0] && scn_uint(p, "node", v[0], 254, &node)) ||
        (v[1] && scn_amount(p, "max", v[1], &max)))
        return -1;
    st->u.scrub.node = (unsigned int)node;
    st->u.scrub.max = max;
    return 0;
}

static const struct scn_syntax actions[] = {
    {"create", SCN_CREATE, parse_create, "create NAME [vcpus=N]"},
    {"max_mem", SCN_MAX_MEM, parse_max_mem, "max_mem NAME SIZE|unlimited"},
    {"claim", SCN_CLAIM, parse_claim,
     "claim NAME nodeN=SIZE... [global=SIZE] | claim NAME release | "
     "claim NAME raw TARGET:PAGES[:PAD][*N]..."},
    {"legacy_claim", SCN_LEGACY_CLAIM, parse_legacy_claim, "legacy_claim NAME SIZE"},
    {"affinity", SCN_AFFINITY, parse_affinity, "affinity NAME all|N[-M][,...]"},
    {"populate", SCN_POPULATE, parse_extents,
     "populate NAME count=N [order=O] [node=N [exact]] [gfn=G]"},
    {"decrease", SCN_DECREASE, parse_extents, "decrease NAME gfn=G [order=O] [count=N]"},
    {"offline", SCN_OFFLINE, parse_frames, "offline FRAME[-FRAME]"},
    {"online", SCN_ONLINE, parse_frames, "online FRAME[-FRAME]"},
    {"destroy", SCN_DESTROY, parse_name_only, "destroy NAME"},
    {"pause", SCN_PAUSE, parse_name_only, "pause NAME"},
    {"unpause", SCN_UNPAUSE, parse_name_only, "unpause NAME"},
    {"scrub", SCN_SCRUB, parse_scrub, "scrub [node=N] [max=PAGES]"},
};

/* ------------------------------------------------------------------ */
/* Lines                                                               */

/* Cut the comment, trim, split into words (in place).  Returns the
 * trimmed statement (possibly empty). */
static char *clean_line(char *line)
{
    char *hash = strchr(line, '#'), *end;

    if (hash)
        *hash = '\0';
    while (*line == ' ' || *line == '\t' || *line == '\r')
        line++;
    end = line + strlen(line);
    while (end > line && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        *--end = '\0';
    return line;
}

static int split_words(struct scn_parser *p, char *copy)
{
    char *save = NULL, *w;

    p->nr_words = 0;
    for (w = strtok_r(copy, " \t\r", &save); w; w = strtok_r(NULL, " \t\r", &save)) {
        if (p->nr_words == MAX_WORDS)
            return scn_error(p, "more than %d words on one line", MAX_WORDS);
        p->words[p->nr_words++] = w;
    }
    return 0;
}

static int parse_host(struct scn_parser *p)
{
    struct scenario *s = p->s;
    char why[SCN_ERR_LEN];
    const char *x = p->text + 4;

    if (s->has_host)
        return scn_error(p, "host: a second host statement (the first is on line %u)",
                         s->host_line);
    if (s->nr_stmts)
        return scn_error(p, "host: must come before every other statement");
    while (*x == ' ' || *x == '\t')
        x++;
    if (!*x)
        return scn_error(p, "host: missing topology (usage: host TOPOLOGY|FILE|host|default)");
    s->host = malloc(sizeof(*s->host));
    if (!s->host)
        return scn_error(p, "out of memory");
    if (topo_resolve(x, p->base_dir, s->host, why, sizeof(why)))
        return scn_error(p, "host: %s", why);
    s->has_host = true;
    s->host_line = p->line;
    return 0;
}

static int parse_statement(struct scn_parser *p)
{
    const char *word = p->words[0];
    struct scn_stmt *st;

    if (!strcmp(word, "host"))
        return parse_host(p);
    if (!strcmp(word, "expect"))
        return scn_parse_expect(p);
    for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
        if (strcmp(word, actions[i].name))
            continue;
        p->syntax = &actions[i];
        st = scn_add_stmt(p, actions[i].kind);
        if (!st || actions[i].parse(p, st))
            return -1;
        p->last_action = (int)(p->s->nr_stmts - 1);
        return 0;
    }
    return scn_error(p, "unknown statement %s", CS_Q(word));
}

int scenario_parse(const char *file, const char *text, const char *base_dir, struct scenario **out,
                   char *err, size_t errlen)
{
    struct scn_parser p = {.base_dir = base_dir, .last_action = -1, .err = err, .errlen = errlen};
    char *all = strdup(text ? text : ""), *line, *next, *copy;
    int rc = 0;

    p.s = calloc(1, sizeof(*p.s));
    p.words = calloc(MAX_WORDS, sizeof(*p.words));
    if (p.s)
        p.s->file = strdup(file ? file : "-");
    if (!all || !p.s || !p.s->file || !p.words) {
        free(all);
        free(p.words);
        scenario_free(p.s);
        snprintf(err, errlen, "%s: out of memory", file ? file : "-");
        return -1;
    }

    for (line = all; line && !rc; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        p.line++;
        p.text = clean_line(line);
        if (!*p.text)
            continue;
        copy = strdup(p.text);
        if (!copy) {
            rc = scn_error(&p, "out of memory");
            break;
        }
        rc = split_words(&p, copy);
        if (!rc)
            rc = parse_statement(&p);
        free(copy);
    }
    free(all);
    free(p.words);
    if (rc) {
        scenario_free(p.s);
        return -1;
    }
    *out = p.s;
    return 0;
}

void scenario_free(struct scenario *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nr_stmts; i++) {
        struct scn_stmt *st = &s->stmts[i];

        free(st->text);
        if (st->kind == SCN_CLAIM)
            free(st->u.claim.entries);
        else if (st->kind == SCN_EXPECT_CLAIMS || st->kind == SCN_EXPECT_NODE_PAGES ||
                 st->kind == SCN_EXPECT_HOST)
            free(st->u.list.pairs);
    }
    free(s->stmts);
    free(s->domains);
    free(s->host);
    free(s->file);
    free(s);
}
