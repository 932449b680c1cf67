/*
 * The claimset command's parts, tested without running the binary: value
 * parsing and formatting, the option parser and its one-line usage
 * errors, the shared options, topology resolution (text, files with
 * comments, sysfs trees, the environment), and the scenario language --
 * its parser's refusals (each naming FILE:LINE and the token) and runs
 * whose reports are compared word for word.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "scenario/scenario.h"
#include "test.h"

#define PAGES_PER_GIB (1ULL << 18)

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

/* Run fn(arg) with stderr going to a buffer; returns the text (static
 * per test process, each case runs in its own). */
static char captured[4096];

static const char *capture_stderr(void (*fn)(void *), void *arg)
{
    FILE *tmp = tmpfile();
    int saved = dup(2);
    size_t n;

    captured[0] = '\0';
    if (!tmp || saved < 0)
        return captured;
    fflush(stderr);
    dup2(fileno(tmp), 2);
    fn(arg);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    n = fread(captured, 1, sizeof(captured) - 1, tmp);
    captured[n] = '\0';
    fclose(tmp);
    return captured;
}

static unsigned int count_lines(const char *s)
{
    unsigned int n = 0;

    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* The error message for a size that must be refused ("" if accepted). */
static const char *size_err(const char *s, char *err, size_t len)
{
    uint64_t pages = 77;

    err[0] = '\0';
    if (!topo_parse_size(s, &pages, err, len))
        snprintf(err, len, "accepted as %llu pages", (unsigned long long)pages);
    else if (pages != 77)
        snprintf(err, len, "changed the output on failure");
    return err;
}

/* ------------------------------------------------------------------ */
/* Sizes and integers                                                  */

/* Sizes the command line takes, and the pages they are; each row named
 * after the rule it shows. */
struct size_case {
    const char *rule;
    const char *text;
    uint64_t pages;
};

static const struct size_case size_cases[] = {
    {"unit GiB", "4GiB", 4 * PAGES_PER_GIB},
    {"unit G", "4G", 4 * PAGES_PER_GIB},
    {"units in any case: g", "4g", 4 * PAGES_PER_GIB},
    {"units in any case: gib", "4gib", 4 * PAGES_PER_GIB},
    {"fraction", "1.5G", 3 * PAGES_PER_GIB / 2},
    {"fraction of MiB", "0.25M", 64},
    {"space before the unit", "2 MiB", 512},
    {"unit K", "8K", 2},
    {"unit T", "2T", 2ULL << 28},
    {"no unit: bytes", "8192", 2},
    {"zero", "0", 0},
    {"page count", "1024pages", 1024},
    {"point with no digit before it", ".5M", 128},
    {"point with no digit after it", "4096.", 1},
    {"unit page", "1page", 1},
    {"unit Pages, any case, after a space", "7 Pages", 7},
    {"the largest page count", "18446744073709551615pages", UINT64_MAX},
    /* Fraction digits beyond what matters are fine when they are zeros. */
    {"fraction zeros beyond what matters", "1.500000000000000000000000G", 3 * PAGES_PER_GIB / 2},
};

TEST(cli_size_units_and_page_counts)
{
    for (size_t i = 0; i < sizeof(size_cases) / sizeof(size_cases[0]); i++) {
        const struct size_case *r = &size_cases[i];
        char err[CLI_ERR_LEN] = "";
        uint64_t pages = 0xdeadbeef;

        if (topo_parse_size(r->text, &pages, err, sizeof(err)))
            test_fail(__FILE__, __LINE__, "row '%s': \"%s\" refused: %s", r->rule, r->text, err);
        else if (pages != r->pages)
            test_fail(__FILE__, __LINE__, "row '%s': \"%s\" is %llu pages, expected %llu", r->rule,
                      r->text, (unsigned long long)pages, (unsigned long long)r->pages);
    }
}

#define NOT_A_SIZE "is not a size (examples: 4GiB, 512M, 1024pages, 8192)"

/* Sizes refused, and the message, which names the value. */
struct size_refusal {
    const char *rule;
    const char *text;
    const char *message;
};

static const struct size_refusal size_refusals[] = {
    {"not whole pages: bytes", "1000", "'1000' is not a whole number of 4 KiB pages"},
    {"not whole pages: fraction of K", "0.5K", "'0.5K' is not a whole number of 4 KiB pages"},
    {"not whole pages: far fraction digit", "1.0000000000000000000001G",
     "'1.0000000000000000000001G' is not a whole number of 4 KiB pages"},
    {"unknown unit", "4GB", "'4GB': unknown unit 'GB' (K, M, G, T, KiB..TiB, pages)"},
    {"page count with a fraction", "1.5pages", "'1.5pages': a page count has no fraction"},
    {"page count above 64 bits", "18446744073709551616pages",
     "'18446744073709551616pages' is too large"},
    {"bytes above 64 bits", "99999999999999999999", "'99999999999999999999' is too large"},
    {"empty", "", "'' " NOT_A_SIZE},
    {"unit without a number", "G", "'G' " NOT_A_SIZE},
    /* The number form is the topology grammar's (one size grammar): a
     * point may have digits on one side only, so "1." is one byte. */
    {"point with no digit after it: one byte", "1.", "'1.' is not a whole number of 4 KiB pages"},
    {"point alone", ".", "'.' " NOT_A_SIZE},
    {"negative", "-4G", "'-4G' " NOT_A_SIZE},
};

TEST(cli_size_refusals_name_the_value)
{
    for (size_t i = 0; i < sizeof(size_refusals) / sizeof(size_refusals[0]); i++) {
        const struct size_refusal *r = &size_refusals[i];
        char err[CLI_ERR_LEN];

        if (strcmp(size_err(r->text, err, sizeof(err)), r->message))
            test_fail(__FILE__, __LINE__, "row '%s': \"%s\" gives \"%s\", expected \"%s\"", r->rule,
                      r->text, err, r->message);
    }
}

TEST(cli_size_formats)
{
    char buf[64];

    EXPECT_STREQ(cs_human_size(0, buf, sizeof(buf)), "0 B");
    EXPECT_STREQ(cs_human_size(1, buf, sizeof(buf)), "4 KiB");
    EXPECT_STREQ(cs_human_size(256, buf, sizeof(buf)), "1 MiB");
    EXPECT_STREQ(cs_human_size(3 * PAGES_PER_GIB / 2, buf, sizeof(buf)), "1.50 GiB");
    /* Rounded down: never shows a round figure it does not reach. */
    EXPECT_STREQ(cs_human_size(64 * PAGES_PER_GIB - 1, buf, sizeof(buf)), "63.99 GiB");
    EXPECT_STREQ(cs_human_size(256 * PAGES_PER_GIB - 1, buf, sizeof(buf)), "255.99 GiB");
    EXPECT_STREQ(cs_human_size(PAGES_PER_GIB - 1, buf, sizeof(buf)), "1023.99 MiB");
    EXPECT_STREQ(cs_human_size(4095, buf, sizeof(buf)), "15.99 MiB");
    EXPECT_STREQ(cs_human_size(1ULL << 40, buf, sizeof(buf)), "4 PiB");
    /* 1000000 TiB is not a whole PiB: one unit, two decimals, down. */
    EXPECT_STREQ(cs_human_size(1000000ULL << 28, buf, sizeof(buf)), "976.56 PiB");
    EXPECT_STREQ(cs_human_size(UINT64_MAX, buf, sizeof(buf)), "65535.99 EiB");
    /* Cut to the buffer, always terminated. */
    EXPECT_STREQ(cs_human_size(4095, buf, 5), "15.9");
    EXPECT_STREQ(cs_fmt_pages(1, buf, sizeof(buf)), "1 page (4 KiB)");
    EXPECT_STREQ(cs_fmt_pages(1024, buf, sizeof(buf)), "1024 pages (4 MiB)");
    EXPECT_STREQ(topo_size_token(0, buf, sizeof(buf)), "0");
    EXPECT_STREQ(topo_size_token(384, buf, sizeof(buf)), "1536KiB");
    EXPECT_STREQ(topo_size_token(3 * PAGES_PER_GIB / 2, buf, sizeof(buf)), "1536MiB");
    EXPECT_STREQ(topo_size_token(1ULL << 28, buf, sizeof(buf)), "1TiB");
}

/* What a shown size says, in KiB: "63.99 GiB" -> 63.99 * 2^20, and the
 * unit's hundredth (the figure's resolution) in hundredths of KiB. */
static bool shown_kib_x100(const char *text, unsigned __int128 *x100, unsigned __int128 *step)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    unsigned long long whole = 0;
    unsigned int frac = 0;
    char unit[8];
    int n = 0;

    if (!strcmp(text, "0 B")) {
        *x100 = 0;
        *step = 1;
        return true;
    }
    if (sscanf(text, "%llu.%2u %7s%n", &whole, &frac, unit, &n) != 3) {
        frac = 0;
        if (sscanf(text, "%llu %7s%n", &whole, unit, &n) != 2)
            return false;
    }
    if ((size_t)n != strlen(text))
        return false;
    for (unsigned int u = 0; u < 6; u++) {
        if (!strcmp(unit, units[u])) {
            *step = (unsigned __int128)1 << (10 * u);
            *x100 = ((unsigned __int128)whole * 100 + frac) * *step;
            return true;
        }
    }
    return false;
}

