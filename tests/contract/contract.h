/*
 * What the contract programs share: a check that counts a failure and goes
 * on, opening the handle, and the exit status.  Like the programs it uses
 * nothing but <xenctrl.h> and the C library, and it builds as C99 and as
 * C++.  Include it in one file of a program.
 */
#ifndef CLAIMSET_CONTRACT_H
#define CLAIMSET_CONTRACT_H

#include <errno.h>
#include <stdio.h>

#include <xenctrl.h>

/* Checks that failed so far. */
static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s (errno %d)\n", __FILE__, __LINE__, #cond,     \
                    errno);                                                                        \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* A handle on the host the environment selects (CLAIMSET_TOPOLOGY, else
 * the built-in one); NULL, with the reason on stderr, if there is none. */
static inline xc_interface *contract_open(void)
{
    xc_interface *xch = xc_interface_open(NULL, NULL, 0);

    if (!xch)
        perror("xc_interface_open");
    return xch;
}

/* The program's exit status: 0 when every check passed, else 1 after a
 * summary line naming the program. */
static inline int contract_exit(const char *prog)
{
    if (failures)
        fprintf(stderr, "%s: %d check(s) failed\n", prog, failures);
    return failures ? 1 : 0;
}

#endif /* CLAIMSET_CONTRACT_H */
