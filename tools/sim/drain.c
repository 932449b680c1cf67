/*
 * `claimset drain`: hosts of a pool drained for maintenance, their guests
 * migrated onto the other hosts in parallel (usecases: parallel
 * migrations).
 *
 * The model:
 *  - a pool of `hosts` hosts, each its own topology or one repeated; the
 *    first `drained` are drained, the others receive;
 *  - every receiving host is partly full and fragmented, as evacuate's
 *    host is (its residents seeded per host);
 *  - the drained hosts' guests -- fill percent of each drained host,
 *    each with the fixed vNUMA layout it had there -- are the incoming
 *    VMs, migrated by pool-wide parallel builders in modelled time;
 *  - pool placement picks a host, then the policy picks nodes on it: the
 *    host whose memory not yet spoken for (free minus claims, as
 *    physinfo reports them) is largest, among those it fits, else the
 *    largest.  Builds in flight without claims are invisible to it,
 *    which is what the policies without claims pay for.
 *
 * Results: one struct sim_run whose nodes are the receiving hosts' nodes
 * in host order (pool node k is host k / nodes-per-host's node), so every
 * output of storm works unchanged; distances between nodes of different
 * hosts are 0 (no path), and each VM's plan names its host.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/human_size.h"
#include "sim/sim_private.h"

#define MAX_SAMPLES 1024

struct pool {
    struct sim_ctx **ctxs;
    unsigned int nr;
    unsigned int *host_of; /* per VM */
};

/* Pool placement: the host with the most memory not spoken for. */
static int pick_host(void *arg, size_t vm)
{
    struct pool *pool = arg;
    const struct sim_vm_spec *spec = &pool->ctxs[0]->w->vms[vm];
    uint64_t best = 0;
    int host = 0;
    bool fits = false;

    for (unsigned int h = 0; h < pool->nr; h++) {
        xc_physinfo_t info;
        uint64_t avail;
        bool f;

        if (xc_physinfo(pool->ctxs[h]->aux, &info))
            return sim_fail(pool->ctxs[h], "pool placement: %s", strerror(errno));
        avail =
            info.free_pages > info.outstanding_pages ? info.free_pages - info.outstanding_pages : 0;
        f = avail >= spec->pages;
        if ((f && !fits) || (f == fits && avail > best)) {
            best = avail;
            host = (int)h;
            fits = f;
        }
    }
    pool->host_of[vm] = (unsigned int)host;
    return host;
}

/* The hosts' samples as pool samples: at each host's sample time, every
 * host as last sampled (thinned to MAX_SAMPLES, evenly). */
static int merge_samples(struct sim_policy_result *per_host, unsigned int nr,
                         const unsigned int *offset, const unsigned int *nodes,
                         struct sim_policy_result *p)
{
    size_t total = 0, pos[SIM_MAX_HOSTS] = {0}, out = 0, step;
    uint64_t host_claimed[SIM_MAX_HOSTS] = {0};
    struct sim_sample state;

    memset(&state, 0, sizeof(state));
    for (unsigned int h = 0; h < nr; h++)
        total += per_host[h].nr_samples;
    step = total / MAX_SAMPLES + 1;
    p->samples = calloc(total / step + 2, sizeof(*p->samples));
    if (!p->samples)
        return -1;
    for (size_t k = 0; k < total; k++) {
        const struct sim_sample *s = NULL;
        unsigned int from = 0;

        for (unsigned int h = 0; h < nr; h++)
            if (pos[h] < per_host[h].nr_samples && (!s || per_host[h].samples[pos[h]].t < s->t)) {
                s = &per_host[h].samples[pos[h]];
                from = h;
            }
        pos[from]++;
        state.t = s->t;
        for (unsigned int n = 0; n < nodes[from]; n++) {
            state.node_free[offset[from] + n] = s->node_free[n];
            state.node_claimed[offset[from] + n] = s->node_claimed[n];
        }
        host_claimed[from] = s->host_claimed;
        state.host_claimed = 0;
        for (unsigned int h = 0; h < nr; h++)
            state.host_claimed += host_claimed[h];
        if (k % step == 0 || k + 1 == total)
            p->samples[out++] = state;
    }
    p->nr_samples = out;
    return 0;
}

