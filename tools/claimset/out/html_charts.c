/*
 * The report's charts as inline SVG, drawn from the run's numbers.
 *
 * Coordinates are in a fixed 760-unit-wide viewBox that the stylesheet
 * scales to the page.  Every mark carries its value in a <title> (a
 * tooltip without script) and in data-tip (the script's tooltip).  The
 * time charts also carry their sampled values (data-t on the <svg>,
 * data-v on each series), which the script reads for its cursor; at most
 * MAX_POINTS samples per series are drawn, evenly spaced.
 *
 * All policies' time charts share one time axis and one size axis, so
 * that they can be compared by eye.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "out/html.h"

#define WIDTH      760
#define MAX_POINTS 400

/* A plot area and the data range it shows. */
struct frame {
    double left, top, width, height;
    double xmin, xmax, ymin, ymax;
};

/* Ticks drawn per axis at most, whatever the data (a safety bound). */
#define MAX_TICKS 64

/*
 * Data to SVG coordinates.  A coordinate is always a finite number within
 * the plot area, whatever the data: a browser rejects "nan" in an SVG
 * attribute with a console error, and a bar must not run off the chart.
 */
static double clamp_to(double v, double lo, double hi)
{
    return isfinite(v) ? fmin(fmax(v, lo), hi) : lo;
}

static double fx(const struct frame *fr, double x)
{
    return clamp_to(fr->left + (x - fr->xmin) / (fr->xmax - fr->xmin) * fr->width, fr->left,
                    fr->left + fr->width);
}

static double fy(const struct frame *fr, double y)
{
    return clamp_to(fr->top + fr->height - (y - fr->ymin) / (fr->ymax - fr->ymin) * fr->height,
                    fr->top, fr->top + fr->height);
}

/* A round step (1, 2 or 5 times a power of ten) giving about want ticks. */
static double nice_step(double range, unsigned int want)
{
    double raw = range / want, mag, norm;

    if (!(raw > 0) || !isfinite(raw))
        return 1;
    mag = pow(10, floor(log10(raw)));
    norm = raw / mag;
    return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

const char *html_node_colour(unsigned int n)
{
    static const char *const colour[] = {"#3366cc", "#e0701b", "#2f9e44", "#c92a2a", "#7048e8",
                                         "#8d6e63", "#d6336c", "#5c7080", "#a8a30a", "#1098ad"};

    return colour[n % (sizeof(colour) / sizeof(colour[0]))];
}

static void figure_open(FILE *f, const char *marker, const char *policy, size_t policy_len)
{
    fprintf(f, "<figure class=\"chart\" data-chart=\"%s", marker);
    if (policy)
        out_html_text(f, policy, policy_len);
    fputs("\"", f);
    if (policy) {
        fputs(" data-policy=\"", f);
        out_html_text(f, policy, policy_len);
        fputs("\"", f);
    }
    fputs(">\n", f);
}

/* A grid value in pages as a whole page count: the values are round
 * figures, so the nearest page undoes floating-point error only;
 * saturating at the largest 64-bit value. */
static uint64_t whole_pages(double pages)
{
    return pages >= 18446744073709551615.0 ? UINT64_MAX : pages > 0 ? (uint64_t)(pages + 0.5) : 0;
}

/* Horizontal grid lines with size labels for a y axis in pages. */
static void y_axis_pages(FILE *f, const struct frame *fr)
{
    double bytes_max = fr->ymax * SIM_PAGE_SIZE, unit = 1, step;
    char label[32];

    while (unit * 1024 <= bytes_max)
        unit *= 1024;
    step = nice_step(bytes_max / unit, 4) * unit / SIM_PAGE_SIZE;
    fputs("<g class=\"grid\">\n", f);
    for (unsigned int k = 0; k < MAX_TICKS && k * step <= fr->ymax * (1 + 1e-9); k++) {
        double y = k * step;

        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", fr->left, fy(fr, y),
                fr->left + fr->width, fy(fr, y));
        fprintf(f, "<text class=\"yl\" x=\"%.1f\" y=\"%.1f\">%s</text>\n", fr->left - 6,
                fy(fr, y) + 4, cs_human_size(whole_pages(y), label, sizeof(label)));
    }
    fputs("</g>\n", f);
}

enum axis_label { AXIS_SECONDS, AXIS_COUNT, AXIS_PERCENT, AXIS_COST };