TEST(human_size_is_never_more_than_the_amount)
{
    struct test_rng rng;
    char buf[HUMAN_SIZE_LEN];

    test_rng_init(&rng, test_seed());
    for (int i = 0; i < 50000; i++) {
        uint64_t pages = test_rng_next(&rng) >> test_rng_below(&rng, 64);
        unsigned __int128 shown, step, exact = (unsigned __int128)pages * 4 * 100;

        if (test_rng_below(&rng, 4) == 0) /* near a round figure */
            pages = (pages >> (pages & 31)) << (pages & 31), pages -= test_rng_below(&rng, 2);
        exact = (unsigned __int128)pages * 4 * 100;
        cs_human_size(pages, buf, sizeof(buf));
        if (!shown_kib_x100(buf, &shown, &step)) {
            test_fail(__FILE__, __LINE__, "%llu pages -> '%s': not a size",
                      (unsigned long long)pages, buf);
            return;
        }
        /* Never above the amount, and less than one shown hundredth
         * below it; exact amounts without decimals. */
        if (shown > exact || exact - shown >= step ||
            (exact % (step * 100) == 0) != (strchr(buf, '.') == NULL)) {
            test_fail(__FILE__, __LINE__, "%llu pages -> '%s'", (unsigned long long)pages, buf);
            return;
        }
    }
}

TEST(cli_size_token_reads_back_random)
{
    struct test_rng rng;
    char buf[64], err[CLI_ERR_LEN];

    test_rng_init(&rng, test_seed());
    for (int i = 0; i < 20000; i++) {
        /* Mostly round figures (large shifts), some arbitrary. */
        uint64_t pages = test_rng_next(&rng) >> test_rng_below(&rng, 64);
        uint64_t back = 0;

        if (test_rng_below(&rng, 2))
            pages <<= test_rng_below(&rng, 30);
        topo_size_token(pages, buf, sizeof(buf));
        if (topo_parse_size(buf, &back, err, sizeof(err)) || back != pages) {
            test_fail(__FILE__, __LINE__, "%llu pages -> '%s' -> %llu (%s)",
                      (unsigned long long)pages, buf, (unsigned long long)back, err);
            return;
        }
    }
}

TEST(cli_integers)
{
    char err[CLI_ERR_LEN];
    uint64_t v = 0;

    EXPECT_EQ(cs_parse_u64("0x10", &v, err, sizeof(err)), 0);
    EXPECT_EQ(v, 16);
    EXPECT_EQ(cs_parse_u64("18446744073709551615", &v, err, sizeof(err)), 0);
    EXPECT_EQ(v, UINT64_MAX);
    EXPECT_EQ(cs_parse_u64("18446744073709551616", &v, err, sizeof(err)), -1);
    EXPECT_STREQ(err, "'18446744073709551616' is too large");
    EXPECT_EQ(cs_parse_u64("-1", &v, err, sizeof(err)), -1);
    EXPECT_STREQ(err, "'-1' is not an integer");
    EXPECT_EQ(cs_parse_u64(" 1", &v, err, sizeof(err)), -1);
    EXPECT_EQ(cs_parse_u64("0x", &v, err, sizeof(err)), -1);
    EXPECT_EQ(cs_parse_u64("", &v, err, sizeof(err)), -1);
    EXPECT_EQ(v, UINT64_MAX); /* untouched by the failures */

    EXPECT_EQ(cs_parse_range("0", 1, 8, &v, err, sizeof(err)), -1);
    EXPECT_STREQ(err, "'0' is not a positive integer");
    EXPECT_EQ(cs_parse_range("x", 1, 8, &v, err, sizeof(err)), -1);
    EXPECT_STREQ(err, "'x' is not a positive integer");
    EXPECT_EQ(cs_parse_range("9", 1, 8, &v, err, sizeof(err)), -1);
    EXPECT_STREQ(err, "'9' is out of range (1..8)");
    EXPECT_EQ(cs_parse_range("8", 1, 8, &v, err, sizeof(err)), 0);
    EXPECT_EQ(v, 8);
}

/* ------------------------------------------------------------------ */
/* Option parsing                                                      */

enum { OPT_FLAG = 1, OPT_VALUE };

