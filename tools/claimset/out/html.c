/*
 * The HTML report: one self-contained page (inline CSS, script and SVG,
 * no network) that opens from a file.  Order: what the run was, what it
 * shows (the computed summary), the policy table, the charts, the host,
 * and per-VM tables.  All text that comes from the run is escaped.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "out/html.h"

/* Per-VM rows shown per policy; the JSON and CSV outputs have them all. */
#define VM_ROWS_MAX 2000

static void td_num(FILE *f, double sort_key, const char *shown)
{
    fputs("<td data-v=\"", f);
    if (isfinite(sort_key))
        fprintf(f, "%.17g", sort_key);
    else
        fputs("-1", f);
    fputs("\">", f);
    out_html_text(f, shown, strlen(shown));
    fputs("</td>", f);
}

static void td_text(FILE *f, const char *s, size_t maxlen)
{
    fputs("<td class=\"text\">", f);
    out_html_text(f, s, maxlen);
    fputs("</td>", f);
}

/* Long free text (plans) may wrap. */
static void td_wrap(FILE *f, const char *s, size_t maxlen)
{
    fputs("<td class=\"text wrap\">", f);
    out_html_text(f, s, maxlen);
    fputs("</td>", f);
}

static void write_head(FILE *f, const struct sim_run *run)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\" data-report=\"loading\">\n<head>\n"
          "<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"claimset\">\n<title>claimset ",
          f);
    HTML_TEXT(f, run->command);
    fputs(" report</title>\n<script>\n", f);
    fputs(html_js_trap, f);
    fputs("</script>\n<style>\n", f);
    fputs(html_css, f);
    fputs("</style>\n</head>\n<body>\n<div id=\"report-error\" hidden></div>\n", f);
}

static void write_facts(FILE *f, const struct sim_run *run)
{
    char topo[SIM_TOPOLOGY_TEXT_LEN];
    uint64_t total = 0;
    char size[32];

    for (unsigned int n = 0; n < run->topo.nr_nodes; n++)
        total += run->topo.node_pages[n];
    fputs("<header>\n<h1>claimset ", f);
    HTML_TEXT(f, run->command);
    fprintf(f, ": %u polic%s compared</h1>\n<dl class=\"facts\">\n<dt>workload</dt><dd>",
            run->nr_policies, run->nr_policies == 1 ? "y" : "ies");
    HTML_TEXT(f, run->workload);
    fputs("</dd>\n<dt>topology</dt><dd>", f);
    out_topology_text(run, topo, sizeof(topo));
    HTML_TEXT(f, topo);
    fprintf(f, "</dd>\n<dt>nodes</dt><dd>%u, %s in all</dd>\n", run->topo.nr_nodes,
            cs_human_size(total, size, sizeof(size)));
    fprintf(f, "<dt>seed</dt><dd>%" PRIu64 "</dd>\n", run->seed);
    if (run->deterministic)
        fprintf(f,
                "<dt>time</dt><dd>modelled: %u parallel builder%s; per hypercall %" PRIu64
                " ns, per page populated %" PRIu64 " ns, per page scrubbed %" PRIu64
                " ns (deterministic: the same seed and parameters give the same "
                "results)</dd>\n",
                run->builders, run->builders == 1 ? "" : "s", run->cost_hypercall_ns,
                run->cost_page_ns, run->cost_scrub_ns);
    else
        fprintf(f,
                "<dt>time</dt><dd>wall clock: stress mode, %u real builder threads (not "
                "deterministic: builds race, results vary between runs)</dd>\n",
                run->threads);
    fprintf(f, "<dt>builds</dt><dd>%s</dd>\n</dl>\n</header>\n",
            run->strict ? "strict: a short populate fails the build"
                        : "a short populate claims again, else places the rest elsewhere");
}

static void write_filter(FILE *f, const struct sim_run *run)
{
    fputs("<nav id=\"policy-filter\" hidden>Show: <button type=\"button\" data-pick=\"*\">all "
          "policies</button>",
          f);
    for (unsigned int i = 0; i < run->nr_policies; i++) {
        fputs("<button type=\"button\" data-pick=\"", f);
        HTML_TEXT(f, run->policies[i].name);
        fputs("\">", f);
        HTML_TEXT(f, run->policies[i].name);
        fputs("</button>", f);
    }
    fputs("</nav>\n", f);
}

