/*
 * The scenario language of `claimset run`: a line-oriented script of
 * statements that drive a simulated host through the public API
 * (xenctrl.h and claimset/claimset.h), each optionally followed by
 * `expect` lines that check its result or the state.  The reference is
 * docs/scenario-language.md.
 *
 * Two stages.  scenario_parse() reads the whole text and checks every
 * line -- statement names, arguments, domain names, units, where each
 * expectation may stand -- so a bad script is refused before anything
 * runs.  scenario_run() then executes it on a fresh host, checks every
 * expectation and reports each failure as "FILE:LINE: expected X, got Y",
 * going on to the end.
 *
 * Files: lex.c (errors, names, values), parse.c (lines, actions), parse_expect.c
 * (expectations), exec.c (running actions), check.c (checking
 * expectations), errnames.c (errno names).
 */
#ifndef CLAIMSET_SCENARIO_H
#define CLAIMSET_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <claimset/claimset.h>
#include <xenctrl.h>

#include "common/human_size.h"
#include "common/quote.h"
#include "common/values.h"
#include "topology/topo.h"

/* Room for one message, and the plural "s" of a count. */
#define SCN_ERR_LEN 256
#define SCN_S(n)    ((n) == 1 ? "" : "s")

#define SCN_NAME_MAX    31         /* characters in a domain name */
#define SCN_MAX_DOMAINS 1024       /* names a scenario may bind */
#define SCN_MAX_ENTRIES 1024       /* entries of one raw claim set */
#define SCN_MAX_EXTENTS (1U << 24) /* extents of one populate/decrease */
#define SCN_MAX_FRAMES  (1U << 24) /* frames of one offline/online range */
#define SCN_MAX_NODE_ID 255        /* node ids in affinity and expectations */

/* The key of a per-node list entry that is not a node. */
#define SCN_KEY_GLOBAL 0xFFFFFFFFU /* claims: the host-wide claim */
#define SCN_KEY_HOST   0xFFFFFFFEU /* host quantities: the whole host */

enum scn_kind {
    /* Statements that call the API (actions). */
    SCN_CREATE,
    SCN_MAX_MEM,
    SCN_CLAIM,
    SCN_LEGACY_CLAIM,
    SCN_AFFINITY,
    SCN_POPULATE,
    SCN_DECREASE,
    SCN_OFFLINE,
    SCN_ONLINE,
    SCN_DESTROY,
    SCN_PAUSE,
    SCN_UNPAUSE,
    SCN_SCRUB,
    /* Expectations on the last action's result. */
    SCN_EXPECT_OK,
    SCN_EXPECT_RC,
    SCN_EXPECT_ERRNO,
    SCN_EXPECT_DONE,
    /* Expectations on the state. */
    SCN_EXPECT_CLAIMS,
    SCN_EXPECT_TOT_PAGES,
    SCN_EXPECT_MAX_PAGES,
    SCN_EXPECT_NODE_PAGES,
    SCN_EXPECT_HOST,
    SCN_EXPECT_INVARIANTS,
};

/* Host-wide or per-node amounts `expect QUANTITY ...` can check. */
enum scn_quantity {
    SCN_Q_FREE,      /* free pages, claimed or not */
    SCN_Q_CLAIMED,   /* host: all claims (outstanding); node: node claims */
    SCN_Q_UNCLAIMED, /* free minus claimed */
    SCN_Q_SCRUB,     /* free pages waiting to be scrubbed */
    SCN_Q_OFFLINED,  /* pages taken out of the heap */
};

/* One "key=amount" of a list: a node id or SCN_KEY_*, and pages. */
struct scn_pair {
    uint32_t key;
    uint64_t pages;
};

struct scn_stmt {
    enum scn_kind kind;
    unsigned int line;
    char *text;          /* the statement as written, comment and blanks trimmed */
    int dom;             /* index of the domain name, or -1 */
    bool result_checked; /* actions: an expectation below checks the result
                          * (else it must be ok) */
    union {
        unsigned int vcpus; /* create */
        uint64_t max_kb;    /* max_mem (UINT64_MAX: unlimited) */
        uint64_t pages;     /* legacy_claim, tot_pages, max_pages */
        struct {            /* claim (release is {0, GLOBAL}) */
            size_t nr;
            memory_claim_t *entries;
        } claim;
        struct { /* affinity */
            bool all;
            uint8_t nodes[(SCN_MAX_NODE_ID + 1) / 8];
        } affinity;
        struct { /* populate, decrease */
            uint64_t count;
            unsigned int order;
            bool has_gfn;
            uint64_t gfn;
            bool has_node, exact;
            unsigned int node;
        } extents;
        struct { /* offline, online */
            uint64_t first, last;
        } frames;
        struct {               /* scrub */
            unsigned int node; /* CLAIMSET_ANY_NODE: any */
            uint64_t max;
        } scrub;
        long long rc;  /* expect rc= */
        int err;       /* expect errno= */
        uint64_t done; /* expect done= */
        struct {       /* expect claims / node_pages / host */
            enum scn_quantity quantity;
            const char *qname; /* the quantity as written */
            size_t nr;
            struct scn_pair *pairs; /* claims: nr 0 means none */
        } list;
    } u;
};

struct scenario {
    char *file;    /* the name used in messages */
    bool has_host; /* a `host` statement was given */
    unsigned int host_line;
    struct topo_resolved *host; /* its topology, when has_host */
    size_t nr_stmts, cap_stmts;
    struct scn_stmt *stmts;
    size_t nr_domains;
    char (*domains)[SCN_NAME_MAX + 1];
};

/*
 * Parse text (the contents of file; base_dir resolves a relative topology
 * file of the `host` statement).  0 with *out set, or -1 with
 * "FILE:LINE: problem naming the token" in err.
 */
int scenario_parse(const char *file, const char *text, const char *base_dir, struct scenario **out,
                   char *err, size_t errlen);
void scenario_free(struct scenario *s);

struct scn_run_opts {
    bool verbose; /* trace every statement on out */
    FILE *out;    /* trace and summary */
    FILE *err;    /* failed expectations */
};

struct scn_summary {
    unsigned int statements; /* actions run */
    unsigned int checks;     /* expectations, implicit "ok" included */
    unsigned int failures;
};

/*
 * Run s on a fresh host of topology ct.  Returns 0 when it ran (see
 * sum->failures), -1 with a message in err when the host could not be
 * made.
 */
int scenario_run(const struct scenario *s, const struct topo_resolved *ct,
                 const struct scn_run_opts *opts, struct scn_summary *sum, char *err,
                 size_t errlen);

/* errno names: "ENOMEM" <-> ENOMEM.  The name, or NULL when unknown;
 * 0, or -1 when the name is unknown. */
const char *scn_errno_name(int err);
int scn_errno_value(const char *name, int *err);

#endif /* CLAIMSET_SCENARIO_H */
