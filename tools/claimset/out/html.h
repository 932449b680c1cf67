/*
 * Pieces of the HTML report (out/html*.c), internal to the output layer.
 *
 * The page is one file with everything inline: the CSS and script from
 * html_assets.c, SVG charts drawn here in C (so the charts are there
 * without the script), and the data tables.  Every chart is a <figure>
 * with a data-chart marker ("timeline-<policy>", "outcomes", "placement")
 * that tests and the browser check look for.
 */
#ifndef CLAIMSET_OUT_HTML_H
#define CLAIMSET_OUT_HTML_H

#include <stdio.h>

#include "out/out.h"

/* The stylesheet, the early script (installs the error trap before any
 * other script runs) and the main script (interactivity; on success it
 * sets data-report="ok" on <html>). */
extern const char html_css[];
extern const char html_js_trap[];
extern const char html_js_main[];

/* Charts: each writes one <figure data-chart=...>. */
void html_chart_timeline(FILE *f, const struct sim_run *run, const struct sim_policy_result *p);
void html_chart_outcomes(FILE *f, const struct sim_run *run);
void html_chart_placement(FILE *f, const struct sim_run *run);

/* Escaped text of a fixed-size field. */
#define HTML_TEXT(f, field) out_html_text(f, field, sizeof(field))

/* Colour of node n's series (cycles after ten nodes). */
const char *html_node_colour(unsigned int n);

#endif /* CLAIMSET_OUT_HTML_H */