static void write_summary(FILE *f, const struct sim_run *run)
{
    struct out_summary sum;

    out_summarize(run, &sum);
    fputs("<section id=\"summary\">\n<h2>What this shows</h2>\n<ul class=\"summary\">\n", f);
    for (unsigned int i = 0; i < sum.n; i++) {
        fputs("<li>", f);
        out_html_text(f, sum.sentence[i], sizeof(sum.sentence[i]));
        fputs("</li>\n", f);
    }
    fputs("</ul>\n</section>\n", f);
}

static void write_policy_table(FILE *f, const struct sim_run *run)
{
    char a[48], b[48];

    fputs("<section id=\"results\">\n<h2>Results per policy</h2>\n<div class=\"scroll\">"
          "<table class=\"sortable\" data-table=\"policies\">\n<thead><tr><th>policy</th>"
          "<th>built</th><th>refused at claim time</th><th>failed while populating</th>"
          "<th>built degraded (pages off their node)</th><th>claims recalled</th>"
          "<th>on intended node</th>"
          "<th>access cost</th><th>extents 1G/2M/4K</th><th>wasted by late failures</th>"
          "<th>all done at</th><th>first failure at</th><th>hypercalls</th>"
          "<th>real time</th><th>CPU time</th>"
          "</tr></thead>\n<tbody>\n",
          f);
    for (unsigned int i = 0; i < run->nr_policies; i++) {
        const struct sim_policy_result *p = &run->policies[i];
        bool cost = p->vms_built && isfinite(p->access_cost);

        fputs("<tr>", f);
        td_text(f, p->name, sizeof(p->name));
        snprintf(a, sizeof(a), "%u/%u", p->vms_built, p->vms_total);
        td_num(f, p->vms_built, a);
        snprintf(a, sizeof(a), "%u", p->vms_refused_claim);
        td_num(f, p->vms_refused_claim, a);
        snprintf(a, sizeof(a), "%u", p->vms_failed_populate);
        td_num(f, p->vms_failed_populate, a);
        snprintf(a, sizeof(a), "%u (%s)", p->vms_degraded,
                 cs_human_size(p->pages_degraded, b, sizeof(b)));
        td_num(f, (double)p->pages_degraded, a);
        td_num(f, (double)p->claims_recalled, cs_human_size(p->claims_recalled, b, sizeof(b)));
        td_num(f, out_share(p->pages_on_intended_node, p->intended_pages),
               out_fmt_share(a, sizeof(a), p->pages_on_intended_node, p->intended_pages));
        if (cost)
            snprintf(a, sizeof(a), "%.2f", p->access_cost);
        else
            snprintf(a, sizeof(a), "n/a");
        td_num(f, cost ? p->access_cost : NAN, a);
        snprintf(a, sizeof(a), "%" PRIu64 "/%" PRIu64 "/%" PRIu64, p->extents_1g, p->extents_2m,
                 p->extents_4k);
        td_num(f, (double)(p->extents_1g + p->extents_2m + p->extents_4k), a);
        td_num(f, (double)p->pages_wasted, cs_human_size(p->pages_wasted, a, sizeof(a)));
        td_num(f, p->completion_seconds, out_fmt_seconds(a, sizeof(a), p->completion_seconds));
        if (isfinite(p->first_failure_seconds))
            td_num(f, p->first_failure_seconds,
                   out_fmt_seconds(a, sizeof(a), p->first_failure_seconds));
        else
            td_num(f, NAN, "none");
        td_num(f, (double)p->hypercalls, out_fmt_count(a, sizeof(a), p->hypercalls));
        td_num(f, p->wall_seconds, out_fmt_seconds(a, sizeof(a), p->wall_seconds));
        td_num(f, p->cpu_seconds, out_fmt_seconds(a, sizeof(a), p->cpu_seconds));
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></div>\n<dl class=\"facts\">\n", f);
    for (unsigned int i = 0; i < run->nr_policies; i++) {
        fputs("<dt>", f);
        HTML_TEXT(f, run->policies[i].name);
        fputs("</dt><dd>", f);
        HTML_TEXT(f, run->policies[i].description);
        fputs("</dd>\n", f);
    }
    fputs("</dl>\n</section>\n", f);
}