struct hosts {
    unsigned int nr;
    struct sim_workload w[SIM_MAX_HOSTS];
    unsigned int offset[SIM_MAX_HOSTS], nodes[SIM_MAX_HOSTS];
};

static int run_policy(const struct sim_drain_config *dc, struct hosts *hs, enum sim_policy_id id,
                      struct sim_policy_result *p, char *err, size_t errlen)
{
    const struct sim_workload *w0 = &hs->w[0];
    struct sim_ctx *ctxs[SIM_MAX_HOSTS] = {NULL};
    struct sim_policy_result per_host[SIM_MAX_HOSTS];
    struct pool pool = {.ctxs = ctxs, .nr = hs->nr};
    bool sampling[SIM_MAX_HOSTS] = {false};
    int rc = 0;

    memset(per_host, 0, sizeof(per_host));
    snprintf(p->name, sizeof(p->name), "%s", sim_policy_name(id));
    snprintf(p->description, sizeof(p->description), "%s", sim_policy_description(id));
    p->vms = calloc(w0->nr_vms ? w0->nr_vms : 1, sizeof(*p->vms));
    pool.host_of = calloc(w0->nr_vms ? w0->nr_vms : 1, sizeof(*pool.host_of));
    if (!p->vms || !pool.host_of) {
        free(pool.host_of);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    p->nr_vms = w0->nr_vms;
    for (unsigned int h = 0; h < hs->nr && !rc; h++) {
        struct claimset_host_opts opts = {.check_level = dc->base.check_level};
        struct sim_ctx *c = sim_ctx_new(&dc->base, &hs->w[h], id, p->vms, NULL);

        if (!c) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
            break;
        }
        ctxs[h] = c;
        snprintf(per_host[h].name, sizeof(per_host[h].name), "%s", p->name);
        c->host = claimset_host_create_topology(&hs->w[h].host.topo, &opts, c->err, sizeof(c->err));
        if (!c->host || !(c->aux = claimset_xc_open(c->host, 0)) || sim_prefill(c) ||
            sim_sampler_init(&c->sampler, c->host, hs->w[h].host.topo.nr_nodes, 0)) {
            sim_fail(c, "host %u: cannot set it up: %s", h, strerror(errno));
            rc = -1;
            break;
        }
        c->sampler.model_ns = &c->model_ns;
        sampling[h] = true;
        sim_sample(&c->sampler, true);
    }
    if (!rc) {
        double t0 = sim_now(), cpu0 = sim_cpu_now();

        rc = sim_run_des_pool(ctxs, hs->nr, pick_host, &pool);
        p->wall_seconds = sim_now() - t0;
        p->cpu_seconds = sim_cpu_now() - cpu0;
        for (unsigned int h = 0; h < hs->nr; h++)
            sim_sample(&ctxs[h]->sampler, true);
    }
    /* Each VM's memory at its place among the pool's nodes; its plan
     * names its host. */
    for (size_t v = 0; v < p->nr_vms; v++) {
        struct sim_vm_result *r = &p->vms[v];
        unsigned int h = pool.host_of[v];
        uint64_t local[SIM_MAX_NODES];
        char plan[sizeof(r->plan)];

        memcpy(local, r->node_pages, sizeof(local));
        memset(r->node_pages, 0, sizeof(r->node_pages));
        for (unsigned int n = 0; n < hs->nodes[h]; n++)
            r->node_pages[hs->offset[h] + n] = local[n];
        snprintf(plan, sizeof(plan), "host %u: %.*s", h + dc->drained, (int)(sizeof(plan) - 16),
                 r->plan);
        memcpy(r->plan, plan, sizeof(plan));
    }
    for (unsigned int h = 0; h < hs->nr; h++) {
        if (!ctxs[h])
            continue;
        sim_ctx_finish(ctxs[h], &per_host[h], sampling[h]);
        p->claims_recalled += per_host[h].claims_recalled;
        if (ctxs[h]->err[0] && !err[0])
            snprintf(err, errlen, "%s", ctxs[h]->err);
        pthread_mutex_destroy(&ctxs[h]->err_lock);
        free(ctxs[h]);
    }
    if (merge_samples(per_host, hs->nr, hs->offset, hs->nodes, p) && !err[0])
        snprintf(err, errlen, "out of memory");
    for (unsigned int h = 0; h < hs->nr; h++)
        free(per_host[h].samples);
    free(pool.host_of);
    sim_policy_totals(p);
    return err[0] ? -1 : 0;
}

