/*
 * Helpers for the tests of the claimset output layer (test_outputs*.c):
 * a synthetic struct sim_run whose policy totals are the simulator's own
 * (sim_policy_totals() over the per-VM rows), a strict JSON parser (RFC 8259: no
 * trailing commas, no raw control characters in strings, valid escapes
 * and UTF-8, exact number grammar) that builds a tree to query, an RFC
 * 4180 CSV reader, and an HTML nesting checker.  The tests use their own
 * parsers rather than an outside tool so that CI needs nothing but a C
 * compiler.
 */
#ifndef TESTS_OUT_TEST_UTIL_H
#define TESTS_OUT_TEST_UTIL_H

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_private.h"
#include "sim/sim_results.h"

/* ---- a synthetic run ---- */

#define OT_GIB_PAGES (UINT64_C(1) << 18)

/*
 * Policies, in order: "claim-sets" (everything built, all on the intended
 * node), "legacy" (two refused at claim, 80% on node), "no-claims" (late
 * failures, waste, 60% on node).  nr_vms VMs of 1 GiB each per policy,
 * node sizes 4 GiB, nr_samples samples of a fill-up curve.
 */
static inline void ot_make_run(struct sim_run *run, unsigned int nr_nodes, unsigned int nr_vms,
                               unsigned int nr_samples)
{
    static const char *const name[] = {"claim-sets", "legacy", "no-claims"};
    static const char *const desc[] = {"claim sets from the placement advisor",
                                       "one host-wide claim per VM", "no claims at all"};

    memset(run, 0, sizeof(*run));
    snprintf(run->command, sizeof(run->command), "storm");
    run->seed = 42;
    run->threads = 1;
    run->deterministic = 1;
    run->topo.nr_nodes = nr_nodes;
    for (unsigned int i = 0; i < nr_nodes; i++) {
        run->topo.node_pages[i] = 4 * OT_GIB_PAGES;
        for (unsigned int j = 0; j < nr_nodes; j++)
            run->topo.distance[i][j] = i == j ? 10 : 21;
    }
    snprintf(run->workload, sizeof(run->workload), "%u VMs of 1 GiB, 2 vCPUs, node-bound", nr_vms);
    run->nr_policies = 3;
    for (unsigned int k = 0; k < 3; k++) {
        struct sim_policy_result *p = &run->policies[k];

        snprintf(p->name, sizeof(p->name), "%s", name[k]);
        snprintf(p->description, sizeof(p->description), "%s", desc[k]);
        p->nr_vms = nr_vms;
        p->vms = calloc(nr_vms ? nr_vms : 1, sizeof(*p->vms));
        p->nr_samples = nr_samples;
        p->samples = calloc(nr_samples ? nr_samples : 1, sizeof(*p->samples));
        p->vms_total = nr_vms;
        for (unsigned int v = 0; v < nr_vms; v++) {
            struct sim_vm_result *vm = &p->vms[v];
            unsigned int home = nr_nodes ? v % nr_nodes : 0;
            /* Share on the home node: 100%, 80%, 60% by policy. */
            uint64_t on = OT_GIB_PAGES * (10 - 2 * k) / 10;

            snprintf(vm->name, sizeof(vm->name), "vm%02u", v);
            snprintf(vm->plan, sizeof(vm->plan), "node %u", home);
            vm->pages = OT_GIB_PAGES;
            vm->vcpus = 2;
            vm->outcome = SIM_BUILT;
            if (k == 1 && v < 2)
                vm->outcome = SIM_REFUSED_CLAIM;
            if (k == 2 && v < 3)
                vm->outcome = SIM_FAILED_POPULATE;
            vm->intended_pages = OT_GIB_PAGES;
            vm->start = 0.01 * v;
            vm->seconds = 0.05;
            vm->hypercalls = 10 + k;
            if (vm->outcome == SIM_REFUSED_CLAIM) {
                vm->hypercalls = 2;
            } else if (vm->outcome == SIM_FAILED_POPULATE) {
                /* Half populated in 2 MiB extents, then thrown away. */
                vm->node_pages[home] = OT_GIB_PAGES / 2;
                vm->extents_2m = 256;
                vm->access_cost = NAN;
            } else {
                vm->node_pages[home] = on;
                if (nr_nodes > 1)
                    vm->node_pages[(home + 1) % nr_nodes] = OT_GIB_PAGES - on;
                vm->pages_on_intended_node = nr_nodes > 1 ? on : OT_GIB_PAGES;
                vm->access_cost = (on * 10.0 + (OT_GIB_PAGES - on) * 21.0) / OT_GIB_PAGES / 10;
                vm->extents_1g = k == 0 ? 1 : 0;
                vm->extents_2m = k == 0 ? 0 : 512;
            }
        }
        sim_policy_totals(p);
        p->wall_seconds = 0.5 + 0.25 * k;
        for (unsigned int s = 0; s < nr_samples; s++) {
            struct sim_sample *smp = &p->samples[s];
            double frac = nr_samples > 1 ? (double)s / (nr_samples - 1) : 1;

            smp->t = frac * p->wall_seconds;
            for (unsigned int n = 0; n < nr_nodes; n++) {
                uint64_t used = (uint64_t)(frac * (double)(3 * OT_GIB_PAGES) * (n + 1) / nr_nodes);

                smp->node_free[n] = run->topo.node_pages[n] - used;
                /* Claims rise first, then drain as memory is populated. */
                smp->node_claimed[n] =
                    k == 2 ? 0 : (uint64_t)((1 - frac) * frac * (n + 2) * OT_GIB_PAGES / (k + 1));
            }
        }
    }
}

