/*
 * The modelled-time schedule: a toolstack with `builders` parallel domain
 * builders, as a discrete-event model.
 *
 * Each builder is a thread, but only one thread runs at any moment: the
 * schedule hands the turn to the builder whose clock is earliest (ties:
 * the one that queued first) and waits until that builder queues again.
 * A builder runs one step of its build in its turn -- create, plan and
 * claim; one populate call; release -- and before the next step its
 * clock advances by what the step cost:
 *
 *   hypercalls x cost_hypercall + pages populated x cost_page
 *                               + pages scrubbed x cost_scrub
 *
 * measured from the host's counters and the builder's handle, which
 * nothing else touched meanwhile.  Ballooning guests step every
 * BALLOON_PERIOD of modelled time, in the schedule's own turn.  So the
 * order of every hypercall, and every result, follows from the seed and
 * the parameters alone: neither the machine, nor its load, nor how the
 * operating system schedules the threads changes a bit of it.
 *
 * A step's memory is taken when the step starts and its cost is paid
 * after it: a populate call's pages are gone for the others at once, as
 * in the hypervisor, and the builder is busy for the call's duration.
 * To keep steps short, a build's guest memory is populated in pieces of
 * at most a few GiB (split at 1 GiB-aligned guest frames, so the extents
 * are those of one piece), the way a preemptible hypercall lets other
 * builders in between.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_private.h"

/* Ballooning guests move every 20 ms of modelled time. */
#define BALLOON_PERIOD_NS 20000000ULL

struct des_slot {
    struct sim_des *d;
    unsigned int id;
    pthread_cond_t cv;
    uint64_t t, seq; /* its clock, and its place among equal clocks */
    bool queued;     /* waiting for its turn */
    bool done;
    struct sim_ctx *c; /* the host of the build it runs */
    xc_interface *xch; /* the builder's handle on that host */
    /* The host and handle as the builder's turn began. */
    uint64_t free0, scrub0, hcalls0;
    bool base_set;
};

struct sim_des {
    struct sim_ctx *c;     /* the first host: the queue of VMs */
    struct sim_ctx **ctxs; /* every host of the pool (one, but for drain) */
    unsigned int nr_ctxs;
    int (*pick)(void *arg, size_t vm); /* the host for a VM; NULL: host 0 */
    void *pick_arg;
    pthread_mutex_t m;
    pthread_cond_t cv; /* the schedule waits here for the turn back */
    int turn;          /* the builder running, -1: the schedule */
    uint64_t seq;
    unsigned int nr;
    struct des_slot *slots;
};

static void counters(struct sim_ctx *c, uint64_t *free_pages, uint64_t *scrubbed)
{
    struct claimset_counters k;

    if (claimset_host_counters(c->host, &k)) {
        *free_pages = *scrubbed = 0;
        return;
    }
    *free_pages = k.free_pages;
    *scrubbed = k.pages_scrubbed_sync;
}

static uint64_t handle_calls(xc_interface *xch)
{
    struct claimset_xc_stats st;

    return claimset_xc_get_stats(xch, &st) ? 0 : st.hypercalls;
}

static bool any_failed(struct sim_des *d)
{
    for (unsigned int h = 0; h < d->nr_ctxs; h++)
        if (atomic_load(&d->ctxs[h]->failed))
            return true;
    return false;
}

/* The turn begins: remember the host as the builder finds it. */
static void begin_turn(struct des_slot *s)
{
    counters(s->c, &s->free0, &s->scrub0);
    s->hcalls0 = handle_calls(s->xch);
    s->base_set = true;
}

/* What the builder's turn cost, in modelled nanoseconds. */
static uint64_t turn_cost(struct des_slot *s)
{
    const struct sim_config *cfg = s->c->cfg;
    uint64_t free_pages, scrubbed, calls, pages;

    if (!s->base_set)
        return 0;
    counters(s->c, &free_pages, &scrubbed);
    calls = handle_calls(s->xch);
    /* Frees (a failed build destroyed) give pages back: no cost. */
    pages = s->free0 > free_pages ? s->free0 - free_pages : 0;
    return (calls - s->hcalls0) * cfg->cost_hypercall_ns + pages * cfg->cost_page_ns +
           (scrubbed - s->scrub0) * cfg->cost_scrub_ns;
}