void sim_drain_config_init(struct sim_drain_config *dc)
{
    memset(dc, 0, sizeof(*dc));
    sim_config_init(&dc->base, SIM_EVACUATE);
    dc->base.fill_pct = 50;
    dc->hosts = 4;
    dc->drained = 1;
    dc->drained_fill_pct = 60;
}

static int check(const struct sim_drain_config *dc, char *err, size_t errlen)
{
    if (dc->hosts < 2 || dc->hosts > SIM_MAX_POOL_HOSTS)
        snprintf(err, errlen, "--hosts: from 2 to %d", SIM_MAX_POOL_HOSTS);
    else if (dc->drained_fill_pct > 100)
        snprintf(err, errlen, "--drained-fill: at most 100");
    else if (!dc->drained || dc->drained >= dc->hosts)
        snprintf(err, errlen, "--drain: from 1 to %u (one host must receive)", dc->hosts - 1);
    else if (dc->nr_topologies > 1 && dc->nr_topologies != dc->hosts)
        snprintf(err, errlen,
                 "--host: %u given for %u hosts (one for every host, or use "
                 "--topology for all)",
                 dc->nr_topologies, dc->hosts);
    else if (dc->base.threads != 1)
        snprintf(err, errlen, "--threads: drain runs in modelled time only");
    else
        return 0;
    errno = EINVAL;
    return -1;
}

static void describe(const struct sim_drain_config *dc, const struct hosts *hs, struct sim_run *run)
{
    size_t n = 0, len = sizeof(run->pool);
    uint64_t vm = hs->w[0].vm_pages;
    char a[32], topo[SIM_TOPOLOGY_TEXT_LEN];

    n += (size_t)snprintf(run->pool, len, "%u hosts, %u drained, %u receiving:", dc->hosts,
                          dc->drained, hs->nr);
    for (unsigned int h = 0; h < hs->nr && n < len; h++) {
        claimset_topology_format(&hs->w[h].host.topo, topo, sizeof(topo));
        n += (size_t)snprintf(run->pool + n, len - n, "%s host %u %s", h ? ";" : "",
                              h + dc->drained, topo);
    }
    snprintf(run->workload, sizeof(run->workload),
             "%zu VMs (%s) from %u drained host%s, each %u%% full; receiving hosts %u%% full; "
             "%u parallel builders",
             hs->w[0].nr_vms, cs_human_size(vm, a, sizeof(a)), dc->drained,
             dc->drained == 1 ? "" : "s", dc->drained_fill_pct, dc->base.fill_pct,
             dc->base.window ? dc->base.window : SIM_DEFAULT_WINDOW);
}