static void write_host(FILE *f, const struct sim_run *run)
{
    char size[32];

    fputs("<section id=\"host\">\n<h2>Host</h2>\n<div class=\"scroll\"><table "
          "data-table=\"nodes\">\n<thead><tr><th>node</th><th>memory</th>",
          f);
    for (unsigned int j = 0; j < run->topo.nr_nodes; j++)
        fprintf(f, "<th>to node %u</th>", j);
    fputs("</tr></thead>\n<tbody>\n", f);
    for (unsigned int i = 0; i < run->topo.nr_nodes; i++) {
        fprintf(f,
                "<tr><td><i class=\"swatch\" style=\"background:%s\"></i> node %u</td>"
                "<td>%s</td>",
                html_node_colour(i), i, cs_human_size(run->topo.node_pages[i], size, sizeof(size)));
        for (unsigned int j = 0; j < run->topo.nr_nodes; j++)
            fprintf(f, "<td>%" PRIu32 "</td>", run->topo.distance[i][j]);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></div>\n<p class=\"note\">Distances are the SLIT values (10 = "
          "local); access cost is the page-weighted distance from a VM's home node to its "
          "memory, divided by 10.</p>\n</section>\n",
          f);
}

/* "0: 2 GiB, 1: 512 MiB": where a VM's memory landed. */
static void write_nodes_cell(FILE *f, const struct sim_run *run, const struct sim_vm_result *vm,
                             bool thrown_away)
{
    char size[32];
    bool any = false;

    fputs("<td class=\"text wrap\">", f);
    for (unsigned int n = 0; n < run->topo.nr_nodes; n++) {
        if (!vm->node_pages[n])
            continue;
        fprintf(f, "%s%u: %s", any ? ", " : "", n,
                cs_human_size(vm->node_pages[n], size, sizeof(size)));
        any = true;
    }
    fputs(!any ? "none</td>" : thrown_away ? " (thrown away)</td>" : "</td>", f);
}

