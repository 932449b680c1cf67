/* Shared by the accounting and the deep halves of the checker. */
#ifndef HV_CHECK_INTERNAL_H
#define HV_CHECK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

struct host;
struct domain;

struct check_ctx {
    struct host *h;
    char *report;
    size_t len;
};

/* Write the report; always returns false so callers can `return`. */
bool check_fail(struct check_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The O(frames) checks; every lock held. */
bool check_deep(struct check_ctx *c, struct domain **doms, unsigned int nr);

#endif /* HV_CHECK_INTERNAL_H */
