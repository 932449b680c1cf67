/*
 * CSV after RFC 4180: a header row, CRLF line ends, fields quoted only
 * when they hold a comma, quote, CR or LF (or start or end with a space),
 * quotes doubled.  Every row of a file has as many fields as its header.
 * Numbers are plain (no thousands separators, no units); a ratio that is
 * not finite is an empty field.  The command and seed repeat on every row
 * so that files of several runs can be concatenated (minus headers) and
 * still be told apart.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>

#include "out/out.h"

#define EOL "\r\n"

static void num(FILE *f, uint64_t v)
{
    fprintf(f, ",%" PRIu64, v);
}

static void dbl(FILE *f, double v)
{
    fputc(',', f);
    if (isfinite(v))
        out_json_double(f, v);
}

static void text(FILE *f, const char *s, size_t maxlen)
{
    fputc(',', f);
    out_csv_field(f, s, maxlen);
}

/* The first two columns of every row: command, seed. */
static void row_start(FILE *f, const struct sim_run *run)
{
    out_csv_field(f, run->command, sizeof(run->command));
    num(f, run->seed);
}

static int check(FILE *f, const struct sim_run *run)
{
    if (!f || sim_run_validate(run)) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

int out_csv(FILE *f, const struct sim_run *run)
{
    if (check(f, run))
        return -1;
    fputs("command,seed,policy,description,vms_total,vms_built,vms_refused_claim,"
          "vms_failed_populate,pages_requested,pages_built,intended_pages,"
          "pages_on_intended_node,intended_share,access_cost,extents_1g,extents_2m,extents_4k,"
          "pages_wasted,hypercalls,claims_recalled,vms_recovered,vms_degraded,pages_degraded,"
          "completion_seconds,first_failure_seconds,wall_seconds,cpu_seconds" EOL,
          f);
    for (unsigned int i = 0; i < run->nr_policies; i++) {
        const struct sim_policy_result *p = &run->policies[i];

        row_start(f, run);
        text(f, p->name, sizeof(p->name));
        text(f, p->description, sizeof(p->description));
        num(f, p->vms_total);
        num(f, p->vms_built);
        num(f, p->vms_refused_claim);
        num(f, p->vms_failed_populate);
        num(f, p->pages_requested);
        num(f, p->pages_built);
        num(f, p->intended_pages);
        num(f, p->pages_on_intended_node);
        dbl(f, p->intended_share);
        dbl(f, p->access_cost);
        num(f, p->extents_1g);
        num(f, p->extents_2m);
        num(f, p->extents_4k);
        num(f, p->pages_wasted);
        num(f, p->hypercalls);
        num(f, p->claims_recalled);
        num(f, p->vms_recovered);
        num(f, p->vms_degraded);
        num(f, p->pages_degraded);
        dbl(f, p->completion_seconds);
        dbl(f, p->first_failure_seconds);
        dbl(f, p->wall_seconds);
        dbl(f, p->cpu_seconds);
        fputs(EOL, f);
    }
    return out_stream_status(f);
}

int out_csv_vms(FILE *f, const struct sim_run *run)
{
    if (check(f, run))
        return -1;
    fputs("command,seed,policy,vm,pages,vcpus,outcome,intended_pages,pages_on_intended_node,"
          "access_cost,extents_1g,extents_2m,extents_4k,hypercalls,start,seconds,recovered_pages,"
          "degraded_pages,plan",
          f);
    for (unsigned int n = 0; n < run->topo.nr_nodes; n++)
        fprintf(f, ",node%u_pages", n);
    fputs(EOL, f);
    for (unsigned int i = 0; i < run->nr_policies; i++) {
        const struct sim_policy_result *p = &run->policies[i];

        for (size_t v = 0; v < p->nr_vms; v++) {
            const struct sim_vm_result *vm = &p->vms[v];

            row_start(f, run);
            text(f, p->name, sizeof(p->name));
            text(f, vm->name, sizeof(vm->name));
            num(f, vm->pages);
            num(f, vm->vcpus);
            fprintf(f, ",%s", sim_outcome_name(vm->outcome));
            num(f, vm->intended_pages);
            num(f, vm->pages_on_intended_node);
            dbl(f, vm->access_cost);
            num(f, vm->extents_1g);
            num(f, vm->extents_2m);
            num(f, vm->extents_4k);
            num(f, vm->hypercalls);
            dbl(f, vm->start);
            dbl(f, vm->seconds);
            num(f, vm->recovered_pages);
            num(f, vm->degraded_pages);
            text(f, vm->plan, sizeof(vm->plan));
            for (unsigned int n = 0; n < run->topo.nr_nodes; n++)
                num(f, vm->node_pages[n]);
            fputs(EOL, f);
        }
    }
    return out_stream_status(f);
}

int out_csv_samples(FILE *f, const struct sim_run *run)
{
    if (check(f, run))
        return -1;
    fputs("command,seed,policy,t,node,free_pages,claimed_pages,host_claimed_pages" EOL, f);
    for (unsigned int i = 0; i < run->nr_policies; i++) {
        const struct sim_policy_result *p = &run->policies[i];

        for (size_t s = 0; s < p->nr_samples; s++) {
            for (unsigned int n = 0; n < run->topo.nr_nodes; n++) {
                row_start(f, run);
                text(f, p->name, sizeof(p->name));
                dbl(f, p->samples[s].t);
                num(f, n);
                num(f, p->samples[s].node_free[n]);
                num(f, p->samples[s].node_claimed[n]);
                num(f, p->samples[s].host_claimed); /* the host's, on every node's row */
                fputs(EOL, f);
            }
        }
    }
    return out_stream_status(f);
}
