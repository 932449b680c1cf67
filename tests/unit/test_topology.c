/*
 * Unit tests of the host topology: the CLAIMSET_TOPOLOGY grammar (every
 * unit, fractions, white space, limits, every error message), canonical
 * formatting and round trips, the built-in default, and reading sysfs
 * (fake trees under a temporary directory, and the real /sys).
 */
#include <claimset/topology.h>

#include "test.h"

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE_SHIFT   12
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define ERRLEN    512
#define GIB_PAGES (1ULL << 18)
#define TIB_PAGES (1ULL << 28)

static bool topo_equal(const struct claimset_topology *a, const struct claimset_topology *b)
{
    return a->nr_nodes == b->nr_nodes &&
           !memcmp(a->node_pages, b->node_pages, sizeof(a->node_pages)) &&
           !memcmp(a->node_cpus, b->node_cpus, sizeof(a->node_cpus)) &&
           !memcmp(a->distance, b->distance, sizeof(a->distance));
}

/* Parse text that must be accepted; fails the case (at the caller's line) if not. */
#define PARSE_OK(text, t) parse_ok(text, t, __FILE__, __LINE__)
static bool parse_ok(const char *text, struct claimset_topology *t, const char *file, int line)
{
    char err[ERRLEN];
    int rc;

    memset(err, 'x', sizeof(err));
    rc = claimset_topology_parse(text, t, err, sizeof(err));
    if (rc != 0) {
        test_fail(file, line, "parse(\"%s\") = %d: %s", text, rc, err);
        return false;
    }
    if (err[0] != '\0')
        test_fail(file, line, "parse(\"%s\") succeeded but left err \"%.40s\"", text, err);
    return true;
}

/*
 * Parse text that must be rejected with -EINVAL and a one-line message
 * containing needle; the output struct must be left as it was.
 */
#define PARSE_ERR(text, needle) parse_err(text, needle, __FILE__, __LINE__)
static void parse_err(const char *text, const char *needle, const char *file, int line)
{
    struct claimset_topology t, before;
    char err[ERRLEN];
    int rc;

    memset(&t, 0xA5, sizeof(t));
    memcpy(&before, &t, sizeof(t));
    memset(err, 'x', sizeof(err));
    rc = claimset_topology_parse(text, &t, err, sizeof(err));
    if (rc != -EINVAL)
        test_fail(file, line, "parse(\"%s\") = %d, expected -EINVAL (%d)", text ? text : "(null)",
                  rc, -EINVAL);
    if (!memchr(err, '\0', sizeof(err))) {
        test_fail(file, line, "parse(\"%s\"): err not NUL-terminated", text ? text : "(null)");
        return;
    }
    if (!strstr(err, needle))
        test_fail(file, line, "parse(\"%s\"): error \"%s\" does not contain \"%s\"",
                  text ? text : "(null)", err, needle);
    if (strchr(err, '\n'))
        test_fail(file, line, "parse(\"%s\"): error \"%s\" is not one line", text ? text : "(null)",
                  err);
    if (memcmp(&t, &before, sizeof(t)))
        test_fail(file, line, "parse(\"%s\") changed the output on failure",
                  text ? text : "(null)");
}

/* ------------------------------------------------------------------ */
/* Accepted input                                                      */

TEST(topology_parse_every_unit_and_case)
{
    static const struct {
        const char *text;
        uint64_t pages;
    } cases[] = {
        {"8192", 2},
        {"4K", 1},
        {"4k", 1},
        {"4KiB", 1},
        {"4kib", 1},
        {"4KIB", 1},
        {"4kIb", 1},
        {"1M", 256},
        {"1m", 256},
        {"1MiB", 256},
        {"1mib", 256},
        {"1G", GIB_PAGES},
        {"1g", GIB_PAGES},
        {"1GiB", GIB_PAGES},
        {"1GIB", GIB_PAGES},
        {"1T", TIB_PAGES},
        {"1t", TIB_PAGES},
        {"1TiB", TIB_PAGES},
        {"1tib", TIB_PAGES},
        {"3G", 3 * GIB_PAGES},
        {"1073741824", GIB_PAGES},
        {"0004G", 4 * GIB_PAGES},
        {"1048576K", GIB_PAGES},
    };
    struct claimset_topology t;
    size_t i;

    for (i = 0; i < ARRAY_LEN(cases); i++) {
        char text[64];

        /* A second node keeps one-page sizes above the two-page minimum. */
        snprintf(text, sizeof(text), "%s,1G", cases[i].text);
        if (!PARSE_OK(text, &t))
            continue;
        EXPECT_EQ(t.nr_nodes, 2u);
        EXPECT_EQ(t.node_pages[1], GIB_PAGES);
        if (t.node_pages[0] != cases[i].pages)
            test_fail(__FILE__, __LINE__, "\"%s\": %" PRIu64 " pages, expected %" PRIu64,
                      cases[i].text, t.node_pages[0], cases[i].pages);
        EXPECT_EQ(t.node_cpus[0], (unsigned int)CLAIMSET_TOPOLOGY_DEFAULT_CPUS);
        EXPECT_EQ(t.distance[0][0], 10u);
    }
}

TEST(topology_parse_fractions_of_whole_pages)
{
    static const struct {
        const char *text;
        uint64_t pages;
    } cases[] = {
        {"1.5G", GIB_PAGES * 3 / 2},
        {"1.5GiB", GIB_PAGES * 3 / 2},
        {"0.5M", 128},
        {".5M", 128},
        {"1.25T", TIB_PAGES + TIB_PAGES / 4},
        {"12288", 3},
        {"16.25M", 4160},
        /* Many digits: exactly 1 GiB, exactly representable. */
        {"1.000000000000000000000000000000000000000000000000000000G", GIB_PAGES},
        {"0.0009765625G", 256}, /* 2^-10 GiB = 1 MiB */
    };
    /* Sizes that are no whole number of pages (or of bytes) are refused
     * rather than rounded: a remainder is a typo. */
    static const char *const refused[] = {
        "4.5K",  /* 4608 bytes */
        "5000",  /* bytes */
        "12287", /* one byte short of 3 pages */
        "16.3M",
        "0.1G", /* 107374182.4 bytes */
        /* Below 2 GiB by far less than a page. */
        "1.99999999999999999999999999999999999999999999999999G",
        /* Whole pages but for a digit beyond the 48 the parser keeps. */
        "1.0000000000000000000000000000000000000000000000000001G",
    };
    struct claimset_topology t;
    size_t i;

    for (i = 0; i < ARRAY_LEN(cases); i++) {
        char text[128];

        snprintf(text, sizeof(text), "%s,1G", cases[i].text);
        if (!PARSE_OK(text, &t))
            continue;
        if (t.node_pages[0] != cases[i].pages)
            test_fail(__FILE__, __LINE__, "\"%s\": %" PRIu64 " pages, expected %" PRIu64,
                      cases[i].text, t.node_pages[0], cases[i].pages);
    }
    for (i = 0; i < ARRAY_LEN(refused); i++) {
        char text[128];

        snprintf(text, sizeof(text), "%s,1G", refused[i]);
        PARSE_ERR(text, "node 0: '");
        PARSE_ERR(text, "' is not a whole number of 4 KiB pages");
    }
    /* "8.G" is a number with an empty fraction. */
    if (PARSE_OK("8.G", &t))
        EXPECT_EQ(t.node_pages[0], 8 * GIB_PAGES);
}

