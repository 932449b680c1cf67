/*
 * claimset version: the version and how this binary was built -- what a
 * bug report needs and what a script checks before relying on a feature
 * (the Xen backend, the debug checks).  The build facts come from CMake as
 * compile definitions (tools/claimset/CMakeLists.txt); a definition that
 * is missing means the feature is absent, never guessed.
 */
#include <stdbool.h>
#include <stdio.h>

#include "cli.h"

#ifndef CLAIMSET_BUILD_TYPE
#define CLAIMSET_BUILD_TYPE ""
#endif
#ifndef CLAIMSET_BUILD_SANITIZE
#define CLAIMSET_BUILD_SANITIZE ""
#endif
/* Set to 1 by a build with the Xen backend (the CLAIMSET_XEN option). */
#ifndef CLAIMSET_BUILD_XEN
#define CLAIMSET_BUILD_XEN 0
#endif
/* CS_DEBUG: the debug checks (CLAIMSET_CHECKS), defined for every file. */
#ifndef CS_DEBUG
#define CS_DEBUG 0
#endif

static const char version_usage[] =
    "usage: claimset version [--json]\n"
    "\n"
    "Print the version and the build options: the build type, whether the\n"
    "debug checks (lock witness, invariant checker after every call) are\n"
    "compiled in, the sanitizers, and whether the Xen backend is built.\n"
    "`claimset --version` and `claimset COMMAND --version` print the first\n"
    "line only.\n"
    "\n"
    "Options:\n"
    "  --json         the same as one JSON object\n"
    "  -h, --help     this help\n"
    "  -V, --version  the version line only\n";

enum { OPT_JSON = 1 };

static const struct cli_opt version_opts[] = {
    {"json", CLI_NO_ARG, OPT_JSON},
    {NULL, CLI_NO_ARG, 0},
};

static void print_json(void)
{
    printf("{\n  \"name\": \"claimset\",\n  \"version\": ");
    cli_json_string(stdout, CLAIMSET_VERSION_TEXT);
    printf(",\n  \"build_type\": ");
    cli_json_string(stdout, CLAIMSET_BUILD_TYPE);
    printf(",\n  \"checks\": %s,\n  \"sanitizers\": ", CS_DEBUG ? "true" : "false");
    cli_json_string(stdout, CLAIMSET_BUILD_SANITIZE);
    printf(",\n  \"xen_backend\": %s\n}\n", CLAIMSET_BUILD_XEN ? "true" : "false");
}

static void print_text(void)
{
    printf("claimset %s\n", CLAIMSET_VERSION_TEXT);
    printf("build type    : %s\n", CLAIMSET_BUILD_TYPE[0] ? CLAIMSET_BUILD_TYPE : "(none)");
    printf("debug checks  : %s\n", CS_DEBUG ? "on" : "off");
    printf("sanitizers    : %s\n", CLAIMSET_BUILD_SANITIZE[0] ? CLAIMSET_BUILD_SANITIZE : "none");
    printf("xen backend   : %s\n", CLAIMSET_BUILD_XEN ? "yes" : "no");
}

static int version_run(const struct cli_command *cmd, int argc, char **argv)
{
    struct cli_parser p;
    const char *val;
    bool json = false;
    int id, shared;

    cli_parser_init(&p, "claimset version", argc, argv);
    while ((id = cli_next(&p, version_opts, &val)) != CLI_END) {
        if ((shared = cli_shared_result(cmd, id)) >= 0)
            return shared;
        if (id == CLI_POSITIONAL)
            return cli_usage_error(p.prog, "unexpected argument %s", CLI_Q(val));
        json = true; /* OPT_JSON, the only option */
    }
    if (json)
        print_json();
    else
        print_text();
    return CLI_EXIT_OK;
}

const struct cli_command cli_cmd_version = {
    .name = "version",
    .summary = "the version and the build options (--json for scripts)",
    .usage = version_usage,
    .run = version_run,
};
