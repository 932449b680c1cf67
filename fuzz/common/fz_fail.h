/*
 * How a fuzz target reports a broken property: a message on stderr, then
 * abort(), which libFuzzer records as a crash and saves the input for.
 * Sanitizer reports and the core's own checks abort the same way.
 */
#ifndef CS_FUZZ_FAIL_H
#define CS_FUZZ_FAIL_H

__attribute__((noreturn, format(printf, 1, 2))) void fz_fail(const char *fmt, ...);

#endif /* CS_FUZZ_FAIL_H */
