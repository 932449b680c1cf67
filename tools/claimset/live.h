/*
 * The claimset command of the Xen build: the live commands, which read
 * and change the real hypervisor of the machine they run on (dom0, as
 * root) through the system's libxenctrl.  Which host a claimset binary
 * talks to is fixed when it is built: the default build simulates a host
 * inside the process, the Xen build (CLAIMSET_XEN=ON) has only these
 * commands.  `claimset info` says which one it describes.
 */
#ifndef CLAIMSET_LIVE_H
#define CLAIMSET_LIVE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <xenctrl.h>

#include "cli.h"
#include "cs_xen.h"

extern const struct cli_command cli_live_info;
extern const struct cli_command cli_live_place;
extern const struct cli_command cli_live_claim;
extern const struct cli_command cli_live_build;

/* main.c's command table and description in the Xen build. */
#define CLI_LIVE_COMMANDS &cli_live_info, &cli_live_place, &cli_live_claim, &cli_live_build
#define CLI_LIVE_DESCRIPTION                                                                       \
    "The live Xen host this runs on (dom0, as root): its memory, NUMA nodes,\n"                    \
    "claims and domains, read and changed through the system's libxenctrl.\n"

struct live_host {
    xc_interface *xch;
    struct cs_xen_backend be;
};

/* Open libxenctrl and probe the hypervisor; 0, or -1 after a message
 * naming the problem (not dom0, not root, no Xen). */
int live_open(const char *prog, struct live_host *h);
void live_close(struct live_host *h);

/* "EINVAL", "ENOMEM", ... (or "errno N"). */
const char *live_errno_name(int err);

/* "live Xen 4.17.7 (this machine's hypervisor)". */
const char *live_host_text(const struct live_host *h, char *buf, size_t len);
/* The fallback line (stdout, or stderr for --json) when claim sets are
 * missing; nothing when they are there. */
void live_note_fallback(const struct live_host *h, FILE *f);
/* "host" and "claim_sets" JSON members (no braces, trailing comma). */
void live_json_host(const struct live_host *h);

/* "NODE=SIZE,..." (NODE: a number or nodeN; global=SIZE when allowed):
 * entries in claims, *nr set.  0, or -1 with a message in err. */
int live_parse_claim_list(const char *text, bool allow_global, unsigned int nr_nodes,
                          memory_claim_t *claims, uint32_t *nr, char *err, size_t errlen);

#endif /* CLAIMSET_LIVE_H */
