/*
 * The claimset extension API (claimset/claimset.h): independent hosts side
 * by side, host lifetime rules, guest handles, per-handle statistics,
 * the invariant checker, scrubbing, counters, topology text and host
 * options.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "integration/test_xc_util.h"

static int fails_with(int rc)
{
    return rc == -1 ? errno : 0;
}

TEST(hosts_side_by_side_are_independent)
{
    claimset_host *h1 = xt_host("16M,16M"), *h2 = xt_host("32M");
    xc_interface *x1 = xt_open(h1), *x2 = xt_open(h2);
    uint32_t d1 = xt_domain(x1, 1000), d2 = xt_domain(x2, 1000);
    uint64_t g1 = 0, g2 = 0;

    ASSERT_TRUE(h1 && h2 && h1 != h2);
    EXPECT_EQ(xt_physinfo(x1).nr_nodes, 2);
    EXPECT_EQ(xt_physinfo(x2).nr_nodes, 1);
    /* Same first domid on each: they are different machines. */
    EXPECT_EQ(d1, d2);
    ASSERT_EQ(xc_domain_claim_pages(x1, d1, 500), 0);
    EXPECT_EQ(xt_populate(x2, d2, &g2, 300, 0, 0), 300);
    EXPECT_EQ(xt_outstanding(x1), 500);
    EXPECT_EQ(xt_outstanding(x2), 0);
    EXPECT_EQ(xt_dominfo(x1, d1).tot_pages, 0);
    EXPECT_EQ(xt_dominfo(x2, d2).tot_pages, 300);
    EXPECT_EQ(xt_populate(x1, d1, &g1, 10, 0, 0), 10);
    EXPECT_EQ(xt_physinfo(x2).free_pages, 8191 - 300);
    xt_done(x1, h1);
    /* The second host is untouched by the first one's destruction. */
    EXPECT_EQ(xt_dominfo(x2, d2).tot_pages, 300);
    xt_done(x2, h2);
}

TEST(host_create_reports_malformed_topology)
{
    char err[256];
    claimset_host *h;

    memset(err, 'x', sizeof(err));
    errno = 0;
    h = claimset_host_create("4GB", err, sizeof(err));
    EXPECT_TRUE(h == NULL);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_CONTAINS(err, "unknown unit 'GB'");
    errno = 0;
    h = claimset_host_create("1G,1G;distances=10,20", err, sizeof(err));
    EXPECT_TRUE(h == NULL);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_TRUE(strlen(err) > 0);
    /* No error buffer is fine. */
    EXPECT_TRUE(claimset_host_create("", NULL, 0) == NULL);
    EXPECT_EQ(errno, EINVAL);
}

TEST(host_options_check_level_and_hypervisor_pages)
{
    struct claimset_host_opts bad = {.check_level = 7};
    struct claimset_host_opts xen16 = {.xen_pages_per_domain = 16};
    char err[128];
    claimset_host *h;
    xc_interface *xch;
    uint64_t free_before;
    uint32_t domid;

    errno = 0;
    EXPECT_TRUE(claimset_host_create_opts("16M", &bad, err, sizeof(err)) == NULL);
    EXPECT_EQ(errno, EINVAL);

    /* Each creation takes 16 pages outside the domain's tot_pages, as
     * observed on Xen 4.17; destruction gives them back. */
    h = claimset_host_create_opts("16M,16M", &xen16, err, sizeof(err));
    ASSERT_TRUE(h != NULL);
    xch = xt_open(h);
    free_before = xt_physinfo(xch).free_pages;
    domid = xt_domain(xch, 10);
    EXPECT_EQ(xt_physinfo(xch).free_pages, free_before - 16);
    EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, 0);
    ASSERT_EQ(xc_domain_destroy(xch, domid), 0);
    EXPECT_EQ(xt_physinfo(xch).free_pages, free_before);
    xt_done(xch, h);
}

TEST(host_destroy_rules)
{
    claimset_host *h = xt_host("16M");
    xc_interface *a = xt_open(h), *b = xt_open(h);

    EXPECT_EQ(fails_with(claimset_host_destroy(h)), EBUSY);
    xc_interface_close(a);
    EXPECT_EQ(fails_with(claimset_host_destroy(h)), EBUSY);
    xc_interface_close(b);
    EXPECT_EQ(claimset_host_destroy(h), 0);
    EXPECT_EQ(claimset_host_destroy(NULL), 0);
}

