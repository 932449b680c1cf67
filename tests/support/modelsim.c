/*
 * The differential simulation as a whole (see modelsim.h): setup, the
 * check after every step, the run loop and the report of a disagreement.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modelsim.h"

uint64_t ms_rnd(struct ms_sim *s, uint64_t n)
{
    return n ? test_rng_below(&s->rng, n) : 0;
}

bool ms_chance(struct ms_sim *s, unsigned int percent)
{
    return ms_rnd(s, 100) < percent;
}

bool ms_mismatch(struct ms_sim *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(s->why, sizeof(s->why), fmt, ap);
    va_end(ap);
    return false;
}

void ms_describe(struct ms_sim *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(s->op, sizeof(s->op), fmt, ap);
    va_end(ap);
}

/* ---- Setup ---- */

bool ms_init(struct ms_sim *s, uint64_t seed, const char *topo)
{
    struct host_config cfg;
    struct claimset_topology t;
    unsigned long frames[MAX_NUMNODES];
    char err[128];

    memset(s, 0, sizeof(*s));
    s->seed = seed;
    test_rng_init(&s->rng, seed);
    if (topo) {
        snprintf(s->topo, sizeof(s->topo), "%s", topo);
    } else {
        unsigned int nodes = 1 + (unsigned int)ms_rnd(s, 4);
        size_t len = 0;

        /* Sizes in KiB: whole MiBs, odd sizes, now and then no memory. */
        for (unsigned int n = 0; n < nodes; n++) {
            unsigned long kib = ms_chance(s, 8)    ? 0
                                : ms_chance(s, 50) ? 1024 * (1 + ms_rnd(s, 16))
                                                   : 4 * (1 + ms_rnd(s, 4096));
            len +=
                (size_t)snprintf(s->topo + len, sizeof(s->topo) - len, "%s%luK", n ? "," : "", kib);
        }
    }
    if (claimset_topology_parse(s->topo, &t, err, sizeof(err)) ||
        claimset_topology_total_pages(&t) < 64)
        return false; /* the caller draws another topology */
    host_config_default(&cfg, claimset_topology_total_pages(&t));
    cfg.check_level = CHECK_DEEP;
    /* Hypervisor pages per domain would be frames the test cannot see. */
    cfg.xen_pages_per_domain = 0;
    s->h = hvt_host_cfg(s->topo, &cfg);
    if (!s->h)
        return false;
    for (unsigned int n = 0; n < t.nr_nodes; n++)
        frames[n] = t.node_pages[n];
    if (rm_init(&s->m, t.nr_nodes, frames))
        return false;
    s->nr_frames = s->m.nr_frames;
    s->owner = calloc(s->nr_frames, sizeof(*s->owner));
    return s->owner != NULL;
}

void ms_fini(struct ms_sim *s)
{
    for (unsigned int i = 0; i < s->nr_dom; i++) {
        domain_put(s->dom[i].d);
        free(s->dom[i].p2m);
        free(s->dom[i].extra);
    }
    if (s->h)
        host_destroy(s->h);
    rm_fini(&s->m);
    free(s->owner);
}

/* ---- Checking after each step ---- */

bool ms_check_step(struct ms_sim *s)
{
    struct domain *doms[MS_MAX_DOMS];
    char report[512];

    if (!host_check(s->h, CHECK_DEEP, report, sizeof(report)))
        return ms_mismatch(s, "invariant checker: %s", report);
    for (unsigned int i = 0; i < s->nr_dom; i++)
        doms[i] = s->dom[i].d;
    if (!rm_compare(&s->m, s->h, doms, s->nr_dom, report, sizeof(report)))
        return ms_mismatch(s, "state differs: %s", report);
    return true;
}

/* ---- Runs ---- */

/* Drop dying domains whose time is up: the struct goes with our ref. */
static void reap(struct ms_sim *s)
{
    for (unsigned int i = 0; i < s->nr_dom;) {
        struct ms_dom *t = &s->dom[i];

        if (!t->dying || t->linger--) {
            i++;
            continue;
        }
        domain_put(t->d);
        rm_domain_forget(&s->m, t->id);
        free(t->p2m);
        free(t->extra);
        *t = s->dom[--s->nr_dom];
    }
}

bool ms_steps(struct ms_sim *s, unsigned long steps)
{
    for (unsigned long i = 0; i < steps; i++) {
        s->step++;
        s->op[0] = s->why[0] = '\0';
        reap(s);
        if (!ms_random_step(s) || !ms_check_step(s))
            return false;
        s->st[MS_ST_STEPS]++;
    }
    return true;
}

void ms_report_mismatch(const struct ms_sim *s)
{
    test_fail(__FILE__, __LINE__,
              "MISMATCH seed %llu (replay: CS_SEED=%llu CS_MODEL_RUNS=1) topology %s, step %lu: "
              "%s: %s",
              (unsigned long long)s->seed, (unsigned long long)s->seed, s->topo, s->step, s->op,
              s->why);
}
