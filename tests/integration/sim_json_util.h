/*
 * A run as JSON with the real times ("wall_seconds", "cpu_seconds") set
 * to 0 and every modelled time kept: two runs of the same seed must then
 * give the same bytes.  Header-only, for the integration tests that link
 * the output layer (test_drain.c, test_sim_time.c).
 */
#ifndef TESTS_SIM_JSON_UTIL_H
#define TESTS_SIM_JSON_UTIL_H

#include <stdio.h>
#include <stdlib.h>

#include "out/out.h"
#include "sim/sim_results.h"

/* The JSON text (free() it), or NULL when it could not be written. */
static inline char *sim_json_modelled(struct sim_run *run)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    for (unsigned int i = 0; i < run->nr_policies; i++)
        run->policies[i].wall_seconds = run->policies[i].cpu_seconds = 0;
    if (!f)
        return NULL;
    if (out_json(f, run) || fclose(f)) {
        free(buf);
        return NULL;
    }
    return buf;
}

#endif /* TESTS_SIM_JSON_UTIL_H */