TEST(process_host_cannot_be_destroyed)
{
    /* A host of its own in a child, so the runner's process is untouched. */
    pid_t pid = fork();
    int status = 0;

    ASSERT_TRUE(pid >= 0);
    if (pid == 0) {
        claimset_host *p;
        xc_interface *xch;

        setenv("CLAIMSET_TOPOLOGY", "16M", 1);
        p = claimset_process_host();
        xch = xc_interface_open(NULL, NULL, 0);
        if (!p || !xch || claimset_xc_host(xch) != p)
            _exit(1);
        if (claimset_host_destroy(p) != -1 || errno != EINVAL)
            _exit(2);
        xc_interface_close(xch);
        if (claimset_host_destroy(p) != -1 || errno != EINVAL)
            _exit(3);
        _exit(0);
    }
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(guest_handle_open_rules)
{
    claimset_host *h = xt_host("16M");
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 10);
    xc_interface *g;

    errno = 0;
    EXPECT_TRUE(claimset_xc_open(h, 77) == NULL);
    EXPECT_EQ(errno, ESRCH);
    errno = 0;
    EXPECT_TRUE(claimset_xc_open(h, DOMID_SELF) == NULL);
    EXPECT_EQ(errno, EINVAL);
    errno = 0;
    EXPECT_TRUE(claimset_xc_open(NULL, 0) == NULL);
    EXPECT_EQ(errno, EINVAL);
    g = claimset_xc_open(h, domid);
    ASSERT_TRUE(g != NULL);
    EXPECT_EQ(claimset_xc_caller(g), domid);
    EXPECT_TRUE(claimset_xc_host(g) == h);
    /* Domain control is the control domain's, even on itself. */
    EXPECT_EQ(fails_with(xc_domain_getinfo_single(g, domid, NULL)), EPERM);
    xc_interface_close(g);
    xt_done(xch, h);
}

TEST(stats_count_hypercalls_per_handle)
{
    claimset_host *h = xt_host("16M");
    xc_interface *a = xt_open(h), *b = xt_open(h);
    struct claimset_xc_stats st;
    xc_physinfo_t info;

    ASSERT_EQ(claimset_xc_get_stats(a, &st), 0);
    EXPECT_EQ(st.hypercalls, 0);
    for (int i = 0; i < 5; i++)
        ASSERT_EQ(xc_physinfo(a, &info), 0);
    ASSERT_EQ(xc_physinfo(b, &info), 0);
    ASSERT_EQ(claimset_xc_get_stats(a, &st), 0);
    EXPECT_EQ(st.hypercalls, 5);
    EXPECT_EQ(st.continuations, 0);
    ASSERT_EQ(claimset_xc_get_stats(b, &st), 0);
    EXPECT_EQ(st.hypercalls, 1);
    /* A call refused before reaching the hypervisor is not counted. */
    EXPECT_EQ(fails_with(xc_physinfo(a, NULL)), EINVAL);
    ASSERT_EQ(claimset_xc_get_stats(a, &st), 0);
    EXPECT_EQ(st.hypercalls, 5);
    ASSERT_EQ(claimset_xc_reset_stats(a), 0);
    ASSERT_EQ(claimset_xc_get_stats(a, &st), 0);
    EXPECT_EQ(st.hypercalls, 0);
    EXPECT_EQ(fails_with(claimset_xc_get_stats(a, NULL)), EINVAL);
    EXPECT_EQ(fails_with(claimset_xc_get_stats(NULL, &st)), EINVAL);
    EXPECT_EQ(fails_with(claimset_xc_reset_stats(NULL)), EINVAL);
    EXPECT_EQ(fails_with(claimset_xc_set_preempt_budget(NULL, 1)), EINVAL);
    xc_interface_close(a);
    xt_done(b, h);
}

TEST(check_level_argument_and_report)
{
    claimset_host *h = xt_host("16M,16M");
    xc_interface *xch = xt_open(h);
    char report[256];

    memset(report, 'x', sizeof(report));
    EXPECT_EQ(claimset_host_check(h, report, sizeof(report)), 0);
    EXPECT_EQ(claimset_host_check_level(h, CLAIMSET_CHECK_COUNTERS, report, sizeof(report)), 0);
    EXPECT_EQ(claimset_host_check_level(h, CLAIMSET_CHECK_DEEP, NULL, 0), 0);
    EXPECT_EQ(fails_with(claimset_host_check_level(h, CLAIMSET_CHECK_OFF, report, 10)), EINVAL);
    EXPECT_EQ(fails_with(claimset_host_check_level(h, 99, report, 10)), EINVAL);
    EXPECT_EQ(fails_with(claimset_host_check(NULL, report, 10)), EINVAL);
    xt_done(xch, h);
}

