/*
 * The one way the toolstack writes an amount of memory for people: the
 * advisor's reasons, the claimset command's tables and messages, the
 * simulation reports all use it, so one amount always reads the same.
 *
 * Never larger than it is: the amount in the largest binary unit not
 * above it, exact when exact ("64 GiB", "4 KiB"), else rounded *down* to
 * two decimals ("63.99 GiB" for 64 GiB less a page) -- a figure shown
 * is always one the amount reaches.
 */
#ifndef TOOLS_COMMON_HUMAN_SIZE_H
#define TOOLS_COMMON_HUMAN_SIZE_H

#include <stddef.h>
#include <stdint.h>

/* Room for any result ("65535.99 EiB" is the longest) and the NUL. */
#define HUMAN_SIZE_LEN 32

/* pages (4 KiB each) as "4 MiB", "1.50 GiB", "63.99 GiB", "0 B".
 * Returns buf. */
const char *cs_human_size(uint64_t pages, char *buf, size_t len);

#endif /* TOOLS_COMMON_HUMAN_SIZE_H */
