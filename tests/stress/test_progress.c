/*
 * The progress bar (tools/claimset/out/progress.c): silent unless its
 * descriptor is a terminal and the run has lasted past the delay; on a
 * terminal (a pseudo-terminal here) it draws, and erases itself at the
 * end; updates from many threads are safe and end at the true count.
 * In tests/stress so that the TSan build runs it.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "out/progress.h"

/* A pseudo-terminal: *master to read what the bar drew, returns the
 * terminal side (or -1). */
static int open_pty(int *master)
{
    char *name;
    int m, s;

    m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0)
        return -1;
    if (grantpt(m) || unlockpt(m) || !(name = ptsname(m))) {
        close(m);
        return -1;
    }
    s = open(name, O_RDWR | O_NOCTTY);
    if (s < 0) {
        close(m);
        return -1;
    }
    fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK);
    *master = m;
    return s;
}

/* Everything readable now from fd (non-blocking), appended to buf. */
static size_t drain(int fd, char *buf, size_t len, size_t have)
{
    ssize_t n;

    while (have + 1 < len && (n = read(fd, buf + have, len - 1 - have)) > 0)
        have += (size_t)n;
    buf[have] = '\0';
    return have;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (time_t)s) * 1e9)};

    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

TEST(progress_silent_when_not_a_terminal)
{
    int fds[2];
    char buf[256];
    struct progress *p;

    ASSERT_EQ(pipe(fds), 0);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    p = progress_start_fd(fds[1], 10, "building", 0.0); /* no delay at all */
    ASSERT_TRUE(p != NULL);
    for (uint64_t i = 1; i <= 10; i++)
        progress_update(p, i);
    sleep_s(0.15);
    progress_add(p, 1);
    progress_end(p);
    close(fds[1]);
    EXPECT_EQ(drain(fds[0], buf, sizeof(buf), 0), 0u);
    close(fds[0]);
}

TEST(progress_draws_on_a_terminal_only_after_the_delay)
{
    char buf[4096];
    size_t have;
    struct progress *p;
    int master, tty = open_pty(&master);
    double t0;

    if (tty < 0) {
        test_note("no pseudo-terminal available (%s): cannot test drawing", strerror(errno));
        return;
    }
    t0 = now_s();
    p = progress_start_fd(tty, 200, "building", 1.0);
    ASSERT_TRUE(p != NULL);
    progress_update(p, 20);
    progress_update(p, 40);
    have = drain(master, buf, sizeof(buf), 0);
    /* Within the first second: nothing.  Only asserted when this thread
     * knows that less than a second has passed: on a busy machine it may
     * not have been scheduled for that long. */
    if (now_s() - t0 < 1.0)
        EXPECT_EQ(have, 0u);
    else
        test_note("the first second passed before the check: not asserted");

    sleep_s(1.1); /* at least the delay, however busy the machine */
    drain(master, buf, sizeof(buf), 0);
    progress_update(p, 100);
    have = drain(master, buf, sizeof(buf), 0);
    EXPECT_CONTAINS(buf, "\rbuilding [");
    EXPECT_CONTAINS(buf, " 50% 100/200 ");
    EXPECT_TRUE(strchr(buf, '\n') == NULL); /* redraws in place */

    progress_update(p, 200); /* the final count is always drawn */
    have = drain(master, buf, sizeof(buf), have);
    EXPECT_CONTAINS(buf, "100% 200/200");
    EXPECT_CONTAINS(buf, "##########"); /* a full bar */

    progress_end(p);
    have = drain(master, buf, sizeof(buf), 0);
    /* Erased: carriage return, blanks, carriage return. */
    ASSERT_TRUE(have >= 3);
    EXPECT_EQ(buf[0], '\r');
    EXPECT_EQ(buf[have - 1], '\r');
    EXPECT_EQ(strspn(buf + 1, " "), have - 2);
    close(tty);
    close(master);
}

TEST(progress_short_run_on_a_terminal_prints_nothing)
{
    char buf[256];
    struct progress *p;
    int master, tty = open_pty(&master);

    if (tty < 0) {
        test_note("no pseudo-terminal available: cannot test");
        return;
    }
    /* "Short" is relative to the delay: an hour is beyond any load. */
    p = progress_start_fd(tty, 5, "quick", 3600.0);
    for (uint64_t i = 1; i <= 5; i++)
        progress_update(p, i);
    progress_end(p);
    EXPECT_EQ(drain(master, buf, sizeof(buf), 0), 0u);
    close(tty);
    close(master);
}

/* A failed progress_start() must not make callers check: NULL is a bar
 * that does nothing (the case passes by not crashing). */
TEST(progress_null_is_harmless)
{
    progress_update(NULL, 1);
    progress_add(NULL, 1);
    progress_end(NULL);
}

struct adder {
    struct progress *p;
    unsigned int n;
};

static void *add_many(void *arg)
{
    struct adder *a = arg;

    for (unsigned int i = 0; i < a->n; i++)
        progress_add(a->p, 1);
    return NULL;
}

TEST(progress_counts_updates_from_many_threads)
{
    enum { THREADS = 4, EACH = 5000 };
    static char buf[1 << 16];
    pthread_t t[THREADS];
    struct adder a = {NULL, EACH};
    size_t have = 0;
    int master, tty = open_pty(&master);

    if (tty < 0) {
        test_note("no pseudo-terminal available: cannot test");
        return;
    }
    a.p = progress_start_fd(tty, THREADS * EACH, "threads", 0.0);
    ASSERT_TRUE(a.p != NULL);
    for (int i = 0; i < THREADS; i++)
        ASSERT_EQ(pthread_create(&t[i], NULL, add_many, &a), 0);
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        have = drain(master, buf, sizeof(buf), have);
    }
    have = drain(master, buf, sizeof(buf), have);
    /* No update was lost: the final count reached the total and was drawn. */
    EXPECT_CONTAINS(buf, "100% 20000/20000");
    /* Lines never interleave: each draw starts with "\rthreads [". */
    EXPECT_EQ(buf[0], '\r');
    for (const char *p = buf; (p = strchr(p + 1, '\r')) != NULL;)
        EXPECT_EQ(strncmp(p, "\rthreads [", 10), 0);
    progress_end(a.p);
    close(tty);
    close(master);
}