/* One size grammar (D55): a node size may be a page count, as every
 * other size claimset takes, and a page count has no fraction. */
TEST(topology_parse_takes_page_counts_like_every_size)
{
    struct claimset_topology t;

    if (PARSE_OK("1024pages,7 Pages,1page", &t)) {
        EXPECT_EQ(t.node_pages[0], 1024u);
        EXPECT_EQ(t.node_pages[1], 7u);
        EXPECT_EQ(t.node_pages[2], 1u);
    }
    PARSE_ERR("1.5pages,1G", "node 0: '1.5pages': a page count has no fraction");
    PARSE_ERR("4294967297pages", "node 0: '4294967297pages' exceeds the 16 TiB limit");
}

TEST(topology_parse_ignores_white_space_around_tokens)
{
    struct claimset_topology t;

    ASSERT_TRUE(PARSE_OK("  4G ,\t4 GiB ; distances = 10 , 30 ,\n 40, 10 \n", &t));
    EXPECT_EQ(t.nr_nodes, 2u);
    EXPECT_EQ(t.node_pages[0], 4 * GIB_PAGES);
    EXPECT_EQ(t.node_pages[1], 4 * GIB_PAGES);
    EXPECT_EQ(t.distance[0][1], 30u);
    EXPECT_EQ(t.distance[1][0], 40u);
    EXPECT_EQ(t.distance[1][1], 10u);
}

TEST(topology_parse_contract_examples)
{
    static const uint8_t want[4][4] = {
        {10, 16, 32, 32}, {16, 10, 32, 32}, {32, 32, 10, 16}, {32, 32, 16, 10}};
    struct claimset_topology t;
    unsigned int i, j;

    ASSERT_TRUE(PARSE_OK("4GiB,4GiB", &t));
    EXPECT_EQ(t.nr_nodes, 2u);
    EXPECT_EQ(t.node_pages[0], 4 * GIB_PAGES);
    EXPECT_EQ(t.node_pages[1], 4 * GIB_PAGES);
    EXPECT_EQ(claimset_topology_total_pages(&t), 8 * GIB_PAGES);

    ASSERT_TRUE(
        PARSE_OK("2G,2G,2G,2G;distances=10,16,32,32,16,10,32,32,32,32,10,16,32,32,16,10", &t));
    EXPECT_EQ(t.nr_nodes, 4u);
    for (i = 0; i < 4; i++) {
        EXPECT_EQ(t.node_pages[i], 2 * GIB_PAGES);
        EXPECT_EQ(t.node_cpus[i], (unsigned int)CLAIMSET_TOPOLOGY_DEFAULT_CPUS);
        for (j = 0; j < 4; j++)
            EXPECT_EQ(t.distance[i][j], want[i][j]);
    }
}

TEST(topology_parse_default_distances_are_10_and_20)
{
    struct claimset_topology t;
    unsigned int i, j;

    ASSERT_TRUE(PARSE_OK("1G,2G,3G", &t));
    ASSERT_EQ(t.nr_nodes, 3u);
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++)
            EXPECT_EQ(t.distance[i][j], i == j ? 10u : 20u);
    /* Nothing beyond nr_nodes is set. */
    EXPECT_EQ(t.node_pages[3], 0u);
    EXPECT_EQ(t.node_cpus[3], 0u);
    EXPECT_EQ(t.distance[0][3], 0u);
    EXPECT_EQ(t.distance[3][3], 0u);
}

TEST(topology_parse_memoryless_nodes_and_limits)
{
    char text[1024];
    struct claimset_topology t;
    size_t pos = 0;
    unsigned int i;

    ASSERT_TRUE(PARSE_OK("0,4G,0.0,0K", &t));
    EXPECT_EQ(t.nr_nodes, 4u);
    EXPECT_EQ(t.node_pages[0], 0u);
    EXPECT_EQ(t.node_pages[1], 4 * GIB_PAGES);
    EXPECT_EQ(t.node_pages[2], 0u);
    EXPECT_EQ(t.node_cpus[0], (unsigned int)CLAIMSET_TOPOLOGY_DEFAULT_CPUS);

    /* The smallest host: two pages. */
    ASSERT_TRUE(PARSE_OK("8K", &t));
    EXPECT_EQ(claimset_topology_total_pages(&t), 2u);
    ASSERT_TRUE(PARSE_OK("4K,4K", &t));
    EXPECT_EQ(claimset_topology_total_pages(&t), 2u);

    /* The largest: 16 TiB, in one node or spread. */
    ASSERT_TRUE(PARSE_OK("16T", &t));
    EXPECT_EQ(t.node_pages[0], 16 * TIB_PAGES);
    ASSERT_TRUE(PARSE_OK("8T,8TiB", &t));
    EXPECT_EQ(claimset_topology_total_pages(&t), 16 * TIB_PAGES);
    ASSERT_TRUE(PARSE_OK("17592186044416", &t)); /* 16 TiB in bytes */
    EXPECT_EQ(t.node_pages[0], 16 * TIB_PAGES);

    /* Exactly 64 nodes. */
    for (i = 0; i < CLAIMSET_TOPOLOGY_MAX_NODES; i++)
        pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "%s1G", i ? "," : "");
    ASSERT_TRUE(PARSE_OK(text, &t));
    EXPECT_EQ(t.nr_nodes, (unsigned int)CLAIMSET_TOPOLOGY_MAX_NODES);
    EXPECT_EQ(t.distance[63][63], 10u);
    EXPECT_EQ(t.distance[0][63], 20u);
}

/* ------------------------------------------------------------------ */
/* Rejected input                                                      */

