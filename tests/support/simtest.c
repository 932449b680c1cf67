/* Helpers for tests of the simulator (see simtest.h). */
#include "simtest.h"
#include "test.h"

const struct claimset_topology *simt_topology(const char *text)
{
    static struct claimset_topology slots[16];
    static unsigned int next;
    struct claimset_topology *t = &slots[next++ % 16];
    char err[256];

    if (claimset_topology_parse(text, t, err, sizeof(err)))
        test_fail(__FILE__, __LINE__, "bad test topology '%s': %s", text, err);
    return t;
}
