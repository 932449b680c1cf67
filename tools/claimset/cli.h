/*
 * The claimset command's shared parts: the subcommand table entry,
 * diagnostics with the exit-status convention, an option parser, value
 * parsers (integers, sizes with units), size formatting, topology
 * resolution and the options every subcommand may share.
 *
 * Exit status: 0 success; 1 a failed expectation or run (CLI_EXIT_FAIL);
 * 2 a usage error (CLI_EXIT_USAGE), reported as ONE line on stderr,
 * "PROG: MESSAGE", naming the bad argument.
 *
 * Value parsers are pure: they return 0, or -1 with a message (without the
 * program or option prefix) in the caller's buffer, so commands and the
 * scenario language report them in their own context.  Nothing here keeps
 * state between calls.
 */
#ifndef CLAIMSET_CLI_H
#define CLAIMSET_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <hv/topology.h>

#include "common/human_size.h"

/* Must match project(VERSION) in the top-level CMakeLists.txt (the CLI
 * tests compare the two). */
#define CLAIMSET_VERSION_TEXT "0.1.0"

#define CLI_EXIT_OK    0
#define CLI_EXIT_FAIL  1
#define CLI_EXIT_USAGE 2

#define CLI_PAGE_SHIFT 12

/* The plural "s" of a count: "1 VM", "2 VMs". */
#define CLI_S(n)    ((n) == 1 ? "" : "s")
#define CLI_ERR_LEN 256

/* ---------------------------------------------------------------------
 * Subcommands
 * ------------------------------------------------------------------ */

/*
 * One subcommand.  run() gets argv[0] = the command's name and returns the
 * exit status.  usage is the full --help text (printed as is).  To add a
 * command, define its struct in its own file, declare it below and add
 * one entry to the table in main.c.
 */
struct cli_command {
    const char *name;
    const char *summary; /* one line for `claimset --help` */
    const char *usage;
    int (*run)(const struct cli_command *cmd, int argc, char **argv);
};

extern const struct cli_command cli_cmd_info;
extern const struct cli_command cli_cmd_place;
extern const struct cli_command cli_cmd_run;
extern const struct cli_command cli_cmd_storm;
extern const struct cli_command cli_cmd_evacuate;
extern const struct cli_command cli_cmd_drain;

/* Print cmd->usage on stdout; returns CLI_EXIT_OK. */
int cli_help(const struct cli_command *cmd);

/* ---------------------------------------------------------------------
 * Diagnostics
 * ------------------------------------------------------------------ */