/* Run a writer into a memory buffer (caller frees *out). */
static inline int ot_capture(int (*writer)(FILE *, const struct sim_run *),
                             const struct sim_run *run, char **out, size_t *len)
{
    FILE *f = open_memstream(out, len);
    int rc, e;

    if (!f)
        return -2;
    rc = writer(f, run);
    e = errno; /* the writer's, which fclose may overwrite (TSan's does) */
    fclose(f);
    errno = e;
    return rc;
}

/* Occurrences of needle in hay. */
static inline unsigned int ot_count(const char *hay, const char *needle)
{
    unsigned int n = 0;

    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* ---- a strict JSON parser ---- */

enum ot_jtype { OTJ_NULL, OTJ_BOOL, OTJ_NUM, OTJ_STR, OTJ_ARR, OTJ_OBJ };

struct ot_json {
    enum ot_jtype type;
    bool boolean;
    double num;
    char raw[32];          /* a number's text, for exact comparison */
    char *str;             /* decoded, NUL-terminated (strings) */
    size_t n;              /* members or elements */
    char **keys;           /* objects */
    struct ot_json *items; /* arrays and objects */
};

struct ot_jparser {
    const char *p, *end;
    const char *error;
    int depth;
};

static inline void ot_json_free(struct ot_json *v)
{
    for (size_t i = 0; i < v->n; i++) {
        if (v->keys)
            free(v->keys[i]);
        ot_json_free(&v->items[i]);
    }
    free(v->keys);
    free(v->items);
    free(v->str);
    memset(v, 0, sizeof(*v));
}

static inline void ot_ws(struct ot_jparser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static inline bool ot_jfail(struct ot_jparser *ps, const char *why)
{
    if (!ps->error)
        ps->error = why;
    return false;
}

static inline int ot_hex4(const char *s)
{
    int v = 0;

    for (int i = 0; i < 4; i++) {
        char c = s[i];

        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if (c >= 'a' && c <= 'f')
            v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v |= c - 'A' + 10;
        else
            return -1;
    }
    return v;
}

static inline void ot_put_utf8(char **o, uint32_t c)
{
    unsigned char *u = (unsigned char *)*o;

    if (c < 0x80) {
        *u++ = (unsigned char)c;
    } else if (c < 0x800) {
        *u++ = (unsigned char)(0xc0 | c >> 6);
        *u++ = (unsigned char)(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
        *u++ = (unsigned char)(0xe0 | c >> 12);
        *u++ = (unsigned char)(0x80 | (c >> 6 & 0x3f));
        *u++ = (unsigned char)(0x80 | (c & 0x3f));
    } else {
        *u++ = (unsigned char)(0xf0 | c >> 18);
        *u++ = (unsigned char)(0x80 | (c >> 12 & 0x3f));
        *u++ = (unsigned char)(0x80 | (c >> 6 & 0x3f));
        *u++ = (unsigned char)(0x80 | (c & 0x3f));
    }
    *o = (char *)u;
}

/* Length of a well-formed UTF-8 sequence at s, or 0.  Written apart from
 * out/format.c's utf8_len() on purpose: it is the oracle that judges what
 * the writers (which use that one) produce, so it must not share its bugs. */
static inline size_t ot_utf8_ok(const unsigned char *s, size_t n)
{
    size_t len;
    uint32_t c, min;

    if (s[0] < 0x80)
        return 1;
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
    return c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) ? 0 : len;
}

static inline bool ot_jstring(struct ot_jparser *ps, char **out)
{
    /* Decoded text is never longer than its source. */
    char *buf = malloc((size_t)(ps->end - ps->p) + 1), *o = buf;

    ps->p++; /* the opening quote */
    while (ps->p < ps->end && *ps->p != '"') {
        unsigned char c = (unsigned char)*ps->p;

        if (c < 0x20) {
            free(buf);
            return ot_jfail(ps, "raw control character in string");
        }
        if (c == '\\') {
            char e = ps->p + 1 < ps->end ? ps->p[1] : 0;
            static const char escaped[] = "\"\\/bfnrt", decoded[] = "\"\\/\b\f\n\r\t";
            const char *simple = e ? strchr(escaped, e) : NULL;

            if (simple) {
                *o++ = decoded[simple - escaped];
                ps->p += 2;
            } else if (e == 'u' && ps->end - ps->p >= 6 && ot_hex4(ps->p + 2) >= 0) {
                uint32_t cp = (uint32_t)ot_hex4(ps->p + 2);

                ps->p += 6;
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    int lo = ps->end - ps->p >= 6 && ps->p[0] == '\\' && ps->p[1] == 'u'
                                 ? ot_hex4(ps->p + 2)
                                 : -1;

                    if (lo < 0xdc00 || lo > 0xdfff) {
                        free(buf);
                        return ot_jfail(ps, "lone surrogate");
                    }
                    cp = 0x10000 + ((cp - 0xd800) << 10) + ((uint32_t)lo - 0xdc00);
                    ps->p += 6;
                } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                    free(buf);
                    return ot_jfail(ps, "lone surrogate");
                }
                ot_put_utf8(&o, cp);
            } else {
                free(buf);
                return ot_jfail(ps, "bad escape");
            }
            continue;
        }
        {
            size_t len = ot_utf8_ok((const unsigned char *)ps->p, (size_t)(ps->end - ps->p));

            if (!len) {
                free(buf);
                return ot_jfail(ps, "invalid UTF-8");
            }
            memcpy(o, ps->p, len);
            o += len;
            ps->p += len;
        }
    }
    if (ps->p >= ps->end) {
        free(buf);
        return ot_jfail(ps, "unterminated string");
    }
    ps->p++;
    *o = '\0';
    *out = buf;
    return true;
}

