/*
 * What every part of a policy's run shares, below all of them: its clocks
 * (modelled, wall-clock, CPU) and its first failure.  (They lived in build.c, which made prefill,
 * the policies and the engine depend on the builder for them.)
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "sim/sim_private.h"

double sim_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double sim_cpu_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double sim_clock(const struct sim_ctx *c)
{
    if (c->des)
        return (double)c->model_ns * 1e-9;
    return sim_now() - c->t0;
}

int sim_fail(struct sim_ctx *c, const char *fmt, ...)
{
    va_list ap;

    pthread_mutex_lock(&c->err_lock);
    if (!c->err[0]) {
        va_start(ap, fmt);
        vsnprintf(c->err, sizeof(c->err), fmt, ap);
        va_end(ap);
    }
    atomic_store(&c->failed, true);
    pthread_mutex_unlock(&c->err_lock);
    return -1;
}
