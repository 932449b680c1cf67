/*
 * "What this shows": sentences computed from a run's numbers, so the
 * reader of a table or report gets the comparison without doing the
 * arithmetic.  Nothing here is canned: every sentence names the policies
 * and figures that make it true, and a sentence whose premise does not
 * hold for the run (no late failures, no node-bound memory, one policy
 * only) is left out or reworded.
 */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "out/out.h"

/* A bounded string builder: output past the end is dropped. */
struct sb {
    char *buf;
    size_t cap, len;
};

static void sb_printf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sb *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (b->len + 1 >= b->cap)
        return;
    va_start(ap, fmt);
    n = vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        b->len = b->len + (size_t)n < b->cap ? b->len + (size_t)n : b->cap - 1;
}

#define PNAME(p) (int)strnlen((p)->name, sizeof((p)->name)), (p)->name

/* Separator before item i of n in an English list: "", ", ", " and ". */
static const char *list_sep(unsigned int i, unsigned int n)
{
    return i == 0 ? "" : i + 1 == n ? " and " : ", ";
}

/* Names of the policies whose bit is set in mask, as an English list. */
static void sb_names(struct sb *b, const struct sim_run *run, unsigned int mask)
{
    unsigned int n = (unsigned int)__builtin_popcount(mask), k = 0;

    for (unsigned int i = 0; i < run->nr_policies; i++)
        if (mask & (1u << i))
            sb_printf(b, "%s%.*s", list_sep(k++, n), PNAME(&run->policies[i]));
}

static struct sb next_sentence(struct out_summary *s)
{
    struct sb b = {s->sentence[s->n], OUT_SUMMARY_LEN, 0};

    b.buf[0] = '\0';
    return b;
}

static void sentence_built(const struct sim_run *run, struct out_summary *s)
{
    const struct sim_policy_result *p = run->policies;
    unsigned int best = 0, worst = 0, best_mask = 0, worst_mask = 0, total = p[0].vms_total;
    bool same_total = true;
    struct sb b = next_sentence(s);

    for (unsigned int i = 0; i < run->nr_policies; i++) {
        if (p[i].vms_built > p[best].vms_built)
            best = i;
        if (p[i].vms_built < p[worst].vms_built)
            worst = i;
        same_total = same_total && p[i].vms_total == total;
    }
    for (unsigned int i = 0; i < run->nr_policies; i++) {
        best_mask |= (p[i].vms_built == p[best].vms_built) << i;
        worst_mask |= (p[i].vms_built == p[worst].vms_built) << i;
    }

    if (run->nr_policies == 1) {
        sb_printf(&b,
                  "%.*s built %u of %u VM%s (%u refused at claim time, %u failed during "
                  "population).",
                  PNAME(p), p->vms_built, p->vms_total, p->vms_total == 1 ? "" : "s",
                  p->vms_refused_claim, p->vms_failed_populate);
    } else if (best_mask == worst_mask) {
        if (same_total && total == 0)
            sb_printf(&b, "The workload has no VMs.");
        else if (same_total && p[0].vms_built == total && total == 1)
            sb_printf(&b, "Every policy built the VM.");
        else if (same_total && p[0].vms_built == total)
            sb_printf(&b, "Every policy built all %u VMs.", total);
        else
            sb_printf(&b, "Every policy built the same number of VMs: %u.", p[0].vms_built);
    } else {
        sb_names(&b, run, best_mask);
        sb_printf(&b, " built the most VMs: %u of %u%s", p[best].vms_built, p[best].vms_total,
                  best_mask & (best_mask - 1) ? " each" : "");
        sb_printf(&b, "; the fewest were built by ");
        sb_names(&b, run, worst_mask);
        sb_printf(&b, ": %u of %u.", p[worst].vms_built, p[worst].vms_total);
    }
    s->n++;
}

static void sentence_late(const struct sim_run *run, struct out_summary *s)
{
    const struct sim_policy_result *p = run->policies;
    unsigned int late_mask = 0, clean_mask = 0, k = 0;
    bool refused = false;
    struct sb b = next_sentence(s);
    char size[32];

    for (unsigned int i = 0; i < run->nr_policies; i++) {
        if (p[i].vms_failed_populate)
            late_mask |= 1u << i;
        else
            clean_mask |= 1u << i;
        refused = refused || p[i].vms_refused_claim;
    }

    if (!late_mask) {
        if (!refused)
            return; /* nothing failed at all: the built sentence says so */
        sb_printf(&b, "No VM failed late: every failure was a refusal at claim time, before any "
                      "memory was populated.");
        s->n++;
        return;
    }
    if (clean_mask) {
        sb_printf(&b, "%s",
                  run->nr_policies > 2 && __builtin_popcount(clean_mask) == 1 ? "Only " : "");
        sb_names(&b, run, clean_mask);
        sb_printf(&b, " never failed late; ");
    } else if (run->nr_policies > 1) {
        sb_printf(&b, "Every policy failed late at least once: ");
    }
    for (unsigned int i = 0; i < run->nr_policies; i++) {
        if (!(late_mask & (1u << i)))
            continue;
        sb_printf(&b,
                  "%s%.*s failed %u VM%s during population, throwing away %s already "
                  "populated",
                  k ? "; " : "", PNAME(&p[i]), p[i].vms_failed_populate,
                  p[i].vms_failed_populate == 1 ? "" : "s",
                  cs_human_size(p[i].pages_wasted, size, sizeof(size)));
        k++;
    }
    sb_printf(&b, ".");
    s->n++;
}