static const struct cli_opt test_opts[] = {
    {"flag", CLI_NO_ARG, OPT_FLAG},
    {"value", CLI_HAS_ARG, OPT_VALUE},
    CLI_OPTS_SEED,
    CLI_OPTS_THREADS,
    CLI_OPTS_TOPOLOGY,
    CLI_OPTS_JSON,
    CLI_OPTS_CSV,
    {NULL, CLI_NO_ARG, 0},
};

TEST(cli_parser_forms)
{
    char *argv[] = {"cmd", "--flag", "--value=a=b", "pos1",   "--value",
                    "x",   "-",      "--",          "--flag", "-h"};
    struct cli_parser p;
    const char *val;

    cli_parser_init(&p, "claimset test", 10, argv);
    EXPECT_EQ(cli_next(&p, test_opts, &val), OPT_FLAG);
    EXPECT_TRUE(val == NULL);
    EXPECT_EQ(cli_next(&p, test_opts, &val), OPT_VALUE);
    EXPECT_STREQ(val, "a=b");
    EXPECT_EQ(cli_next(&p, test_opts, &val), CLI_POSITIONAL);
    EXPECT_STREQ(val, "pos1");
    EXPECT_EQ(cli_next(&p, test_opts, &val), OPT_VALUE);
    EXPECT_STREQ(val, "x");
    EXPECT_EQ(cli_next(&p, test_opts, &val), CLI_POSITIONAL);
    EXPECT_STREQ(val, "-");
    /* After "--" everything is positional. */
    EXPECT_EQ(cli_next(&p, test_opts, &val), CLI_POSITIONAL);
    EXPECT_STREQ(val, "--flag");
    EXPECT_EQ(cli_next(&p, test_opts, &val), CLI_POSITIONAL);
    EXPECT_STREQ(val, "-h");
    EXPECT_EQ(cli_next(&p, test_opts, &val), CLI_END);

    {
        char *help[] = {"cmd", "-h"};

        cli_parser_init(&p, "claimset test", 2, help);
        EXPECT_EQ(cli_next(&p, test_opts, &val), CLI_HELP);
    }
}

struct parse_case {
    int argc;
    char **argv;
    int result;
};

static void parse_one(void *arg)
{
    struct parse_case *c = arg;
    struct cli_common common;
    struct cli_parser p;
    const char *val;
    int id;

    cli_common_init(&common);
    cli_parser_init(&p, "claimset test", c->argc, c->argv);
    while ((id = cli_next(&p, test_opts, &val)) != CLI_END) {
        if (id == CLI_ERROR || id == CLI_HELP) {
            c->result = id;
            return;
        }
        if (id >= CLI_OPT_COMMON_BASE && cli_common_option(&p, id, val, &common)) {
            c->result = CLI_ERROR;
            return;
        }
    }
    c->result = CLI_END;
}

/* The one line a bad command line prints. */
static const char *usage_line(int argc, char **argv)
{
    struct parse_case c = {argc, argv, 99};
    const char *out = capture_stderr(parse_one, &c);

    if (c.result != CLI_ERROR)
        return "(accepted)";
    if (count_lines(out) != 1)
        test_fail(__FILE__, __LINE__, "not one line: '%s'", out);
    return out;
}

TEST(cli_usage_errors_are_one_line_naming_the_argument)
{
    char *a1[] = {"cmd", "--nope"};
    char *a2[] = {"cmd", "--value"};
    char *a3[] = {"cmd", "--flag=1"};
    char *a4[] = {"cmd", "-x"};
    char *a5[] = {"cmd", "--threads", "0"};
    char *a6[] = {"cmd", "--threads=many"};
    char *a7[] = {"cmd", "--threads", "1025"};
    char *a8[] = {"cmd", "--seed", "-3"};
    char *a9[] = {"cmd", "--json", "--csv"};
    char *a10[] = {"cmd", "--nope=3"};

    EXPECT_STREQ(usage_line(2, a1), "claimset test: unknown option '--nope' (see --help)\n");
    EXPECT_STREQ(usage_line(2, a2), "claimset test: --value: missing value\n");
    EXPECT_STREQ(usage_line(2, a3), "claimset test: --flag takes no value\n");
    EXPECT_STREQ(usage_line(2, a4), "claimset test: unknown option '-x' (see --help)\n");
    EXPECT_STREQ(usage_line(3, a5), "claimset test: --threads: '0' is not a positive integer\n");
    EXPECT_STREQ(usage_line(2, a6), "claimset test: --threads: 'many' is not a positive integer\n");
    EXPECT_STREQ(usage_line(3, a7), "claimset test: --threads: '1025' is out of range (1..1024)\n");
    EXPECT_STREQ(usage_line(3, a8), "claimset test: --seed: '-3' is not an integer\n");
    EXPECT_STREQ(usage_line(3, a9),
                 "claimset test: --csv: only one of --json and --csv may be given\n");
    EXPECT_STREQ(usage_line(2, a10), "claimset test: unknown option '--nope' (see --help)\n");
}

TEST(cli_common_options_apply)
{
    char *argv[] = {"cmd", "--seed", "0x2a", "--threads=8", "--topology", "16M,16M", "--json"};
    struct topo_resolved *ct = malloc(sizeof(*ct));
    struct cli_common c;
    struct cli_parser p;
    const char *val;
    int id;

    ASSERT_TRUE(ct != NULL);
    cli_common_init(&c);
    EXPECT_EQ(c.threads, 1);
    EXPECT_FALSE(c.seed_set);
    EXPECT_EQ(c.format, CLI_FMT_TABLE);
    cli_parser_init(&p, "claimset test", 7, argv);
    while ((id = cli_next(&p, test_opts, &val)) != CLI_END)
        ASSERT_EQ(cli_common_option(&p, id, val, &c), 0);
    EXPECT_EQ(c.seed, 42);
    EXPECT_TRUE(c.seed_set);
    EXPECT_EQ(c.threads, 8);
    EXPECT_EQ(c.format, CLI_FMT_JSON);
    ASSERT_EQ(cli_common_topology(&p, &c, ct), 0);
    EXPECT_STREQ(ct->text, "16MiB,16MiB;distances=10,20,20,10");
    EXPECT_EQ(ct->t.nr_nodes, 2);
    free(ct);
}

/* ------------------------------------------------------------------ */
/* Topology                                                            */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    if (!f) {
        test_fail(__FILE__, __LINE__, "cannot write %s", path);
        return;
    }
    fputs(text, f);
    fclose(f);
}

