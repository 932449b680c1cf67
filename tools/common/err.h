/*
 * The toolstack's parse-error convention: a function that fails writes a
 * one-line message into the caller's buffer and returns -1, so that
 * `return cs_err(err, errlen, "...", ...);` both explains and fails.
 */
#ifndef TOOLS_COMMON_ERR_H
#define TOOLS_COMMON_ERR_H

#include <stddef.h>

/* The message into err (when it has room, cut to fit); returns -1. */
int cs_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif /* TOOLS_COMMON_ERR_H */