static void axis_label(FILE *f, enum axis_label kind, double v)
{
    if (fabs(v) < 1e-12)
        v = 0; /* no "-0" from accumulated rounding */
    switch (kind) {
    case AXIS_SECONDS:
        /* Modelled runs last milliseconds on small hosts: no "5e-05 s". */
        if (v != 0 && fabs(v) < 1)
            fprintf(f, "%g ms", v * 1e3);
        else
            fprintf(f, "%g s", v);
        break;
    case AXIS_COUNT:
        fprintf(f, "%.0f", v);
        break;
    case AXIS_PERCENT:
        fprintf(f, "%.0f%%", v * 100);
        break;
    case AXIS_COST:
        fprintf(f, "%.2f", v);
        break;
    }
}

/* Ticks along the bottom, every step from the first multiple of step. */
static void x_axis(FILE *f, const struct frame *fr, double step, enum axis_label kind)
{
    double first = ceil(fr->xmin / step - 1e-9) * step;

    fputs("<g class=\"xaxis\">\n", f);
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", fr->left,
            fr->top + fr->height, fr->left + fr->width, fr->top + fr->height);
    for (unsigned int k = 0; k < MAX_TICKS && isfinite(first); k++) {
        double x = first + k * step;

        if (x > fr->xmax + step * 1e-9)
            break;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", fx(fr, x),
                fr->top + fr->height, fx(fr, x), fr->top + fr->height + 4);
        fprintf(f, "<text class=\"xl\" x=\"%.1f\" y=\"%.1f\">", fx(fr, x),
                fr->top + fr->height + 16);
        axis_label(f, kind, x);
        fputs("</text>\n", f);
    }
    fputs("</g>\n", f);
}

/* ---- free and claimed memory per node over time ---- */

/* The time and size ranges over every policy's samples. */
static void timeline_ranges(const struct sim_run *run, struct frame *fr)
{
    fr->xmin = 0;
    fr->xmax = 0;
    fr->ymin = 0;
    fr->ymax = 0;
    for (unsigned int n = 0; n < run->topo.nr_nodes; n++)
        fr->ymax = fmax(fr->ymax, (double)run->topo.node_pages[n]);
    for (unsigned int i = 0; i < run->nr_policies; i++) {
        const struct sim_policy_result *p = &run->policies[i];

        for (size_t s = 0; s < p->nr_samples; s++) {
            if (isfinite(p->samples[s].t)) {
                fr->xmin = fmin(fr->xmin, p->samples[s].t);
                fr->xmax = fmax(fr->xmax, p->samples[s].t);
            }
            for (unsigned int n = 0; n < run->topo.nr_nodes; n++) {
                fr->ymax = fmax(fr->ymax, (double)p->samples[s].node_free[n]);
                fr->ymax = fmax(fr->ymax, (double)p->samples[s].node_claimed[n]);
            }
            fr->ymax = fmax(fr->ymax, (double)p->samples[s].host_claimed);
        }
    }
    if (fr->xmax <= fr->xmin)
        fr->xmax = fr->xmin + 1;
    if (fr->ymax <= 0)
        fr->ymax = 1;
}

/* Indices drawn: every stride-th sample and always the last. */
static size_t stride_of(size_t n)
{
    return n > MAX_POINTS ? (n + MAX_POINTS - 1) / MAX_POINTS : 1;
}

static size_t next_index(size_t i, size_t stride, size_t n)
{
    return i + 1 == n ? n : (i + stride < n ? i + stride : n - 1);
}

static double sample_t(const struct frame *fr, const struct sim_sample *s)
{
    return isfinite(s->t) ? s->t : fr->xmin;
}

static void timeline_series(FILE *f, const struct frame *fr, const struct sim_policy_result *p,
                            unsigned int node, bool claimed)
{
    size_t stride = stride_of(p->nr_samples);
    const char *what = claimed ? "claimed" : "free";

    fprintf(f, "<path class=\"series %s\" stroke=\"%s\"%s data-node=\"%u\" data-kind=\"%s\" d=\"",
            what, html_node_colour(node), claimed ? " stroke-dasharray=\"5 3\"" : "", node, what);
    for (size_t i = 0; i < p->nr_samples; i = next_index(i, stride, p->nr_samples)) {
        const struct sim_sample *s = &p->samples[i];
        uint64_t v = claimed ? s->node_claimed[node] : s->node_free[node];

        fprintf(f, "%s%.1f,%.1f", i ? " L" : "M", fx(fr, sample_t(fr, s)), fy(fr, (double)v));
    }
    fputs("\" data-v=\"", f);
    for (size_t i = 0; i < p->nr_samples; i = next_index(i, stride, p->nr_samples))
        fprintf(f, "%s%" PRIu64, i ? "," : "",
                claimed ? p->samples[i].node_claimed[node] : p->samples[i].node_free[node]);
    fprintf(f, "\" data-tip=\"node %u %s\"><title>node %u %s</title></path>\n", node, what, node,
            what);
}