static void write_vm_table(FILE *f, const struct sim_run *run, const struct sim_policy_result *p)
{
    size_t rows = p->nr_vms < VM_ROWS_MAX ? p->nr_vms : VM_ROWS_MAX;
    char a[48];

    fputs("<details data-policy=\"", f);
    HTML_TEXT(f, p->name);
    fputs("\"><summary>", f);
    HTML_TEXT(f, p->name);
    fprintf(f, ": %zu VM%s</summary>\n", p->nr_vms, p->nr_vms == 1 ? "" : "s");
    if (rows < p->nr_vms)
        fprintf(f,
                "<p class=\"note\">The first %zu of %zu VMs; the JSON and CSV outputs have "
                "them all.</p>\n",
                rows, p->nr_vms);
    fputs("<div class=\"scroll\"><table class=\"sortable\" data-table=\"vms\">\n<thead><tr>"
          "<th>VM</th><th>memory</th><th>vCPUs</th><th>outcome</th><th>on intended node</th>"
          "<th>access cost</th><th>extents 1G/2M/4K</th><th>hypercalls</th><th>start</th>"
          "<th>build time</th><th>memory per node</th><th>plan</th></tr></thead>\n<tbody>\n",
          f);
    for (size_t v = 0; v < rows; v++) {
        const struct sim_vm_result *vm = &p->vms[v];
        bool cost = vm->outcome == SIM_BUILT && isfinite(vm->access_cost) && vm->access_cost > 0;
        bool failed = vm->outcome == SIM_FAILED_POPULATE;

        fputs("<tr>", f);
        td_text(f, vm->name, sizeof(vm->name));
        td_num(f, (double)vm->pages, cs_human_size(vm->pages, a, sizeof(a)));
        snprintf(a, sizeof(a), "%u", vm->vcpus);
        td_num(f, vm->vcpus, a);
        fprintf(f, "<td class=\"text\">%s", out_outcome_label(vm->outcome));
        if (vm->outcome == SIM_BUILT && vm->degraded_pages)
            fprintf(f, ", %s off its node", cs_human_size(vm->degraded_pages, a, sizeof(a)));
        else if (vm->outcome == SIM_BUILT && vm->recovered_pages)
            fputs(", after claiming again", f);
        fputs("</td>", f);
        td_num(f, out_share(vm->pages_on_intended_node, vm->intended_pages),
               out_fmt_share(a, sizeof(a), vm->pages_on_intended_node, vm->intended_pages));
        if (cost)
            snprintf(a, sizeof(a), "%.2f", vm->access_cost);
        else
            snprintf(a, sizeof(a), "n/a");
        td_num(f, cost ? vm->access_cost : NAN, a);
        /* A failed build's extents and memory were thrown away: they are
         * in the policy's "wasted", not in its extents. */
        snprintf(a, sizeof(a), "%" PRIu64 "/%" PRIu64 "/%" PRIu64 "%s", vm->extents_1g,
                 vm->extents_2m, vm->extents_4k, failed ? " (thrown away)" : "");
        td_num(f, (double)(vm->extents_1g + vm->extents_2m + vm->extents_4k), a);
        td_num(f, (double)vm->hypercalls, out_fmt_count(a, sizeof(a), vm->hypercalls));
        td_num(f, vm->start, out_fmt_seconds(a, sizeof(a), vm->start));
        td_num(f, vm->seconds, out_fmt_seconds(a, sizeof(a), vm->seconds));
        write_nodes_cell(f, run, vm, failed);
        td_wrap(f, vm->plan, sizeof(vm->plan));
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></div>\n</details>\n", f);
}

int out_html_write(FILE *f, const struct sim_run *run)
{
    if (!f || sim_run_validate(run)) {
        errno = EINVAL;
        return -1;
    }
    write_head(f, run);
    write_facts(f, run);
    write_filter(f, run);
    fputs("<main>\n", f);
    write_summary(f, run);
    write_policy_table(f, run);

    fputs("<section id=\"charts\">\n<h2>Outcomes</h2>\n", f);
    html_chart_outcomes(f, run);
    fputs("<h2>Placement</h2>\n", f);
    html_chart_placement(f, run);
    fputs("<h2>Free and claimed memory over time</h2>\n<p class=\"note\">Per node: free memory "
          "(solid) and memory claimed by builds in flight (dashed); claims on no node -- legacy "
          "claims, host-wide entries -- as one grey dotted line.  Free memory that is claimed "
          "is promised to a build and unavailable to others.</p>\n",
          f);
    for (unsigned int i = 0; i < run->nr_policies; i++)
        html_chart_timeline(f, run, &run->policies[i]);
    fputs("</section>\n", f);

    write_host(f, run);
    fputs("<section id=\"vms\">\n<h2>Per-VM results</h2>\n", f);
    for (unsigned int i = 0; i < run->nr_policies; i++)
        write_vm_table(f, run, &run->policies[i]);
    fputs("</section>\n</main>\n<div id=\"tip\" hidden></div>\n"
          "<footer class=\"note\">Written by claimset.  Self-contained: the charts are SVG in "
          "this file and the page loads nothing from the network.</footer>\n<script>\n",
          f);
    fputs(html_js_main, f);
    fputs("</script>\n</body>\n</html>\n", f);
    return out_stream_status(f);
}

static void set_err(char *err, size_t errlen, const char *what, const char *path, int e)
{
    if (err && errlen)
        snprintf(err, errlen, "%s %s: %s", what, path ? path : "(null)", strerror(e));
}

/* Remove a report that could not be written completely, but only if it
 * is a regular file: the path may name a device or a pipe. */
static void discard(FILE *f, const char *path)
{
    struct stat st;
    bool regular = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);

    fclose(f);
    if (regular)
        unlink(path);
}

int out_html(const char *path, const struct sim_run *run, char *err, size_t errlen)
{
    FILE *f;
    int e;

    if (!path || !*path || sim_run_validate(run)) {
        set_err(err, errlen, "cannot write report", path, EINVAL);
        errno = EINVAL;
        return -1;
    }
    f = fopen(path, "w");
    if (!f) {
        e = errno;
        set_err(err, errlen, "cannot create", path, e);
        errno = e;
        return -1;
    }
    if (out_html_write(f, run)) {
        e = errno;
        discard(f, path); /* no half-written report */
        set_err(err, errlen, "cannot write", path, e);
        errno = e;
        return -1;
    }
    if (fclose(f)) {
        e = errno;
        set_err(err, errlen, "cannot write", path, e);
        errno = e;
        return -1;
    }
    return 0;
}
