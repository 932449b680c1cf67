/*
 * Values the claimset tools share: integers, page counts for people, and
 * whole text files.  Parsers are pure: 0, or -1 with a message (without
 * any program or option prefix) in the caller's buffer, so the command
 * and the scenario language report them in their own context.
 */
#ifndef TOOLS_COMMON_VALUES_H
#define TOOLS_COMMON_VALUES_H

#include <stddef.h>
#include <stdint.h>

/* A decimal or 0x-hexadecimal integer, nothing else (no sign, no space). */
int cs_parse_u64(const char *s, uint64_t *v, char *err, size_t errlen);
/* An integer in [min, max], named "a positive integer" when min is 1. */
int cs_parse_range(const char *s, uint64_t min, uint64_t max, uint64_t *v, char *err,
                   size_t errlen);

/* "1024 pages (4 MiB)". */
const char *cs_fmt_pages(uint64_t pages, char *buf, size_t len);

/* Read a whole text file ("-": stdin; at most max bytes) into a
 * NUL-terminated malloc'd buffer.  0, or -1 with errno and a message
 * naming the path. */
int cs_read_file(const char *path, size_t max, char **text, char *err, size_t errlen);

#endif /* TOOLS_COMMON_VALUES_H */