TEST(cli_topology_sources)
{
    struct topo_resolved *ct = malloc(sizeof(*ct));
    char dir[] = "/tmp/cli-topo-XXXXXX", path[256], err[CLI_ERR_LEN];

    ASSERT_TRUE(ct != NULL);
    ASSERT_TRUE(mkdtemp(dir) != NULL);

    ASSERT_EQ(topo_resolve("default", NULL, ct, err, sizeof(err)), 0);
    EXPECT_STREQ(ct->text, CLAIMSET_TOPOLOGY_DEFAULT_TEXT);
    EXPECT_STREQ(ct->source, "built-in default");
    EXPECT_EQ(ct->t.node_cpus[3], CLAIMSET_TOPOLOGY_DEFAULT_CPUS);

    ASSERT_EQ(topo_resolve("1G, 2G ;distances=10,30,30,10", NULL, ct, err, sizeof(err)), 0);
    EXPECT_STREQ(ct->text, "1GiB,2GiB;distances=10,30,30,10");

    /* A file: comments and line breaks; relative to base_dir. */
    snprintf(path, sizeof(path), "%s/h.topo", dir);
    write_file(path, "# two nodes\n8M,   # first\n 4M\n;distances=\n10,15,\n15,10 # end");
    ASSERT_EQ(topo_resolve(path, NULL, ct, err, sizeof(err)), 0);
    EXPECT_STREQ(ct->text, "8MiB,4MiB;distances=10,15,15,10");
    EXPECT_CONTAINS(ct->source, "h.topo");
    ASSERT_EQ(topo_resolve("h.topo", dir, ct, err, sizeof(err)), 0);
    EXPECT_STREQ(ct->text, "8MiB,4MiB;distances=10,15,15,10");

    /* A fake sysfs tree: CPUs come with it. */
    snprintf(path, sizeof(path), "%s/sys/devices/system/node/node0", dir);
    for (char *s = path + strlen(dir) + 1; (s = strchr(s, '/')) != NULL; s++) {
        *s = '\0';
        mkdir(path, 0755);
        *s = '/';
    }
    mkdir(path, 0755);
    strcat(path, "/meminfo");
    write_file(path, "Node 0 MemTotal:  65536 kB\n");
    strcpy(strrchr(path, '/'), "/cpulist");
    write_file(path, "0-2,7\n");
    strcpy(strrchr(path, '/'), "/distance");
    write_file(path, "10\n");
    snprintf(path, sizeof(path), "host:%s/sys", dir);
    ASSERT_EQ(topo_resolve(path, NULL, ct, err, sizeof(err)), 0);
    EXPECT_STREQ(ct->text, "64MiB;distances=10");
    EXPECT_EQ(ct->t.node_cpus[0], 4);

    free(ct);
}

/* Grammar first, a file when the text is no topology or looks like a
 * path: a file named "16M" does not turn --topology 16M into a file. */
TEST(cli_topology_grammar_before_a_file_of_that_name)
{
    struct topo_resolved *ct = malloc(sizeof(*ct));
    char dir[] = "/tmp/cli-topo-XXXXXX", path[256], err[CLI_ERR_LEN];

    ASSERT_TRUE(ct != NULL);
    ASSERT_TRUE(mkdtemp(dir) != NULL);
    snprintf(path, sizeof(path), "%s/16M", dir);
    write_file(path, "4M,4M\n");
    snprintf(path, sizeof(path), "%s/two", dir);
    write_file(path, "8M,8M\n");

    ASSERT_EQ(topo_resolve("16M", dir, ct, err, sizeof(err)), 0);
    EXPECT_STREQ(ct->text, "16MiB;distances=10");
    EXPECT_STREQ(ct->source, "as given");
    /* Named as a path, it is the file. */
    ASSERT_EQ(topo_resolve("./16M", dir, ct, err, sizeof(err)), 0);
    EXPECT_STREQ(ct->text, "4MiB,4MiB;distances=10,20,20,10");
    snprintf(path, sizeof(path), "%s/16M", dir);
    ASSERT_EQ(topo_resolve(path, NULL, ct, err, sizeof(err)), 0);
    EXPECT_STREQ(ct->text, "4MiB,4MiB;distances=10,20,20,10");
    /* No topology: the file. */
    ASSERT_EQ(topo_resolve("two", dir, ct, err, sizeof(err)), 0);
    EXPECT_STREQ(ct->text, "8MiB,8MiB;distances=10,20,20,10");
    unlink(path);
    snprintf(path, sizeof(path), "%s/two", dir);
    unlink(path);
    rmdir(dir);
    free(ct);
}

/* A topology file's error names the file, line and column of the token
 * at fault; comments do not move them. */
