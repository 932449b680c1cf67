/*
 * The checker's report writer, in a file of its own so that both halves
 * of the checker (check.c runs check_deep.c) call down into it rather
 * than into each other.
 */
#include <stdarg.h>
#include <stdio.h>

#include "check_internal.h"

bool check_fail(struct check_ctx *c, const char *fmt, ...)
{
    va_list ap;

    if (c->len) {
        va_start(ap, fmt);
        vsnprintf(c->report, c->len, fmt, ap);
        va_end(ap);
    }
    return false;
}