TEST(topology_parse_rejects_bad_sizes)
{
    PARSE_ERR(NULL, "no topology given");
    PARSE_ERR("", "empty topology");
    PARSE_ERR("   \t\n", "empty topology");
    PARSE_ERR("1G,1G,4GB", "node 2: unknown unit 'GB' in '4GB'");
    PARSE_ERR("4G,", "node 1: empty size");
    PARSE_ERR(",4G", "node 0: empty size");
    PARSE_ERR("4G,,4G", "node 1: empty size");
    PARSE_ERR("4.5.1G", "node 0: '4.5.1G' is not a number");
    PARSE_ERR("1G,1G,1G,100", "node 3: 100 bytes is less than one 4 KiB page");
    PARSE_ERR("1K,4G", "node 0: 1024 bytes is less than one 4 KiB page ('1K')");
    PARSE_ERR("4G,0.5K", "node 1: 512 bytes is less than one 4 KiB page");
    PARSE_ERR("4G,0.0000001", "node 1: '0.0000001' is less than one byte");
    PARSE_ERR("4G,99999999999999999999T", "node 1: '99999999999999999999T' exceeds the 16 TiB");
    PARSE_ERR("99999999999999999999999999999999999999999", "exceeds the 16 TiB limit");
    PARSE_ERR("17T", "node 0: '17T' exceeds the 16 TiB limit");
    /* 2^24 TiB and one more are 2^64 and 2^64 + 2^40 bytes: must not wrap. */
    PARSE_ERR("16777216T", "node 0: '16777216T' exceeds the 16 TiB limit");
    PARSE_ERR("4G,16777217T", "node 1: '16777217T' exceeds the 16 TiB limit");
    PARSE_ERR("4G,18446744073709551617", "node 1: '18446744073709551617' exceeds");
    PARSE_ERR("16.000001T", "node 0: '16.000001T' exceeds the 16 TiB limit");
    PARSE_ERR("17592186044417", "exceeds the 16 TiB limit"); /* 16 TiB + 1 byte */
    PARSE_ERR("-4G", "node 0: '-4G' is negative");
    PARSE_ERR("4G,-0", "node 1: '-0' is negative");
    PARSE_ERR("+4G", "node 0: '+4G' is not a number");
    PARSE_ERR("NaN", "node 0: 'NaN' is not a number");
    PARSE_ERR("inf", "node 0: 'inf' is not a number");
    PARSE_ERR("G", "node 0: 'G' is not a number");
    PARSE_ERR(".", "node 0: '.' is not a number");
    PARSE_ERR("0x10G", "node 0: unknown unit 'x10G' in '0x10G'");
    PARSE_ERR("1e9", "node 0: unknown unit 'e9' in '1e9'");
    /* A second size where a unit should be: a comma left out. */
    PARSE_ERR("4 4G", "node 0: a ',' is missing before '4G'");
    PARSE_ERR("4G,16M\n16M", "node 1: a ',' is missing before '16M'");
    PARSE_ERR("4G,16 M 2G", "node 1: a ',' is missing before '2G'");
    /* Not whole pages: refused, not rounded, as every size claimset takes. */
    PARSE_ERR("16.3M,4G", "node 0: '16.3M' is not a whole number of 4 KiB pages");
    PARSE_ERR("4G,5000", "node 1: '5000' is not a whole number of 4 KiB pages");
    PARSE_ERR("4GiBB", "unknown unit 'GiBB'");
    PARSE_ERR("4G ;", "empty option after ';'");
}

TEST(topology_parse_rejects_too_many_nodes)
{
    char text[2048];
    size_t pos = 0;
    unsigned int i;

    for (i = 0; i < CLAIMSET_TOPOLOGY_MAX_NODES + 1; i++)
        pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "%s1G", i ? "," : "");
    PARSE_ERR(text, "65 nodes; at most 64 are supported");
    PARSE_ERR(
        ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,",
        "nodes; at most 64 are supported");
}

TEST(topology_parse_rejects_bad_totals)
{
    PARSE_ERR("9T,8T", "total memory 17 TiB exceeds the 16 TiB limit");
    PARSE_ERR("16T,4K", "total memory 16 TiB + 4 KiB exceeds the 16 TiB limit");
    PARSE_ERR("9T,8.5T", "total memory 17 TiB + 512 GiB exceeds the 16 TiB limit");
    PARSE_ERR("4K", "total memory is 1 page; at least 2 are needed");
    PARSE_ERR("0", "total memory is 0 pages");
    PARSE_ERR("0,0,0", "total memory is 0 pages");
    PARSE_ERR("0,4K,0", "total memory is 1 page");
}

TEST(topology_parse_rejects_bad_distances)
{
    PARSE_ERR("1G,1G,1G,1G;distances=10,20,20,20,20,10,20,20,20,20,10,20,20,20,20",
              "distances: expected 16 values for 4 nodes, got 15");
    PARSE_ERR("1G;distances=", "distances: expected 1 value for 1 node, got 0");
    PARSE_ERR("1G,1G;distances=10,20,20,10,", "expected 4 values for 2 nodes, got 5");
    PARSE_ERR("1G,1G;distances=10,20,20,12", "distances: row 1 column 1 is 12; a node's "
                                             "distance to itself must be 10");
    PARSE_ERR("1G,1G;distances=11,20,20,10", "row 0 column 0 is 11");
    PARSE_ERR("1G,1G;distances=10,x,20,10", "distances: value 'x' at position 2 (row 0 column 1)"
                                            " is not a number");
    PARSE_ERR("1G,1G;distances=10,20,x,10", "distances: value 'x' at position 3");
    PARSE_ERR("1G,1G;distances=10,20,-20,10",
              "value '-20' at position 3 (row 1 column 0) is not a number");
    PARSE_ERR("1G,1G;distances=10,,20,10", "value at position 2 (row 0 column 1) is empty");
    PARSE_ERR("1G,1G;distances=10,10,20,10", "row 0 column 1 is 10; the distance between two "
                                             "nodes must be 11..255");
    PARSE_ERR("1G,1G;distances=10,20,256,10", "row 1 column 0 is 256");
    /* 2^64 + 20 and 2^64 + 10: must not wrap to valid values. */
    PARSE_ERR("1G,1G;distances=10,18446744073709551636,20,10", "row 0 column 1 is 1844674407");
    PARSE_ERR("1G,1G;distances=18446744073709551626,20,20,10", "row 0 column 0 is 1844674407");
    PARSE_ERR("1G,1G;distances=10,20,99999999999999999999999,10",
              "row 1 column 0 is 99999999999999999999999; the distance");
    PARSE_ERR("1G,1G;distances=10,20,2 0,10", "value '2 0' at position 3");
    PARSE_ERR("1G,1G;distances=10,20.5,20,10", "value '20.5' at position 2");
    PARSE_ERR("4G;foo", "unknown option 'foo' (expected 'distances=')");
    PARSE_ERR("4G;foo=1", "unknown option 'foo' (expected 'distances=')");
    PARSE_ERR("4G;distances", "unknown option 'distances' (expected 'distances=')");
    PARSE_ERR("4G;Distances=10", "unknown option 'Distances'");
    PARSE_ERR("4G;distances=10;distances=10", "distances given more than once");
    PARSE_ERR("4G;distances=10;", "empty option after ';'");
    PARSE_ERR("4G;;distances=10", "empty option after ';'");
    /* Sizes are checked before distances. */
    PARSE_ERR("4X;distances=x", "node 0: unknown unit 'X'");
}