int sim_drain_run(const struct sim_drain_config *dc, struct sim_run *run, char *err, size_t errlen)
{
    struct hosts *hs;
    struct sim_config vcfg = dc ? dc->base : (struct sim_config){0};
    unsigned int nr_nodes = 0, nr;
    int rc = 0;

    if (!dc || !run || !err || !errlen) {
        errno = EINVAL;
        return -1;
    }
    memset(run, 0, sizeof(*run));
    err[0] = '\0';
    if (check(dc, err, errlen))
        return -1;
    hs = calloc(1, sizeof(*hs));
    if (!hs) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    hs->nr = dc->hosts - dc->drained;
    for (unsigned int h = 0; h < hs->nr && !rc; h++) {
        struct sim_config hc = dc->base;

        hc.kind = SIM_EVACUATE;
        hc.offline_frames = 0;
        if (dc->nr_topologies > 1)
            hc.topology = dc->topologies[dc->drained + h];
        /* The incoming VMs: what the drained hosts held, as a share of
         * the first receiving host's free memory after its residents. */
        if (!h && !hc.nr_vms) {
            uint64_t pct = (uint64_t)dc->drained * dc->drained_fill_pct * 100 /
                           (100 - (dc->base.fill_pct < 95 ? dc->base.fill_pct : 95));

            hc.overcommit_pct =
                (unsigned int)(pct ? (pct < SIM_MAX_OVERCOMMIT ? pct : SIM_MAX_OVERCOMMIT) : 1);
        } else if (h) {
            hc.nr_vms = 1; /* its residents only; the VMs are host 0's */
        }
        hc.seed = dc->base.seed + 7919ULL * h; /* residents differ per host */
        if (h == 0)
            vcfg = hc;
        rc = sim_workload_make(&hc, &hs->w[h], err, errlen);
        if (!rc && nr_nodes + hs->w[h].host.topo.nr_nodes > SIM_MAX_NODES) {
            snprintf(err, errlen, "the receiving hosts have more than %d nodes in all",
                     SIM_MAX_NODES);
            errno = EINVAL;
            rc = -1;
        }
        if (!rc) {
            hs->offset[h] = nr_nodes;
            hs->nodes[h] = hs->w[h].host.topo.nr_nodes;
            nr_nodes += hs->nodes[h];
        }
    }
    if (!rc) {
        /* Every host builds host 0's VMs (its own are freed at the end). */
        for (unsigned int h = 1; h < hs->nr; h++) {
            free(hs->w[h].vms);
            hs->w[h].vms = hs->w[0].vms;
            hs->w[h].nr_vms = hs->w[0].nr_vms;
            hs->w[h].vm_pages = hs->w[0].vm_pages;
        }
        snprintf(run->command, sizeof(run->command), "drain");
        run->seed = dc->base.seed;
        run->threads = 1;
        run->deterministic = 1;
        run->builders = vcfg.window ? vcfg.window : SIM_DEFAULT_WINDOW;
        run->cost_hypercall_ns = vcfg.cost_hypercall_ns;
        run->cost_page_ns = vcfg.cost_page_ns;
        run->cost_scrub_ns = vcfg.cost_scrub_ns;
        run->strict = vcfg.strict;
        run->topo.nr_nodes = nr_nodes;
        for (unsigned int h = 0; h < hs->nr; h++)
            for (unsigned int i = 0; i < hs->nodes[h]; i++) {
                const struct claimset_topology *t = &hs->w[h].host.topo;
                unsigned int k = hs->offset[h] + i;

                run->topo.node_pages[k] = t->node_pages[i];
                run->topo.node_cpus[k] = t->node_cpus[i];
                for (unsigned int j = 0; j < hs->nodes[h]; j++)
                    run->topo.distance[k][hs->offset[h] + j] = t->distance[i][j];
            }
        describe(dc, hs, run);
        nr = dc->base.nr_policies ? dc->base.nr_policies : SIM_NR_POLICY_IDS;
        for (unsigned int i = 0; i < nr && !rc; i++) {
            enum sim_policy_id id =
                dc->base.nr_policies ? dc->base.policies[i] : (enum sim_policy_id)i;

            run->nr_policies = i + 1;
            rc = run_policy(dc, hs, id, &run->policies[i], err, errlen);
        }
        if (rc)
            errno = EIO;
    }
    for (unsigned int h = 1; h < hs->nr; h++)
        if (hs->w[h].vms == hs->w[0].vms) {
            hs->w[h].vms = NULL;
            hs->w[h].nr_vms = 0;
        }
    for (unsigned int h = 0; h < hs->nr; h++)
        sim_workload_free(&hs->w[h]);
    free(hs);
    return rc;
}
