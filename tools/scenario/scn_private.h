/*
 * Internals of the scenario module shared by its files: the parser's
 * state, the words of one line, value parsers that report in the
 * "FILE:LINE: ..." form, and the executor's state.
 */
#ifndef CLAIMSET_SCN_PRIVATE_H
#define CLAIMSET_SCN_PRIVATE_H

#include <claimset/claimset.h>

#include "scenario.h"

/* ---------------------------------------------------------------------
 * Parsing (lex.c, parse.c, parse_expect.c)
 * ------------------------------------------------------------------ */

struct scn_syntax; /* parse.c: an action's name, parser and usage */

struct scn_parser {
    struct scenario *s;
    const struct scn_syntax *syntax; /* of the action being parsed */
    const char *base_dir;
    unsigned int line; /* current line number, 1-based */
    char *text;        /* current statement, trimmed */
    size_t nr_words;
    char **words;    /* the statement's words (into a copy of text) */
    int last_action; /* index of the latest action statement, or -1 */
    char *err;
    size_t errlen;
};

/* Record "FILE:LINE: message" and return -1. */
int scn_error(struct scn_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append a statement of kind for the current line (text copied); NULL
 * after recording an error (out of memory). */
struct scn_stmt *scn_add_stmt(struct scn_parser *p, enum scn_kind kind);

/* The domain index of a bound name, or -1 after recording an error. */
int scn_domain(struct scn_parser *p, const char *word);
/* Bind a new name (create); -1 after recording an error. */
int scn_bind_domain(struct scn_parser *p, const char *word);

/* Split "key=value" in place; false (word untouched) when there is no
 * '=' or the key is empty. */
bool scn_split(char *word, char **key, char **val);

/* Value parsers: 0, or -1 after recording an error that quotes what. */
int scn_size(struct scn_parser *p, const char *what, const char *val, uint64_t *pages);
/* A page count: a bare integer is pages, a value with a unit a size. */
int scn_amount(struct scn_parser *p, const char *what, const char *val, uint64_t *pages);
int scn_uint(struct scn_parser *p, const char *what, const char *val, uint64_t max, uint64_t *v);
int scn_int(struct scn_parser *p, const char *what, const char *val, long long *v);
/* "node12" -> 12 (at most max), else -1 without an error. */
int scn_node_key(const char *key, uint64_t max, uint32_t *node);

/* Parse the current line as an expectation (words[0] is "expect"). */
int scn_parse_expect(struct scn_parser *p);

/* ---------------------------------------------------------------------
 * Running (exec.c, check.c)
 * ------------------------------------------------------------------ */

struct scn_result {
    long long rc;  /* the call's return value */
    int err;       /* errno when rc == -1, else 0 */
    bool has_done; /* populate, decrease, scrub: done is meaningful */
    uint64_t done; /* extents or pages done */
    uint64_t want; /* extents asked (populate, decrease) */
};

struct scn_domain_state {
    uint32_t domid;
    uint64_t next_gfn; /* the next guest frame a default populate uses */
};

struct scn_exec {
    const struct scenario *s;
    const struct scn_run_opts *opts;
    claimset_host *host;
    xc_interface *xch;
    struct scn_domain_state *doms;
    struct scn_result last; /* of the latest action */
    const struct scn_stmt *last_action;
    struct scn_summary *sum;
    char failure[1024]; /* the latest failure report, for the trace */
};

/* Run one action; fills x->last. */
void scn_exec_action(struct scn_exec *x, const struct scn_stmt *st);
/* Check one expectation; true when it holds (a failure is reported). */
bool scn_check(struct scn_exec *x, const struct scn_stmt *st);
/* The implicit "expect ok" of an action no expectation checks. */
bool scn_check_implicit_ok(struct scn_exec *x);
/* Record a failed expectation of st in x->failure ("FILE:LINE: expected
 * ..., got ...") and count it; scenario_run() prints it. */
void scn_report(struct scn_exec *x, const struct scn_stmt *st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Whether a result counts as "ok" for its action. */
bool scn_result_ok(const struct scn_stmt *action, const struct scn_result *r);
/* "ok", "errno=ENOMEM (rc=-1)", "rc=3 (3 of 4 extents)"... */
const char *scn_fmt_result(const struct scn_stmt *action, const struct scn_result *r, char *buf,
                           size_t len);

#endif /* CLAIMSET_SCN_PRIVATE_H */
