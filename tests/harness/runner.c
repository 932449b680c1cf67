/*
 * Test runner: runs every registered case (or those named on the command
 * line) in a child process and reports one line per case.  No case is
 * timed: how long a case takes depends on how busy the machine is, so no
 * verdict may (the cases bound their work in steps; CTest's generous
 * TIMEOUT is the safety net against a hang).
 */
#include "test.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_TESTS 1024

struct test_case {
    const char *name;
    test_fn fn;
    const char *file;
    int line;
};

/* The registry is filled by constructors before main(); it is the test
 * program's own state, not the library's. */
static struct test_case tests[MAX_TESTS];
static unsigned int nr_tests;
static unsigned int nr_failures;

void test_register(const char *name, test_fn fn, const char *file, int line)
{
    if (nr_tests == MAX_TESTS) {
        fprintf(stderr, "too many tests (max %d)\n", MAX_TESTS);
        exit(2);
    }
    tests[nr_tests++] = (struct test_case){name, fn, file, line};
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    nr_failures++;
    fprintf(stderr, "  FAIL %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

bool test_failed(void)
{
    return nr_failures != 0;
}

void test_note(const char *fmt, ...)
{
    va_list ap;

    fputs("  # ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static bool cmp_holds(int c, const char *op)
{
    if (!strcmp(op, "=="))
        return c == 0;
    if (!strcmp(op, "!="))
        return c != 0;
    if (!strcmp(op, "<"))
        return c < 0;
    if (!strcmp(op, "<="))
        return c <= 0;
    if (!strcmp(op, ">"))
        return c > 0;
    return c >= 0; /* ">=" */
}

bool test_check_u(uint64_t a, uint64_t b, const char *op, const char *ea, const char *eb,
                  const char *file, int line)
{
    int c = a < b ? -1 : a > b;

    if (cmp_holds(c, op))
        return true;
    test_fail(file, line,
              "expected %s %s %s, got %" PRIu64 " (%#" PRIx64 ") vs %" PRIu64 " (%#" PRIx64 ")", ea,
              op, eb, a, a, b, b);
    return false;
}

bool test_check_i(int64_t a, int64_t b, const char *op, const char *ea, const char *eb,
                  const char *file, int line)
{
    int c = a < b ? -1 : a > b;

    if (cmp_holds(c, op))
        return true;
    test_fail(file, line, "expected %s %s %s, got %" PRId64 " vs %" PRId64, ea, op, eb, a, b);
    return false;
}

bool test_check_d(double a, double b, const char *op, const char *ea, const char *eb,
                  const char *file, int line)
{
    int c = a < b ? -1 : a > b;

    if (a == a && b == b && cmp_holds(c, op))
        return true;
    test_fail(file, line, "expected %s %s %s, got %.17g vs %.17g", ea, op, eb, a, b);
    return false;
}

bool test_check_str(const char *a, const char *b, bool want_equal, const char *ea, const char *eb,
                    const char *file, int line)
{
    bool equal = (a && b) ? !strcmp(a, b) : a == b;

    if (equal == want_equal)
        return true;
    test_fail(file, line, "expected %s %s %s:\n    \"%s\"\n    \"%s\"", ea,
              want_equal ? "==" : "!=", eb, a ? a : "(null)", b ? b : "(null)");
    return false;
}

bool test_check_contains(const char *hay, const char *needle, const char *ehay, const char *file,
                         int line)
{
    if (hay && strstr(hay, needle))
        return true;
    test_fail(file, line, "expected %s (\"%s\") to contain \"%s\"", ehay, hay ? hay : "(null)",
              needle);
    return false;
}

uint64_t test_seed(void)
{
    const char *env = getenv("CS_SEED");
    uint64_t seed = TEST_DEFAULT_SEED;

    if (env && *env)
        seed = strtoull(env, NULL, 0);
    fprintf(stderr, "  # seed %" PRIu64 " (replay with CS_SEED=%" PRIu64 ")\n", seed, seed);
    return seed;
}

unsigned long test_scaled(unsigned long steps)
{
    const char *env = getenv("CS_SCALE");
    unsigned long scale = env && *env ? strtoul(env, NULL, 0) : 1;

    if (scale == 0)
        scale = 1;
    return steps > ULONG_MAX / scale ? ULONG_MAX : steps * scale;
}

void test_rng_init(struct test_rng *r, uint64_t seed)
{
    uint64_t z = seed + 0x9E3779B97F4A7C15ULL;

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    r->s = (z ^ (z >> 31)) | 1;
}

uint64_t test_rng_next(struct test_rng *r)
{
    uint64_t x = r->s;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    r->s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

uint64_t test_rng_below(struct test_rng *r, uint64_t n)
{
    return n ? test_rng_next(r) % n : 0;
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static bool selected(const struct test_case *t, int argc, char **argv)
{
    bool any = false;

    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-')
            continue;
        any = true;
        if (strstr(t->name, argv[i]))
            return true;
    }
    return !any;
}

/* Run one case in a child; returns true when it passed. */
static bool run_forked(const struct test_case *t)
{
    int status;
    pid_t pid;

    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        perror("fork");
        return false;
    }
    if (pid == 0) {
        t->fn();
        fflush(stdout);
        _exit(test_failed() ? 1 : 0);
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status))
        return WEXITSTATUS(status) == 0;
    if (WIFSIGNALED(status))
        fprintf(stderr, "  %s: killed by signal %d (%s)\n", t->name, WTERMSIG(status),
                strsignal(WTERMSIG(status)));
    return false;
}

int main(int argc, char **argv)
{
    bool fork_each = true;
    unsigned int run = 0, failed = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--list")) {
            for (unsigned int j = 0; j < nr_tests; j++)
                printf("%s\n", tests[j].name);
            return 0;
        }
        if (!strcmp(argv[i], "--no-fork"))
            fork_each = false;
    }

    for (unsigned int i = 0; i < nr_tests; i++) {
        const struct test_case *t = &tests[i];
        double start;
        bool ok;

        if (!selected(t, argc, argv))
            continue;
        run++;
        start = now_ms();
        if (fork_each) {
            ok = run_forked(t);
        } else {
            unsigned int before = nr_failures;

            t->fn();
            ok = nr_failures == before;
        }
        printf("%s %u - %s (%.0f ms)\n", ok ? "ok" : "not ok", run, t->name, now_ms() - start);
        if (!ok) {
            failed++;
            fprintf(stderr, "  (defined at %s:%d)\n", t->file, t->line);
        }
        fflush(stdout);
    }
    printf("1..%u\n# %u passed, %u failed\n", run, run - failed, failed);
    if (run == 0) {
        fprintf(stderr, "no test matched\n");
        return 1;
    }
    return failed ? 1 : 0;
}