TEST(topology_parse_messages_quote_safely)
{
    char big[600];
    char err[ERRLEN];
    const char *msg = err; /* the harness macro wants a pointer, not an array */
    struct claimset_topology t;

    /* Control characters never reach the message; long tokens are cut. */
    EXPECT_EQ(claimset_topology_parse("4G\x01\x7f", &t, err, sizeof(err)), -EINVAL);
    EXPECT_CONTAINS(msg, "unknown unit 'G?"
                         "?' in '4G?"
                         "?'");
    EXPECT_EQ(claimset_topology_parse("4\nG\nB", &t, err, sizeof(err)), -EINVAL);
    EXPECT_CONTAINS(msg, "unknown unit 'G?B'");
    EXPECT_TRUE(strchr(err, '\n') == NULL);

    memset(big, 'Q', sizeof(big) - 1);
    big[0] = '1';
    big[sizeof(big) - 1] = '\0';
    EXPECT_EQ(claimset_topology_parse(big, &t, err, sizeof(err)), -EINVAL);
    EXPECT_CONTAINS(msg, "node 0: unknown unit 'QQQQ");
    EXPECT_CONTAINS(msg, "...'");
    EXPECT_LT(strlen(err), 200u);
}

/* Where the problem is: the offset of the token at fault. */
TEST(topology_parse_at_points_at_the_token)
{
    static const struct {
        const char *text;
        size_t at;
    } cases[] = {
        {"4G,16M\n16M", 7},                   /* the size after the missing comma */
        {"4G, 4X", 5},                        /* the unit */
        {"4G,,4G", 3},                        /* the empty size */
        {"  -4G", 2},                         /* the token, trimmed */
        {"4G,16.3M", 3},                      /* not whole pages */
        {"1G,1G;distances=10,20,x,10", 22},   /* the value */
        {"1G,1G;distances=10,20,20", 16},     /* the list with the wrong count */
        {"4G;frob=1", 3},                     /* the option's name */
        {"4G;distances=10;distances=10", 16}, /* the second distances */
        {"4K", CLAIMSET_TOPOLOGY_NO_OFFSET},  /* the total: no one token */
        {"", CLAIMSET_TOPOLOGY_NO_OFFSET},
    };
    char err[ERRLEN];
    struct claimset_topology t;
    size_t at;

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        at = 12345;
        EXPECT_EQ(claimset_topology_parse_at(cases[i].text, &t, err, sizeof(err), &at), -EINVAL);
        if (at != cases[i].at)
            test_fail(__FILE__, __LINE__, "\"%s\" (%s): at %zu, expected %zu", cases[i].text, err,
                      at, cases[i].at);
    }
    /* Success: no position; NULL at is allowed. */
    EXPECT_EQ(claimset_topology_parse_at("4G", &t, err, sizeof(err), &at), 0);
    EXPECT_EQ(at, CLAIMSET_TOPOLOGY_NO_OFFSET);
    EXPECT_EQ(claimset_topology_parse_at("4X", &t, err, sizeof(err), NULL), -EINVAL);
}

TEST(topology_parse_tiny_errlen)
{
    char full[ERRLEN], err[16];
    struct claimset_topology t;
    size_t len;

    ASSERT_EQ(claimset_topology_parse("1G,1G,4GB", &t, full, sizeof(full)), -EINVAL);
    ASSERT_TRUE(strlen(full) > 8);

    for (len = 1; len <= 8; len++) {
        memset(err, '#', sizeof(err));
        EXPECT_EQ(claimset_topology_parse("1G,1G,4GB", &t, err, len), -EINVAL);
        EXPECT_EQ(strlen(err), len - 1);
        EXPECT_EQ(strncmp(err, full, len - 1), 0);
        EXPECT_EQ(err[len], '#'); /* nothing written past errlen */
    }
    /* errlen 0 and err NULL: nothing written, still -EINVAL. */
    memset(err, '#', sizeof(err));
    EXPECT_EQ(claimset_topology_parse("bad", &t, err, 0), -EINVAL);
    EXPECT_EQ(err[0], '#');
    EXPECT_EQ(claimset_topology_parse("bad", &t, NULL, 0), -EINVAL);
    EXPECT_EQ(claimset_topology_parse("bad", &t, NULL, 100), -EINVAL);
    EXPECT_EQ(claimset_topology_parse("4G", NULL, err, sizeof(err)), -EINVAL);
    /* Success clears a stale message. */
    strcpy(err, "stale");
    EXPECT_EQ(claimset_topology_parse("4G", &t, err, sizeof(err)), 0);
    EXPECT_STREQ(err, "");
}

/* ------------------------------------------------------------------ */
/* Format, default, round trips                                        */

static void expect_format(const char *in, const char *want, const char *file, int line)
{
    char buf[256];
    struct claimset_topology t;
    int n;

    if (!parse_ok(in, &t, file, line))
        return;
    n = claimset_topology_format(&t, buf, sizeof(buf));
    if (strcmp(buf, want) || n != (int)strlen(want))
        test_fail(file, line, "format(parse(\"%s\")) = \"%s\" (%d), expected \"%s\"", in, buf, n,
                  want);
}
#define EXPECT_FORMAT(in, want) expect_format(in, want, __FILE__, __LINE__)

TEST(topology_format_is_canonical)
{
    EXPECT_FORMAT("4G", "4GiB;distances=10");
    EXPECT_FORMAT("1.5G", "1536MiB;distances=10");
    EXPECT_FORMAT("12K", "12KiB;distances=10");
    EXPECT_FORMAT("12288", "12KiB;distances=10");
    EXPECT_FORMAT("1T,1024G", "1TiB,1TiB;distances=10,20,20,10");
    EXPECT_FORMAT("0,16T", "0,16TiB;distances=10,20,20,10");
    EXPECT_FORMAT("1.25T", "1280GiB;distances=10");
    EXPECT_FORMAT("1048580K", "1048580KiB;distances=10");
    EXPECT_FORMAT(" 2G , 2G ; distances = 10 , 255 , 11 , 10 ", "2GiB,2GiB;distances=10,255,11,10");
}

