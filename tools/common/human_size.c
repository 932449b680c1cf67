/*
 * Human-readable sizes (human_size.h).
 */
#include <stdio.h>

#include "common/human_size.h"

static const char *const unit_names[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

#define NR_UNITS (sizeof(unit_names) / sizeof(unit_names[0]))

const char *cs_human_size(uint64_t pages, char *buf, size_t len)
{
    /* In KiB (a page is 4): 2^66 at most, so 128 bits. */
    unsigned __int128 kib = (unsigned __int128)pages << 2, one, hundredths;
    unsigned int u = 0;

    if (!len)
        return buf;
    if (pages == 0) {
        snprintf(buf, len, "0 B");
        return buf;
    }
    while (u + 1 < NR_UNITS && kib >= ((unsigned __int128)1 << (10 * (u + 1))))
        u++;
    one = (unsigned __int128)1 << (10 * u);
    if (kib % one == 0) {
        snprintf(buf, len, "%llu %s", (unsigned long long)(kib / one), unit_names[u]);
        return buf;
    }
    /* floor(100 * kib / one): the last digit shown is never rounded up. */
    hundredths = kib * 100 / one;
    snprintf(buf, len, "%llu.%02u %s", (unsigned long long)(hundredths / 100),
             (unsigned int)(hundredths % 100), unit_names[u]);
    return buf;
}
