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

#include <claimset/topology.h>

#include "common/err.h"
#include "common/human_size.h"
#include "common/quote.h"
#include "common/values.h"
#include "topology/topo.h"

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
extern const struct cli_command cli_cmd_version;

/* Print cmd->usage on stdout; returns CLI_EXIT_OK. */
int cli_help(const struct cli_command *cmd);
/* Print "claimset VERSION" on stdout, as -V and --version do everywhere;
 * returns CLI_EXIT_OK. */
int cli_version(void);
/*
 * What every command does with cli_next()'s shared results, so that no
 * command can forget one: CLI_HELP prints the command's help, CLI_VERSION
 * the version (both status 0), CLI_ERROR was reported already (usage
 * status).  Returns that status, or -1 when id is the command's own (an
 * option or a positional argument).
 */
int cli_shared_result(const struct cli_command *cmd, int id);

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
 * "--help" and "-V" for "--version"; "--" ends the options; "-" alone is
 * a positional argument.
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
#define CLI_VERSION    (-4) /* -V or --version: print cli_version() and stop */

/* Start parsing argv[1..argc) (argv[0] is the command's name). */
void cli_parser_init(struct cli_parser *p, const char *prog, int argc, char **argv);
/* The next option's id with its value in *val (NULL for flags), or a
 * positional argument in *val, or CLI_HELP, CLI_VERSION, CLI_END or
 * CLI_ERROR. */
int cli_next(struct cli_parser *p, const struct cli_opt *opts, const char **val);

/* ---------------------------------------------------------------------
 * Values
 * ------------------------------------------------------------------ */

/* The parsers' failure: the message into err (when it has room, cut to
 * fit) and -1, so that `return cli_err(err, errlen, ...);` fails a parse. */
#define cli_err cs_err /* common/err.h */

/* The SLIT of nr nodes (row-major) as `info` prints it, simulated or live. */
void cli_print_distances(unsigned int nr, const uint32_t *dist);

/* Input quoted in messages: common/quote.h, shared with the other
 * tools' libraries. */
#define CLI_QUOTE_MAX  CS_QUOTE_MAX
#define CLI_QUOTE_LEN  CS_QUOTE_LEN
#define CLI_PATH_SHOWN CS_PATH_SHOWN
#define CLI_PATH_LEN   CS_PATH_LEN
#define cli_quote      cs_quote
#define cli_path       cs_path
#define cli_quote_n    cs_quote_n
#define CLI_Q(s)       CS_Q(s)
#define CLI_PATH(s)    CS_PATH(s)

/* Integers, page counts for people and text files: common/values.h
 * (cs_parse_u64(), cs_parse_range(), cs_fmt_pages(), cs_read_file()). */

/* Sizes: topo_parse_size() reads them, topo_size_token() writes the
 * token back (topology/topo.h); cs_human_size() (common/human_size.h)
 * writes them for people. */

/* Write s as a JSON string (quoted, escaped). */
void cli_json_string(FILE *f, const char *s);

/* The topology an argument names (--topology X, the scenario's `host X`):
 * topo_resolve() and struct topo_resolved, topology/topo.h. */

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
                        struct topo_resolved *ct);

#endif /* CLAIMSET_CLI_H */
