/*
 * Per-node free and claimed memory over time, for the report's charts,
 * read through the public API (xc_numa_meminfo) on the sampler's own
 * handle.
 *
 * The count is bounded: when the buffer is full, every other sample is
 * dropped and from then on only every stride-th request is recorded, so
 * a long run keeps an even spread over its whole length in at most CAP
 * samples.  Which requests are kept depends only on their order, so a
 * run in modelled time samples identically every time, each sample
 * stamped with the modelled time.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/sim_private.h"

#define CAP 1024

int sim_sampler_init(struct sim_sampler *s, claimset_host *host, unsigned int nr_nodes, double t0)
{
    memset(s, 0, sizeof(*s));
    if (pthread_mutex_init(&s->lock, NULL))
        return -1;
    s->xch = claimset_xc_open(host, 0);
    s->v = calloc(CAP, sizeof(*s->v));
    if (!s->xch || !s->v) {
        sim_sampler_destroy(s);
        return -1;
    }
    s->cap = CAP;
    s->stride = 1;
    s->nr_nodes = nr_nodes;
    s->t0 = t0;
    return 0;
}

/* Keep samples 0, 2, 4, ... and record half as often from now on. */
static void thin_locked(struct sim_sampler *s)
{
    size_t k = 0;

    for (size_t i = 0; i < s->nr; i += 2)
        s->v[k++] = s->v[i];
    s->nr = k;
    s->stride *= 2;
}

void sim_sample(struct sim_sampler *s, bool force)
{
    xc_numa_meminfo_t info[SIM_MAX_NODES];
    unsigned int nr = SIM_MAX_NODES;
    struct sim_sample *out;
    xc_physinfo_t pi;
    uint64_t on_nodes = 0;

    if (!s->v)
        return;
    pthread_mutex_lock(&s->lock);
    if (s->requests++ % s->stride && !force)
        goto out;
    if (s->nr == s->cap)
        thin_locked(s);
    /* Read under the lock: samples stay in time order. */
    if (xc_numa_meminfo(s->xch, &nr, info))
        goto out;
    out = &s->v[s->nr++];
    memset(out, 0, sizeof(*out));
    out->t = s->model_ns ? (double)*s->model_ns * 1e-9 : sim_now() - s->t0;
    for (unsigned int n = 0; n < nr && n < s->nr_nodes; n++) {
        out->node_free[n] = info[n].free >> XC_PAGE_SHIFT;
        out->node_claimed[n] = info[n].claimed >> XC_PAGE_SHIFT;
        on_nodes += out->node_claimed[n];
    }
    /* Host-wide claims show on no node: what is outstanding beyond the
     * nodes' claims. */
    if (!xc_physinfo(s->xch, &pi) && pi.outstanding_pages > on_nodes)
        out->host_claimed = pi.outstanding_pages - on_nodes;
out:
    pthread_mutex_unlock(&s->lock);
}

void sim_sampler_take(struct sim_sampler *s, struct sim_sample **v, size_t *nr)
{
    pthread_mutex_lock(&s->lock);
    *v = s->v;
    *nr = s->nr;
    s->v = NULL;
    s->nr = 0;
    pthread_mutex_unlock(&s->lock);
}

void sim_sampler_destroy(struct sim_sampler *s)
{
    free(s->v);
    s->v = NULL;
    xc_interface_close(s->xch);
    s->xch = NULL;
    pthread_mutex_destroy(&s->lock);
}
