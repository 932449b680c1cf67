/*
 * Build-time configuration of the hypervisor side.
 *
 * Debug code is written as `if (config_debug)` on a constant, so it is
 * compiled (and kept warning-free) in every build and removed by the
 * optimiser when off.  CS_DEBUG comes from the build system's
 * CLAIMSET_CHECKS: on in Debug builds unless turned off, and in every build
 * of the test suite; off in the library that is installed.
 */
#ifndef HV_CONFIG_H
#define HV_CONFIG_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef CS_DEBUG
#define CS_DEBUG 0
#endif

static const bool config_debug = CS_DEBUG;

/* Debug-only consistency assertion.  Never used for caller input. */
#define ASSERT(cond)                                                                               \
    do {                                                                                           \
        if (config_debug && !(cond)) {                                                             \
            fprintf(stderr, "%s:%d: assertion '%s' failed\n", __FILE__, __LINE__, #cond);          \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* A state that must be impossible in every build. */
#define BUG_ON(cond)                                                                               \
    do {                                                                                           \
        if (cond) {                                                                                \
            fprintf(stderr, "%s:%d: BUG: '%s'\n", __FILE__, __LINE__, #cond);                      \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#endif /* HV_CONFIG_H */
