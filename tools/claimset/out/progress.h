/*
 * A progress bar for long simulations, drawn on a terminal only.
 *
 * It draws nothing unless its file descriptor is a terminal, and nothing
 * during the first second (delay_s) of the run: short runs and runs whose
 * stderr goes to a file or a pipe print exactly what they would without
 * it.  Once drawn, progress_end() erases the line, so the results that
 * follow start on a clean line.
 *
 * There is no global bar: each run makes its own, so library code keeps
 * no global state.  Every function accepts NULL (and then does nothing),
 * so callers need not check progress_start() for failure.
 *
 * Thread safety: progress_update() and progress_add() may be called from
 * any number of threads at once (builder threads do).  progress_end()
 * must not race with them: call it after the threads are joined.
 */
#ifndef CLAIMSET_OUT_PROGRESS_H
#define CLAIMSET_OUT_PROGRESS_H

#include <stdint.h>

struct progress;

/* A bar on stderr that appears once the run has lasted a second. */
struct progress *progress_start(uint64_t total, const char *label);
/* The same on any descriptor, after delay_s seconds (for tests). */
struct progress *progress_start_fd(int fd, uint64_t total, const char *label, double delay_s);

/* done items of total are finished.  Out-of-order reports from several
 * threads are fine: the bar shows the largest. */
void progress_update(struct progress *p, uint64_t done);
/* n more items are finished. */
void progress_add(struct progress *p, uint64_t n);

/* Erase the bar if it was drawn and free it. */
void progress_end(struct progress *p);

#endif /* CLAIMSET_OUT_PROGRESS_H */