/* Queue the builder at its clock and wait for its turn.  Called with
 * d->m held; returns with it held. */
static void wait_turn_locked(struct des_slot *s)
{
    struct sim_des *d = s->d;

    s->seq = d->seq++;
    s->queued = true;
    d->turn = -1;
    pthread_cond_signal(&d->cv);
    while (d->turn != (int)s->id)
        pthread_cond_wait(&s->cv, &d->m);
}

int sim_des_step(struct sim_build *b)
{
    struct des_slot *s = b->slot;
    struct sim_des *d;
    uint64_t cost;

    if (!s)
        return 0;
    d = s->d;
    cost = turn_cost(s);
    sim_sample(&s->c->sampler, false);
    pthread_mutex_lock(&d->m);
    s->t += cost;
    wait_turn_locked(s);
    pthread_mutex_unlock(&d->m);
    if (any_failed(d))
        return -1;
    begin_turn(s);
    return 0;
}

/* One builder: VMs in workload order, each start to finish on the host
 * the pool placement picks (the only host, but for drain). */
static void *builder(void *arg)
{
    struct des_slot *s = arg;
    struct sim_des *d = s->d;
    xc_interface *xchs[SIM_MAX_HOSTS] = {NULL};
    struct sim_build b;
    bool ok = true;

    pthread_mutex_lock(&d->m);
    while (d->turn != (int)s->id)
        pthread_cond_wait(&s->cv, &d->m);
    pthread_mutex_unlock(&d->m);
    for (unsigned int h = 0; h < d->nr_ctxs && ok; h++)
        if (!(xchs[h] = claimset_xc_open(d->ctxs[h]->host, 0)))
            ok = !sim_fail(d->ctxs[h], "builder handle: %s", strerror(errno));
    while (ok && !any_failed(d)) {
        /* Only the builder whose turn it is runs: next needs no more. */
        size_t i = atomic_fetch_add(&d->c->next, 1);
        int h = 0;
        struct sim_ctx *c;
        struct sim_vm_result *r;

        if (i >= d->c->w->nr_vms)
            break;
        if (d->pick && (h = d->pick(d->pick_arg, i)) < 0)
            break;
        c = d->ctxs[h];
        s->c = c;
        s->xch = xchs[h];
        memset(&b, 0, sizeof(b));
        b.slot = s;
        b.step = sim_des_step;
        begin_turn(s);
        if (sim_build_start(c, s->xch, i, &b))
            break;
        r = &c->vms[i];
        if (!b.refused && (sim_des_step(&b) || sim_build_finish(c, s->xch, &b)))
            break;
        /* The last step's cost (release, or the refusal) ends the build. */
        if (sim_des_step(&b))
            break;
        r->seconds = sim_clock(c) - r->start;
        sim_build_completed(c);
    }
    for (unsigned int h = 0; h < d->nr_ctxs; h++)
        xc_interface_close(xchs[h]);
    pthread_mutex_lock(&d->m);
    s->done = true;
    s->queued = false;
    d->turn = -1;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->m);
    return NULL;
}

/* The queued builder with the earliest clock, or NULL. */
static struct des_slot *earliest(struct sim_des *d)
{
    struct des_slot *best = NULL;

    for (unsigned int i = 0; i < d->nr; i++) {
        struct des_slot *s = &d->slots[i];

        if (s->queued && (!best || s->t < best->t || (s->t == best->t && s->seq < best->seq)))
            best = s;
    }
    return best;
}

static void set_clock(struct sim_des *d, uint64_t t)
{
    for (unsigned int h = 0; h < d->nr_ctxs; h++)
        d->ctxs[h]->model_ns = t;
}

