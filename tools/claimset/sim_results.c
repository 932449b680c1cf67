/*
 * Lifetime and validation of struct sim_run.  The per-VM and sample arrays
 * of policies [0, nr_policies) are malloc'd and owned by the run;
 * sim_run_free() releases them and leaves the run with no policies, so
 * freeing twice is harmless.
 */
#include <errno.h>
#include <stdlib.h>

#include "sim_results.h"
#include "out/out.h"

void sim_run_free(struct sim_run *run)
{
    unsigned int n;

    if (!run)
        return;
    n = run->nr_policies < SIM_MAX_POLICIES ? run->nr_policies : SIM_MAX_POLICIES;
    for (unsigned int i = 0; i < n; i++) {
        struct sim_policy_result *p = &run->policies[i];

        free(p->vms);
        p->vms = NULL;
        p->nr_vms = 0;
        free(p->samples);
        p->samples = NULL;
        p->nr_samples = 0;
    }
    run->nr_policies = 0;
}

int sim_run_validate(const struct sim_run *run)
{
    if (!run || run->nr_nodes > SIM_MAX_NODES || run->nr_policies > SIM_MAX_POLICIES)
        goto invalid;
    for (unsigned int i = 0; i < run->nr_policies; i++) {
        const struct sim_policy_result *p = &run->policies[i];

        if ((p->nr_vms && !p->vms) || (p->nr_samples && !p->samples))
            goto invalid;
    }
    return 0;
invalid:
    errno = EINVAL;
    return -1;
}

const char *sim_outcome_name(enum sim_outcome o)
{
    switch (o) {
    case SIM_BUILT:
        return "built";
    case SIM_REFUSED_CLAIM:
        return "refused_claim";
    case SIM_FAILED_POPULATE:
        return "failed_populate";
    }
    return "unknown";
}

const char *out_outcome_label(enum sim_outcome o)
{
    switch (o) {
    case SIM_BUILT:
        return "built";
    case SIM_REFUSED_CLAIM:
        return "refused at claim time";
    case SIM_FAILED_POPULATE:
        return "failed while populating";
    }
    return "unknown";
}