TEST(topology_format_truncates_like_snprintf)
{
    char buf[64], small[8];
    struct claimset_topology t;
    int full, n;

    claimset_topology_default(&t);
    full = claimset_topology_format(&t, NULL, 0);
    EXPECT_EQ(full, (int)strlen(CLAIMSET_TOPOLOGY_DEFAULT_TEXT));
    memset(small, '#', sizeof(small));
    n = claimset_topology_format(&t, small, 5);
    EXPECT_EQ(n, full);
    EXPECT_STREQ(small, "64Gi");
    EXPECT_EQ(small[5], '#');
    n = claimset_topology_format(&t, buf, 1);
    EXPECT_EQ(n, full);
    EXPECT_EQ(buf[0], '\0');
    EXPECT_EQ(claimset_topology_format(NULL, buf, sizeof(buf)), 0);
    EXPECT_STREQ(buf, "");
}

TEST(topology_default_is_the_sub_numa_server)
{
    static const uint8_t want[4][4] = {
        {10, 12, 21, 21}, {12, 10, 21, 21}, {21, 21, 10, 12}, {21, 21, 12, 10}};
    struct claimset_topology t, p;
    char buf[512];
    unsigned int i, j;

    memset(&t, 0xA5, sizeof(t));
    claimset_topology_default(&t);
    ASSERT_EQ(t.nr_nodes, 4u);
    for (i = 0; i < 4; i++) {
        EXPECT_EQ(t.node_pages[i], 64 * GIB_PAGES);
        EXPECT_EQ(t.node_cpus[i], 16u);
        for (j = 0; j < 4; j++)
            EXPECT_EQ(t.distance[i][j], want[i][j]);
    }
    EXPECT_EQ(t.node_pages[4], 0u);
    EXPECT_EQ(t.distance[4][4], 0u);
    EXPECT_EQ(claimset_topology_total_pages(&t), 256 * GIB_PAGES);

    /* The canonical text of the default is the default text itself. */
    claimset_topology_format(&t, buf, sizeof(buf));
    EXPECT_STREQ(buf, CLAIMSET_TOPOLOGY_DEFAULT_TEXT);
    ASSERT_TRUE(PARSE_OK(buf, &p));
    EXPECT_TRUE(topo_equal(&t, &p));
}

TEST(topology_total_pages_sums_nodes)
{
    struct claimset_topology t;

    memset(&t, 0, sizeof(t));
    EXPECT_EQ(claimset_topology_total_pages(NULL), 0u);
    EXPECT_EQ(claimset_topology_total_pages(&t), 0u);
    t.nr_nodes = 3;
    t.node_pages[0] = 5;
    t.node_pages[1] = 0;
    t.node_pages[2] = 7;
    t.node_pages[3] = 1000; /* beyond nr_nodes: not counted */
    EXPECT_EQ(claimset_topology_total_pages(&t), 12u);
}

/* A random valid topology: sizes up to the limits, random SLIT. */
static void random_topology(struct test_rng *r, struct claimset_topology *t)
{
    uint64_t budget = CLAIMSET_TOPOLOGY_MAX_BYTES >> PAGE_SHIFT, pages;
    unsigned int n, i, j;

    memset(t, 0, sizeof(*t));
    n = test_rng_below(r, 4) ? 1 + (unsigned int)test_rng_below(r, 8)
                             : 1 + (unsigned int)test_rng_below(r, CLAIMSET_TOPOLOGY_MAX_NODES);
    t->nr_nodes = n;
    for (i = 0; i < n; i++) {
        uint64_t share = budget / (n - i);

        switch (test_rng_below(r, 5)) {
        case 0:
            pages = 0;
            break;
        case 1: /* whole GiB */
            pages = test_rng_below(r, share / GIB_PAGES + 1) * GIB_PAGES;
            break;
        case 2: /* small */
            pages = test_rng_below(r, 4096);
            break;
        default:
            pages = test_rng_below(r, share + 1);
        }
        t->node_pages[i] = pages;
        budget -= pages;
        t->node_cpus[i] = CLAIMSET_TOPOLOGY_DEFAULT_CPUS;
        for (j = 0; j < n; j++)
            t->distance[i][j] = i == j ? 10 : (uint8_t)(11 + test_rng_below(r, 245));
    }
    if (claimset_topology_total_pages(t) < 2)
        t->node_pages[0] += 2;
}

TEST(topology_round_trips_random)
{
    struct test_rng r;
    static char buf[32768];
    struct claimset_topology t, p;
    char err[ERRLEN];
    unsigned int iter;
    int n;

    test_rng_init(&r, test_seed());
    for (iter = 0; iter < test_scaled(2000); iter++) {
        random_topology(&r, &t);
        n = claimset_topology_format(&t, buf, sizeof(buf));
        ASSERT_TRUE(n > 0 && (size_t)n < sizeof(buf));
        if (claimset_topology_parse(buf, &p, err, sizeof(err))) {
            test_fail(__FILE__, __LINE__, "iteration %u: \"%.200s\" rejected: %s", iter, buf, err);
            return;
        }
        if (!topo_equal(&t, &p)) {
            test_fail(__FILE__, __LINE__, "iteration %u: \"%.200s\" does not round-trip", iter,
                      buf);
            return;
        }
    }
}

/* Properties every accepted topology has. */
static bool topology_sane(const struct claimset_topology *t)
{
    uint64_t total = claimset_topology_total_pages(t);
    unsigned int i, j;

    if (t->nr_nodes < 1 || t->nr_nodes > CLAIMSET_TOPOLOGY_MAX_NODES)
        return false;
    if (total < 2 || total > (CLAIMSET_TOPOLOGY_MAX_BYTES >> PAGE_SHIFT))
        return false;
    for (i = 0; i < t->nr_nodes; i++)
        for (j = 0; j < t->nr_nodes; j++)
            if (i == j ? t->distance[i][j] != 10 : t->distance[i][j] < 11)
                return false;
    return true;
}

static void fuzz_append(char *buf, size_t size, size_t *pos, const char *piece)
{
    size_t n = strlen(piece);

    if (*pos + n < size) {
        memcpy(buf + *pos, piece, n);
        *pos += n;
        buf[*pos] = '\0';
    }
}

/* A string of grammar characters, or of grammar-like tokens. */
static void fuzz_string(struct test_rng *r, char *buf, size_t size)
{
    static const char chars[] = "0123456789KMGTkmgtiIBb,;=. \t\ndistancesxX-+";
    static const char *const tokens[] = {
        "4G", "1.5", "KiB", "G",  ",",  ";",   "distances=",           "10", "20",  "=", ".", " ",
        "x",  "-",   "0",   "8K", "12", "255", "99999999999999999999", "1T", "16T", "M",
    };
    size_t pos = 0, len = (size_t)test_rng_below(r, 48), i;

    buf[0] = '\0';
    if (test_rng_below(r, 2)) {
        for (i = 0; i < len; i++) {
            char c[2] = {chars[test_rng_below(r, sizeof(chars) - 1)], '\0'};

            fuzz_append(buf, size, &pos, c);
        }
        return;
    }
    /* Start from something valid so that the fuzzing reaches deeper. */
    if (test_rng_below(r, 2))
        fuzz_append(buf, size, &pos, test_rng_below(r, 2) ? "4G,4G" : "4G,4G;distances=10,20,");
    for (i = 0; i < len / 3; i++)
        fuzz_append(buf, size, &pos, tokens[test_rng_below(r, ARRAY_LEN(tokens))]);
}

