/*
 * What the live commands share: opening the real hypervisor, naming
 * errno values, the one line about missing claim sets, claim lists.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "live.h"

int live_open(const char *prog, struct live_host *h)
{
    memset(h, 0, sizeof(*h));
    h->xch = xc_interface_open(NULL, NULL, 0);
    if (!h->xch) {
        int e = errno;

        cli_fail(prog,
                 "cannot open libxenctrl: %s (%s); the live commands run in dom0 of a Xen "
                 "host, as root, with /dev/xen/privcmd present",
                 live_errno_name(e), strerror(e));
        return -1;
    }
    if (cs_xen_probe(&h->be)) {
        int e = errno;

        xc_interface_close(h->xch);
        h->xch = NULL;
        cli_fail(prog, "cannot query the hypervisor's domctl interface: %s (%s)",
                 live_errno_name(e), strerror(e));
        return -1;
    }
    return 0;
}

void live_close(struct live_host *h)
{
    if (h->xch)
        xc_interface_close(h->xch);
    h->xch = NULL;
}

const char *live_errno_name(int err)
{
    static const struct {
        int e;
        const char *name;
    } names[] = {
        {EPERM, "EPERM"},   {ENOENT, "ENOENT"}, {ESRCH, "ESRCH"},           {EIO, "EIO"},
        {E2BIG, "E2BIG"},   {EAGAIN, "EAGAIN"}, {ENOMEM, "ENOMEM"},         {EACCES, "EACCES"},
        {EFAULT, "EFAULT"}, {EBUSY, "EBUSY"},   {EEXIST, "EEXIST"},         {EINVAL, "EINVAL"},
        {ERANGE, "ERANGE"}, {ENOSYS, "ENOSYS"}, {EOPNOTSUPP, "EOPNOTSUPP"},
    };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].e == err)
            return names[i].name;
    return "errno";
}

const char *live_host_text(const struct live_host *h, char *buf, size_t len)
{
    snprintf(buf, len, "live Xen %d.%d%s (this machine's hypervisor, via libxenctrl)",
             h->be.xen_major, h->be.xen_minor, h->be.xen_extra);
    return buf;
}

void live_note_fallback(const struct live_host *h, FILE *f)
{
    if (!h->be.claim_sets)
        fprintf(f, "note: %s\n", CS_XEN_FALLBACK_NOTE);
}

void live_json_host(const struct live_host *h)
{
    char buf[160];

    printf("  \"host\": ");
    cli_json_string(stdout, live_host_text(h, buf, sizeof(buf)));
    printf(",\n  \"host_kind\": \"live\",\n  \"xen_version\": \"%d.%d%s\",\n", h->be.xen_major,
           h->be.xen_minor, h->be.xen_extra);
    printf("  \"domctl_interface_version\": %u,\n", h->be.domctl_version);
    printf("  \"claim_sets\": %s,\n", h->be.claim_sets ? "true" : "false");
    printf("  \"claim_fallback\": ");
    if (h->be.claim_sets)
        printf("null,\n");
    else {
        cli_json_string(stdout, CS_XEN_FALLBACK_NOTE);
        printf(",\n");
    }
}

int live_parse_claim_list(const char *text, bool allow_global, unsigned int nr_nodes,
                          memory_claim_t *claims, uint32_t *nr, char *err, size_t errlen)
{
    char *copy = strdup(text), *save = NULL, *item;
    char verr[CLI_ERR_LEN];
    int rc = 0;

    if (!copy)
        return cli_err(err, errlen, "out of memory");
    *nr = 0;
    for (item = strtok_r(copy, ",", &save); item && !rc; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '='), *name = item;
        uint64_t node, pages;

        if (!eq) {
            rc = cli_err(err, errlen, "%s: expected NODE=SIZE", CLI_Q(item));
            break;
        }
        *eq = '\0';
        if (topo_parse_size(eq + 1, &pages, verr, sizeof(verr))) {
            rc = cli_err(err, errlen, "%s: %s", CLI_Q(name), verr);
            break;
        }
        if (!strcmp(name, "global")) {
            if (!allow_global) {
                rc = cli_err(err, errlen, "global: not allowed here");
                break;
            }
            node = XEN_DOMCTL_CLAIM_MEMORY_GLOBAL;
        } else {
            if (!strncmp(name, "node", 4))
                name += 4;
            if (cs_parse_range(name, 0, nr_nodes ? nr_nodes - 1 : 0, &node, verr, sizeof(verr)) ||
                !nr_nodes) {
                rc = cli_err(err, errlen, "node %s: not a node of this host (it has %u)",
                             CLI_Q(name), nr_nodes);
                break;
            }
        }
        for (uint32_t i = 0; i < *nr; i++)
            if (claims[i].target == node) {
                rc = cli_err(err, errlen, "%s given twice", CLI_Q(item));
                break;
            }
        if (rc)
            break;
        if (*nr > CS_XEN_MAX_NODES) {
            rc = cli_err(err, errlen, "too many entries");
            break;
        }
        claims[(*nr)++] = (memory_claim_t){.pages = pages, .target = (uint32_t)node};
    }
    if (!rc && *nr == 0)
        rc = cli_err(err, errlen, "no entries");
    free(copy);
    return rc;
}
