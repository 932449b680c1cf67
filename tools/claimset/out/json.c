/*
 * JSON: the whole run, keys named after the struct fields so that a
 * reader of sim_results.h knows them.  "format" names the schema; it
 * changes only when a key changes meaning or disappears (adding keys does
 * not change it).  Counts are integers, ratios and times are numbers
 * (null when not finite), text is escaped and always valid UTF-8.
 * Per-node arrays have exactly nr_nodes entries.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "out/out.h"

#define JSON_FORMAT "claimset-sim-1"

#define STR(f, s) out_json_string(f, s, sizeof(s))

static void key(FILE *f, const char *indent, const char *name, bool first)
{
    fprintf(f, "%s\n%s\"%s\": ", first ? "" : ",", indent, name);
}

static void key_u(FILE *f, const char *indent, const char *name, uint64_t v)
{
    key(f, indent, name, false);
    fprintf(f, "%" PRIu64, v);
}

static void key_d(FILE *f, const char *indent, const char *name, double v)
{
    key(f, indent, name, false);
    out_json_double(f, v);
}

static void u64_array(FILE *f, const uint64_t *v, unsigned int n)
{
    fputc('[', f);
    for (unsigned int i = 0; i < n; i++)
        fprintf(f, "%s%" PRIu64, i ? ", " : "", v[i]);
    fputc(']', f);
}

static void write_vm(FILE *f, const struct sim_run *run, const struct sim_vm_result *vm)
{
    const char *in = "          ";

    fputs("{", f);
    key(f, in, "name", true);
    STR(f, vm->name);
    key_u(f, in, "pages", vm->pages);
    key_u(f, in, "vcpus", vm->vcpus);
    key(f, in, "outcome", false);
    fprintf(f, "\"%s\"", sim_outcome_name(vm->outcome));
    key(f, in, "node_pages", false);
    u64_array(f, vm->node_pages, run->topo.nr_nodes);
    key_u(f, in, "intended_pages", vm->intended_pages);
    key_u(f, in, "pages_on_intended_node", vm->pages_on_intended_node);
    key_d(f, in, "access_cost", vm->access_cost);
    key_u(f, in, "extents_1g", vm->extents_1g);
    key_u(f, in, "extents_2m", vm->extents_2m);
    key_u(f, in, "extents_4k", vm->extents_4k);
    key_u(f, in, "hypercalls", vm->hypercalls);
    key_d(f, in, "start", vm->start);
    key_d(f, in, "seconds", vm->seconds);
    key_u(f, in, "recovered_pages", vm->recovered_pages);
    key_u(f, in, "degraded_pages", vm->degraded_pages);
    key(f, in, "plan", false);
    STR(f, vm->plan);
    fputs("\n        }", f);
}

static void write_sample(FILE *f, const struct sim_run *run, const struct sim_sample *s)
{
    fputs("{\"t\": ", f);
    out_json_double(f, s->t);
    fputs(", \"node_free\": ", f);
    u64_array(f, s->node_free, run->topo.nr_nodes);
    fputs(", \"node_claimed\": ", f);
    u64_array(f, s->node_claimed, run->topo.nr_nodes);
    fprintf(f, ", \"host_claimed\": %" PRIu64, s->host_claimed);
    fputc('}', f);
}

static void write_policy(FILE *f, const struct sim_run *run, const struct sim_policy_result *p)
{
    const char *in = "      ";

    fputs("{", f);
    key(f, in, "name", true);
    STR(f, p->name);
    key(f, in, "description", false);
    STR(f, p->description);
    key_u(f, in, "vms_total", p->vms_total);
    key_u(f, in, "vms_built", p->vms_built);
    key_u(f, in, "vms_refused_claim", p->vms_refused_claim);
    key_u(f, in, "vms_failed_populate", p->vms_failed_populate);
    key_u(f, in, "pages_requested", p->pages_requested);
    key_u(f, in, "pages_built", p->pages_built);
    key_u(f, in, "intended_pages", p->intended_pages);
    key_u(f, in, "pages_on_intended_node", p->pages_on_intended_node);
    key_d(f, in, "intended_share", p->intended_share);
    key_d(f, in, "access_cost", p->access_cost);
    key_u(f, in, "extents_1g", p->extents_1g);
    key_u(f, in, "extents_2m", p->extents_2m);
    key_u(f, in, "extents_4k", p->extents_4k);
    key_u(f, in, "pages_wasted", p->pages_wasted);
    key_u(f, in, "hypercalls", p->hypercalls);
    key_u(f, in, "claims_recalled", p->claims_recalled);
    key_u(f, in, "vms_recovered", p->vms_recovered);
    key_u(f, in, "vms_degraded", p->vms_degraded);
    key_u(f, in, "pages_degraded", p->pages_degraded);
    key_d(f, in, "completion_seconds", p->completion_seconds);
    key_d(f, in, "first_failure_seconds", p->first_failure_seconds);
    key_d(f, in, "wall_seconds", p->wall_seconds);
    key_d(f, in, "cpu_seconds", p->cpu_seconds);

    key(f, in, "vms", false);
    fputc('[', f);
    for (size_t i = 0; i < p->nr_vms; i++) {
        fputs(i ? ",\n        " : "\n        ", f);
        write_vm(f, run, &p->vms[i]);
    }
    fputs(p->nr_vms ? "\n      ]" : "]", f);

    key(f, in, "samples", false);
    fputc('[', f);
    for (size_t i = 0; i < p->nr_samples; i++) {
        fputs(i ? ",\n        " : "\n        ", f);
        write_sample(f, run, &p->samples[i]);
    }
    fputs(p->nr_samples ? "\n      ]" : "]", f);
    fputs("\n    }", f);
}

int out_json(FILE *f, const struct sim_run *run)
{
    char topo[SIM_TOPOLOGY_TEXT_LEN];
    const char *in = "  ";

    if (!f || sim_run_validate(run)) {
        errno = EINVAL;
        return -1;
    }
    fputs("{", f);
    key(f, in, "format", true);
    fputs("\"" JSON_FORMAT "\"", f);
    key(f, in, "command", false);
    STR(f, run->command);
    key_u(f, in, "seed", run->seed);
    key_u(f, in, "threads", run->threads);
    key(f, in, "deterministic", false);
    fputs(run->deterministic ? "true" : "false", f);
    key(f, in, "time", false);
    fputs(run->deterministic ? "\"modelled\"" : "\"wall\"", f);
    key_u(f, in, "builders", run->builders);
    key_u(f, in, "cost_hypercall_ns", run->cost_hypercall_ns);
    key_u(f, in, "cost_page_ns", run->cost_page_ns);
    key_u(f, in, "cost_scrub_ns", run->cost_scrub_ns);
    key(f, in, "strict", false);
    fputs(run->strict ? "true" : "false", f);
    key(f, in, "topology", false);
    out_topology_text(run, topo, sizeof(topo));
    STR(f, topo);
    key(f, in, "workload", false);
    STR(f, run->workload);
    key_u(f, in, "page_size", SIM_PAGE_SIZE);
    key_u(f, in, "nr_nodes", run->topo.nr_nodes);
    key(f, in, "node_pages", false);
    u64_array(f, run->topo.node_pages, run->topo.nr_nodes);
    key(f, in, "distance", false);
    fputc('[', f);
    for (unsigned int i = 0; i < run->topo.nr_nodes; i++) {
        fputs(i ? ",\n    [" : "\n    [", f);
        for (unsigned int j = 0; j < run->topo.nr_nodes; j++)
            fprintf(f, "%s%" PRIu32, j ? ", " : "", run->topo.distance[i][j]);
        fputc(']', f);
    }
    fputs(run->topo.nr_nodes ? "\n  ]" : "]", f);

    key(f, in, "policies", false);
    fputc('[', f);
    for (unsigned int i = 0; i < run->nr_policies; i++) {
        fputs(i ? ",\n    " : "\n    ", f);
        write_policy(f, run, &run->policies[i]);
    }
    fputs(run->nr_policies ? "\n  ]" : "]", f);
    fputs("\n}\n", f);
    return out_stream_status(f);
}