static inline bool ot_jnumber(struct ot_jparser *ps, struct ot_json *v)
{
    const char *s = ps->p;

#define OT_DIGIT(q) ((q) < ps->end && *(q) >= '0' && *(q) <= '9')
    if (ps->p < ps->end && *ps->p == '-')
        ps->p++;
    if (ps->p < ps->end && *ps->p == '0')
        ps->p++;
    else if (OT_DIGIT(ps->p))
        while (OT_DIGIT(ps->p))
            ps->p++;
    else
        return ot_jfail(ps, "bad number");
    if (ps->p < ps->end && *ps->p == '.') {
        ps->p++;
        if (!OT_DIGIT(ps->p))
            return ot_jfail(ps, "bad fraction");
        while (OT_DIGIT(ps->p))
            ps->p++;
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
            ps->p++;
        if (!OT_DIGIT(ps->p))
            return ot_jfail(ps, "bad exponent");
        while (OT_DIGIT(ps->p))
            ps->p++;
    }
#undef OT_DIGIT
    v->type = OTJ_NUM;
    snprintf(v->raw, sizeof(v->raw), "%.*s", (int)(ps->p - s), s);
    v->num = strtod(v->raw, NULL);
    return true;
}

static inline bool ot_jvalue(struct ot_jparser *ps, struct ot_json *v);

