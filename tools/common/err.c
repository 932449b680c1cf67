/* The toolstack's parse-error convention (err.h). */
#include <stdarg.h>
#include <stdio.h>

#include "common/err.h"

int cs_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err && errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}
