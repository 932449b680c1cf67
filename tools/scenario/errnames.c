/*
 * Symbolic errno names for `expect errno=NAME` and for reports: every
 * errno the API can answer, and the common rest.
 */
#include <errno.h>
#include <string.h>

#include "scenario.h"

#define E(name)                                                                                    \
    {                                                                                              \
#name, name                                                                                \
    }

static const struct {
    const char *name;
    int value;
} names[] = {
    E(EPERM),   E(ENOENT),     E(ESRCH),     E(EINTR),    E(EIO),         E(ENXIO),
    E(E2BIG),   E(EBADF),      E(EAGAIN),    E(ENOMEM),   E(EACCES),      E(EFAULT),
    E(EBUSY),   E(EEXIST),     E(EXDEV),     E(ENODEV),   E(EINVAL),      E(ENFILE),
    E(EMFILE),  E(ENOSPC),     E(ESPIPE),    E(EROFS),    E(EDOM),        E(ERANGE),
    E(EDEADLK), E(ENOSYS),     E(ENOTEMPTY), E(ENODATA),  E(ETIME),       E(EOVERFLOW),
    E(EILSEQ),  E(EOPNOTSUPP), E(ETIMEDOUT), E(EALREADY), E(EINPROGRESS), E(ECANCELED),
    E(EFBIG),
};

#undef E

const char *scn_errno_name(int err)
{
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].value == err)
            return names[i].name;
    return NULL;
}

int scn_errno_value(const char *name, int *err)
{
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!strcmp(names[i].name, name)) {
            *err = names[i].value;
            return 0;
        }
    }
    return -1;
}