/* Claims on no node (legacy, host-wide entries): one grey dotted line,
 * drawn only when the policy had any -- else a host-wide claim would look
 * like no claim at all. */
static void timeline_host_claims(FILE *f, const struct frame *fr, const struct sim_policy_result *p)
{
    size_t stride = stride_of(p->nr_samples);
    bool any = false;

    for (size_t i = 0; i < p->nr_samples && !any; i++)
        any = p->samples[i].host_claimed != 0;
    if (!any)
        return;
    fputs("<path class=\"series claimed host\" stroke=\"#868e96\" stroke-dasharray=\"2 3\" "
          "data-node=\"host\" data-kind=\"claimed\" d=\"",
          f);
    for (size_t i = 0; i < p->nr_samples; i = next_index(i, stride, p->nr_samples))
        fprintf(f, "%s%.1f,%.1f", i ? " L" : "M", fx(fr, sample_t(fr, &p->samples[i])),
                fy(fr, (double)p->samples[i].host_claimed));
    fputs("\" data-v=\"", f);
    for (size_t i = 0; i < p->nr_samples; i = next_index(i, stride, p->nr_samples))
        fprintf(f, "%s%" PRIu64, i ? "," : "", p->samples[i].host_claimed);
    fputs("\" data-tip=\"host-wide claims\"><title>host-wide claims (on no node)</title></path>\n",
          f);
}

/* Axis titles: what the numbers measure. */
static void axis_titles(FILE *f, const struct frame *fr, const char *x, const char *y)
{
    fprintf(f,
            "<text class=\"at\" x=\"%.1f\" y=\"%.1f\">%s</text>\n"
            "<text class=\"at\" transform=\"translate(%.1f %.1f) rotate(-90)\">%s</text>\n",
            fr->left + fr->width / 2, fr->top + fr->height + 30, x, 12.0, fr->top + fr->height / 2,
            y);
}

void html_chart_timeline(FILE *f, const struct sim_run *run, const struct sim_policy_result *p)
{
    struct frame fr = {.left = 72, .top = 12, .width = WIDTH - 72 - 16, .height = 220};
    size_t stride = stride_of(p->nr_samples);
    char size[32];

    figure_open(f, "timeline-", p->name, sizeof(p->name));
    fputs("<figcaption>", f);
    HTML_TEXT(f, p->name);
    fputs(": free (solid) and claimed (dashed) memory per node, and host-wide claims (dotted), "
          "over time</figcaption>\n",
          f);
    if (!p->nr_samples || !run->topo.nr_nodes) {
        fputs("<svg viewBox=\"0 0 760 40\" role=\"img\" aria-label=\"no samples\"><text x=\"380\" "
              "y=\"24\" class=\"empty\">no samples recorded</text></svg>\n</figure>\n",
              f);
        return;
    }
    timeline_ranges(run, &fr);

    fprintf(f,
            "<svg class=\"timeline\" viewBox=\"0 0 %d 276\" role=\"img\" aria-label=\"free and "
            "claimed memory per node over time\" data-x0=\"%.1f\" data-x1=\"%.1f\" "
            "data-tmin=\"%.9g\" data-tmax=\"%.9g\" data-t=\"",
            WIDTH, fr.left, fr.left + fr.width, fr.xmin, fr.xmax);
    for (size_t i = 0; i < p->nr_samples; i = next_index(i, stride, p->nr_samples))
        fprintf(f, "%s%.9g", i ? "," : "", sample_t(&fr, &p->samples[i]));
    fputs("\">\n", f);

    y_axis_pages(f, &fr);
    x_axis(f, &fr, nice_step(fr.xmax - fr.xmin, 8), AXIS_SECONDS);
    axis_titles(f, &fr,
                run->deterministic ? "modelled time since the policy's start"
                                   : "wall-clock time since the policy's start",
                "memory");
    for (unsigned int n = 0; n < run->topo.nr_nodes; n++) {
        timeline_series(f, &fr, p, n, false);
        timeline_series(f, &fr, p, n, true);
    }
    timeline_host_claims(f, &fr, p);
    fprintf(f,
            "<line class=\"cursor\" x1=\"0\" y1=\"%.1f\" x2=\"0\" y2=\"%.1f\" "
            "visibility=\"hidden\"/>\n",
            fr.top, fr.top + fr.height);
    fputs("</svg>\n<div class=\"legend\">", f);
    for (unsigned int n = 0; n < run->topo.nr_nodes; n++)
        fprintf(f, "<span><i style=\"background:%s\"></i>node %u (%s)</span>", html_node_colour(n),
                n, cs_human_size(run->topo.node_pages[n], size, sizeof(size)));
    fputs("<span><i style=\"background:#868e96\"></i>host-wide claims (dotted)</span>", f);
    fputs("</div>\n</figure>\n", f);
}

