/*
 * Hosts as objects (the claimset extension API): creation with a control
 * domain, destruction, and read-outs -- topology, invariant checks,
 * scrubbing and counters -- that go straight to the hypervisor side, as a
 * debugger attached to the machine would.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xc_private.h"

static void set_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
}

static void env_check_level(struct hvctl_config *cfg)
{
    const char *env = getenv("CLAIMSET_CHECK");

    if (env && env[0] >= '0' && env[0] <= '2' && env[1] == '\0')
        cfg->check_level = (enum hvctl_check)(env[0] - '0');
}

struct claimset_host *cs_host_new(const char *topology, const struct claimset_host_opts *opts,
                                  char *err, size_t errlen)
{
    struct claimset_topology t;
    char msg[256] = "";

    set_err(err, errlen, "");
    if (topology) {
        if (claimset_topology_parse(topology, &t, msg, sizeof(msg))) {
            set_err(err, errlen, msg);
            errno = EINVAL;
            return NULL;
        }
    } else {
        claimset_topology_default(&t);
    }
    return cs_host_new_topology(&t, opts, err, errlen);
}

struct claimset_host *cs_host_new_topology(const struct claimset_topology *t,
                                           const struct claimset_host_opts *opts, char *err,
                                           size_t errlen)
{
    struct claimset_host *host;
    struct hvctl_layout layout;
    struct hvctl_config cfg;
    char msg[256] = "";
    int rc;

    set_err(err, errlen, "");
    if (opts &&
        (opts->check_level < CLAIMSET_CHECK_DEFAULT || opts->check_level > CLAIMSET_CHECK_DEEP)) {
        set_err(err, errlen, "check_level out of range");
        errno = EINVAL;
        return NULL;
    }
    /* A struct built by hand gets the parser's rules too. */
    if (claimset_topology_validate(t, msg, sizeof(msg)) || xc_topology_to_layout(t, &layout)) {
        set_err(err, errlen, msg);
        errno = EINVAL;
        return NULL;
    }

    hvctl_config_default(&layout, &cfg);
    /* The core reads no environment; the toolstack lets CLAIMSET_CHECK
     * override the default level, as the hypervisor's command line would. */
    env_check_level(&cfg);
    if (opts && opts->check_level != CLAIMSET_CHECK_DEFAULT)
        cfg.check_level = (enum hvctl_check)(opts->check_level - CLAIMSET_CHECK_OFF);
    if (opts)
        cfg.xen_pages_per_domain = opts->xen_pages_per_domain;

    host = calloc(1, sizeof(*host));
    if (!host) {
        errno = ENOMEM;
        return NULL;
    }
    atomic_init(&host->handles, 0);
    host->topo = *t;
    rc = hvctl_host_create(&layout, &cfg, &host->h);
    if (rc) {
        set_err(err, errlen, rc == -ENOMEM ? "out of memory" : "host creation failed");
        free(host);
        errno = -rc;
        return NULL;
    }
    return host;
}

void cs_host_free(struct claimset_host *host)
{
    hvctl_host_destroy(host->h);
    free(host);
}

claimset_host *claimset_host_create(const char *topology, char *err, size_t errlen)
{
    return cs_host_new(topology, NULL, err, errlen);
}

claimset_host *claimset_host_create_opts(const char *topology,
                                         const struct claimset_host_opts *opts, char *err,
                                         size_t errlen)
{
    return cs_host_new(topology, opts, err, errlen);
}

claimset_host *claimset_host_create_topology(const struct claimset_topology *t,
                                             const struct claimset_host_opts *opts, char *err,
                                             size_t errlen)
{
    if (!t) {
        set_err(err, errlen, "no topology given");
        errno = EINVAL;
        return NULL;
    }
    return cs_host_new_topology(t, opts, err, errlen);
}

int claimset_host_destroy(claimset_host *host)
{
    if (!host)
        return 0;
    if (host->process_wide) {
        errno = EINVAL;
        return -1;
    }
    if (atomic_load(&host->handles)) {
        errno = EBUSY;
        return -1;
    }
    cs_host_free(host);
    return 0;
}

int claimset_host_topology(claimset_host *host, char *buf, size_t len)
{
    if (!host || (!buf && len)) {
        errno = EINVAL;
        return -1;
    }
    return claimset_topology_format(&host->topo, buf, len);
}

int claimset_host_get_topology(claimset_host *host, struct claimset_topology *t)
{
    if (!host || !t) {
        errno = EINVAL;
        return -1;
    }
    *t = host->topo;
    return 0;
}

int claimset_host_check_level(claimset_host *host, int level, char *report, size_t len)
{
    char local[512];
    enum hvctl_check lv;
    int rc;

    if (!host || (!report && len)) {
        errno = EINVAL;
        return -1;
    }
    if (level == CLAIMSET_CHECK_COUNTERS)
        lv = HVCTL_CHECK_COUNTERS;
    else if (level == CLAIMSET_CHECK_DEEP)
        lv = HVCTL_CHECK_DEEP;
    else {
        errno = EINVAL;
        return -1;
    }
    if (!report || !len) {
        report = local;
        len = sizeof(local);
    }
    report[0] = '\0';
    rc = hvctl_host_check(host->h, lv, report, len);
    if (rc) {
        errno = -rc;
        return -1;
    }
    return 0;
}

int claimset_host_check(claimset_host *host, char *report, size_t len)
{
    return claimset_host_check_level(host, CLAIMSET_CHECK_DEEP, report, len);
}

long claimset_host_scrub(claimset_host *host, unsigned int node, unsigned long max_pages)
{
    long done;

    /* HVCTL_ANY_NODE is not a node number a caller may pass. */
    if (!host || (node != CLAIMSET_ANY_NODE && node >= HVCTL_MAX_NODES)) {
        errno = EINVAL;
        return -1;
    }
    done = hvctl_host_scrub(host->h, node == CLAIMSET_ANY_NODE ? HVCTL_ANY_NODE : node, max_pages);
    if (done < 0) {
        errno = (int)-done;
        return -1;
    }
    return done;
}

int claimset_host_counters(claimset_host *host, struct claimset_counters *c)
{
    struct hvctl_counters hc;

    if (!host || !c) {
        errno = EINVAL;
        return -1;
    }
    hvctl_host_counters(host->h, &hc);
    memset(c, 0, sizeof(*c));
    c->nr_nodes = hc.nr_nodes;
    c->total_pages = hc.total_pages;
    c->free_pages = hc.total_avail_pages;
    c->scrub_pages = hc.scrub_pages;
    c->outstanding_pages = hc.outstanding_claims;
    for (unsigned int n = 0; n < c->nr_nodes; n++) {
        c->node[n].total_pages = hc.node_pages[n];
        c->node[n].free_pages = hc.node_avail_pages[n];
        c->node[n].claimed_pages = hc.node_outstanding_claims[n];
        c->node[n].scrub_pages = hc.node_need_scrub[n];
        c->node[n].offlined_pages = hc.node_offlined[n];
    }
    c->allocs = hc.allocs;
    c->frees = hc.frees;
    c->alloc_failures = hc.alloc_failures;
    c->refused_global_check = hc.refused_global_check;
    c->refused_node_check = hc.refused_node_check;
    c->pages_scrubbed_sync = hc.pages_scrubbed_sync;
    c->pages_scrubbed_idle = hc.pages_scrubbed_idle;
    c->claims_retired = hc.claims_retired;
    c->claims_recalled = hc.claims_recalled;
    return 0;
}