TEST(scrub_and_counters)
{
    claimset_host *h = xt_host("16M,16M");
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 3000);
    memory_claim_t c[] = {{.pages = 100, .node = 1}, {.pages = 50, .node = XT_GLOBAL}};
    struct claimset_counters cnt;
    uint64_t gfn = 0;
    xc_physinfo_t info;
    long done;

    ASSERT_EQ(xt_populate(xch, domid, &gfn, 2000, 0, XENMEMF_exact_node(0)), 2000);
    ASSERT_EQ(xc_domain_unpause(xch, domid), 0);
    /* A destroyed domain's memory comes back dirty. */
    ASSERT_EQ(xc_domain_destroy(xch, domid), 0);
    info = xt_physinfo(xch);
    EXPECT_EQ(info.scrub_pages, 2000);
    ASSERT_EQ(claimset_host_counters(h, &cnt), 0);
    EXPECT_EQ(cnt.scrub_pages, 2000);
    EXPECT_EQ(cnt.node[0].scrub_pages, 2000);
    EXPECT_EQ(cnt.node[1].scrub_pages, 0);

    /* Scrub a bounded amount, then the rest. */
    EXPECT_EQ(claimset_host_scrub(h, 1, 1000), 0);
    EXPECT_EQ(claimset_host_scrub(h, 0, 500), 500);
    EXPECT_EQ(xt_physinfo(xch).scrub_pages, 1500);
    done = claimset_host_scrub(h, CLAIMSET_ANY_NODE, 100000);
    EXPECT_EQ(done, 1500);
    EXPECT_EQ(xt_physinfo(xch).scrub_pages, 0);
    EXPECT_EQ(fails_with((int)claimset_host_scrub(h, 2, 1)), EINVAL);
    EXPECT_EQ(fails_with((int)claimset_host_scrub(NULL, 0, 1)), EINVAL);

    /* Counters agree with physinfo and numa_meminfo. */
    domid = xt_domain(xch, 3000);
    ASSERT_EQ(xc_domain_claim_memory(xch, domid, 2, c), 0);
    ASSERT_EQ(claimset_host_counters(h, &cnt), 0);
    info = xt_physinfo(xch);
    EXPECT_EQ(cnt.nr_nodes, 2);
    EXPECT_EQ(cnt.total_pages, info.total_pages);
    EXPECT_EQ(cnt.free_pages, info.free_pages);
    EXPECT_EQ(cnt.outstanding_pages, 150);
    EXPECT_EQ(cnt.node[1].claimed_pages, 100);
    EXPECT_EQ(cnt.node[0].claimed_pages, 0);
    EXPECT_EQ(cnt.node[0].total_pages, 4096);
    EXPECT_EQ(cnt.node[0].free_pages + cnt.node[1].free_pages, info.free_pages);
    EXPECT_EQ(cnt.pages_scrubbed_idle, 2000);
    EXPECT_GE(cnt.allocs, 1);
    EXPECT_EQ(fails_with(claimset_host_counters(h, NULL)), EINVAL);
    xt_done(xch, h);
}

TEST(topology_text_round_trips)
{
    claimset_host *h = xt_host("16M,32M;distances=10,17,17,10");
    claimset_host *h2;
    char text[256];
    int len;

    len = claimset_host_topology(h, text, sizeof(text));
    ASSERT_TRUE(len > 0 && (size_t)len < sizeof(text));
    EXPECT_CONTAINS(text, "17");
    h2 = xt_host(text);
    ASSERT_TRUE(h2 != NULL);
    {
        char text2[256];

        EXPECT_EQ(claimset_host_topology(h2, text2, sizeof(text2)), len);
        EXPECT_STREQ(text, text2);
    }
    /* As snprintf: the length needed, nothing written past len. */
    EXPECT_EQ(claimset_host_topology(h, NULL, 0), len);
    EXPECT_EQ(fails_with(claimset_host_topology(NULL, text, sizeof(text))), EINVAL);
    claimset_host_destroy(h2);
    claimset_host_destroy(h);
}