static bool any_balloons(struct sim_des *d)
{
    for (unsigned int h = 0; h < d->nr_ctxs; h++)
        if (d->ctxs[h]->nr_balloons)
            return true;
    return false;
}

static void run_schedule_locked(struct sim_des *d)
{
    uint64_t next_balloon = BALLOON_PERIOD_NS;
    bool balloons = any_balloons(d);

    for (;;) {
        struct des_slot *s = earliest(d);

        if (!s)
            break; /* every builder is done */
        if (balloons && next_balloon <= s->t && !any_failed(d)) {
            set_clock(d, next_balloon);
            next_balloon += BALLOON_PERIOD_NS;
            pthread_mutex_unlock(&d->m);
            for (unsigned int h = 0; h < d->nr_ctxs; h++) {
                struct sim_ctx *c = d->ctxs[h];

                for (unsigned int i = 0; i < c->nr_balloons; i++)
                    if (sim_balloon_step(&c->balloons[i])) {
                        sim_fail(c, "ballooning guest %u: %s", i, strerror(errno));
                        break;
                    }
            }
            pthread_mutex_lock(&d->m);
            continue;
        }
        set_clock(d, s->t);
        s->queued = false;
        d->turn = (int)s->id;
        pthread_cond_signal(&s->cv);
        while (d->turn != -1)
            pthread_cond_wait(&d->cv, &d->m);
    }
}

int sim_run_des(struct sim_ctx *c)
{
    return sim_run_des_pool(&c, 1, NULL, NULL);
}

int sim_run_des_pool(struct sim_ctx **ctxs, unsigned int nr_ctxs, int (*pick)(void *, size_t),
                     void *pick_arg)
{
    struct sim_ctx *c = ctxs[0];
    unsigned int nr = c->cfg->window ? c->cfg->window : SIM_DEFAULT_WINDOW, started = 0;
    struct sim_des d = {.c = c,
                        .ctxs = ctxs,
                        .nr_ctxs = nr_ctxs,
                        .pick = pick,
                        .pick_arg = pick_arg,
                        .turn = -1,
                        .nr = nr};
    pthread_t *th = calloc(nr, sizeof(*th));
    bool ok = true;

    d.slots = calloc(nr, sizeof(*d.slots));
    if (nr_ctxs > SIM_MAX_HOSTS || !th || !d.slots || pthread_mutex_init(&d.m, NULL) ||
        pthread_cond_init(&d.cv, NULL)) {
        free(th);
        free(d.slots);
        return sim_fail(c, "out of memory");
    }
    for (unsigned int h = 0; h < nr_ctxs; h++) {
        ctxs[h]->des = &d;
        ctxs[h]->model_ns = 0;
        ctxs[h]->sampler.model_ns = &ctxs[h]->model_ns;
    }
    pthread_mutex_lock(&d.m);
    for (unsigned int i = 0; i < nr; i++) {
        struct des_slot *s = &d.slots[i];

        s->d = &d;
        s->id = i;
        s->c = c;
        pthread_cond_init(&s->cv, NULL);
        /* Every builder starts at time 0, in the order of its id. */
        s->seq = d.seq++;
        s->queued = true;
        if (pthread_create(&th[i], NULL, builder, s)) {
            s->queued = false;
            ok = false;
            break;
        }
        started++;
    }
    if (!ok)
        sim_fail(c, "cannot start a builder thread");
    run_schedule_locked(&d);
    pthread_mutex_unlock(&d.m);
    for (unsigned int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    for (unsigned int i = 0; i < nr; i++)
        if (i < started || i == started)
            pthread_cond_destroy(&d.slots[i].cv);
    pthread_cond_destroy(&d.cv);
    pthread_mutex_destroy(&d.m);
    for (unsigned int h = 0; h < nr_ctxs; h++)
        ctxs[h]->des = NULL;
    free(th);
    free(d.slots);
    return any_failed(&d) ? -1 : 0;
}
