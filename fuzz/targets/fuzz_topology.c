/*
 * Fuzz target for the topology grammar (claimset_topology_parse(), the text of
 * CLAIMSET_TOPOLOGY and --topology).
 *
 * Checks, whatever the text: a refusal is -EINVAL with a message (its
 * wording is not checked), written within the buffer given even when
 * that is tiny (the first input byte picks the buffer's size); an
 * acceptance passes fz_check_topology().  And white space around the
 * separators (',', ';', '=') changes nothing: the same text with a space
 * and a tab on each side of every separator is accepted as the same
 * topology, or refused too.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <claimset/topology.h>

#include "fz_fail.h"
#include "fz_topology.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* text with " \t" inserted before and after every separator. */
static char *spaced(const char *text)
{
    size_t n = strlen(text), j = 0;
    char *out = malloc(5 * n + 1);

    if (!out)
        fz_fail("out of memory");
    for (size_t i = 0; i < n; i++) {
        bool sep = text[i] == ',' || text[i] == ';' || text[i] == '=';

        if (sep) {
            out[j++] = ' ';
            out[j++] = '\t';
        }
        out[j++] = text[i];
        if (sep) {
            out[j++] = '\t';
            out[j++] = ' ';
        }
    }
    out[j] = '\0';
    return out;
}

static void check_spacing(const char *text, bool accepted, const struct claimset_topology *t)
{
    char *other = spaced(text), err[256];
    struct claimset_topology u;
    bool ok = claimset_topology_parse(other, &u, err, sizeof(err)) == 0;

    if (ok != accepted)
        fz_fail("'%s' %s but with spaces around separators '%s' %s", text,
                accepted ? "accepted" : "refused", other, ok ? "accepted" : "refused");
    if (ok && !fz_same_topology(t, &u))
        fz_fail("'%s' and '%s' are different topologies", text, other);
    free(other);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1), *err;
    struct claimset_topology t;
    size_t errlen;
    int rc;

    if (!text)
        fz_fail("out of memory");
    memcpy(text, data, size);
    text[size] = '\0';

    /* A message buffer of exactly errlen bytes: ASan sees any overrun. */
    errlen = 1 + (size ? data[0] % 64 : 0);
    if (size && data[0] >= 0xC0)
        errlen = 256;
    err = malloc(errlen);
    if (!err)
        fz_fail("out of memory");
    memset(err, 0x55, errlen);
    rc = claimset_topology_parse(text, &t, err, errlen);
    if (rc) {
        if (rc != -EINVAL)
            fz_fail("claimset_topology_parse returned %d", rc);
        if (!memchr(err, '\0', errlen) || (errlen > 1 && !err[0]))
            fz_fail("refused without a message in its %zu-byte buffer", errlen);
    } else {
        fz_check_topology(&t, text);
    }
    check_spacing(text, rc == 0, &t);
    free(err);
    free(text);
    return 0;
}