/* "PROG: MESSAGE\n" on stderr; return CLI_EXIT_USAGE / CLI_EXIT_FAIL. */
int cli_usage_error(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_fail(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Whether stdout failed (a write that did not happen, now or earlier):
 * then "PROG: cannot write the output: REASON" on stderr and true.
 * last_errno: errno when the command ended, the reason of an earlier
 * failure that left nothing to flush. */
bool cli_stdout_error(const char *prog, int last_errno);

/* ---------------------------------------------------------------------
 * Option parsing
 *
 * Long options only ("--name VALUE" or "--name=VALUE"), plus "-h" for
 * "--help"; "--" ends the options; "-" alone is a positional argument.
 * ------------------------------------------------------------------ */

enum cli_opt_arg { CLI_NO_ARG, CLI_HAS_ARG };

/* A command's option table ends with an entry whose name is NULL.  ids
 * are positive and chosen by the command (see CLI_OPT_* below for the
 * shared ones). */
struct cli_opt {
    const char *name; /* without the leading "--" */
    enum cli_opt_arg arg;
    int id;
};

struct cli_parser {
    const char *prog; /* "claimset info", for messages */
    int argc;
    char **argv;
    int next;       /* the next argv index to look at */
    bool opts_done; /* after "--" */
};

/* cli_next() results other than an option id. */
#define CLI_END        0
#define CLI_POSITIONAL (-1)
#define CLI_HELP       (-2)
#define CLI_ERROR      (-3) /* a usage error was printed: exit CLI_EXIT_USAGE */

/* Start parsing argv[1..argc) (argv[0] is the command's name). */
void cli_parser_init(struct cli_parser *p, const char *prog, int argc, char **argv);
/* The next option's id with its value in *val (NULL for flags), or a
 * positional argument in *val, or CLI_HELP, CLI_END or CLI_ERROR. */
int cli_next(struct cli_parser *p, const struct cli_opt *opts, const char **val);

/* ---------------------------------------------------------------------
 * Values
 * ------------------------------------------------------------------ */

/* The parsers' failure: the message into err (when it has room, cut to
 * fit) and -1, so that `return cli_err(err, errlen, ...);` fails a parse. */
int cli_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Input quoted in a message.  A message must always reach its reason, so
 * what the user typed is shortened: at most CLI_QUOTE_MAX characters of a
 * token, CLI_PATH_SHOWN of a path, a longer one cut at a character
 * boundary and ending in "..."; control characters become '?'.
 *
 *   cli_quote()  'TOKEN', or 'TOKE...' (1000000 characters) when cut
 *   cli_path()   the path itself, unquoted, cut the same way
 *
 * Both return buf.  CLI_Q(s) and CLI_PATH(s) give them a buffer of their
 * own that lives until the end of the enclosing block, for use right in a
 * message's arguments.
 */
#define CLI_QUOTE_MAX  48
#define CLI_QUOTE_LEN  (CLI_QUOTE_MAX + 40)
#define CLI_PATH_SHOWN 160
#define CLI_PATH_LEN   (CLI_PATH_SHOWN + 8)
const char *cli_quote(const char *s, char *buf, size_t len);
const char *cli_path(const char *s, char *buf, size_t len);
/* cli_quote() of the first n characters of s (n <= strlen(s)). */
const char *cli_quote_n(const char *s, size_t n, char *buf, size_t len);
#define CLI_Q(s)    cli_quote((s), (char[CLI_QUOTE_LEN]){0}, CLI_QUOTE_LEN)
#define CLI_PATH(s) cli_path((s), (char[CLI_PATH_LEN]){0}, CLI_PATH_LEN)

/* A decimal or 0x-hexadecimal integer, nothing else (no sign, no space). */
int cli_parse_u64(const char *s, uint64_t *v, char *err, size_t errlen);
/* An integer in [min, max], named "a positive integer" when min is 1. */
int cli_parse_range(const char *s, uint64_t min, uint64_t max, uint64_t *v, char *err,
                    size_t errlen);

/*
 * A size, in whole 4 KiB pages: a decimal number (fractions allowed, as
 * 1.5G) with an optional unit -- K, M, G, T, KiB, MiB, GiB, TiB (powers
 * of 1024, any case; as in the topology grammar), "page" or "pages" (a
 * page count, no fraction) -- or no unit for bytes.  The amount must be
 * a whole number of pages (so "4096" is one page, "1000" an error).
 */
int cli_parse_size(const char *s, uint64_t *pages, char *err, size_t errlen);

/* Human sizes: cs_human_size() (common/human_size.h), shared with the
 * advisor and the reports. */
/* "1024 pages (4 MiB)". */
const char *cli_fmt_pages(uint64_t pages, char *buf, size_t len);
/* A token cli_parse_size() reads back to the same value: "4MiB",
 * "1536MiB", "0". */
const char *cli_fmt_size_token(uint64_t pages, char *buf, size_t len);

/* Write s as a JSON string (quoted, escaped). */
void cli_json_string(FILE *f, const char *s);

/* Read a whole text file (at most max bytes) into a NUL-terminated
 * malloc'd buffer.  0, or -1 with errno and a message naming the path. */
int cli_read_file(const char *path, size_t max, char **text, char *err, size_t errlen);

/* ---------------------------------------------------------------------
 * Topology
 *
 * An argument X of --topology (or of the scenario's `host` statement):
 *   default        the built-in default;
 *   host           this machine's NUMA layout from /sys;
 *   host:ROOT      the same from a sysfs tree at ROOT (for tests);
 *   a file path    when X contains '/' or names an existing file: the
 *                  grammar text, with '#' comments and line breaks;
 *   anything else  the CLAIMSET_TOPOLOGY grammar text itself.
 * Without an argument: CLAIMSET_TOPOLOGY when set, else the default.
 * ------------------------------------------------------------------ */

#define CLI_TOPOLOGY_TEXT_MAX 20480
#define CLI_TOPOLOGY_FILE_MAX (1U << 20)

struct cli_topology {
    struct topology t;                /* parsed; node_cpus included */
    char text[CLI_TOPOLOGY_TEXT_MAX]; /* canonical text, for claimset_host_create() */
    char source[160];                 /* where it came from, for humans */
};

/* Resolve X as above; relative file paths are taken from base_dir when
 * it is not NULL.  0, or -1 with a message naming the problem. */
int cli_topology_resolve(const char *x, const char *base_dir, struct cli_topology *ct, char *err,
                         size_t errlen);
/* CLAIMSET_TOPOLOGY when set (and valid), else the default. */
int cli_topology_from_env(struct cli_topology *ct, char *err, size_t errlen);
/* Strip '#' comments from topology file text in place (line breaks stay:
 * the grammar ignores white space around tokens). */
void cli_topology_strip_comments(char *text);

/* ---------------------------------------------------------------------
 * Options shared by subcommands
 *
 * A command lists the ones it takes in its table (CLI_OPTS_* entries) and
 * passes every id >= CLI_OPT_COMMON_BASE to cli_common_option().
 * ------------------------------------------------------------------ */

enum cli_format { CLI_FMT_TABLE = 0, CLI_FMT_JSON, CLI_FMT_CSV };

#define CLI_OPT_COMMON_BASE 1000
#define CLI_OPT_SEED        1000
#define CLI_OPT_THREADS     1001
#define CLI_OPT_TOPOLOGY    1002
#define CLI_OPT_JSON        1003
#define CLI_OPT_CSV         1004

#define CLI_OPTS_SEED                                                                              \
    {                                                                                              \
        "seed", CLI_HAS_ARG, CLI_OPT_SEED                                                          \
    }
#define CLI_OPTS_THREADS                                                                           \
    {                                                                                              \
        "threads", CLI_HAS_ARG, CLI_OPT_THREADS                                                    \
    }
#define CLI_OPTS_TOPOLOGY                                                                          \
    {                                                                                              \
        "topology", CLI_HAS_ARG, CLI_OPT_TOPOLOGY                                                  \
    }
#define CLI_OPTS_JSON                                                                              \
    {                                                                                              \
        "json", CLI_NO_ARG, CLI_OPT_JSON                                                           \
    }
#define CLI_OPTS_CSV                                                                               \
    {                                                                                              \
        "csv", CLI_NO_ARG, CLI_OPT_CSV                                                             \
    }

#define CLI_MAX_THREADS 1024

struct cli_common {
    uint64_t seed;
    bool seed_set;
    unsigned int threads;   /* 1 unless --threads */
    const char *topology;   /* --topology X, or NULL */
    enum cli_format format; /* --json / --csv (at most one) */
};

void cli_common_init(struct cli_common *c);
/* Apply option id with value val.  0, or -1 after printing a usage error
 * (bad value, or a second output format). */
int cli_common_option(const struct cli_parser *p, int id, const char *val, struct cli_common *c);
/* The host topology the options ask for (--topology, else the
 * environment, else the default).  0, or -1 after printing a usage error. */
int cli_common_topology(const struct cli_parser *p, const struct cli_common *c,
                        struct cli_topology *ct);

#endif /* CLAIMSET_CLI_H */
