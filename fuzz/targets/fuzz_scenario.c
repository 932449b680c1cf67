/*
 * Fuzz target for the scenario language: scenario_parse() on any text,
 * then scenario_run() of what parses, on a small host, through the whole
 * public API (libxenctrl calls, hypercalls, the core with its accounting
 * checked after every mutating call).
 *
 * Checks: a refusal names the file ("FILE:LINE: ..."; the rest of the
 * wording is not checked); a parsed scenario runs (its host can always be
 * made) and its summary adds up -- one check per expectation plus one
 * implicit check per action no expectation looks at, no more failures
 * than checks, one statement per action.  Indenting every line and
 * ending it with a comment changes nothing: the same text so dressed is
 * refused too, or parses to the same statements on the same lines.
 *
 * Kept small and inside the process: a `host` line that could read a
 * file or this machine's sysfs (a '/', or "host" twice: `host host`,
 * `host host:ROOT`) makes the input uninteresting; relative file names
 * resolve under a directory that cannot exist.  A scenario whose host is
 * larger than SCN_HOST_MAX_PAGES runs on a small host instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fz_fail.h"
#include "scenario/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SCN_FILE           "fuzz.scn"
#define SCN_BASE_DIR       "/dev/null" /* a file: nothing resolves under it */
#define SCN_HOST_MAX_PAGES 8192        /* 32 MiB */
#define SCN_SMALL_HOST     "8M,8M,0"

static FILE *sink;
static struct topo_resolved small_host;

static void init(void)
{
    char err[SCN_ERR_LEN];

    /* Accounting checks after every mutating call; deep ones where the
     * scenario asks (`expect invariants`).  The hypercall targets check
     * deeply after every call; here that would cost most of the time. */
    setenv("CLAIMSET_CHECK", "1", 1);
    sink = fopen("/dev/null", "w");
    if (!sink)
        fz_fail("cannot open /dev/null");
    if (topo_resolve(SCN_SMALL_HOST, NULL, &small_host, err, sizeof(err)))
        fz_fail("the small host '%s' is refused: %s", SCN_SMALL_HOST, err);
}

/* Could a `host` statement in text read anything outside the process? */
static bool reaches_outside(const char *text)
{
    for (const char *line = text; line && *line;) {
        const char *eol = strchr(line, '\n'), *h = strstr(line, "host");
        size_t len = eol ? (size_t)(eol - line) : strlen(line);

        if (h && (size_t)(h - line) < len) {
            const char *again = strstr(h + 1, "host");

            if (memchr(line, '/', len) || (again && (size_t)(again - line) < len))
                return true;
        }
        line = eol ? eol + 1 : NULL;
    }
    return false;
}

/* Every line of text indented with a tab and ended with a comment. */
static char *dressed(const char *text)
{
    size_t n = strlen(text), lines = 1, j = 0;
    char *out;

    for (size_t i = 0; i < n; i++)
        lines += text[i] == '\n';
    out = malloc(n + 4 * lines + 1);
    if (!out)
        fz_fail("out of memory");
    out[j++] = '\t';
    for (size_t i = 0; i <= n; i++) {
        if (text[i] == '\n' || !text[i]) {
            memcpy(out + j, " #x", 3);
            j += 3;
        }
        if (!text[i])
            break;
        out[j++] = text[i];
        if (text[i] == '\n')
            out[j++] = '\t';
    }
    out[j] = '\0';
    return out;
}

static void check_dressed(const char *text, const struct scenario *s)
{
    char *other = dressed(text), err[SCN_ERR_LEN + 64];
    struct scenario *t = NULL;
    bool same;

    if (scenario_parse(SCN_FILE, other, SCN_BASE_DIR, &t, err, sizeof(err))) {
        if (s)
            fz_fail("refused once indented and commented: %s", err);
        free(other);
        return;
    }
    if (!s)
        fz_fail("parses once indented and commented, not as written");
    same =
        s->nr_stmts == t->nr_stmts && s->nr_domains == t->nr_domains && s->has_host == t->has_host;
    for (size_t i = 0; same && i < s->nr_stmts; i++)
        same = s->stmts[i].kind == t->stmts[i].kind && s->stmts[i].line == t->stmts[i].line &&
               s->stmts[i].dom == t->stmts[i].dom && !strcmp(s->stmts[i].text, t->stmts[i].text);
    if (!same)
        fz_fail("indenting and commenting every line changed the statements");
    scenario_free(t);
    free(other);
}

static void check_summary(const struct scenario *s, const struct scn_summary *sum)
{
    unsigned int actions = 0, checks = 0;

    for (size_t i = 0; i < s->nr_stmts; i++) {
        const struct scn_stmt *st = &s->stmts[i];

        if (st->kind <= SCN_SCRUB) {
            actions++;
            checks += !st->result_checked;
        } else {
            checks++;
        }
    }
    if (sum->statements != actions || sum->checks != checks || sum->failures > sum->checks)
        fz_fail("summary %u statements, %u checks, %u failures for %u actions and %u checks",
                sum->statements, sum->checks, sum->failures, actions, checks);
}

static void run(const struct scenario *s)
{
    struct scn_run_opts opts = {.verbose = true, .out = sink, .err = sink};
    const struct topo_resolved *ct = &small_host;
    struct scn_summary sum;
    char err[SCN_ERR_LEN];

    if (s->has_host && claimset_topology_total_pages(&s->host->t) <= SCN_HOST_MAX_PAGES)
        ct = s->host;
    if (scenario_run(s, ct, &opts, &sum, err, sizeof(err)))
        fz_fail("a parsed scenario could not run on '%s': %s", ct->text, err);
    check_summary(s, &sum);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1), err[SCN_ERR_LEN + 64];
    struct scenario *s = NULL;

    if (!sink)
        init();
    if (!text)
        fz_fail("out of memory");
    memcpy(text, data, size);
    text[size] = '\0';
    if (reaches_outside(text)) {
        free(text);
        return -1; /* not added to the corpus */
    }
    err[0] = '\0';
    if (scenario_parse(SCN_FILE, text, SCN_BASE_DIR, &s, err, sizeof(err))) {
        if (strncmp(err, SCN_FILE ":", strlen(SCN_FILE ":")))
            fz_fail("a refused scenario's message does not name the file: '%s'", err);
        s = NULL;
    }
    check_dressed(text, s);
    if (s) {
        run(s);
        scenario_free(s);
    }
    free(text);
    return 0;
}