static inline bool ot_jlist(struct ot_jparser *ps, struct ot_json *v, bool object)
{
    char close = object ? '}' : ']';
    size_t cap = 0;

    v->type = object ? OTJ_OBJ : OTJ_ARR;
    ps->p++;
    ot_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return true;
    }
    for (;;) {
        char *key = NULL;

        if (v->n == cap) {
            cap = cap ? 2 * cap : 8;
            v->items = realloc(v->items, cap * sizeof(*v->items));
            if (object)
                v->keys = realloc(v->keys, cap * sizeof(*v->keys));
        }
        if (object) {
            ot_ws(ps);
            if (ps->p >= ps->end || *ps->p != '"')
                return ot_jfail(ps, "expected a key");
            if (!ot_jstring(ps, &key))
                return false;
            ot_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                free(key);
                return ot_jfail(ps, "expected ':'");
            }
            ps->p++;
        }
        memset(&v->items[v->n], 0, sizeof(v->items[v->n]));
        if (object)
            v->keys[v->n] = key;
        v->n++;
        if (!ot_jvalue(ps, &v->items[v->n - 1]))
            return false;
        ot_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            return true;
        }
        return ot_jfail(ps, object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static inline bool ot_jvalue(struct ot_jparser *ps, struct ot_json *v)
{
    bool ok;

    ot_ws(ps);
    if (ps->p >= ps->end)
        return ot_jfail(ps, "unexpected end");
    if (++ps->depth > 64)
        return ot_jfail(ps, "too deep");
    switch (*ps->p) {
    case '{':
    case '[':
        ok = ot_jlist(ps, v, *ps->p == '{');
        break;
    case '"':
        v->type = OTJ_STR;
        ok = ot_jstring(ps, &v->str);
        break;
    case 't':
    case 'f':
    case 'n': {
        static const char *const word[] = {"true", "false", "null"};
        int w = *ps->p == 't' ? 0 : *ps->p == 'f' ? 1 : 2;
        size_t len = strlen(word[w]);

        ok = (size_t)(ps->end - ps->p) >= len && !memcmp(ps->p, word[w], len);
        if (ok) {
            v->type = w == 2 ? OTJ_NULL : OTJ_BOOL;
            v->boolean = w == 0;
            ps->p += len;
        } else {
            ot_jfail(ps, "bad literal");
        }
        break;
    }
    default:
        ok = ot_jnumber(ps, v);
    }
    ps->depth--;
    return ok;
}

/* Parse all of text as one JSON value; on failure returns false with
 * *error and *offset set. */
static inline bool ot_json_parse(const char *text, size_t len, struct ot_json *v,
                                 const char **error, size_t *offset)
{
    struct ot_jparser ps = {text, text + len, NULL, 0};
    bool ok;

    memset(v, 0, sizeof(*v));
    ok = ot_jvalue(&ps, v);
    if (ok) {
        ot_ws(&ps);
        if (ps.p != ps.end)
            ok = ot_jfail(&ps, "trailing text");
    }
    if (!ok) {
        ot_json_free(v);
        *error = ps.error;
        *offset = (size_t)(ps.p - text);
    }
    return ok;
}

/* Member key of an object, or NULL. */
static inline const struct ot_json *ot_jget(const struct ot_json *v, const char *key)
{
    if (!v || v->type != OTJ_OBJ)
        return NULL;
    for (size_t i = 0; i < v->n; i++)
        if (!strcmp(v->keys[i], key))
            return &v->items[i];
    return NULL;
}

/* Element i of an array, or NULL. */
static inline const struct ot_json *ot_jat(const struct ot_json *v, size_t i)
{
    return v && v->type == OTJ_ARR && i < v->n ? &v->items[i] : NULL;
}

/* ---- an RFC 4180 CSV reader ---- */

struct ot_csv {
    size_t rows;
    size_t fields[4096];  /* fields per row */
    char *cell[4096][64]; /* first 64 fields of each row, decoded */
    bool bare_lf;         /* a record ended in LF without CR */
    const char *error;
};

static inline void ot_csv_free(struct ot_csv *c)
{
    for (size_t r = 0; r < c->rows && r < 4096; r++)
        for (size_t i = 0; i < c->fields[r] && i < 64; i++)
            free(c->cell[r][i]);
}

static inline bool ot_csv_parse(const char *s, size_t len, struct ot_csv *c)
{
    const char *p = s, *end = s + len;

    memset(c, 0, sizeof(*c));
    while (p < end) {
        size_t nf = 0;

        if (c->rows == 4096) {
            c->error = "too many rows";
            return false;
        }
        for (;;) {
            char *buf = malloc((size_t)(end - p) + 1), *o = buf;

            if (p < end && *p == '"') {
                p++;
                for (;;) {
                    if (p >= end) {
                        free(buf);
                        c->error = "unterminated quoted field";
                        return false;
                    }
                    if (*p == '"') {
                        if (p + 1 < end && p[1] == '"') {
                            *o++ = '"';
                            p += 2;
                            continue;
                        }
                        p++;
                        break;
                    }
                    *o++ = *p++;
                }
            } else {
                while (p < end && *p != ',' && *p != '\r' && *p != '\n') {
                    if (*p == '"') {
                        free(buf);
                        c->error = "quote inside an unquoted field";
                        return false;
                    }
                    *o++ = *p++;
                }
            }
            *o = '\0';
            if (nf < 64)
                c->cell[c->rows][nf] = buf;
            else
                free(buf);
            nf++;
            if (p < end && *p == ',') {
                p++;
                continue;
            }
            if (p + 1 < end && p[0] == '\r' && p[1] == '\n') {
                p += 2;
            } else if (p < end && *p == '\n') {
                c->bare_lf = true;
                p++;
            } else if (p < end) {
                c->fields[c->rows++] = nf;
                c->error = "junk after a quoted field";
                return false;
            }
            break;
        }
        c->fields[c->rows++] = nf;
    }
    return true;
}

/* ---- HTML structure ---- */

/*
 * Check that elements nest properly: every start tag is closed in order,
 * except void elements and self-closed SVG ones.  Script and style
 * bodies are skipped.  Returns NULL or a description of the first fault.
 */
static inline const char *ot_html_nesting(const char *html, char *why, size_t whylen)
{
    static const char *const void_tags[] = {"meta", "br", "hr", "img", "input", "link", "wbr"};
    char stack[128][16];
    unsigned int depth = 0;
    const char *p = html;

    while ((p = strchr(p, '<')) != NULL) {
        char name[16];
        bool closing = p[1] == '/';
        const char *gt = strchr(p, '>');
        size_t n;

        if (!gt)
            return "unterminated tag";
        if (p[1] == '!') { /* doctype or comment */
            p = gt + 1;
            continue;
        }
        n = strspn(p + 1 + closing, "abcdefghijklmnopqrstuvwxyz0123456789");
        if (n == 0 || n >= sizeof(name)) {
            snprintf(why, whylen, "bad tag at \"%.20s\"", p);
            return why;
        }
        snprintf(name, sizeof(name), "%.*s", (int)n, p + 1 + closing);
        p = gt + 1;
        if (closing) {
            if (!depth || strcmp(stack[depth - 1], name)) {
                snprintf(why, whylen, "</%s> closes <%s>", name, depth ? stack[depth - 1] : "");
                return why;
            }
            depth--;
            continue;
        }
        if (gt[-1] == '/')
            continue;
        for (size_t i = 0; i < sizeof(void_tags) / sizeof(void_tags[0]); i++)
            if (!strcmp(name, void_tags[i]))
                goto next;
        if (!strcmp(name, "script") || !strcmp(name, "style")) {
            char end[24];

            snprintf(end, sizeof(end), "</%s>", name);
            if (!(p = strstr(p, end)))
                return "unterminated script or style";
            p += strlen(end);
            continue;
        }
        if (depth == 128)
            return "too deep";
        snprintf(stack[depth++], sizeof(stack[0]), "%s", name);
    next:;
    }
    if (depth) {
        snprintf(why, whylen, "<%s> never closed", stack[depth - 1]);
        return why;
    }
    return NULL;
}

#endif /* TESTS_OUT_TEST_UTIL_H */
