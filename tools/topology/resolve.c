/*
 * Resolving --topology X (and the scenario's `host X`) into a parsed
 * topology, its canonical text and where it came from.
 *
 * A topology file holds the CLAIMSET_TOPOLOGY grammar; '#' starts a
 * comment that runs to the end of its line, and line breaks count as
 * white space, so a file can put one node or one distance row per line.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>

#include "common/quote.h"
#include "common/values.h"
#include "common/err.h"
#include "topology/topo.h"

#define ERR_LEN 256

#define SYSFS_ROOT "/sys"

void topo_strip_comments(char *text)
{
    bool comment = false;

    /* Blanked, not removed: every other character keeps its line and
     * column, for messages that point at it. */
    for (; *text; text++) {
        if (*text == '\n')
            comment = false;
        else if (*text == '#')
            comment = true;
        if (comment)
            *text = ' ';
    }
}

/* Fill ct->text from ct->t. */
static int finish(struct topo_resolved *ct, char *err, size_t errlen)
{
    int n = claimset_topology_format(&ct->t, ct->text, sizeof(ct->text));

    if (n < 0 || (size_t)n >= sizeof(ct->text))
        return cs_err(err, errlen, "topology text too long");
    return 0;
}

static int from_text(const char *text, const char *source, struct topo_resolved *ct, char *err,
                     size_t errlen)
{
    char why[ERR_LEN];

    if (claimset_topology_parse(text, &ct->t, why, sizeof(why)))
        return cs_err(err, errlen, "%s", why);
    snprintf(ct->source, sizeof(ct->source), "%s", source);
    return finish(ct, err, errlen);
}

/* Line and column (from 1) of offset at in text. */
static void line_column(const char *text, size_t at, unsigned int *line, unsigned int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < at && text[i]; i++) {
        if (text[i] == '\n') {
            ++*line;
            *col = 1;
        } else {
            ++*col;
        }
    }
}

static int from_file(const char *path, struct topo_resolved *ct, char *err, size_t errlen)
{
    char why[ERR_LEN];
    unsigned int line, col;
    size_t at;
    char *text;

    if (cs_read_file(path, TOPO_FILE_MAX, &text, why, sizeof(why)))
        return cs_err(err, errlen, "%s", why);
    topo_strip_comments(text);
    if (claimset_topology_parse_at(text, &ct->t, why, sizeof(why), &at)) {
        /* FILE:LINE:COLUMN: as compilers write it, where the token is. */
        if (at != CLAIMSET_TOPOLOGY_NO_OFFSET) {
            line_column(text, at, &line, &col);
            cs_err(err, errlen, "%s:%u:%u: %s", CS_PATH(path), line, col, why);
        } else {
            cs_err(err, errlen, "%s: %s", CS_PATH(path), why);
        }
        free(text);
        return -1;
    }
    free(text);
    snprintf(ct->source, sizeof(ct->source), "file '%.140s'", path);
    return finish(ct, err, errlen);
}

static int from_sysfs(const char *root, struct topo_resolved *ct, char *err, size_t errlen)
{
    char why[ERR_LEN];

    if (claimset_topology_from_sysfs(root, &ct->t, why, sizeof(why)))
        return cs_err(err, errlen, "host: %s", why);
    if (!strcmp(root, SYSFS_ROOT))
        snprintf(ct->source, sizeof(ct->source), "this machine (%s)", SYSFS_ROOT);
    else
        snprintf(ct->source, sizeof(ct->source), "sysfs tree '%.130s'", root);
    return finish(ct, err, errlen);
}

static bool is_regular_file(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * X names a file when it looks like a path (it has a '/': "./16M",
 * "dir/host.topo"); otherwise the grammar comes first, so that "16M" is
 * 16 MiB even where a file of that name exists, and a word that is no
 * topology ("two-socket.topo") is a file when one exists.
 */
int topo_resolve(const char *x, const char *base_dir, struct topo_resolved *ct, char *err,
                 size_t errlen)
{
    char path[PATH_MAX], why[ERR_LEN];

    memset(ct, 0, sizeof(*ct));
    if (!x || !*x)
        return cs_err(err, errlen,
                      "empty topology (expected node sizes, a file, 'host' or 'default')");
    if (!strcmp(x, "default")) {
        claimset_topology_default(&ct->t);
        snprintf(ct->source, sizeof(ct->source), "built-in default");
        return finish(ct, err, errlen);
    }
    if (!strcmp(x, "host"))
        return from_sysfs(SYSFS_ROOT, ct, err, errlen);
    if (!strncmp(x, "host:", 5))
        return from_sysfs(x + 5, ct, err, errlen);

    if (base_dir && *base_dir && x[0] != '/') {
        if ((size_t)snprintf(path, sizeof(path), "%s/%s", base_dir, x) >= sizeof(path))
            return cs_err(err, errlen, "path too long: %s", CS_PATH(x));
    } else if ((size_t)snprintf(path, sizeof(path), "%s", x) >= sizeof(path)) {
        return cs_err(err, errlen, "path too long: %s", CS_PATH(x));
    }
    if (strchr(x, '/'))
        return from_file(path, ct, err, errlen);
    if (!claimset_topology_parse(x, &ct->t, why, sizeof(why))) {
        snprintf(ct->source, sizeof(ct->source), "as given");
        return finish(ct, err, errlen);
    }
    if (is_regular_file(path))
        return from_file(path, ct, err, errlen);
    if (!strpbrk(x, "0123456789"))
        return cs_err(err, errlen,
                      "%s is not a file, 'host', 'default' or a topology such as '4GiB,4GiB'",
                      CS_Q(x));
    return cs_err(err, errlen, "%s", why);
}

int topo_from_env(struct topo_resolved *ct, char *err, size_t errlen)
{
    const char *env = getenv("CLAIMSET_TOPOLOGY");

    memset(ct, 0, sizeof(*ct));
    /* Set but empty ("CLAIMSET_TOPOLOGY= claimset ...") is unset, as the
     * library takes it. */
    if (!env || !*env) {
        claimset_topology_default(&ct->t);
        snprintf(ct->source, sizeof(ct->source), "built-in default");
        return finish(ct, err, errlen);
    }
    /* The library reads the variable as grammar text only; so do we. */
    return from_text(env, "CLAIMSET_TOPOLOGY", ct, err, errlen);
}
