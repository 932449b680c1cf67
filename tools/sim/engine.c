/*
 * sim_run(): the workload once, then each policy on its own fresh host
 * with the same topology -- prefill, the schedule, a deep invariant check
 * when asked -- and the results in a struct sim_run.
 *
 * The schedule is the modelled-time one (des.c) unless real builder
 * threads are asked for (threads.c, the stress mode).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_private.h"

void sim_config_init(struct sim_config *cfg, enum sim_kind kind)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->kind = kind;
    cfg->seed = 1;
    cfg->threads = 1;
    cfg->window = SIM_DEFAULT_WINDOW;
    cfg->cost_hypercall_ns = SIM_DEFAULT_COST_HYPERCALL_NS;
    cfg->cost_page_ns = SIM_DEFAULT_COST_PAGE_NS;
    cfg->cost_scrub_ns = SIM_DEFAULT_COST_SCRUB_NS;
    cfg->overcommit_pct = SIM_DEFAULT_OVERCOMMIT;
    cfg->balloons = kind == SIM_STORM ? 4 : 0;
    cfg->offline_frames = kind == SIM_STORM ? 8 : 0;
    cfg->fill_pct = SIM_DEFAULT_FILL;
    cfg->fragment_pct = -1;
}

static int check_config(const struct sim_config *cfg, char *err, size_t errlen)
{
    bool seen[SIM_NR_POLICY_IDS] = {false};

    if (cfg->kind != SIM_STORM && cfg->kind != SIM_EVACUATE)
        snprintf(err, errlen, "unknown simulation kind");
    else if (!cfg->threads || cfg->threads > 1024)
        snprintf(err, errlen, "--threads: from 1 to 1024");
    else if (cfg->window > SIM_MAX_BUILDERS)
        snprintf(err, errlen, "--builders: at most %d", SIM_MAX_BUILDERS);
    else if (cfg->cost_hypercall_ns > SIM_MAX_COST_NS || cfg->cost_page_ns > SIM_MAX_COST_NS ||
             cfg->cost_scrub_ns > SIM_MAX_COST_NS)
        snprintf(err, errlen, "--cost-*: at most %llu ns", (unsigned long long)SIM_MAX_COST_NS);
    else if (cfg->nr_vms > SIM_MAX_VMS)
        snprintf(err, errlen, "--vms: at most %d", SIM_MAX_VMS);
    else if (cfg->overcommit_pct > SIM_MAX_OVERCOMMIT)
        snprintf(err, errlen, "--overcommit: at most %d", SIM_MAX_OVERCOMMIT);
    else if (cfg->nr_classes > SIM_MAX_SIZE_CLASSES)
        snprintf(err, errlen, "--size-mix: at most %d sizes", SIM_MAX_SIZE_CLASSES);
    else if (cfg->fill_pct > 95)
        snprintf(err, errlen, "--fill: at most 95");
    else if (cfg->fragment_pct > 100)
        snprintf(err, errlen, "--fragment: at most 100");
    else if (cfg->nr_policies > SIM_MAX_POLICIES)
        snprintf(err, errlen, "--policies: at most %d", SIM_MAX_POLICIES);
    else
        err[0] = '\0';
    for (unsigned int i = 0; i < cfg->nr_classes && !err[0]; i++)
        if (!cfg->classes[i].pages || !cfg->classes[i].vcpus || !cfg->classes[i].weight)
            snprintf(err, errlen, "--size-mix: entry %u is empty", i + 1);
    for (unsigned int i = 0; i < cfg->nr_policies && !err[0]; i++) {
        if ((unsigned int)cfg->policies[i] >= SIM_NR_POLICY_IDS)
            snprintf(err, errlen, "--policies: unknown policy %d", (int)cfg->policies[i]);
        else if (seen[cfg->policies[i]])
            snprintf(err, errlen, "--policies: '%s' given twice",
                     sim_policy_name(cfg->policies[i]));
        else
            seen[cfg->policies[i]] = true;
    }
    if (!err[0])
        return 0;
    errno = EINVAL;
    return -1;
}

struct sim_ctx *sim_ctx_new(const struct sim_config *cfg, const struct sim_workload *w,
                            enum sim_policy_id id, struct sim_vm_result *vms, void *progress)
{
    struct sim_ctx *c = calloc(1, sizeof(*c));

    if (!c || pthread_mutex_init(&c->err_lock, NULL)) {
        free(c);
        return NULL;
    }
    c->cfg = cfg;
    c->w = w;
    c->policy = id;
    c->vms = vms;
    c->progress = progress;
    atomic_init(&c->next, 0);
    atomic_init(&c->done, 0);
    atomic_init(&c->offline_fired, false);
    atomic_init(&c->failed, false);
    return c;
}

/* Everything after the schedule: counters, samples, the check, cleanup.
 * Handles close before the host goes. */
