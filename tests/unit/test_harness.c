/*
 * The harness's promises to CI: a case runs with no wall-clock limit (its
 * verdict cannot depend on how busy the machine is), randomised cases get
 * a fixed seed unless CS_SEED names one, and CS_SCALE scales their step
 * budgets for soak runs only.
 */
#include <stdlib.h>
#include <unistd.h>

#include "test.h"

TEST(no_alarm_is_armed_while_a_case_runs)
{
    /* alarm() returns the seconds left on a pending alarm. */
    EXPECT_EQ(alarm(0), 0u);
}

TEST(seed_is_fixed_unless_cs_seed_is_set)
{
    ASSERT_EQ(unsetenv("CS_SEED"), 0);
    EXPECT_EQ(test_seed(), (uint64_t)TEST_DEFAULT_SEED);
    EXPECT_EQ(test_seed(), (uint64_t)TEST_DEFAULT_SEED);
    ASSERT_EQ(setenv("CS_SEED", "0x2a", 1), 0);
    EXPECT_EQ(test_seed(), 42u);
    ASSERT_EQ(setenv("CS_SEED", "", 1), 0);
    EXPECT_EQ(test_seed(), (uint64_t)TEST_DEFAULT_SEED);
}

TEST(step_budgets_scale_only_when_asked)
{
    ASSERT_EQ(unsetenv("CS_SCALE"), 0);
    EXPECT_EQ(test_scaled(4000), 4000ul);
    ASSERT_EQ(setenv("CS_SCALE", "25", 1), 0);
    EXPECT_EQ(test_scaled(4000), 100000ul);
    ASSERT_EQ(setenv("CS_SCALE", "0", 1), 0);
    EXPECT_EQ(test_scaled(4000), 4000ul);
    ASSERT_EQ(setenv("CS_SCALE", "1000", 1), 0);
    EXPECT_EQ(test_scaled(~0ul / 10), ~0ul);
}