TEST(topology_parse_fuzz_never_crashes)
{
    struct test_rng r;
    struct claimset_topology t, p;
    char text[256], err[ERRLEN], canon[8192];
    unsigned int iter, accepted = 0;
    int rc;

    test_rng_init(&r, test_seed());
    for (iter = 0; iter < test_scaled(20000); iter++) {
        fuzz_string(&r, text, sizeof(text));
        err[0] = '#';
        rc = claimset_topology_parse(text, &t, err, sizeof(err));
        if (rc != 0 && rc != -EINVAL) {
            test_fail(__FILE__, __LINE__, "\"%s\": returned %d", text, rc);
            return;
        }
        if (rc == -EINVAL && (err[0] == '\0' || err[0] == '#' || strchr(err, '\n'))) {
            test_fail(__FILE__, __LINE__, "\"%s\": bad message \"%s\"", text, err);
            return;
        }
        if (rc == 0) {
            accepted++;
            if (!topology_sane(&t)) {
                test_fail(__FILE__, __LINE__, "\"%s\": accepted an insane topology", text);
                return;
            }
            claimset_topology_format(&t, canon, sizeof(canon));
            if (claimset_topology_parse(canon, &p, err, sizeof(err)) || !topo_equal(&t, &p)) {
                test_fail(__FILE__, __LINE__, "\"%s\" -> \"%s\" does not round-trip", text, canon);
                return;
            }
        }
    }
    test_note("%u of %u fuzz strings accepted", accepted, iter);
    EXPECT_GT(accepted, 100u); /* the generator does reach valid input */
}

/* ------------------------------------------------------------------ */
/* sysfs                                                               */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(path);
}

static void rm_tree(const char *root)
{
    nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static bool write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    if (!f)
        return false;
    fputs(text, f);
    return fclose(f) == 0;
}

/* A temporary root with devices/system/node; false (and a failure) if it cannot be made. */
static bool fake_root(char *root, size_t len)
{
    char path[512];

    snprintf(root, len, "%s/cs_topology_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(root)) {
        test_fail(__FILE__, __LINE__, "mkdtemp(%s): %s", root, strerror(errno));
        return false;
    }
    snprintf(path, sizeof(path), "%s/devices", root);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/devices/system", root);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/devices/system/node", root);
    if (mkdir(path, 0700)) {
        test_fail(__FILE__, __LINE__, "mkdir(%s): %s", path, strerror(errno));
        return false;
    }
    /* Files the kernel also has there, which are not nodes. */
    snprintf(path, sizeof(path), "%s/devices/system/node/online", root);
    write_file(path, "0-1\n");
    snprintf(path, sizeof(path), "%s/devices/system/node/has_cpu", root);
    write_file(path, "0-1\n");
    return true;
}

/* node<id> with the given files; a NULL text leaves that file out. */
static void fake_node(const char *root, const char *name, const char *meminfo, const char *cpulist,
                      const char *distance)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/devices/system/node/%s", root, name);
    if (mkdir(path, 0700))
        test_fail(__FILE__, __LINE__, "mkdir(%s): %s", path, strerror(errno));
    snprintf(path, sizeof(path), "%s/devices/system/node/%s/meminfo", root, name);
    if (meminfo && !write_file(path, meminfo))
        test_fail(__FILE__, __LINE__, "cannot write %s", path);
    snprintf(path, sizeof(path), "%s/devices/system/node/%s/cpulist", root, name);
    if (cpulist && !write_file(path, cpulist))
        test_fail(__FILE__, __LINE__, "cannot write %s", path);
    snprintf(path, sizeof(path), "%s/devices/system/node/%s/distance", root, name);
    if (distance && !write_file(path, distance))
        test_fail(__FILE__, __LINE__, "cannot write %s", path);
}

#define MEMINFO(node, kb)                                                                          \
    "Node " #node " MemTotal:       " #kb " kB\n"                                                  \
    "Node " #node " MemFree:         1000 kB\n"                                                    \
    "Node " #node " MemUsed:         2000 kB\n"                                                    \
    "Node " #node " HugePages_Total:     0\n"

/* Read the fake tree, then remove it (so a failed expectation leaves no litter). */
static int sysfs_read(const char *root, struct claimset_topology *t, char *err)
{
    int rc;

    memset(t, 0xA5, sizeof(*t));
    memset(err, 0, ERRLEN);
    rc = claimset_topology_from_sysfs(root, t, err, ERRLEN);
    rm_tree(root);
    return rc;
}

TEST(topology_sysfs_two_nodes)
{
    char root[256], err[ERRLEN];
    struct claimset_topology t;
    int rc;

    ASSERT_TRUE(fake_root(root, sizeof(root)));
    fake_node(root, "node0", MEMINFO(0, 32768000), "0-7,16-23\n", "10 21\n");
    fake_node(root, "node1", MEMINFO(1, 16777216), "8-15,24-31,40\n", "21 10\n");
    rc = sysfs_read(root, &t, err);
    ASSERT_EQ(rc, 0);
    EXPECT_STREQ(err, "");
    EXPECT_EQ(t.nr_nodes, 2u);
    EXPECT_EQ(t.node_pages[0], 32768000ULL * 1024 / 4096);
    EXPECT_EQ(t.node_pages[1], 16 * GIB_PAGES);
    EXPECT_EQ(t.node_cpus[0], 16u);
    EXPECT_EQ(t.node_cpus[1], 17u);
    EXPECT_EQ(t.distance[0][0], 10u);
    EXPECT_EQ(t.distance[0][1], 21u);
    EXPECT_EQ(t.distance[1][0], 21u);
    EXPECT_EQ(t.distance[1][1], 10u);
    EXPECT_EQ(t.node_pages[2], 0u);
}

