/*
 * The test harness: one registry of test cases per test program, each case
 * run in its own process (a crash fails that case only), and typed
 * expectations that print both values.
 *
 *   TEST(heap_merges_buddies) { EXPECT_EQ(a, b); ASSERT_TRUE(p != NULL); }
 *
 * EXPECT_* records a failure and goes on; ASSERT_* records it and returns
 * from the test.  Run a program with --list to list its cases, with names
 * (substrings) to pick cases, with --no-fork to debug in one process.
 * CS_SEED sets the seed that test_seed() returns; CS_SCALE multiplies the
 * step budgets of randomised cases (test_scaled()).  Both are for soak
 * runs: CI uses the fixed default seed and budgets.  No case has a time
 * limit: work is bounded in steps, so no verdict depends on machine load.
 */
#ifndef CS_TEST_H
#define CS_TEST_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef void (*test_fn)(void);
void test_register(const char *name, test_fn fn, const char *file, int line);

#define TEST(name)                                                                                 \
    static void test_##name(void);                                                                 \
    __attribute__((constructor)) static void test_register_##name(void)                            \
    {                                                                                              \
        test_register(#name, test_##name, __FILE__, __LINE__);                                     \
    }                                                                                              \
    static void test_##name(void)

/* Failure bookkeeping (the current case fails once any is recorded). */
void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool test_failed(void);

bool test_check_u(uint64_t a, uint64_t b, const char *op, const char *ea, const char *eb,
                  const char *file, int line);
bool test_check_i(int64_t a, int64_t b, const char *op, const char *ea, const char *eb,
                  const char *file, int line);
bool test_check_d(double a, double b, const char *op, const char *ea, const char *eb,
                  const char *file, int line);
bool test_check_str(const char *a, const char *b, bool want_equal, const char *ea, const char *eb,
                    const char *file, int line);
bool test_check_contains(const char *hay, const char *needle, const char *ehay, const char *file,
                         int line);

#define TEST_IS_SIGNED(x)                                                                          \
    _Generic((x), signed char : 1, short : 1, int : 1, long : 1, long long : 1, default : 0)

#define TEST_IS_FLOAT(x) _Generic((x), float : 1, double : 1, long double : 1, default : 0)

/* Floating operands compare as doubles, signed as int64, others uint64. */
#define TEST_CMP(a, op, b)                                                                         \
    ((TEST_IS_FLOAT(a) || TEST_IS_FLOAT(b))                                                        \
         ? test_check_d((double)(a), (double)(b), #op, #a, #b, __FILE__, __LINE__)                 \
     : (TEST_IS_SIGNED(a) || TEST_IS_SIGNED(b))                                                    \
         ? test_check_i((int64_t)(a), (int64_t)(b), #op, #a, #b, __FILE__, __LINE__)               \
         : test_check_u((uint64_t)(a), (uint64_t)(b), #op, #a, #b, __FILE__, __LINE__))

#define EXPECT_EQ(a, b)    ((void)TEST_CMP(a, ==, b))
#define EXPECT_NE(a, b)    ((void)TEST_CMP(a, !=, b))
#define EXPECT_LT(a, b)    ((void)TEST_CMP(a, <, b))
#define EXPECT_LE(a, b)    ((void)TEST_CMP(a, <=, b))
#define EXPECT_GT(a, b)    ((void)TEST_CMP(a, >, b))
#define EXPECT_GE(a, b)    ((void)TEST_CMP(a, >=, b))
#define EXPECT_TRUE(c)     ((c) ? (void)0 : test_fail(__FILE__, __LINE__, "expected true: %s", #c))
#define EXPECT_FALSE(c)    (!(c) ? (void)0 : test_fail(__FILE__, __LINE__, "expected false: %s", #c))
#define EXPECT_STREQ(a, b) ((void)test_check_str(a, b, true, #a, #b, __FILE__, __LINE__))
#define EXPECT_STRNE(a, b) ((void)test_check_str(a, b, false, #a, #b, __FILE__, __LINE__))
#define EXPECT_CONTAINS(hay, needle)                                                               \
    ((void)test_check_contains(hay, needle, #hay, __FILE__, __LINE__))

#define ASSERT_EQ(a, b)                                                                            \
    do {                                                                                           \
        if (!TEST_CMP(a, ==, b))                                                                   \
            return;                                                                                \
    } while (0)
#define ASSERT_NE(a, b)                                                                            \
    do {                                                                                           \
        if (!TEST_CMP(a, !=, b))                                                                   \
            return;                                                                                \
    } while (0)
#define ASSERT_GT(a, b)                                                                            \
    do {                                                                                           \
        if (!TEST_CMP(a, >, b))                                                                    \
            return;                                                                                \
    } while (0)
#define ASSERT_GE(a, b)                                                                            \
    do {                                                                                           \
        if (!TEST_CMP(a, >=, b))                                                                   \
            return;                                                                                \
    } while (0)
#define ASSERT_LT(a, b)                                                                            \
    do {                                                                                           \
        if (!TEST_CMP(a, <, b))                                                                    \
            return;                                                                                \
    } while (0)
#define ASSERT_LE(a, b)                                                                            \
    do {                                                                                           \
        if (!TEST_CMP(a, <=, b))                                                                   \
            return;                                                                                \
    } while (0)
#define ASSERT_TRUE(c)                                                                             \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            test_fail(__FILE__, __LINE__, "expected true: %s", #c);                                \
            return;                                                                                \
        }                                                                                          \
    } while (0)
#define ASSERT_FALSE(c) ASSERT_TRUE(!(c))

/* The seed for randomised tests: CS_SEED if set, else the fixed
 * TEST_DEFAULT_SEED, so that CI runs the same cases every time.  Printed
 * so that a failing run can be replayed. */
#define TEST_DEFAULT_SEED 20250101u
uint64_t test_seed(void);

/* A randomised case's step budget: steps, times CS_SCALE if set (soak
 * runs; default 1). */
unsigned long test_scaled(unsigned long steps);

/* A small, fast, seedable generator (splitmix64 then xorshift). */
struct test_rng {
    uint64_t s;
};
void test_rng_init(struct test_rng *r, uint64_t seed);
uint64_t test_rng_next(struct test_rng *r);
/* Uniform in [0, n); n > 0. */
uint64_t test_rng_below(struct test_rng *r, uint64_t n);

/* Print a note into the test's output (shown with the case's result). */
void test_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* CS_TEST_H */
