/* fz_fail(): see fz_fail.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "fz_fail.h"

void fz_fail(const char *fmt, ...)
{
    va_list ap;

    fputs("fuzz property broken: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}