TEST(topology_sysfs_sparse_ids_are_compacted)
{
    char root[256], err[ERRLEN];
    struct claimset_topology t;
    int rc;

    ASSERT_TRUE(fake_root(root, sizeof(root)));
    /* Ids 0, 2 and 10: 10 sorts after 2 numerically, before it as text. */
    /* Created out of order both ways, so readdir order does not sort them by luck. */
    fake_node(root, "node2", MEMINFO(2, 8192), "4-5\n", "20 10 31\n");
    fake_node(root, "node10", MEMINFO(10, 4096), "\n", "30 31 10\n");
    fake_node(root, "node0", MEMINFO(0, 4194304), "0-3\n", "10 20 30\n");
    /* Not node directories: ignored. */
    fake_node(root, "nodeX", NULL, NULL, NULL);
    fake_node(root, "node01", NULL, NULL, NULL);
    rc = sysfs_read(root, &t, err);
    ASSERT_EQ(rc, 0);
    ASSERT_EQ(t.nr_nodes, 3u);
    EXPECT_EQ(t.node_pages[0], 4 * GIB_PAGES); /* 4194304 kB = 4 GiB */
    EXPECT_EQ(t.node_pages[1], 2048u);         /* 8 MiB */
    EXPECT_EQ(t.node_pages[2], 1024u);         /* 4 MiB */
    EXPECT_EQ(t.node_cpus[0], 4u);
    EXPECT_EQ(t.node_cpus[1], 2u);
    EXPECT_EQ(t.node_cpus[2], 0u); /* empty cpulist: a CPU-less node */
    EXPECT_EQ(t.distance[0][1], 20u);
    EXPECT_EQ(t.distance[0][2], 30u);
    EXPECT_EQ(t.distance[1][0], 20u);
    EXPECT_EQ(t.distance[1][2], 31u);
    EXPECT_EQ(t.distance[2][0], 30u);
    EXPECT_EQ(t.distance[2][2], 10u);
}

TEST(topology_sysfs_many_sparse_ids_sort_numerically)
{
    /* Eight ids: readdir order (creation, reverse or hash) is sorted only by a 1 in 40320 fluke. */
    static const unsigned int ids[] = {40, 3, 63, 0, 17, 9, 12, 5};
    static const unsigned int sorted[] = {0, 3, 5, 9, 12, 17, 40, 63};
    char root[256], err[ERRLEN], name[16], meminfo[128], row[64];
    struct claimset_topology t;
    unsigned int i, j;
    size_t pos;
    int rc;

    ASSERT_TRUE(fake_root(root, sizeof(root)));
    for (i = 0; i < ARRAY_LEN(ids); i++) {
        /* Node id k has k+1 GiB... */
        snprintf(name, sizeof(name), "node%u", ids[i]);
        snprintf(meminfo, sizeof(meminfo), "Node %u MemTotal: %u kB\n", ids[i],
                 (ids[i] + 1) * 1048576);
        /* ...and its own row lists 100 + the column's id. */
        pos = 0;
        for (j = 0; j < ARRAY_LEN(sorted); j++)
            pos += (size_t)snprintf(row + pos, sizeof(row) - pos, "%u ",
                                    sorted[j] == ids[i] ? 10 : 100 + sorted[j]);
        fake_node(root, name, meminfo, "0\n", row);
    }
    rc = sysfs_read(root, &t, err);
    ASSERT_EQ(rc, 0);
    ASSERT_EQ(t.nr_nodes, 8u);
    for (i = 0; i < 8; i++) {
        EXPECT_EQ(t.node_pages[i], (sorted[i] + 1) * GIB_PAGES);
        for (j = 0; j < 8; j++)
            EXPECT_EQ(t.distance[i][j], i == j ? 10u : 100u + sorted[j]);
    }
}

TEST(topology_sysfs_memoryless_node)
{
    char root[256], err[ERRLEN];
    struct claimset_topology t;
    int rc;

    ASSERT_TRUE(fake_root(root, sizeof(root)));
    fake_node(root, "node0", MEMINFO(0, 1048576), "0\n", "10 12\n");
    fake_node(root, "node1", MEMINFO(1, 0), "1\n", "12 10\n");
    rc = sysfs_read(root, &t, err);
    ASSERT_EQ(rc, 0);
    EXPECT_EQ(t.node_pages[0], GIB_PAGES);
    EXPECT_EQ(t.node_pages[1], 0u);
    EXPECT_EQ(t.node_cpus[1], 1u);
}

/* Build a one- or two-node tree where node0 has the given files, expect failure. */
static void sysfs_expect_error(const char *meminfo, const char *cpulist, const char *distance,
                               int want_rc, const char *needle, const char *file, int line)
{
    char root[256], err[ERRLEN];
    struct claimset_topology t, before;
    int rc;

    if (!fake_root(root, sizeof(root)))
        return;
    fake_node(root, "node0", meminfo, cpulist, distance);
    fake_node(root, "node1", MEMINFO(1, 1048576), "1\n", "20 10\n");
    rc = sysfs_read(root, &t, err);
    memset(&before, 0xA5, sizeof(before));
    if (rc != want_rc)
        test_fail(file, line, "topology_from_sysfs = %d, expected %d (%s)", rc, want_rc, err);
    if (!strstr(err, needle))
        test_fail(file, line, "error \"%s\" does not contain \"%s\"", err, needle);
    if (strchr(err, '\n'))
        test_fail(file, line, "error \"%s\" is not one line", err);
    if (memcmp(&t, &before, sizeof(t)))
        test_fail(file, line, "output changed on failure");
}
#define SYSFS_ERR(m, c, d, rc, needle) sysfs_expect_error(m, c, d, rc, needle, __FILE__, __LINE__)

TEST(topology_sysfs_rejects_bad_files)
{
    SYSFS_ERR(MEMINFO(0, 1048576), "0\n", NULL, -ENOENT, "node0/distance': No such file");
    SYSFS_ERR(NULL, "0\n", "10 20\n", -ENOENT, "node0/meminfo'");
    SYSFS_ERR(MEMINFO(0, 1048576), NULL, "10 20\n", -ENOENT, "node0/cpulist'");
    SYSFS_ERR("Node 0 MemFree: 12 kB\n", "0\n", "10 20\n", -EINVAL, "has no MemTotal line");
    SYSFS_ERR("Node 0 MemTotal: lots kB\n", "0\n", "10 20\n", -EINVAL,
              "malformed MemTotal line 'Node 0 MemTotal: lots kB'");
    SYSFS_ERR("Node 0 MemTotal: 1048576 MB\n", "0\n", "10 20\n", -EINVAL, "malformed MemTotal");
    SYSFS_ERR("Node 0 MemTotal:\n", "0\n", "10 20\n", -EINVAL, "malformed MemTotal");
    SYSFS_ERR("Node 0 MemTotal: 2 kB\n", "0\n", "10 20\n", -EINVAL,
              "MemTotal 2 kB is less than one 4 KiB page");
    SYSFS_ERR("Node 0 MemTotal: 99999999999999999999999 kB\n", "0\n", "10 20\n", -EINVAL,
              "MemTotal exceeds the 16 TiB limit");
    SYSFS_ERR(MEMINFO(0, 1048576), "0-x\n", "10 20\n", -EINVAL,
              "cpulist': '0-x' is not a CPU list item");
    SYSFS_ERR(MEMINFO(0, 1048576), "7-3\n", "10 20\n", -EINVAL, "'7-3' is not a CPU list item");
    SYSFS_ERR(MEMINFO(0, 1048576), "0,5-4\n", "10 20\n", -EINVAL, "'5-4' is not a CPU list");
    SYSFS_ERR(MEMINFO(0, 1048576), "0,,2\n", "10 20\n", -EINVAL, "'' is not a CPU list item");
    SYSFS_ERR(MEMINFO(0, 1048576), "0\n", "12 20\n", -EINVAL,
              "distance': distance to node0 is 12; a node's distance to itself must be 10");
    SYSFS_ERR(MEMINFO(0, 1048576), "0\n", "10 300\n", -EINVAL,
              "distance to node1 is 300; the distance between two nodes must be 11..255");
    SYSFS_ERR(MEMINFO(0, 1048576), "0\n", "10\n", -EINVAL,
              "distance': expected 2 values (one per node), got 1");
    SYSFS_ERR(MEMINFO(0, 1048576), "0\n", "10 20 20\n", -EINVAL, "expected 2 values");
    SYSFS_ERR(MEMINFO(0, 1048576), "0\n", "10 x\n", -EINVAL,
              "value 'x' at position 2 is not a number");
}

