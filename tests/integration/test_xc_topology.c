/*
 * The process's host (CONTRACT.md, "The host a process talks to"):
 * CLAIMSET_TOPOLOGY read at the first xc_interface_open(), the built-in
 * default, malformed values (NULL, EINVAL, one line on stderr naming the
 * problem, and a later open with a fixed value working), the host
 * outliving its handles, and loggers.
 *
 * The process's host is made once per process, so every scenario runs in
 * a child of its own with stderr captured through a pipe.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "integration/test_xc_util.h"

/* In a child: report a failed check on stderr and exit with 1. */
#define CHILD_CHECK(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "child check failed at line %d: %s (errno %d)\n", __LINE__, #cond,     \
                    errno);                                                                        \
            return 1;                                                                              \
        }                                                                                          \
    } while (0)

/*
 * Run fn in a child with stderr going into out (NUL-terminated).  Returns
 * the child's exit status (128 + signal if it was killed).
 */
static int run_child(int (*fn)(void), char *out, size_t len)
{
    int fds[2], status = 0;
    size_t used = 0;
    ssize_t n;
    pid_t pid;

    if (pipe(fds))
        return -1;
    pid = fork();
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        close(fds[1]);
        _exit(fn());
    }
    close(fds[1]);
    while (used + 1 < len && (n = read(fds[0], out + used, len - used - 1)) > 0)
        used += (size_t)n;
    out[used] = '\0';
    close(fds[0]);
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#define EXPECT_CHILD_OK(fn, out)                                                                   \
    do {                                                                                           \
        int st_ = run_child(fn, out, sizeof(out));                                                 \
        if (st_ != 0)                                                                              \
            test_fail(__FILE__, __LINE__, "%s: status %d, stderr: %s", #fn, st_, out);             \
    } while (0)

static unsigned int count_lines(const char *s)
{
    unsigned int n = 0;

    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* ---- a valid value ---- */

static int child_valid_topology(void)
{
    xc_interface *xch;
    xc_physinfo_t info;
    xc_meminfo_t mem[2];
    uint32_t dist[4];
    unsigned int n = 2;

    setenv("CLAIMSET_TOPOLOGY", "1G,2G;distances=10,15,15,10", 1);
    xch = xc_interface_open(NULL, NULL, 0);
    CHILD_CHECK(xch != NULL);
    CHILD_CHECK(xc_physinfo(xch, &info) == 0);
    CHILD_CHECK(info.nr_nodes == 2 && info.max_node_id == 1);
    CHILD_CHECK(info.total_pages == 3ULL << 18);
    CHILD_CHECK(info.free_pages == (3ULL << 18) - 1);
    CHILD_CHECK(info.outstanding_pages == 0);
    CHILD_CHECK(xc_numainfo(xch, &n, mem, dist) == 0 && n == 2);
    CHILD_CHECK(mem[0].memsize == 1ULL << 30 && mem[1].memsize == 2ULL << 30);
    CHILD_CHECK(dist[0] == 10 && dist[1] == 15 && dist[2] == 15 && dist[3] == 10);
    /* The caller is the control domain, domid 0. */
    CHILD_CHECK(claimset_xc_caller(xch) == 0);
    CHILD_CHECK(xc_domain_getinfo_single(xch, 0, NULL) == 0);
    xc_interface_close(xch);
    return 0;
}

TEST(topology_from_the_environment)
{
    char out[4096];

    EXPECT_CHILD_OK(child_valid_topology, out);
    EXPECT_STREQ(out, "");
}

/* ---- the default ---- */

static const char *default_value; /* NULL: unset */

static int child_default_topology(void)
{
    xc_interface *xch;
    xc_meminfo_t mem[4];
    uint32_t dist[16];
    unsigned int n = 4;
    static const uint32_t row0[4] = {10, 12, 21, 21};

    if (default_value)
        setenv("CLAIMSET_TOPOLOGY", default_value, 1);
    else
        unsetenv("CLAIMSET_TOPOLOGY");
    xch = xc_interface_open(NULL, NULL, 0);
    CHILD_CHECK(xch != NULL);
    CHILD_CHECK(xc_get_max_nodes(xch) == 4);
    CHILD_CHECK(xc_numainfo(xch, &n, mem, dist) == 0 && n == 4);
    for (unsigned int i = 0; i < 4; i++) {
        CHILD_CHECK(mem[i].memsize == 64ULL << 30);
        CHILD_CHECK(dist[i] == row0[i]);
        CHILD_CHECK(dist[i * 4 + i] == 10);
    }
    xc_interface_close(xch);
    return 0;
}

TEST(topology_default_without_the_variable)
{
    char out[4096];

    default_value = NULL;
    EXPECT_CHILD_OK(child_default_topology, out);
    EXPECT_STREQ(out, "");
    /* Set but empty ("CLAIMSET_TOPOLOGY= prog") is unset, not an error. */
    default_value = "";
    EXPECT_CHILD_OK(child_default_topology, out);
}

/* ---- malformed values ---- */

static const char *bad_value;

static int child_malformed_then_fixed(void)
{
    xc_interface *xch;

    setenv("CLAIMSET_TOPOLOGY", bad_value, 1);
    errno = 0;
    xch = xc_interface_open(NULL, NULL, 0);
    CHILD_CHECK(xch == NULL);
    CHILD_CHECK(errno == EINVAL);
    /* Still malformed: still refused (a failure is not cached as a host). */
    errno = 0;
    CHILD_CHECK(claimset_process_host() == NULL && errno == EINVAL);
    /* Fixed: the next open works. */
    setenv("CLAIMSET_TOPOLOGY", "16M,16M", 1);
    xch = xc_interface_open(NULL, NULL, 0);
    CHILD_CHECK(xch != NULL);
    CHILD_CHECK(xc_get_max_nodes(xch) == 2);
    xc_interface_close(xch);
    return 0;
}

static void expect_malformed(const char *value, const char *problem, const char *file, int line)
{
    char out[4096];
    int st;

    bad_value = value;
    st = run_child(child_malformed_then_fixed, out, sizeof(out));
    if (st != 0) {
        test_fail(file, line, "\"%s\": status %d, stderr: %s", value, st, out);
        return;
    }
    /* Two failed attempts, one line each, naming the problem. */
    if (count_lines(out) != 2)
        test_fail(file, line, "\"%s\": expected 2 lines on stderr, got: %s", value, out);
    if (!strstr(out, problem))
        test_fail(file, line, "\"%s\": stderr does not name '%s': %s", value, problem, out);
    if (!strstr(out, "CLAIMSET_TOPOLOGY"))
        test_fail(file, line, "\"%s\": stderr does not name the variable: %s", value, out);
}

TEST(topology_malformed_values_fail_the_open_with_a_message)
{
    expect_malformed("4GB", "unknown unit 'GB'", __FILE__, __LINE__);
    expect_malformed(" \t", "empty topology", __FILE__, __LINE__);
    expect_malformed("4G,", "node 1: empty size", __FILE__, __LINE__);
    expect_malformed("-4G", "is negative", __FILE__, __LINE__);
    expect_malformed("17T", "exceeds the 16 TiB limit", __FILE__, __LINE__);
    expect_malformed("1G,1G;distances=10,20", "expected 4 values for 2 nodes, got 2", __FILE__,
                     __LINE__);
    /* A long value is repeated only in part: the message reaches its
     * reason on one line. */
    expect_malformed("1G,1G,1G,1G,1G,1G,1G,1G,1G,1G,1G,1G,1G,1G,1G,1G,1G,1G,1G,1G,1G,1GB",
                     "1G,1G,1G,1G,1G,1G,1G,1G,1G,1G,1G,1G,1G,1G,1G,1G,1G,1G,1G,1G,...\": node "
                     "21: unknown unit 'GB'",
                     __FILE__, __LINE__);
}

/* ---- read once, at the first open ---- */

static int child_read_at_first_open(void)
{
    xc_interface *a, *b, *c;
    uint32_t domid = 0;
    struct xen_domctl_createdomain cfg;

    /* Changing the variable before the first open still counts. */
    setenv("CLAIMSET_TOPOLOGY", "8M", 1);
    setenv("CLAIMSET_TOPOLOGY", "16M,16M", 1);
    a = xc_interface_open(NULL, NULL, 0);
    CHILD_CHECK(a != NULL);
    CHILD_CHECK(xc_get_max_nodes(a) == 2);

    /* Later changes are not seen: one host per process. */
    setenv("CLAIMSET_TOPOLOGY", "32M", 1);
    b = xc_interface_open(NULL, NULL, 0);
    CHILD_CHECK(b != NULL && b != a);
    CHILD_CHECK(xc_get_max_nodes(b) == 2);
    CHILD_CHECK(claimset_xc_host(a) == claimset_xc_host(b));
    setenv("CLAIMSET_TOPOLOGY", "bogus", 1);
    c = xc_interface_open(NULL, NULL, 0);
    CHILD_CHECK(c != NULL);

    /* The host outlives every handle. */
    memset(&cfg, 0, sizeof(cfg));
    cfg.max_vcpus = 1;
    CHILD_CHECK(xc_domain_create(a, &domid, &cfg) == 0);
    xc_interface_close(a);
    xc_interface_close(b);
    xc_interface_close(c);
    a = xc_interface_open(NULL, NULL, 0);
    CHILD_CHECK(a != NULL);
    CHILD_CHECK(xc_domain_getinfo_single(a, domid, NULL) == 0);
    CHILD_CHECK(xc_get_max_nodes(a) == 2);
    xc_interface_close(a);
    return 0;
}

TEST(topology_is_read_at_the_first_open_only)
{
    char out[4096];

    EXPECT_CHILD_OK(child_read_at_first_open, out);
    EXPECT_STREQ(out, "");
}

/* ---- loggers ---- */

static int child_logger(void)
{
    xentoollog_logger_stdiostream *lg = xtl_createlogger_stdiostream(stderr, XTL_DEBUG, 0);
    xc_interface *xch;

    CHILD_CHECK(lg != NULL);
    /* A failed open is logged as an error through the logger. */
    setenv("CLAIMSET_TOPOLOGY", "1X", 1);
    xch = xc_interface_open((xentoollog_logger *)lg, NULL, 0);
    CHILD_CHECK(xch == NULL && errno == EINVAL);
    setenv("CLAIMSET_TOPOLOGY", "16M", 1);
    xch = xc_interface_open((xentoollog_logger *)lg, NULL, 0);
    CHILD_CHECK(xch != NULL);
    /* A failed call is logged at debug level, errno intact. */
    errno = 0;
    CHILD_CHECK(xc_domain_getinfo_single(xch, 999, NULL) == -1 && errno == ESRCH);
    /* Above the minimum level nothing is written. */
    xtl_stdiostream_set_minlevel(lg, XTL_ERROR);
    CHILD_CHECK(xc_domain_pause(xch, 998) == -1 && errno == ESRCH);
    xc_interface_close(xch);
    xtl_logger_destroy((xentoollog_logger *)lg);
    xtl_logger_destroy(NULL);
    return 0;
}

TEST(loggers_receive_failures)
{
    char out[4096];

    EXPECT_CHILD_OK(child_logger, out);
    EXPECT_CONTAINS(out, "xc: error: cannot create the host: Invalid argument");
    EXPECT_CONTAINS(out, "xc: debug: getdomaininfo failed: No such process");
    EXPECT_TRUE(strstr(out, "pausedomain") == NULL);
    EXPECT_STREQ(xtl_level_to_string(XTL_WARN), "warning");
    EXPECT_STREQ(xtl_level_to_string((xentoollog_level)99), "unknown");
}
