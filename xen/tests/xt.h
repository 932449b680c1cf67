/*
 * A tiny harness for the programs make check-xen runs in dom0: every
 * check prints one line, "PASS name" or "FAIL name: why", and the host
 * side counts them.  Nothing here looks at the clock.
 */
#ifndef XEN_TESTS_XT_H
#define XEN_TESTS_XT_H

#include <stdarg.h>
#include <stdio.h>

struct xt {
    unsigned int passed, failed;
};

__attribute__((format(printf, 4, 5))) static inline int
xt_check(struct xt *t, int ok, const char *name, const char *fmt, ...)
{
    va_list ap;

    if (ok) {
        t->passed++;
        printf("PASS %s\n", name);
    } else {
        t->failed++;
        printf("FAIL %s: ", name);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf("\n");
    }
    fflush(stdout);
    return ok;
}

#endif /* XEN_TESTS_XT_H */
