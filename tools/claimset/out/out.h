/*
 * The output layer beyond the four entry points in sim_results.h: more CSV
 * shapes, the HTML writer on a stream, the computed summary, and helpers
 * shared by the writers.  Everything here only reads a struct sim_run.
 *
 * Every writer first checks the run with sim_run_validate(), so a
 * malformed run is refused (-1, EINVAL) before anything is written.
 * Strings in the run are fixed arrays that need not be NUL-terminated:
 * writers never read past the array.
 */
#ifndef CLAIMSET_OUT_OUT_H
#define CLAIMSET_OUT_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/human_size.h"
#include "sim/sim_results.h"

#define SIM_PAGE_SIZE 4096u

/* Outputs.  Return 0, or -1 with errno (and a message in err for files). */
int out_table(FILE *f, const struct sim_run *run);
int out_json(FILE *f, const struct sim_run *run);
int out_csv(FILE *f, const struct sim_run *run);
int out_html(const char *path, const struct sim_run *run, char *err, size_t errlen);

/* An outcome for people: "built", "refused at claim time", "failed while
 * populating" (sim_outcome_name() is the JSON/CSV spelling). */
const char *out_outcome_label(enum sim_outcome o);

/* The run's host as one line, into buf (returned): the pool in words for
 * a drain, else the canonical topology text (cut to len). */
#define OUT_TOPOLOGY_LEN SIM_TOPOLOGY_TEXT_LEN
const char *out_topology_text(const struct sim_run *run, char *buf, size_t len);

/* CSV, RFC 4180 (CRLF line ends, quoting only where needed).
 * out_csv_vms: one row per (policy, VM), with one pages column per node.
 * out_csv_samples: one row per (policy, sample, node). */
int out_csv_vms(FILE *f, const struct sim_run *run);
int out_csv_samples(FILE *f, const struct sim_run *run);

/* --seeds N (out/seeds.c): runs[0..nr) of one configuration with
 * consecutive seeds, each metric per policy as median and range, and the
 * differences from legacy that hold in every seed.  0, or -1 with errno
 * (EINVAL: no runs, or runs that do not list the same policies). */
int out_seeds_table(FILE *f, const struct sim_run *runs, unsigned int nr);
int out_seeds_json(FILE *f, const struct sim_run *runs, unsigned int nr);
int out_seeds_csv(FILE *f, const struct sim_run *runs, unsigned int nr);

/* The HTML report on a stream (out_html writes it to a file). */
int out_html_write(FILE *f, const struct sim_run *run);

/*
 * "What this shows": a few sentences computed from the numbers, shared by
 * the table and the HTML report.  Each sentence is plain text (the caller
 * escapes it for its format).
 */
#define OUT_SUMMARY_MAX 8
#define OUT_SUMMARY_LEN 1536
struct out_summary {
    unsigned int n;
    char sentence[OUT_SUMMARY_MAX][OUT_SUMMARY_LEN];
};
void out_summarize(const struct sim_run *run, struct out_summary *s);

/* ---- helpers shared by the writers (out/format.c) ---- */

/* Sizes: cs_human_size() (common/human_size.h), as everywhere. */
/* Seconds as "850 ms", "12.3 s", "4m05s". */
char *out_fmt_seconds(char *buf, size_t len, double s);

/* part/whole as "100%", "72.4%", "<0.1%", "0%" (rounded down, "100%"
 * and "0%" only when exact); "n/a" when whole is 0. */
char *out_fmt_share(char *buf, size_t len, uint64_t part, uint64_t whole);
/* A count with thousands separators: "12,345". */
char *out_fmt_count(char *buf, size_t len, uint64_t n);

/* Writers for untrusted text (at most maxlen bytes of s, or up to NUL). */
void out_json_string(FILE *f, const char *s, size_t maxlen);
void out_html_text(FILE *f, const char *s, size_t maxlen);
void out_csv_field(FILE *f, const char *s, size_t maxlen);

/* A double as JSON: the shortest form that reads back exactly, or null
 * when it is not finite. */
void out_json_double(FILE *f, double v);

/* Share of part in whole as 0..1, or NaN when whole is 0. */
double out_share(uint64_t part, uint64_t whole);

/* 0 when nothing failed on f, else -1 with errno (EIO if the stream did
 * not say). */
int out_stream_status(FILE *f);

#endif /* CLAIMSET_OUT_OUT_H */