TEST(topology_sysfs_cpulist_ranges)
{
    static const struct {
        const char *list;
        unsigned int cpus;
    } cases[] = {
        {"0\n", 1}, {"0-7\n", 8}, {"0-7,16-23\n", 16}, {"3,5,7-9\n", 5},
        {"", 0},    {"\n", 0},    {"0-1023\n", 1024},  {" 2 - 4 , 6\n", 4},
    };
    char root[256], err[ERRLEN];
    struct claimset_topology t;
    size_t i;
    int rc;

    for (i = 0; i < ARRAY_LEN(cases); i++) {
        ASSERT_TRUE(fake_root(root, sizeof(root)));
        fake_node(root, "node0", MEMINFO(0, 1048576), cases[i].list, "10\n");
        rc = sysfs_read(root, &t, err);
        EXPECT_EQ(rc, 0);
        if (rc == 0 && t.node_cpus[0] != cases[i].cpus)
            test_fail(__FILE__, __LINE__, "cpulist \"%s\": %u CPUs, expected %u", cases[i].list,
                      t.node_cpus[0], cases[i].cpus);
    }
}

TEST(topology_sysfs_missing_tree)
{
    char root[256], err[ERRLEN], path[512];
    const char *msg = err; /* the harness macro wants a pointer, not an array */
    struct claimset_topology t;
    int rc;

    /* No such root at all. */
    rc = claimset_topology_from_sysfs("/nonexistent/cs_topology", &t, err, sizeof(err));
    EXPECT_EQ(rc, -ENOENT);
    EXPECT_CONTAINS(msg, "sysfs has no NUMA information at '/nonexistent/cs_topology/devices/"
                         "system/node'");

    /* A root without devices/system/node. */
    snprintf(root, sizeof(root), "/tmp/cs_topology_XXXXXX");
    ASSERT_TRUE(mkdtemp(root) != NULL);
    rc = sysfs_read(root, &t, err);
    EXPECT_EQ(rc, -ENOENT);
    EXPECT_CONTAINS(msg, "sysfs has no NUMA information at");

    /* The directory exists but holds no node directories. */
    ASSERT_TRUE(fake_root(root, sizeof(root)));
    rc = sysfs_read(root, &t, err);
    EXPECT_EQ(rc, -ENOENT);
    EXPECT_CONTAINS(msg, "(no node directories)");

    /* Too little memory in all: the parser's rules apply. */
    ASSERT_TRUE(fake_root(root, sizeof(root)));
    fake_node(root, "node0", MEMINFO(0, 4), "0\n", "10\n");
    rc = sysfs_read(root, &t, err);
    EXPECT_EQ(rc, -EINVAL);
    EXPECT_CONTAINS(msg, "total memory is 1 page");

    /* Tiny and NULL error buffers. */
    ASSERT_TRUE(fake_root(root, sizeof(root)));
    snprintf(path, sizeof(path), "%s", root);
    rm_tree(path);
    EXPECT_EQ(claimset_topology_from_sysfs(path, &t, err, 1), -ENOENT);
    EXPECT_STREQ(err, "");
    EXPECT_EQ(claimset_topology_from_sysfs(path, &t, NULL, 0), -ENOENT);
    EXPECT_EQ(claimset_topology_from_sysfs(path, NULL, err, sizeof(err)), -EINVAL);
}

TEST(topology_sysfs_too_many_nodes)
{
    char root[256], err[ERRLEN], name[16];
    const char *msg = err; /* the harness macro wants a pointer, not an array */
    struct claimset_topology t;
    unsigned int i;
    int rc;

    ASSERT_TRUE(fake_root(root, sizeof(root)));
    for (i = 0; i < CLAIMSET_TOPOLOGY_MAX_NODES + 1; i++) {
        snprintf(name, sizeof(name), "node%u", i);
        fake_node(root, name, NULL, NULL, NULL);
    }
    rc = sysfs_read(root, &t, err);
    EXPECT_EQ(rc, -EINVAL);
    EXPECT_CONTAINS(msg, "65 nodes in '");
    EXPECT_CONTAINS(msg, "at most 64 are supported");
}

TEST(topology_sysfs_this_machine)
{
    char err[ERRLEN];
    struct claimset_topology t;
    unsigned int i;
    int rc;

    err[0] = '#';
    rc = claimset_topology_from_sysfs("/sys", &t, err, sizeof(err));
    if (rc) {
        test_note("no usable NUMA information in /sys (%d): %s", rc, err);
        EXPECT_LT(rc, 0);
        EXPECT_TRUE(err[0] != '\0' && err[0] != '#');
        EXPECT_TRUE(strchr(err, '\n') == NULL);
        return;
    }
    test_note("this machine: %u node(s), %" PRIu64 " pages", t.nr_nodes,
              claimset_topology_total_pages(&t));
    EXPECT_STREQ(err, "");
    ASSERT_TRUE(topology_sane(&t));
    for (i = 0; i < t.nr_nodes; i++)
        EXPECT_LE(t.node_cpus[i], 1u << 20);
    /* NULL root means /sys. */
    {
        struct claimset_topology u;

        EXPECT_EQ(claimset_topology_from_sysfs(NULL, &u, err, sizeof(err)), 0);
        EXPECT_EQ(u.nr_nodes, t.nr_nodes);
    }
}