void sim_ctx_finish(struct sim_ctx *c, struct sim_policy_result *p, bool sampling)
{
    struct claimset_counters counters;
    char report[512];

    if (c->aux && !claimset_host_counters(c->host, &counters))
        p->claims_recalled += counters.claims_recalled;
    sim_prefill_release(c);
    if (sampling) {
        sim_sampler_take(&c->sampler, &p->samples, &p->nr_samples);
        sim_sampler_destroy(&c->sampler);
    }
    if (c->host && c->cfg->deep_check) {
        if (claimset_host_check(c->host, report, sizeof(report)))
            sim_fail(c, "policy %s: the host's invariants are broken: %s", p->name, report);
        else
            p->deep_checked = true;
    }
    xc_interface_close(c->aux);
    c->aux = NULL;
    if (claimset_host_destroy(c->host))
        sim_fail(c, "policy %s: destroying the host: %s", p->name, strerror(errno));
    c->host = NULL;
}

static int run_policy(const struct sim_config *cfg, const struct sim_workload *w,
                      enum sim_policy_id id, void *progress, struct sim_policy_result *p, char *err,
                      size_t errlen)
{
    struct claimset_host_opts opts = {.check_level = cfg->check_level};
    struct sim_ctx *c;
    double cpu0;
    bool sampling = false;
    int rc = -1;

    snprintf(p->name, sizeof(p->name), "%s", sim_policy_name(id));
    snprintf(p->description, sizeof(p->description), "%s", sim_policy_description(id));
    p->vms = calloc(w->nr_vms ? w->nr_vms : 1, sizeof(*p->vms));
    c = p->vms ? sim_ctx_new(cfg, w, id, p->vms, progress) : NULL;
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    p->nr_vms = w->nr_vms;

    c->host = claimset_host_create_topology(&w->host.topo, &opts, c->err, sizeof(c->err));
    if (!c->host) {
        sim_fail(c, "cannot create the host: %s", strerror(errno));
        goto out;
    }
    c->aux = claimset_xc_open(c->host, 0);
    if (!c->aux) {
        sim_fail(c, "cannot open a handle: %s", strerror(errno));
        goto out;
    }
    if (sim_prefill(c))
        goto out;
    c->t0 = sim_now();
    if (sim_sampler_init(&c->sampler, c->host, w->host.topo.nr_nodes, c->t0)) {
        sim_fail(c, "sampler: %s", strerror(errno));
        goto out;
    }
    sampling = true;
    if (cfg->threads == 1)
        c->sampler.model_ns = &c->model_ns;
    sim_sample(&c->sampler, true);
    cpu0 = sim_cpu_now();
    rc = cfg->threads > 1 ? sim_run_threads(c) : sim_run_des(c);
    p->wall_seconds = sim_now() - c->t0;
    p->cpu_seconds = sim_cpu_now() - cpu0;
    if (!rc)
        sim_sample(&c->sampler, true);
out:
    sim_ctx_finish(c, p, sampling);
    sim_policy_totals(p);
    rc = c->err[0] ? -1 : 0;
    if (rc)
        snprintf(err, errlen, "%s", c->err);
    pthread_mutex_destroy(&c->err_lock);
    free(c);
    return rc;
}

int sim_run(const struct sim_config *cfg, struct sim_run *run, char *err, size_t errlen)
{
    void *progress = NULL;
    struct sim_workload w;
    unsigned int nr;
    int rc = 0;

    if (!cfg || !run || !err || !errlen) {
        errno = EINVAL;
        return -1;
    }
    memset(run, 0, sizeof(*run));
    err[0] = '\0';
    if (check_config(cfg, err, errlen))
        return -1;
    if (sim_workload_make(cfg, &w, err, errlen))
        return -1;

    snprintf(run->command, sizeof(run->command), "%s",
             cfg->kind == SIM_EVACUATE ? "evacuate" : "storm");
    run->seed = cfg->seed;
    run->threads = cfg->threads;
    run->deterministic = cfg->threads == 1;
    run->builders = cfg->threads > 1 ? cfg->threads
                    : cfg->window    ? cfg->window
                                     : SIM_DEFAULT_WINDOW;
    run->cost_hypercall_ns = cfg->cost_hypercall_ns;
    run->cost_page_ns = cfg->cost_page_ns;
    run->cost_scrub_ns = cfg->cost_scrub_ns;
    run->strict = cfg->strict;
    run->topo = w.host.topo;
    snprintf(run->workload, sizeof(run->workload), "%s", w.text);

    nr = cfg->nr_policies ? cfg->nr_policies : SIM_NR_POLICY_IDS;
    if (cfg->progress)
        progress = cfg->progress->start((uint64_t)w.nr_vms * nr, run->command);
    for (unsigned int i = 0; i < nr && !rc; i++) {
        enum sim_policy_id id = cfg->nr_policies ? cfg->policies[i] : (enum sim_policy_id)i;

        run->nr_policies = i + 1;
        rc = run_policy(cfg, &w, id, progress, &run->policies[i], err, errlen);
    }
    if (cfg->progress && progress)
        cfg->progress->end(progress);
    sim_workload_free(&w);
    if (rc)
        errno = EIO;
    return rc;
}