TEST(cli_topology_file_errors_name_line_and_column)
{
    struct topo_resolved *ct = malloc(sizeof(*ct));
    char dir[] = "/tmp/cli-topo-XXXXXX", path[256], want[512], err[CLI_ERR_LEN];

    ASSERT_TRUE(ct != NULL);
    ASSERT_TRUE(mkdtemp(dir) != NULL);
    snprintf(path, sizeof(path), "%s/bad.topo", dir);
    /* The comma after the second node is missing. */
    write_file(path, "# three nodes\n16M,   # zero\n16M     # one\n16M\n");
    EXPECT_EQ(topo_resolve(path, NULL, ct, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s:4:1: node 1: a ',' is missing before '16M'", path);
    EXPECT_STREQ(err, want);

    write_file(path, "1G,1G\n;distances=\n10, 20,\n20, 1O\n");
    EXPECT_EQ(topo_resolve(path, NULL, ct, err, sizeof(err)), -1);
    snprintf(want, sizeof(want),
             "%s:4:5: distances: value '1O' at position 4 (row 1 column 1) is not a number", path);
    EXPECT_STREQ(err, want);
    /* No one token to point at: the file alone. */
    write_file(path, "# nothing\n");
    EXPECT_EQ(topo_resolve(path, NULL, ct, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s: empty topology", path);
    EXPECT_CONTAINS(err, want);
    unlink(path);
    rmdir(dir);
    free(ct);
}

/* Input is quoted shortened, so the message reaches its reason. */
TEST(cli_quotes_are_bounded)
{
    char big[100001], buf[CLI_QUOTE_LEN], err[CLI_ERR_LEN];
    uint64_t v;

    EXPECT_STREQ(cli_quote("abc", buf, sizeof(buf)), "'abc'");
    EXPECT_STREQ(cli_quote("a\tb\x7f", buf, sizeof(buf)), "'a?b?'");
    EXPECT_STREQ(cli_quote("", buf, sizeof(buf)), "''");
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    EXPECT_STREQ(cli_quote(big, buf, sizeof(buf)),
                 "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' (100000 characters)");
    /* Never half a UTF-8 character: "é" is two bytes. */
    for (size_t i = 0; i + 1 < 60; i += 2)
        memcpy(big + i, "\xc3\xa9", 2);
    big[60] = '\0';
    EXPECT_STREQ(cli_quote(big, buf, sizeof(buf)),
                 "'\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                 "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                 "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9...' (60 characters)");
    /* A value parser's message keeps its reason whatever the input. */
    memset(big, '1', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    EXPECT_EQ(cs_parse_u64(big, &v, err, sizeof(err)), -1);
    EXPECT_STREQ(err, "'111111111111111111111111111111111111111111111...' (100000 characters) "
                      "is too large");
    EXPECT_EQ(topo_parse_size(big, &v, err, sizeof(err)), -1);
    EXPECT_CONTAINS(err, "(100000 characters) is too large");
}

TEST(cli_topology_refusals)
{
    struct topo_resolved *ct = malloc(sizeof(*ct));
    char err[CLI_ERR_LEN];

    ASSERT_TRUE(ct != NULL);
    EXPECT_EQ(topo_resolve("4G,4GB", NULL, ct, err, sizeof(err)), -1);
    EXPECT_CONTAINS(err, "'GB'");
    EXPECT_EQ(topo_resolve("nosuchthing", NULL, ct, err, sizeof(err)), -1);
    EXPECT_STREQ(err, "'nosuchthing' is not a file, 'host', 'default' or a topology such as "
                      "'4GiB,4GiB'");
    EXPECT_EQ(topo_resolve("./missing.topo", NULL, ct, err, sizeof(err)), -1);
    EXPECT_STREQ(err, "cannot open './missing.topo': No such file or directory");
    EXPECT_EQ(topo_resolve("host:/nonexistent", NULL, ct, err, sizeof(err)), -1);
    EXPECT_CONTAINS(err, "host: ");
    EXPECT_EQ(topo_resolve("", NULL, ct, err, sizeof(err)), -1);
    free(ct);
}

TEST(topo_from_environment)
{
    struct topo_resolved *ct = malloc(sizeof(*ct));
    char err[CLI_ERR_LEN];

    ASSERT_TRUE(ct != NULL);
    unsetenv("CLAIMSET_TOPOLOGY");
    ASSERT_EQ(topo_from_env(ct, err, sizeof(err)), 0);
    EXPECT_STREQ(ct->text, CLAIMSET_TOPOLOGY_DEFAULT_TEXT);
    setenv("CLAIMSET_TOPOLOGY", "2G,2G,2G", 1);
    ASSERT_EQ(topo_from_env(ct, err, sizeof(err)), 0);
    EXPECT_STREQ(ct->text, "2GiB,2GiB,2GiB;distances=10,20,20,20,10,20,20,20,10");
    EXPECT_STREQ(ct->source, "CLAIMSET_TOPOLOGY");
    setenv("CLAIMSET_TOPOLOGY", "2X", 1);
    EXPECT_EQ(topo_from_env(ct, err, sizeof(err)), -1);
    EXPECT_CONTAINS(err, "'X'");
    /* Set but empty: unset, as the library takes it. */
    setenv("CLAIMSET_TOPOLOGY", "", 1);
    ASSERT_EQ(topo_from_env(ct, err, sizeof(err)), 0);
    EXPECT_STREQ(ct->text, CLAIMSET_TOPOLOGY_DEFAULT_TEXT);
    EXPECT_STREQ(ct->source, "built-in default");
    free(ct);
}

TEST(cli_topology_comment_stripping)
{
    char text[] = "1G,#x\n2G # y\n#z";

    topo_strip_comments(text);
    /* Blanked, not removed: lines and columns stay where they were. */
    EXPECT_STREQ(text, "1G,  \n2G    \n  ");
}

/* ------------------------------------------------------------------ */
/* The scenario language: parsing                                      */

/* The parse error of text ("" if it parsed). */
static const char *parse_err(const char *text, char *err, size_t len)
{
    struct scenario *s = NULL;

    err[0] = '\0';
    if (!scenario_parse("t.scn", text, NULL, &s, err, len)) {
        scenario_free(s);
        snprintf(err, len, "(parsed)");
    } else if (s) {
        snprintf(err, len, "(output set on failure)");
    }
    return err;
}

TEST(scenario_parses_every_statement)
{
    static const char text[] = "# a comment\n"
                               "host 16M,16M   # trailing comment\n"
                               "\n"
                               "create a vcpus=2\n"
                               "max_mem a 8M\n"
                               "max_mem a unlimited\n"
                               "claim a node0=1M global=2M\n"
                               "claim a release\n"
                               "claim a raw 0:1 global:2 legacy:3:1 0x10:4*3\n"
                               "legacy_claim a 4M\n"
                               "affinity a 0,1-1\n"
                               "affinity a all\n"
                               "populate a count=2 order=9 node=1 exact gfn=4096\n"
                               "decrease a gfn=4096 order=9 count=2\n"
                               "offline 5\n"
                               "online 5-7\n"
                               "pause a\n"
                               "unpause a\n"
                               "scrub node=1 max=2M\n"
                               "scrub\n"
                               "destroy a\n"
                               "expect ok\n"
                               "expect rc=-1\n"
                               "expect errno=ENOMEM\n"
                               "expect errno=12\n"
                               "expect claims a node0=4K global=8K\n"
                               "expect claims a none\n"
                               "expect tot_pages a 3\n"
                               "expect max_pages a 2M\n"
                               "expect node_pages a node1=1M\n"
                               "expect free=1M\n"
                               "expect free node0=1M node1=2M\n"
                               "expect claimed node0=0\n"
                               "expect outstanding=0\n"
                               "expect unclaimed=0\n"
                               "expect scrub=0\n"
                               "expect offlined node1=0\n"
                               "expect invariants\n";
    struct scenario *s = NULL;
    char err[CLI_ERR_LEN];
    const struct scn_stmt *st;

    ASSERT_EQ(scenario_parse("t.scn", text, NULL, &s, err, sizeof(err)), 0);
    EXPECT_TRUE(s->has_host);
    EXPECT_EQ(s->host_line, 2);
    EXPECT_STREQ(s->host->text, "16MiB,16MiB;distances=10,20,20,10");
    EXPECT_EQ(s->nr_domains, 1);
    ASSERT_EQ(s->nr_stmts, 35);

    st = &s->stmts[0];
    EXPECT_EQ(st->kind, SCN_CREATE);
    EXPECT_EQ(st->line, 4);
    EXPECT_EQ(st->u.vcpus, 2);
    EXPECT_STREQ(st->text, "create a vcpus=2");
    EXPECT_EQ(s->stmts[1].u.max_kb, 8192);
    EXPECT_EQ(s->stmts[2].u.max_kb, UINT64_MAX);

    st = &s->stmts[3];
    ASSERT_EQ(st->u.claim.nr, 2);
    EXPECT_EQ(st->u.claim.entries[0].target, 0);
    EXPECT_EQ(st->u.claim.entries[0].pages, 256);
    EXPECT_EQ(st->u.claim.entries[1].target, XEN_DOMCTL_CLAIM_MEMORY_GLOBAL);
    EXPECT_EQ(st->u.claim.entries[1].pages, 512);

    st = &s->stmts[4]; /* release */
    ASSERT_EQ(st->u.claim.nr, 1);
    EXPECT_EQ(st->u.claim.entries[0].target, XEN_DOMCTL_CLAIM_MEMORY_GLOBAL);
    EXPECT_EQ(st->u.claim.entries[0].pages, 0);

    st = &s->stmts[5]; /* raw */
    ASSERT_EQ(st->u.claim.nr, 6);
    EXPECT_EQ(st->u.claim.entries[2].target, XEN_DOMCTL_CLAIM_MEMORY_LEGACY);
    EXPECT_EQ(st->u.claim.entries[2].pages, 3);
    EXPECT_EQ(st->u.claim.entries[2].pad, 1);
    EXPECT_EQ(st->u.claim.entries[5].target, 16);
    EXPECT_EQ(st->u.claim.entries[5].pages, 4);

    EXPECT_EQ(s->stmts[6].u.pages, 1024);
    EXPECT_EQ(s->stmts[7].u.affinity.nodes[0], 3);
    EXPECT_TRUE(s->stmts[8].u.affinity.all);

    st = &s->stmts[9];
    EXPECT_EQ(st->u.extents.count, 2);
    EXPECT_EQ(st->u.extents.order, 9);
    EXPECT_TRUE(st->u.extents.has_node && st->u.extents.exact && st->u.extents.has_gfn);
    EXPECT_EQ(st->u.extents.node, 1);
    EXPECT_EQ(st->u.extents.gfn, 4096);
    EXPECT_EQ(s->stmts[10].kind, SCN_DECREASE);
    EXPECT_EQ(s->stmts[11].u.frames.first, 5);
    EXPECT_EQ(s->stmts[11].u.frames.last, 5);
    EXPECT_EQ(s->stmts[12].u.frames.last, 7);
    EXPECT_EQ(s->stmts[15].u.scrub.node, 1);
    EXPECT_EQ(s->stmts[15].u.scrub.max, 512);
    EXPECT_EQ(s->stmts[16].u.scrub.node, CLAIMSET_ANY_NODE);

    /* destroy has expect ok below it; scrub (no node) has none. */
    EXPECT_TRUE(s->stmts[17].result_checked);
    EXPECT_FALSE(s->stmts[16].result_checked);
    EXPECT_EQ(s->stmts[19].u.rc, -1);
    EXPECT_EQ(s->stmts[20].u.err, ENOMEM);
    EXPECT_EQ(s->stmts[21].u.err, 12);
    EXPECT_EQ(s->stmts[23].u.list.nr, 0); /* none */
    EXPECT_EQ(s->stmts[24].u.pages, 3);
    EXPECT_EQ(s->stmts[25].u.pages, 512); /* 2M as pages */
    EXPECT_EQ(s->stmts[27].u.list.pairs[0].key, SCN_KEY_HOST);
    EXPECT_EQ(s->stmts[28].u.list.nr, 2);
    EXPECT_EQ(s->stmts[30].u.list.quantity, SCN_Q_CLAIMED);
    EXPECT_EQ(s->stmts[34].kind, SCN_EXPECT_INVARIANTS);
    scenario_free(s);
}

TEST(scenario_parse_errors_name_line_and_token)
{
    static const struct {
        const char *text, *err;
    } cases[] = {
        {"frobnicate x", "t.scn:1: unknown statement 'frobnicate'"},
        {"\n\ncreate a\nmax_mem b 4M",
         "t.scn:4: unknown domain 'b' (bind it with 'create b' first)"},
        {"create a\ncreate a", "t.scn:2: domain 'a' is already bound"},
        {"create 9a", "t.scn:1: '9a' is not a domain name (a letter or '_', then letters, "
                      "digits, '_', '-' or '.'; at most 31)"},
        {"create a vcpus=x", "t.scn:1: vcpus: 'x' is not an integer"},
        {"create a cpus=2", "t.scn:1: create: unknown argument 'cpus' (usage: create NAME "
                            "[vcpus=N])"},
        {"create a\nmax_mem a 1000", "t.scn:2: max_mem: '1000' is not a whole number of 4 KiB "
                                     "pages"},
        {"create a\nmax_mem a", "t.scn:2: max_mem: missing size (usage: max_mem NAME "
                                "SIZE|unlimited)"},
        {"create a\nclaim a node0=4GB", "t.scn:2: node0: '4GB': unknown unit 'GB' (K, M, G, T, "
                                        "KiB..TiB, pages)"},
        {"create a\nclaim a nodex=4M", "t.scn:2: claim: 'nodex' is not nodeN or global"},
        {"create a\nclaim a release now", "t.scn:2: claim: unexpected 'now' (usage: claim NAME "
                                          "nodeN=SIZE... [global=SIZE] | claim NAME release | "
                                          "claim NAME raw TARGET:PAGES[:PAD][*N]...)"},
        {"create a\nclaim a raw 0", "t.scn:2: claim raw: '0' is not TARGET:PAGES[:PAD][*N]"},
        {"create a\nclaim a raw 0:1:2:3", "t.scn:2: claim raw: '0:1:2:3' is not "
                                          "TARGET:PAGES[:PAD][*N]"},
        {"create a\nclaim a raw 0:1*1025", "t.scn:2: claim raw: repeat: '1025' is out of range "
                                           "(at most 1024)"},
        {"create a\nclaim a raw x:1", "t.scn:2: claim raw: target: 'x' is not an integer"},
        {"create a\naffinity a 0,x", "t.scn:2: affinity: node: 'x' is not an integer"},
        {"create a\naffinity a 3-1", "t.scn:2: affinity: '3-1' is an empty range"},
        {"create a\naffinity a 256", "t.scn:2: affinity: node: '256' is out of range (at most "
                                     "255)"},
        {"create a\npopulate a order=9", "t.scn:2: populate: missing count=N (usage: populate "
                                         "NAME count=N [order=O] [node=N [exact]] [gfn=G])"},
        {"create a\npopulate a count=1 exact", "t.scn:2: populate: 'exact' needs node=N"},
        {"create a\npopulate a count=1 count=2", "t.scn:2: populate: 'count' given twice"},
        {"create a\npopulate a count=16777217", "t.scn:2: count: '16777217' is out of range (at "
                                                "most 16777216)"},
        {"create a\npopulate a count=1 order=64", "t.scn:2: order: '64' is out of range (at "
                                                  "most 63)"},
        {"create a\ndecrease a count=1", "t.scn:2: decrease: missing gfn=G (usage: decrease NAME "
                                         "gfn=G [order=O] [count=N])"},
        {"create a\ndecrease a gfn=1 node=1", "t.scn:2: decrease: unexpected 'node' (usage: "
                                              "decrease NAME gfn=G [order=O] [count=N])"},
        {"offline x", "t.scn:1: frame: 'x' is not an integer"},
        {"offline 0-16777216", "t.scn:1: offline: more than 16777216 frames at once"},
        {"scrub node=1 fast", "t.scn:1: scrub: unexpected 'fast' (usage: scrub [node=N] "
                              "[max=PAGES])"},
        {"create a\ndestroy a b", "t.scn:2: destroy: unexpected 'b' (usage: destroy NAME)"},
        {"unpause", "t.scn:1: unpause: missing domain name (usage: unpause NAME)"},
        {"create a\nhost 16M", "t.scn:2: host: must come before every other statement"},
        {"host 16M\nhost 16M", "t.scn:2: host: a second host statement (the first is on line 1)"},
        {"host 16M,16X", "t.scn:1: host: node 1: unknown unit 'X' in '16X' (expected K, M, G, T, "
                         "KiB, MiB, GiB or TiB)"},
        {"host", "t.scn:1: host: missing topology (usage: host TOPOLOGY|FILE|host|default)"},
        {"expect ok", "t.scn:1: expect ok: no statement above to check"},
        {"create a\nexpect done=1", "t.scn:2: expect done: line 1 is no populate, decrease or "
                                    "scrub"},
        {"create a\nexpect errno=EWHAT", "t.scn:2: expect errno: unknown errno 'EWHAT'"},
        {"create a\nexpect rc=one", "t.scn:2: rc: 'one' is not an integer"},
        {"create a\nexpect ok now", "t.scn:2: expect ok: unexpected 'now'"},
        {"create a\nexpect fine", "t.scn:2: expect: unknown expectation 'fine'"},
        {"create a\nexpect claims b none", "t.scn:2: unknown domain 'b' (bind it with 'create b' "
                                           "first)"},
        {"create a\nexpect claims a node0=1M node0=1M", "t.scn:2: expect: the same key is given "
                                                        "twice"},
        {"create a\nexpect node_pages a global=1M", "t.scn:2: expect node_pages: 'global' is not "
                                                    "nodeN"},
        {"create a\nexpect tot_pages a", "t.scn:2: expect tot_pages: missing page count (usage: "
                                         "expect tot_pages NAME PAGES)"},
        {"expect free", "t.scn:1: expect free: missing nodeN=SIZE"},
        {"expect free=1M node0=1M", "t.scn:1: expect free: unexpected 'node0=1M'"},
        {"expect speed=1M", "t.scn:1: expect: unknown expectation 'speed'"},
    };
    char err[512];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        EXPECT_STREQ(parse_err(cases[i].text, err, sizeof(err)), cases[i].err);
}

/* ------------------------------------------------------------------ */
/* The scenario language: running                                      */

struct run_out {
    char *out, *err;
    size_t out_len, err_len;
    struct scn_summary sum;
    int rc;
};

static void run_text(const char *text, bool verbose, struct run_out *r)
{
    struct topo_resolved *ct = malloc(sizeof(*ct));
    struct scenario *s = NULL;
    char err[CLI_ERR_LEN];
    FILE *out = open_memstream(&r->out, &r->out_len);
    FILE *errf = open_memstream(&r->err, &r->err_len);
    struct scn_run_opts opts = {.verbose = verbose, .out = out, .err = errf};

    r->rc = -99;
    if (!ct || !out || !errf || scenario_parse("t.scn", text, NULL, &s, err, sizeof(err))) {
        test_fail(__FILE__, __LINE__, "setup failed: %s", err);
    } else {
        if (!s->has_host)
            topo_resolve("16M,16M", NULL, ct, err, sizeof(err));
        r->rc = scenario_run(s, s->has_host ? s->host : ct, &opts, &r->sum, err, sizeof(err));
    }
    if (out)
        fclose(out);
    if (errf)
        fclose(errf);
    scenario_free(s);
    free(ct);
}

static void run_free(struct run_out *r)
{
    free(r->out);
    free(r->err);
}

TEST(scenario_run_passes_and_counts)
{
    struct run_out r = {0};

    run_text("create a\n"
             "max_mem a 8M\n"
             "claim a node1=2M\n"
             "expect claims a node1=2M\n"
             "populate a count=1 order=9 node=1 exact\n"
             "expect done=1\n"
             "expect claims a none\n"
             "expect tot_pages a 512\n"
             "expect invariants\n",
             true, &r);
    ASSERT_EQ(r.rc, 0);
    EXPECT_EQ(r.sum.statements, 4);
    EXPECT_EQ(r.sum.checks, 8); /* 5 written, 3 implicit ok */
    EXPECT_EQ(r.sum.failures, 0);
    EXPECT_STREQ(r.err, "");
    EXPECT_CONTAINS(r.out, "t.scn:3: claim a node1=2M -> ok\n");
    EXPECT_CONTAINS(r.out, "t.scn:5: populate a count=1 order=9 node=1 exact -> 1 of 1 extent "
                           "done (rc=1)\n");
    EXPECT_CONTAINS(r.out, "t.scn:9: expect invariants -> pass\n");
    run_free(&r);
}

TEST(scenario_run_reports_every_failure_with_both_values)
{
    struct run_out r = {0};

    run_text("create a\n"
             "max_mem a 8M\n"
             "claim a node1=2M global=1M\n"
             "expect claims a node1=1M\n"
             "claim a node1=64M\n"
             "populate a count=3 order=9 node=1 exact\n"
             "expect done=2\n"
             "expect rc=2\n"
             "expect errno=EBUSY\n"
             "expect free node1=4M node5=0\n"
             "expect outstanding=1M\n"
             "expect tot_pages a 1\n"
             "expect max_pages a 2048\n"
             "expect node_pages a node1=1M\n"
             "destroy a\n"
             "expect claims a none\n",
             false, &r);
    ASSERT_EQ(r.rc, 0);
    EXPECT_EQ(r.sum.failures, 10);
    EXPECT_STREQ(r.out, "");
    EXPECT_STREQ(r.err,
                 "t.scn:4: expected claims a node1=256 pages (1 MiB), got node1=512 pages "
                 "(2 MiB) global=256 pages (1 MiB)\n"
                 "t.scn:5: expected ok, got errno=ENOMEM (rc=-1)\n"
                 "t.scn:7: expected done=2, got 3 of 3 extents done (rc=3)\n"
                 "t.scn:8: expected rc=2, got 3 of 3 extents done (rc=3)\n"
                 "t.scn:9: expected errno=EBUSY, got 3 of 3 extents done (rc=3)\n"
                 "t.scn:10: expected free node1=1024 pages (4 MiB) node5=0 pages (0 B), got "
                 "node1=2560 pages (10 MiB) node5=(no such node)\n"
                 "t.scn:11: expected outstanding=256 pages (1 MiB), got 0 pages (0 B)\n"
                 "t.scn:12: expected tot_pages a = 1 page (4 KiB), got 1536 pages (6 MiB)\n"
                 "t.scn:14: expected node_pages a node1=256 pages (1 MiB), got node1=1536 pages "
                 "(6 MiB)\n"
                 "t.scn:16: expected claims a to be readable, got errno=ESRCH\n");
    run_free(&r);
}

TEST(scenario_default_gfns_follow_the_populated_frames)
{
    struct run_out r = {0};

    /* 3 single pages at 0-2, then a 2 MiB extent aligned up to 512,
     * then a page at 1024: each lands on a free frame, none collide. */
    run_text("create a\nmax_mem a 8M\n"
             "populate a count=3\n"
             "populate a count=1 order=9\n"
             "populate a count=1\n"
             "decrease a gfn=512 order=9\n"
             "decrease a gfn=1024\n"
             "decrease a gfn=0 count=3\n"
             "expect tot_pages a 0\n",
             false, &r);
    EXPECT_EQ(r.sum.failures, 0);
    EXPECT_STREQ(r.err, "");
    run_free(&r);
}

TEST(scenario_failed_create_leaves_name_unusable_not_crashing)
{
    struct run_out r = {0};

    run_text("create a vcpus=0\n"
             "expect errno=EINVAL\n"
             "max_mem a 4M\n"
             "expect errno=ESRCH\n"
             "claim a node0=4K\n"
             "expect rc=-1\n"
             "expect invariants\n",
             false, &r);
    EXPECT_EQ(r.sum.failures, 0);
    EXPECT_STREQ(r.err, "");
    run_free(&r);
}

TEST(scenario_errno_names_round_trip)
{
    int err = 0;

    EXPECT_STREQ(scn_errno_name(ENOMEM), "ENOMEM");
    EXPECT_STREQ(scn_errno_name(E2BIG), "E2BIG");
    EXPECT_EQ(scn_errno_value("ESRCH", &err), 0);
    EXPECT_EQ(err, ESRCH);
    EXPECT_EQ(scn_errno_value("ENOTHING", &err), -1);
    EXPECT_TRUE(scn_errno_name(100000) == NULL);
}

/* Random lines built from the language's own words: the parser either
 * refuses a text with a FILE:LINE message or accepts it, and an accepted
 * text runs to the end on a small host with its invariants intact. */
TEST(scenario_random_text_never_crashes)
{
    static const char *const heads[] = {
        "create c",        "max_mem a",  "claim a",    "claim b", "legacy_claim a", "affinity a",
        "populate a",      "populate b", "decrease a", "offline", "online",         "destroy a",
        "pause b",         "unpause a",  "scrub",      "expect",  "expect",         "expect",
        "expect claims a", "host",       "frob",
    };
    static const char *const lines_ok[] = {
        "claim a node0=1M global=1M",
        "claim b node1=2M",
        "populate a count=2 order=9",
        "populate b count=3 node=0 exact",
        "expect ok",
        "expect errno=ENOMEM",
        "expect done=0",
        "destroy b",
        "offline 4096-4097",
        "online 4096",
        "scrub max=3",
        "legacy_claim a 1M",
        "legacy_claim b 0",
        "affinity a 1",
        "decrease a gfn=0",
        "expect free node0=0",
        "expect claims a none",
        "expect invariants",
        "max_mem b 2M",
        "claim a release",
    };
    static const char *const words[] = {
        "release",
        "raw",
        "all",
        "0,1",
        "1-0",
        "node0=1M",
        "node1=8K",
        "global=2M",
        "node9=4K",
        "count=3",
        "count=0",
        "order=9",
        "order=19",
        "node=1",
        "node=7",
        "exact",
        "gfn=0",
        "gfn=512",
        "max=5",
        "0:1",
        "global:3",
        "legacy:9",
        "0:1:1*3",
        "0x80000001:1",
        "4M",
        "0",
        "unlimited",
        "3-1",
        "4096-4100",
        "8191",
        "ok",
        "rc=0",
        "rc=-1",
        "errno=ENOMEM",
        "errno=EINVAL",
        "done=1",
        "claims",
        "none",
        "tot_pages a",
        "max_pages",
        "node_pages a",
        "free",
        "free=0",
        "claimed",
        "outstanding=0",
        "unclaimed",
        "scrub=0",
        "offlined",
        "invariants",
        "#",
        "=",
        "1000",
        "x",
        "a",
        "b",
    };
    const size_t nr_words = sizeof(words) / sizeof(words[0]);
    struct topo_resolved *ct = malloc(sizeof(*ct));
    struct test_rng rng;
    char text[2048], err[CLI_ERR_LEN];
    unsigned int parsed = 0, refused = 0;

    ASSERT_TRUE(ct != NULL);
    ASSERT_EQ(topo_resolve("8M,8M", NULL, ct, err, sizeof(err)), 0);
    test_rng_init(&rng, test_seed());
    for (int iter = 0; iter < 1500; iter++) {
        size_t len = 0;
        struct scenario *s = NULL;

        /* Usually start by binding the names, so that more texts parse. */
        if (test_rng_below(&rng, 8))
            len += (size_t)snprintf(text, sizeof(text), "create a\nmax_mem a 4M\ncreate b\n");
        for (uint64_t l = 0, lines = 1 + test_rng_below(&rng, 6); l < lines; l++) {
            if (test_rng_below(&rng, 4)) {
                len += (size_t)snprintf(
                    text + len, sizeof(text) - len, "%s\n",
                    lines_ok[test_rng_below(&rng, sizeof(lines_ok) / sizeof(*lines_ok))]);
                continue;
            }
            len += (size_t)snprintf(text + len, sizeof(text) - len, "%s ",
                                    heads[test_rng_below(&rng, sizeof(heads) / sizeof(*heads))]);
            for (uint64_t w = 0, n = test_rng_below(&rng, 4); w < n; w++)
                len += (size_t)snprintf(text + len, sizeof(text) - len, "%s ",
                                        words[test_rng_below(&rng, nr_words)]);
            len += (size_t)snprintf(text + len, sizeof(text) - len, "\n");
        }
        err[0] = '\0';
        if (scenario_parse("r.scn", text, NULL, &s, err, sizeof(err))) {
            refused++;
            if (strncmp(err, "r.scn:", 6)) {
                test_fail(__FILE__, __LINE__, "message without FILE:LINE: '%s' for:\n%s", err,
                          text);
                return;
            }
            continue;
        }
        parsed++;
        {
            FILE *sink = fopen("/dev/null", "w");
            struct scn_run_opts opts = {.verbose = true, .out = sink, .err = sink};
            struct scn_summary sum;

            ASSERT_TRUE(sink != NULL);
            EXPECT_EQ(scenario_run(s, s->has_host ? s->host : ct, &opts, &sum, err, sizeof(err)),
                      0);
            fclose(sink);
        }
        scenario_free(s);
    }
    test_note("%u texts parsed and ran, %u refused", parsed, refused);
    EXPECT_GT(parsed, 100);
    EXPECT_GT(refused, 100);
    free(ct);
}
