/*
 * Contract check: a malformed CLAIMSET_TOPOLOGY makes xc_interface_open()
 * return NULL with errno EINVAL (run.sh checks that stderr names the
 * problem), and an open after fixing the variable works.  run.sh starts
 * it with CLAIMSET_TOPOLOGY=4GiB,4GB.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <xenctrl.h>

int main(void)
{
    xc_interface *xch;

    errno = 0;
    xch = xc_interface_open(NULL, NULL, 0);
    if (xch || errno != EINVAL) {
        printf("bad_topology: open returned %p, errno %d; expected NULL, EINVAL\n", (void *)xch,
               errno);
        return 1;
    }
    setenv("CLAIMSET_TOPOLOGY", "16M,16M", 1);
    xch = xc_interface_open(NULL, NULL, 0);
    if (!xch || xc_get_max_nodes(xch) != 2) {
        printf("bad_topology: open after fixing the variable failed (errno %d)\n", errno);
        return 1;
    }
    xc_interface_close(xch);
    return 0;
}
