/*
 * Sizes written back as tokens of the size grammar (topo.h): the
 * topology's canonical text and every option value the toolstack passes
 * on use this one formatter.  Amounts written for people go through
 * cs_human_size() (common/human_size.h) instead.
 */
#include <inttypes.h>
#include <stdio.h>

#include "topo_private.h"

static const char *const unit_names[] = {"KiB", "MiB", "GiB", "TiB"};

uint64_t topo_exact_unit(uint64_t pages, const char **name)
{
    uint64_t kib = pages << 2; /* callers keep pages below 2^62 */
    unsigned int u = 0;

    while (u < 3 && (kib & ((1ULL << (10 * (u + 1))) - 1)) == 0)
        u++;
    *name = unit_names[u];
    return kib >> (10 * u);
}

const char *topo_size_token(uint64_t pages, char *buf, size_t len)
{
    const char *name;
    uint64_t v;

    if (pages == 0) {
        snprintf(buf, len, "0");
        return buf;
    }
    if (pages >> 62) {
        snprintf(buf, len, "%" PRIu64 "pages", pages);
        return buf;
    }
    v = topo_exact_unit(pages, &name);
    snprintf(buf, len, "%" PRIu64 "%s", v, name);
    return buf;
}
