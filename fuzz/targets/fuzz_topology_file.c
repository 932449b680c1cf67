/*
 * Fuzz target for topology files: `--topology FILE`, a scenario's `host
 * FILE` -- the grammar with '#' comments and line breaks, read through
 * topo_resolve() as the command does.  The input becomes the
 * contents of an in-memory file named by a path (so it is read as a file
 * whatever it holds).
 *
 * Checks: a refusal comes with a message (its wording is not checked);
 * an acceptance passes fz_check_topology() and its canonical text (what
 * the library is given) parses to the same topology; and a file without
 * comments or line breaks means exactly what the same text means as
 * grammar: both accepted as the same topology, or both refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "topology/topo.h"
#include "fz_fail.h"
#include "fz_topology.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int file_fd = -1;
static char file_path[64];

static void open_file(void)
{
    file_fd = memfd_create("claimset-fuzz-topology", 0);
    if (file_fd < 0)
        fz_fail("memfd_create failed");
    snprintf(file_path, sizeof(file_path), "/proc/self/fd/%d", file_fd);
}

static void write_file(const uint8_t *data, size_t size)
{
    if (ftruncate(file_fd, 0) || (size && pwrite(file_fd, data, size, 0) != (ssize_t)size))
        fz_fail("cannot write the topology file");
}

/* The grammar reading of the same bytes, for inputs where it must agree. */
static void compare_with_grammar(const uint8_t *data, size_t size, const struct topo_resolved *ct,
                                 bool file_ok)
{
    char *text = malloc(size + 1), err[256];
    struct claimset_topology t;
    bool text_ok;

    if (!text)
        fz_fail("out of memory");
    memcpy(text, data, size);
    text[size] = '\0';
    text_ok = claimset_topology_parse(text, &t, err, sizeof(err)) == 0;
    if (text_ok != file_ok)
        fz_fail("'%s' %s as text but %s as a file", text, text_ok ? "accepted" : "refused",
                file_ok ? "accepted" : "refused");
    if (text_ok && !fz_same_topology(&t, &ct->t))
        fz_fail("'%s' is one topology as text and another as a file", text);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct topo_resolved ct;
    char err[256];
    struct claimset_topology back;
    bool ok;

    if (file_fd < 0)
        open_file();
    write_file(data, size);
    memset(err, 0, sizeof(err));
    ok = topo_resolve(file_path, NULL, &ct, err, sizeof(err)) == 0;
    if (!ok && !err[0])
        fz_fail("topology file refused without a message");
    if (ok) {
        fz_check_topology(&ct.t, ct.text);
        if (claimset_topology_parse(ct.text, &back, err, sizeof(err)) ||
            !fz_same_topology(&back, &ct.t))
            fz_fail("the canonical text '%s' of a topology file is another topology", ct.text);
    }
    if (!memchr(data, '#', size) && !memchr(data, '\n', size) && !memchr(data, '\r', size) &&
        !memchr(data, '\0', size))
        compare_with_grammar(data, size, &ct, ok);
    return 0;
}