/* ---- outcomes: built / refused at claim / failed during population ---- */

/* Width of the label column: enough for the longest policy name. */
static double label_width(const struct sim_run *run)
{
    size_t longest = 6;

    for (unsigned int i = 0; i < run->nr_policies; i++) {
        size_t n = strnlen(run->policies[i].name, sizeof(run->policies[i].name));

        longest = n > longest ? n : longest;
    }
    return fmin(fmax(7.0 * (double)longest + 12, 90), 300);
}

static void row_label(FILE *f, const struct frame *fr, double y, const struct sim_policy_result *p)
{
    fprintf(f, "<text class=\"rl\" x=\"%.1f\" y=\"%.1f\">", fr->left - 8, y);
    HTML_TEXT(f, p->name);
    fputs("</text>\n", f);
}

static void bar(FILE *f, double x, double y, double w, double h, const char *cls, const char *tip,
                const char *inside)
{
    fprintf(f,
            "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
            "data-tip=\"",
            cls, x, y, w, h);
    out_html_text(f, tip, strlen(tip));
    fputs("\"><title>", f);
    out_html_text(f, tip, strlen(tip));
    fputs("</title></rect>\n", f);
    if (inside && w >= 8.0 * (double)strlen(inside))
        fprintf(f, "<text class=\"in\" x=\"%.1f\" y=\"%.1f\">%s</text>\n", x + w / 2, y + h / 2 + 4,
                inside);
}

void html_chart_outcomes(FILE *f, const struct sim_run *run)
{
    static const char *const cls[] = {"built", "refused", "failed"};
    static const char *const what[] = {"built", "refused at claim", "failed during population"};
    struct frame fr = {.top = 8, .height = 28.0 * run->nr_policies};
    double rows_h = fr.height, most = 1;

    figure_open(f, "outcomes", NULL, 0);
    fputs("<figcaption>Outcome of every VM, per policy</figcaption>\n", f);
    fr.left = label_width(run);
    fr.width = WIDTH - fr.left - 16;
    /* The axis covers every bar even if the counts exceed the total. */
    for (unsigned int i = 0; i < run->nr_policies; i++) {
        const struct sim_policy_result *p = &run->policies[i];

        most = fmax(most, p->vms_total);
        most = fmax(most, (double)p->vms_built + p->vms_refused_claim + p->vms_failed_populate);
    }
    fr.xmin = 0;
    fr.xmax = most;
    fr.ymin = 0;
    fr.ymax = 1;

    fprintf(f,
            "<svg class=\"bars\" viewBox=\"0 0 %d %.0f\" role=\"img\" aria-label=\"VM outcomes "
            "per policy\">\n",
            WIDTH, rows_h + 36);
    for (unsigned int i = 0; i < run->nr_policies; i++) {
        const struct sim_policy_result *p = &run->policies[i];
        unsigned int count[3] = {p->vms_built, p->vms_refused_claim, p->vms_failed_populate};
        double y = fr.top + 28.0 * i + 4, done = 0;

        row_label(f, &fr, y + 14, p);
        for (unsigned int k = 0; k < 3; k++) {
            char tip[160], inside[16];
            double x = fx(&fr, done);

            if (!count[k])
                continue;
            done += count[k];
            snprintf(tip, sizeof(tip), "%.*s: %u %s", (int)strnlen(p->name, sizeof(p->name)),
                     p->name, count[k], what[k]);
            snprintf(inside, sizeof(inside), "%u", count[k]);
            bar(f, x, y, fx(&fr, done) - x, 20, cls[k], tip, inside);
        }
    }
    x_axis(f, &fr, fmax(1, nice_step(most, 8)), AXIS_COUNT);
    fputs("</svg>\n<div class=\"legend\"><span><i class=\"built\"></i>built</span>"
          "<span><i class=\"refused\"></i>refused at claim (cheap)</span>"
          "<span><i class=\"failed\"></i>failed during population (late, wasteful)</span></div>\n"
          "</figure>\n",
          f);
}

