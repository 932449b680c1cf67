/*
 * The core's boundary (docs/architecture.md): hosts come up through the
 * host-control interface from a plain layout; the invariant checker runs
 * as the host's after-call hook when a mutating entry point returns; no
 * lock is held across the boundary; the core reads no environment.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hvctl.h>

#include "hvtest.h"

static struct hvctl_layout two_nodes(uint64_t pages)
{
    struct hvctl_layout l = {.nr_nodes = 2, .node_pages = {pages, pages}};

    l.distance[0][0] = l.distance[1][1] = 10;
    l.distance[0][1] = l.distance[1][0] = 20;
    return l;
}

/* Run fn in a child with stderr silenced; its wait status. */
static int in_child(void (*fn)(void *), void *arg)
{
    int status = 0, devnull;
    pid_t pid;

    fflush(stderr);
    pid = fork();
    if (pid == 0) {
        devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, STDERR_FILENO);
        fn(arg);
        _exit(0);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return status;
}

static bool aborted(int status)
{
    return status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

TEST(hvctl_host_create_refuses_bad_layouts_and_config)
{
    struct hvctl_layout l = two_nodes(1024);
    struct hvctl_config cfg = {.check_level = HVCTL_CHECK_DEEP};
    struct host *h = NULL;

    l.nr_nodes = 0;
    EXPECT_EQ(hvctl_host_create(&l, &cfg, &h), -EINVAL);
    l.nr_nodes = HVCTL_MAX_NODES + 1;
    EXPECT_EQ(hvctl_host_create(&l, &cfg, &h), -EINVAL);
    l = two_nodes(0);
    l.node_pages[0] = 1; /* one frame in all: frame 0 only */
    EXPECT_EQ(hvctl_host_create(&l, &cfg, &h), -EINVAL);
    l = two_nodes(HVCTL_MAX_HOST_PAGES / 2 + 1);
    EXPECT_EQ(hvctl_host_create(&l, &cfg, &h), -EINVAL);
    l = two_nodes(UINT64_MAX); /* the sum must not wrap to a small host */
    EXPECT_EQ(hvctl_host_create(&l, &cfg, &h), -EINVAL);
    l = two_nodes(1024);
    cfg.check_level = (enum hvctl_check)7;
    EXPECT_EQ(hvctl_host_create(&l, &cfg, &h), -EINVAL);
    EXPECT_EQ(hvctl_host_create(NULL, NULL, &h), -EINVAL);
    EXPECT_TRUE(h == NULL);
}

TEST(hvctl_host_comes_up_with_the_layout_and_a_control_domain)
{
    struct hvctl_layout l = two_nodes(1024);
    struct hvctl_counters c;
    struct host *h = NULL;
    struct domain *d0;

    l.node_cpus[0] = 3;
    l.node_cpus[1] = 5;
    ASSERT_EQ(hvctl_host_create(&l, NULL, &h), 0);
    hvctl_host_counters(h, &c);
    EXPECT_EQ(c.nr_nodes, 2u);
    EXPECT_EQ(c.total_pages, 2048ul);
    EXPECT_EQ(c.node_pages[1], 1024ul);
    EXPECT_EQ(c.total_avail_pages, 2047ul); /* frame 0 is the hypervisor's */
    EXPECT_EQ(h->layout.node_cpus[1], 5u);
    EXPECT_EQ(h->layout.distance[0][1], 20);
    d0 = domain_get(h, 0);
    ASSERT_TRUE(d0 != NULL);
    domain_put(d0);
    EXPECT_EQ(hvctl_host_check(h, HVCTL_CHECK_DEEP, NULL, 0), 0);
    EXPECT_EQ(hvctl_host_check(h, HVCTL_CHECK_NONE, NULL, 0), -EINVAL);
    EXPECT_EQ(hvctl_host_scrub(h, 2, 10), -EINVAL);
    EXPECT_EQ(hvctl_host_scrub(h, HVCTL_ANY_NODE, 10), 0);
    hvctl_host_destroy(h);
}

/* Corrupt a counter the checker verifies, then make one mutating call. */
static void corrupt_then_call(void *arg)
{
    struct host *h = arg;
    struct domain *d = hvt_domain(h, 64);

    hv_lock(&h->heap_lock);
    h->outstanding_claims++;
    hv_unlock(&h->heap_lock);
    domain_set_max_pages(d, 128); /* the hook runs as it returns */
}

TEST(checker_runs_as_the_after_call_hook_at_the_configured_level)
{
    struct host_config cfg = {.check_level = CHECK_ACCOUNTING};
    struct host *h = hvt_host_cfg("4M", &cfg);

    ASSERT_TRUE(h != NULL);
    EXPECT_TRUE(aborted(in_child(corrupt_then_call, h)));
    /* The same corruption goes unnoticed with the level at 0, so it is
     * the hook, not the call itself, that aborted above. */
    h->cfg.check_level = CHECK_NONE;
    EXPECT_EQ(in_child(corrupt_then_call, h), 0);
    host_destroy(h);
}

TEST(core_reads_no_environment)
{
    struct host_config a, b;

    setenv("CLAIMSET_CHECK", "0", 1);
    host_config_default(&a, 1024);
    setenv("CLAIMSET_CHECK", "1", 1);
    host_config_default(&b, 1024);
    unsetenv("CLAIMSET_CHECK");
    EXPECT_EQ(a.check_level, b.check_level);
    EXPECT_EQ(a.check_level, config_debug ? (unsigned int)CHECK_DEEP : (unsigned int)CHECK_NONE);
}

static void hypercall_holding_heap_lock(void *arg)
{
    struct host *h = arg;
    struct xen_sysctl op = {.cmd = XEN_SYSCTL_physinfo,
                            .interface_version = XEN_SYSCTL_INTERFACE_VERSION};
    struct hcall_ctx ctx;

    hcall_ctx_init(&ctx, h, 0);
    hcall_ctx_add_region(&ctx, &op, sizeof(op), 1);
    hv_lock(&h->heap_lock);
    hypercall_sysctl(&ctx, &op);
    hv_unlock(&h->heap_lock);
}

TEST(no_lock_is_held_across_the_boundary)
{
    struct host *h = hvt_host("4M");

    ASSERT_TRUE(h != NULL);
    EXPECT_TRUE(hv_holds_no_lock());
    hv_lock(&h->heap_lock);
    EXPECT_EQ(hv_holds_no_lock(), !config_debug);
    hv_unlock(&h->heap_lock);
    EXPECT_TRUE(hv_holds_no_lock());
    if (config_debug)
        EXPECT_TRUE(aborted(in_child(hypercall_holding_heap_lock, h)));
    host_destroy(h);
}

TEST(heap_inspection_walks_every_free_chunk)
{
    struct host *h = hvt_host("3M,5M");
    unsigned long pages = 0, chunks = 0;

    ASSERT_TRUE(h != NULL);
    hv_lock(&h->heap_lock);
    for (unsigned int n = 0; n < h->nr_nodes; n++)
        for (unsigned int o = 0; o <= MAX_ORDER; o++) {
            EXPECT_TRUE(heap_free_index_ok_locked(h, (nodeid_t)n, o));
            for (mfn_t m = heap_next_free_chunk_locked(h, (nodeid_t)n, o, 0); m != INVALID_MFN;
                 m = heap_next_free_chunk_locked(h, (nodeid_t)n, o, m + 1)) {
                EXPECT_TRUE(heap_is_free_chunk_locked(h, (nodeid_t)n, m, o));
                EXPECT_EQ(free_chunk_order_locked(h, m), (int)o);
                pages += ORDER_PAGES(o);
                chunks++;
            }
        }
    EXPECT_EQ(pages, h->total_avail_pages);
    hv_unlock(&h->heap_lock);
    EXPECT_TRUE(chunks > 2); /* frame 0 and the node boundary split the heap */
    host_destroy(h);
}

TEST(permit_functions_host_and_node_level)
{
    struct host *h = hvt_host("4M,4M");
    struct domain *d;
    unsigned long node0, unclaimed;
    memory_claim_t c;

    ASSERT_TRUE(h != NULL);
    d = hvt_domain(h, MiB_PAGES(8));
    ASSERT_TRUE(d != NULL);
    node0 = hvt_node_unclaimed(h, 0);
    c = hvt_claim(node0, 0); /* all of node 0 */
    ASSERT_EQ(domain_set_node_claims(d, 1, &c), 0);
    unclaimed = hvt_unclaimed(h);

    hv_lock(&h->heap_lock);
    /* Node 0 is all claimed: only d, counted, may take from it. */
    EXPECT_TRUE(!claims_permit_node_locked(h, NULL, 0, 0, 1));
    EXPECT_TRUE(claims_permit_node_locked(h, d, 0, 0, node0));
    EXPECT_TRUE(!claims_permit_node_locked(h, d, 0, 0, node0 + 1));
    EXPECT_TRUE(!claims_permit_node_locked(h, d, 0, MEMF_no_refcount, 1));
    EXPECT_TRUE(claims_permit_node_locked(h, NULL, 1, 0, 1));
    /* Host-wide, d may use the unclaimed memory plus all its claims. */
    EXPECT_TRUE(claims_permit_host_locked(h, d, 0, unclaimed + node0));
    EXPECT_TRUE(!claims_permit_host_locked(h, d, 0, unclaimed + node0 + 1));
    EXPECT_TRUE(claims_permit_host_locked(h, NULL, 0, unclaimed));
    EXPECT_TRUE(!claims_permit_host_locked(h, NULL, 0, unclaimed + 1));
    hv_unlock(&h->heap_lock);
    domain_put(d);
    host_destroy(h);
}
