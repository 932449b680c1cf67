/*
 * The command's own value helpers: parse failures and JSON strings.
 * Integers, page counts and files are common/values.h; sizes are the
 * topology module's one grammar (topology/topo.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* ------------------------------------------------------------------ */
/* Text                                                                */

void cli_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

void cli_print_distances(unsigned int nr, const uint32_t *dist)
{
    printf("\ndistances:\n%4s", "node");
    for (unsigned int j = 0; j < nr; j++)
        printf(" %4u", j);
    printf("\n");
    for (unsigned int i = 0; i < nr; i++) {
        printf("%4u", i);
        for (unsigned int j = 0; j < nr; j++)
            printf(" %4" PRIu32, dist[i * nr + j]);
        printf("\n");
    }
}