/* ---- placement: on-intended-node share and access cost ---- */

/* The worst access cost the host allows: its largest SLIT distance over
 * the local one, at least 1.1 so that an all-local host still has an
 * axis. */
static double worst_cost(const struct sim_run *run)
{
    double worst = 1.1;

    for (unsigned int i = 0; i < run->topo.nr_nodes; i++)
        for (unsigned int j = 0; j < run->topo.nr_nodes; j++)
            if (run->topo.distance[i][i])
                worst = fmax(worst, (double)run->topo.distance[i][j] / run->topo.distance[i][i]);
    for (unsigned int i = 0; i < run->nr_policies; i++)
        if (isfinite(run->policies[i].access_cost))
            worst = fmax(worst, run->policies[i].access_cost);
    return worst;
}

static void placement_panel(FILE *f, const struct sim_run *run, const struct frame *fr, bool cost)
{
    char tip[192], val[32];

    fprintf(f, "<text class=\"ph\" x=\"%.1f\" y=\"%.1f\">%s</text>\n", fr->left + fr->width / 2,
            fr->top - 6,
            cost ? "access cost (1.00 = all local, lower is better)"
                 : "on intended node (higher is better)");
    for (unsigned int i = 0; i < run->nr_policies; i++) {
        const struct sim_policy_result *p = &run->policies[i];
        double y = fr->top + 28.0 * i + 4, v;
        bool known;

        if (cost) {
            known = p->vms_built && isfinite(p->access_cost) && p->access_cost > 0;
            v = known ? fmin(p->access_cost, fr->xmax) : fr->xmin;
            if (known)
                snprintf(val, sizeof(val), "%.2f", p->access_cost);
            else
                snprintf(val, sizeof(val), "n/a");
        } else {
            known = p->intended_pages != 0;
            v = known ? (double)p->pages_on_intended_node / (double)p->intended_pages : 0;
            out_fmt_share(val, sizeof(val), p->pages_on_intended_node, p->intended_pages);
        }
        snprintf(tip, sizeof(tip), "%.*s: %s %s", (int)strnlen(p->name, sizeof(p->name)), p->name,
                 cost ? "access cost" : "on intended node", val);
        if (!cost)
            row_label(f, fr, y + 14, p);
        bar(f, fr->left, y, fmax(fx(fr, v) - fr->left, 0), 20, cost ? "cost" : "share", tip, NULL);
        /* The value follows its bar, or sits inside the end of a bar
         * too long to leave room. */
        if (fx(fr, v) + 48 <= fr->left + fr->width)
            fprintf(f, "<text class=\"val\" x=\"%.1f\" y=\"%.1f\">", fx(fr, v) + 4, y + 14);
        else
            fprintf(f, "<text class=\"val-in\" x=\"%.1f\" y=\"%.1f\">", fx(fr, v) - 4, y + 14);
        out_html_text(f, val, sizeof(val)); /* "<0.1%" */
        fputs("</text>\n", f);
    }
}

void html_chart_placement(FILE *f, const struct sim_run *run)
{
    double label = label_width(run), panel = (WIDTH - label - 16 - 56) / 2;
    double h = 28.0 * run->nr_policies;
    struct frame share = {.left = label,
                          .top = 24,
                          .width = panel,
                          .height = h,
                          .xmin = 0,
                          .xmax = 1,
                          .ymin = 0,
                          .ymax = 1};
    struct frame cost = {.left = label + panel + 56,
                         .top = 24,
                         .width = panel,
                         .height = h,
                         .xmin = 1,
                         .xmax = worst_cost(run),
                         .ymin = 0,
                         .ymax = 1};

    figure_open(f, "placement", NULL, 0);
    fputs("<figcaption>Placement: share of node-bound memory on its intended node, and the "
          "SLIT-weighted access cost of built VMs</figcaption>\n",
          f);
    fprintf(f,
            "<svg class=\"bars\" viewBox=\"0 0 %d %.0f\" role=\"img\" aria-label=\"placement "
            "per policy\">\n",
            WIDTH, h + 52);
    placement_panel(f, run, &share, false);
    x_axis(f, &share, 0.25, AXIS_PERCENT);
    placement_panel(f, run, &cost, true);
    x_axis(f, &cost, nice_step(cost.xmax - cost.xmin, 4), AXIS_COST);
    fputs("</svg>\n</figure>\n", f);
}
