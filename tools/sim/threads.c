/*
 * The threaded schedule: `threads` builder threads, each with its own
 * control handle, take VMs from a shared queue in workload order and
 * build each from start to finish; every ballooning guest steps on its
 * own thread (about every millisecond) and a sampler thread records the
 * host every 10 ms until the last build is done.  The thread that
 * completes the middle VM offlines the frames.  Builds race for real, so
 * results vary from run to run.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/sim_private.h"

#define BALLOON_PERIOD_NS 1000000L
#define SAMPLE_PERIOD_NS  10000000L

struct helper {
    struct sim_ctx *c;
    atomic_bool *stop;
    unsigned int index;
};

static void pause_ns(long ns)
{
    struct timespec ts = {.tv_sec = 0, .tv_nsec = ns};

    nanosleep(&ts, NULL);
}

static void *builder_thread(void *arg)
{
    struct sim_ctx *c = arg;
    xc_interface *xch = claimset_xc_open(c->host, 0);
    struct sim_build b = {0};

    if (!xch) {
        sim_fail(c, "builder handle: %s", strerror(errno));
        return NULL;
    }
    while (!atomic_load(&c->failed)) {
        size_t i = atomic_fetch_add(&c->next, 1);

        if (i >= c->w->nr_vms)
            break;
        if (sim_build_start(c, xch, i, &b))
            break;
        if (!b.refused && sim_build_finish(c, xch, &b))
            break;
        sim_build_completed(c);
    }
    xc_interface_close(xch);
    return NULL;
}

static void *balloon_thread(void *arg)
{
    struct helper *h = arg;

    while (!atomic_load(h->stop) && !atomic_load(&h->c->failed)) {
        if (sim_balloon_step(&h->c->balloons[h->index])) {
            sim_fail(h->c, "ballooning guest %u: %s", h->index, strerror(errno));
            break;
        }
        pause_ns(BALLOON_PERIOD_NS);
    }
    return NULL;
}

static void *sampler_thread(void *arg)
{
    struct helper *h = arg;

    while (!atomic_load(h->stop)) {
        pause_ns(SAMPLE_PERIOD_NS);
        sim_sample(&h->c->sampler, false);
    }
    return NULL;
}

int sim_run_threads(struct sim_ctx *c)
{
    unsigned int nb = c->nr_balloons, nt = c->cfg->threads, started_b = 0, started_t = 0;
    pthread_t *builders = calloc(nt, sizeof(*builders));
    pthread_t *helpers = calloc(nb + 1, sizeof(*helpers));
    struct helper *args = calloc(nb + 1, sizeof(*args));
    atomic_bool stop;

    atomic_init(&stop, false);
    if (!builders || !helpers || !args) {
        sim_fail(c, "out of memory");
        goto out;
    }
    for (unsigned int i = 0; i <= nb; i++) {
        args[i] = (struct helper){.c = c, .stop = &stop, .index = i};
        if (pthread_create(&helpers[i], NULL, i < nb ? balloon_thread : sampler_thread, &args[i])) {
            sim_fail(c, "cannot start a thread");
            goto join;
        }
        started_b++;
    }
    for (unsigned int i = 0; i < nt; i++) {
        if (pthread_create(&builders[i], NULL, builder_thread, c)) {
            sim_fail(c, "cannot start a builder thread");
            break;
        }
        started_t++;
    }
join:
    for (unsigned int i = 0; i < started_t; i++)
        pthread_join(builders[i], NULL);
    atomic_store(&stop, true);
    for (unsigned int i = 0; i < started_b; i++)
        pthread_join(helpers[i], NULL);
out:
    free(builders);
    free(helpers);
    free(args);
    return atomic_load(&c->failed) ? -1 : 0;
}
