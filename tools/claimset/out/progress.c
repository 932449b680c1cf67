/*
 * The progress bar.  Lock key: [I] set at start, [M] under p->lock.
 * Drawing happens under the lock, so lines from several threads never
 * interleave; redraws are limited to ten a second (and one for the final
 * count), so a tight loop of updates costs a clock read and a lock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "out/progress.h"

#define LABEL_LEN     40
#define REDRAW_PERIOD 0.1

struct progress {
    pthread_mutex_t lock;
    int fd;                /* [I] */
    bool tty;              /* [I] draws at all */
    uint64_t total;        /* [I] */
    char label[LABEL_LEN]; /* [I] */
    double start, delay;   /* [I] monotonic seconds */
    uint64_t done;         /* [M] */
    double last_draw;      /* [M] when last drawn, < 0 if never */
    uint64_t drawn_done;   /* [M] the count last drawn */
    size_t drawn_len;      /* [M] visible length of the line on screen */
};

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(fd, buf, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* a bar is not worth failing the run over */
        buf += n;
        len -= (size_t)n;
    }
}

static unsigned int term_columns(int fd)
{
    struct winsize ws;

    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    return 80;
}

/* Called with p->lock held. */
static void draw_locked(struct progress *p, double t)
{
    char tail[96], line[512];
    unsigned int cols = term_columns(p->fd), bar, fill;
    double frac = p->total ? (double)p->done / (double)p->total : 1.0;
    size_t len, vis;
    int n;

    if (frac > 1.0)
        frac = 1.0;
    snprintf(tail, sizeof(tail), " %3.0f%% %llu/%llu %.0fs", frac * 100.0,
             (unsigned long long)p->done, (unsigned long long)p->total, t - p->start);
    /* "label [bar]tail" within cols - 1 (the last column would wrap). */
    len = strlen(p->label) + 3 + strlen(tail);
    bar = len + 10 < cols ? cols - 1 - (unsigned int)len : 10;
    if (bar > 50)
        bar = 50;
    fill = (unsigned int)(frac * bar);

    n = snprintf(line, sizeof(line), "\r%s [", p->label);
    for (unsigned int i = 0; i < bar && (size_t)n + 2 < sizeof(line); i++)
        line[n++] = i < fill ? '#' : '-';
    n += snprintf(line + n, sizeof(line) - (size_t)n, "]%s", tail);
    vis = (size_t)n - 1;
    /* Blank out what is left of a longer previous line. */
    for (size_t pad = p->drawn_len > vis ? p->drawn_len - vis : 0;
         pad && (size_t)n + 1 < sizeof(line); pad--)
        line[n++] = ' ';
    write_all(p->fd, line, (size_t)n);
    p->drawn_len = vis;
    p->last_draw = t;
    p->drawn_done = p->done;
}

struct progress *progress_start_fd(int fd, uint64_t total, const char *label, double delay_s)
{
    struct progress *p = calloc(1, sizeof(*p));

    if (!p)
        return NULL;
    if (pthread_mutex_init(&p->lock, NULL)) {
        free(p);
        return NULL;
    }
    p->fd = fd;
    p->tty = fd >= 0 && isatty(fd);
    p->total = total;
    snprintf(p->label, sizeof(p->label), "%s", label ? label : "");
    p->start = now();
    p->delay = delay_s;
    p->last_draw = -1;
    return p;
}

struct progress *progress_start(uint64_t total, const char *label)
{
    return progress_start_fd(STDERR_FILENO, total, label, 1.0);
}

static void report(struct progress *p, uint64_t done, bool add)
{
    double t;

    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    if (add)
        p->done += done;
    else if (done > p->done)
        p->done = done;
    if (p->tty) {
        t = now();
        if (t - p->start > p->delay && p->done != p->drawn_done &&
            (t - p->last_draw >= REDRAW_PERIOD || p->done >= p->total))
            draw_locked(p, t);
    }
    pthread_mutex_unlock(&p->lock);
}

void progress_update(struct progress *p, uint64_t done)
{
    report(p, done, false);
}

void progress_add(struct progress *p, uint64_t n)
{
    report(p, n, true);
}

void progress_end(struct progress *p)
{
    char blank[512];
    size_t n;

    if (!p)
        return;
    if (p->drawn_len) {
        n = p->drawn_len < sizeof(blank) - 2 ? p->drawn_len : sizeof(blank) - 2;
        blank[0] = '\r';
        memset(blank + 1, ' ', n);
        blank[n + 1] = '\r';
        write_all(p->fd, blank, n + 2);
    }
    pthread_mutex_destroy(&p->lock);
    free(p);
}