/* Node-bound memory of built VMs that landed on another node: the
 * totals' definition (docs/reports.md), never a second computation. */
static uint64_t remote_pages(const struct sim_policy_result *p)
{
    return p->intended_pages > p->pages_on_intended_node
               ? p->intended_pages - p->pages_on_intended_node
               : 0;
}

static void sentence_placement(const struct sim_run *run, struct out_summary *s)
{
    const struct sim_policy_result *p = run->policies;
    unsigned int best = run->nr_policies;
    struct sb b = next_sentence(s);
    char share[16], size[32];

    /* Compare shares exactly: a/b > c/d  <=>  a*d > c*b (in long double
     * to keep page counts of real hosts from overflowing). */
    for (unsigned int i = 0; i < run->nr_policies; i++) {
        if (!p[i].intended_pages)
            continue;
        if (best == run->nr_policies ||
            (long double)p[i].pages_on_intended_node * p[best].intended_pages >
                (long double)p[best].pages_on_intended_node * p[i].intended_pages)
            best = i;
    }
    if (best == run->nr_policies) {
        sb_printf(&b, "No VM asked for memory on a specific node, so placement is not compared.");
        s->n++;
        return;
    }
    sb_printf(&b, "%.*s placed %s of its node-bound memory on the intended node", PNAME(&p[best]),
              out_fmt_share(share, sizeof(share), p[best].pages_on_intended_node,
                            p[best].intended_pages));
    if (isfinite(p[best].access_cost) && p[best].access_cost > 0)
        sb_printf(&b, " (access cost %.2f)", p[best].access_cost);
    for (unsigned int i = 0; i < run->nr_policies; i++) {
        if (i == best || !p[i].intended_pages)
            continue;
        sb_printf(
            &b, "; %.*s put %s on other nodes than intended (%s on node", PNAME(&p[i]),
            cs_human_size(remote_pages(&p[i]), size, sizeof(size)),
            out_fmt_share(share, sizeof(share), p[i].pages_on_intended_node, p[i].intended_pages));
        if (isfinite(p[i].access_cost) && p[i].access_cost > 0)
            sb_printf(&b, ", cost %.2f", p[i].access_cost);
        sb_printf(&b, ")");
    }
    sb_printf(&b, ".");
    s->n++;
}

static void sentence_refused(const struct sim_run *run, struct out_summary *s)
{
    const struct sim_policy_result *p = run->policies;
    unsigned int mask = 0, k = 0, n;
    struct sb b = next_sentence(s);

    for (unsigned int i = 0; i < run->nr_policies; i++)
        if (p[i].vms_refused_claim)
            mask |= 1u << i;
    if (!mask)
        return;
    n = (unsigned int)__builtin_popcount(mask);
    sb_printf(&b, "Refusals at claim time cost no populated memory: ");
    for (unsigned int i = 0; i < run->nr_policies; i++)
        if (mask & (1u << i))
            sb_printf(&b, "%s%.*s refused %u", list_sep(k++, n), PNAME(&p[i]),
                      p[i].vms_refused_claim);
    sb_printf(&b, ".");
    s->n++;
}

static void sentence_recalled(const struct sim_run *run, struct out_summary *s)
{
    const struct sim_policy_result *p = run->policies;
    unsigned int mask = 0, k = 0, n;
    struct sb b = next_sentence(s);
    char size[32];

    for (unsigned int i = 0; i < run->nr_policies; i++)
        if (p[i].claims_recalled)
            mask |= 1u << i;
    if (!mask)
        return;
    n = (unsigned int)__builtin_popcount(mask);
    sb_printf(&b, "Offlining recalled claims: ");
    for (unsigned int i = 0; i < run->nr_policies; i++)
        if (mask & (1u << i))
            sb_printf(&b, "%s%.*s lost %s of claims", list_sep(k++, n), PNAME(&p[i]),
                      cs_human_size(p[i].claims_recalled, size, sizeof(size)));
    sb_printf(&b, ".");
    s->n++;
}

static void sentence_hypercalls(const struct sim_run *run, struct out_summary *s)
{
    const struct sim_policy_result *p = run->policies;
    unsigned int lo = 0, hi = 0;
    struct sb b = next_sentence(s);
    char a[32], c[32];

    if (run->nr_policies < 2)
        return;
    for (unsigned int i = 1; i < run->nr_policies; i++) {
        if (p[i].hypercalls < p[lo].hypercalls)
            lo = i;
        if (p[i].hypercalls > p[hi].hypercalls)
            hi = i;
    }
    if (p[lo].hypercalls == p[hi].hypercalls)
        return;
    sb_printf(&b, "%.*s needed the fewest hypercalls (%s), %.*s the most (%s).", PNAME(&p[lo]),
              out_fmt_count(a, sizeof(a), p[lo].hypercalls), PNAME(&p[hi]),
              out_fmt_count(c, sizeof(c), p[hi].hypercalls));
    s->n++;
}

void out_summarize(const struct sim_run *run, struct out_summary *s)
{
    struct sb b;

    s->n = 0;
    if (sim_run_validate(run) || run->nr_policies == 0) {
        b = next_sentence(s);
        sb_printf(&b, "No policy was run.");
        s->n++;
        return;
    }
    sentence_built(run, s);
    sentence_late(run, s);
    sentence_refused(run, s);
    sentence_placement(run, s);
    sentence_recalled(run, s);
    sentence_hypercalls(run, s);
}
