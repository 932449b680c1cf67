/*
 * The workload: everything random about a run, drawn once from the seed
 * and then replayed identically under every policy -- the VMs in arrival
 * order, the ballooning guests, the frames to offline and, for an
 * evacuation, what the residents leave free on each node.
 *
 * Sizes follow the host: the default mix is a fixed set of fractions of
 * the mean node (1/32 .. 3/4: 2 to 48 GiB on the default 64 GiB nodes),
 * so a small test host and a large server both get a realistic storm.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/human_size.h"
#include "common/quote.h"
#include "topology/topo.h"
#include "sim/sim_private.h"

/* The default mix: fraction of the mean node (num / 32), vCPUs, weight.
 * Small VMs are common, big ones rare. */
static const struct {
    unsigned int num32, vcpus, weight;
} default_mix[] = {
    {1, 1, 30}, {2, 2, 25}, {4, 4, 20}, {8, 8, 12}, {16, 16, 8}, {24, 24, 5},
};

#define MAX_VM_PAGES (1ULL << 28) /* 1 TiB: a VM larger than that is a typo */

static uint64_t round_2m(uint64_t pages)
{
    uint64_t r = pages & ~(SIM_PAGES_2M - 1);

    return r ? r : SIM_PAGES_2M;
}

/* ---- size mix text ---------------------------------------------------- */

static int parse_uint(const char *s, size_t len, unsigned int max, unsigned int *v)
{
    unsigned long long x = 0;

    if (!len || len > 9)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        x = x * 10 + (unsigned int)(s[i] - '0');
    }
    if (x < 1 || x > max)
        return -1;
    *v = (unsigned int)x;
    return 0;
}

/* A size token (the CLI's grammar: a number with a unit, or pages),
 * 4 KiB to 1 TiB. */
static int parse_size(const char *s, size_t len, uint64_t *pages)
{
    char buf[64], err[SIM_ERR_LEN];

    if (!len || len >= sizeof(buf))
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (topo_parse_size(buf, pages, err, sizeof(err)) || !*pages || *pages > MAX_VM_PAGES)
        return -1;
    return 0;
}

int sim_parse_size_mix(const char *text, struct sim_size_class *classes, unsigned int *nr,
                       char *err, size_t errlen)
{
    const char *p = text;
    unsigned int n = 0;

    if (!text || !*text) {
        snprintf(err, errlen, "empty size mix");
        return -1;
    }
    for (;;) {
        size_t len = strcspn(p, ","), f1 = strcspn(p, ":");
        struct sim_size_class c = {.weight = 1};
        char q[CS_QUOTE_LEN];
        const char *colon2;

        if (n == SIM_MAX_SIZE_CLASSES) {
            snprintf(err, errlen, "more than %d sizes", SIM_MAX_SIZE_CLASSES);
            return -1;
        }
        if (f1 > len)
            f1 = len;
        if (parse_size(p, f1, &c.pages)) {
            snprintf(err, errlen, "%s: not a size of 4 KiB to 1 TiB in whole pages",
                     cs_quote_n(p, len, q, sizeof(q)));
            return -1;
        }
        c.vcpus = (unsigned int)(c.pages / (2 * SIM_GiB));
        if (!c.vcpus)
            c.vcpus = 1;
        if (f1 < len) {
            const char *w = p + f1 + 1;
            size_t wlen = (size_t)(p + len - w);

            colon2 = memchr(w, ':', wlen);
            if (parse_uint(w, colon2 ? (size_t)(colon2 - w) : wlen, 1000000, &c.weight)) {
                snprintf(err, errlen, "%s: the weight must be an integer from 1 to 1000000",
                         cs_quote_n(p, len, q, sizeof(q)));
                return -1;
            }
            if (colon2 && parse_uint(colon2 + 1, (size_t)(p + len - colon2 - 1), 512, &c.vcpus)) {
                snprintf(err, errlen, "%s: the vCPU count must be an integer from 1 to 512",
                         cs_quote_n(p, len, q, sizeof(q)));
                return -1;
            }
        }
        classes[n++] = c;
        if (!p[len])
            break;
        p += len + 1;
        if (!*p) {
            snprintf(err, errlen, "trailing comma");
            return -1;
        }
    }
    *nr = n;
    return 0;
}

/* ---- the host --------------------------------------------------------- */

int sim_host_probe(const struct claimset_topology *topology, struct sim_host_info *info, char *err,
                   size_t errlen)
{
    struct claimset_host_opts opts = {.check_level = CLAIMSET_CHECK_OFF};
    xc_physinfo_t phys;
    claimset_host *host;
    xc_interface *xch;
    int rc = -1;

    memset(info, 0, sizeof(*info));
    host = topology ? claimset_host_create_topology(topology, &opts, err, errlen)
                    : claimset_host_create_opts(NULL, &opts, err, errlen);
    if (!host) {
        if (errno != EINVAL || !err[0])
            snprintf(err, errlen, "cannot create the host: %s", strerror(errno));
        return -1;
    }
    /* The host's own read-outs: the layout it was made with (the one copy
     * of node sizes and distances the simulator keeps) and its free
     * memory once the control domain exists. */
    xch = claimset_xc_open(host, 0);
    if (!xch || claimset_host_get_topology(host, &info->topo) || xc_physinfo(xch, &phys) ||
        !info->topo.nr_nodes || info->topo.nr_nodes > SIM_MAX_NODES) {
        snprintf(err, errlen, "cannot read the host: %s", strerror(errno ? errno : EIO));
        goto out;
    }
    info->nr_frames = claimset_topology_total_pages(&info->topo);
    info->free_pages = phys.free_pages;
    rc = 0;
out:
    xc_interface_close(xch);
    claimset_host_destroy(host);
    return rc;
}

/* Mean memory of the nodes that have any. */
static uint64_t mean_node(const struct sim_host_info *h)
{
    uint64_t sum = 0, n = 0;

    for (unsigned int i = 0; i < h->topo.nr_nodes; i++)
        if (h->topo.node_pages[i]) {
            sum += h->topo.node_pages[i];
            n++;
        }
    return n ? sum / n : 0;
}

/* ---- the parts of a workload ------------------------------------------ */

static void make_classes(const struct sim_config *cfg, uint64_t node,
                         struct sim_size_class *classes, unsigned int *nr)
{
    if (cfg->nr_classes) {
        memcpy(classes, cfg->classes, cfg->nr_classes * sizeof(*classes));
        *nr = cfg->nr_classes;
        return;
    }
    *nr = sizeof(default_mix) / sizeof(default_mix[0]);
    for (unsigned int i = 0; i < *nr; i++)
        classes[i] = (struct sim_size_class){
            .pages = round_2m(node / 32 * default_mix[i].num32),
            .vcpus = default_mix[i].vcpus,
            .weight = default_mix[i].weight,
        };
}

static int make_balloons(const struct sim_config *cfg, struct sim_workload *w, char *err,
                         size_t errlen)
{
    const struct sim_host_info *h = &w->host;
    /* Default: 1/16 of the mean node, at least 4 MiB (two 2 MiB extents
     * between its minimum and maximum). */
    uint64_t size = cfg->balloon_pages ? cfg->balloon_pages : round_2m(mean_node(h) / 16);
    unsigned int homes[SIM_MAX_NODES], nr_homes = 0;
    char a[32], b[32];

    if (cfg->balloons > SIM_MAX_BALLOONS) {
        snprintf(err, errlen, "--balloon: at most %d guests", SIM_MAX_BALLOONS);
        return -1;
    }
    if (!cfg->balloons)
        return 0;
    if (!cfg->balloon_pages && size < 2 * SIM_PAGES_2M)
        size = 2 * SIM_PAGES_2M;
    if (size < 2 * SIM_PAGES_2M || (uint64_t)cfg->balloons * size > w->free_at_start / 2) {
        snprintf(err, errlen,
                 "--balloon-size: %u ballooning guest%s of %s need%s more than half of the free "
                 "memory (%s); use fewer (--balloon) or smaller ones",
                 cfg->balloons, SIM_S(cfg->balloons), cs_human_size(size, a, sizeof(a)),
                 cfg->balloons == 1 ? "s" : "", cs_human_size(w->free_at_start, b, sizeof(b)));
        return -1;
    }
    for (unsigned int n = 0; n < h->topo.nr_nodes; n++)
        if (h->topo.node_pages[n])
            homes[nr_homes++] = n;
    w->nr_balloons = cfg->balloons;
    for (unsigned int i = 0; i < cfg->balloons; i++) {
        struct sim_balloon_spec *s = &w->balloons[i];

        s->max_pages = size;
        s->min_pages = size / 2;
        s->start_pages = size / 4 * 3;
        s->home = homes[i % nr_homes];
        w->free_at_start -= s->start_pages;
    }
    return 0;
}

/* evacuate: per node resident fill around fill_pct (a seeded spread of up
 * to 20 points either way, within 0..95, mean kept), fragmented as the
 * config asks. */
static void make_residents(const struct sim_config *cfg, struct sim_workload *w)
{
    const struct sim_host_info *h = &w->host;
    unsigned int fill = cfg->fill_pct;
    unsigned int frag =
        cfg->fragment_pct < 0 ? SIM_DEFAULT_FRAGMENT : (unsigned int)cfg->fragment_pct;
    int offset[SIM_MAX_NODES], sum = 0, nr = 0;
    int spread = fill < 20 ? (int)fill : fill > 75 ? 95 - (int)fill : 20;
    struct sim_rng rng;

    sim_rng_init(&rng, cfg->seed, SIM_STREAM_FILL);
    for (unsigned int n = 0; n < h->topo.nr_nodes; n++) {
        offset[n] = (int)sim_rng_below(&rng, (uint64_t)(2 * spread + 1)) - spread;
        if (h->topo.node_pages[n]) {
            sum += offset[n];
            nr++;
        }
    }
    for (unsigned int n = 0; n < h->topo.nr_nodes; n++) {
        struct sim_resident_spec *r = &w->residents[n];
        uint64_t size = h->topo.node_pages[n], f, avail, h2, h4;
        int pct = (int)fill + offset[n] - (nr ? sum / nr : 0);

        if (size < 4 * SIM_PAGES_2M)
            continue;
        pct = pct < 0 ? 0 : pct > 95 ? 95 : pct;
        f = size / 100 * (uint64_t)pct & ~(SIM_PAGES_2M - 1);
        /* Frame 0 never is free: keep a 2 MiB margin on every node. */
        avail = size - f > SIM_PAGES_2M ? size - f - SIM_PAGES_2M : 0;
        h2 = (avail / 100 * frag) & ~(SIM_PAGES_2M - 1);
        if (h2 > f)
            h2 = f & ~(SIM_PAGES_2M - 1);
        h4 = h2 / 16 < 16384 ? h2 / 16 : 16384;
        h4 &= ~1ULL;
        r->holes_4k = h4;
        r->holes_2m = (h2 - h4) & ~(SIM_PAGES_2M - 1);
        r->solid = f - r->holes_2m - r->holes_4k;
        w->free_at_start -= f;
    }
}

static void vm_layout(struct sim_vm_spec *vm, uint64_t node)
{
    /* From the source host: a VM of a quarter node or more had two vnodes. */
    if (vm->pages < node / 4 || vm->pages < 2 * SIM_PAGES_2M) {
        vm->nr_vnodes = 1;
        vm->vnode_pages[0] = vm->pages;
        vm->vnode_vcpus[0] = vm->vcpus;
        return;
    }
    vm->nr_vnodes = 2;
    vm->vnode_pages[0] = (vm->pages / 2) & ~(SIM_PAGES_2M - 1);
    vm->vnode_pages[1] = vm->pages - vm->vnode_pages[0];
    vm->vnode_vcpus[0] = vm->vcpus > 1 ? vm->vcpus / 2 : 1;
    vm->vnode_vcpus[1] = vm->vcpus - vm->vnode_vcpus[0];
}

static int make_vms(const struct sim_config *cfg, struct sim_workload *w, char *err, size_t errlen)
{
    struct sim_size_class classes[SIM_MAX_SIZE_CLASSES];
    unsigned int nr_classes,
        pct = cfg->overcommit_pct ? cfg->overcommit_pct : SIM_DEFAULT_OVERCOMMIT;
    uint64_t node = mean_node(&w->host), total_weight = 0, target;
    struct sim_rng rng;
    size_t cap;
    int width;

    make_classes(cfg, node, classes, &nr_classes);
    for (unsigned int i = 0; i < nr_classes; i++)
        total_weight += classes[i].weight;
    target = w->free_at_start / 100 * pct;
    cap = cfg->nr_vms ? cfg->nr_vms : SIM_MAX_VMS;
    w->vms = calloc(cap, sizeof(*w->vms));
    if (!w->vms) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    sim_rng_init(&rng, cfg->seed, SIM_STREAM_VMS);
    while (cfg->nr_vms ? w->nr_vms < cfg->nr_vms : w->vm_pages < target) {
        uint64_t pick = sim_rng_below(&rng, total_weight);
        struct sim_vm_spec *vm;
        unsigned int c = 0;

        if (w->nr_vms == cap) {
            snprintf(err, errlen,
                     "--size-mix: asking for %u%% of the free memory takes more than %d VMs of "
                     "this mix; use larger sizes or --vms",
                     pct, SIM_MAX_VMS);
            return -1;
        }
        while (pick >= classes[c].weight)
            pick -= classes[c++].weight;
        vm = &w->vms[w->nr_vms++];
        vm->pages = classes[c].pages;
        vm->vcpus = classes[c].vcpus;
        w->vm_pages += vm->pages;
        if (w->kind == SIM_EVACUATE)
            vm_layout(vm, node);
    }
    /* vm01..vm99, vm001..: names sort in arrival order. */
    width = w->nr_vms < 100 ? 2 : w->nr_vms < 1000 ? 3 : w->nr_vms < 10000 ? 4 : 5;
    for (size_t i = 0; i < w->nr_vms; i++)
        snprintf(w->vms[i].name, sizeof(w->vms[i].name), "%s%0*u",
                 w->kind == SIM_EVACUATE ? "mig" : "vm", width, (unsigned int)(i + 1) % 100000);
    return 0;
}

static int make_offline(const struct sim_config *cfg, struct sim_workload *w, char *err,
                        size_t errlen)
{
    struct sim_rng rng;

    if (!cfg->offline_frames)
        return 0;
    if (cfg->offline_frames > SIM_MAX_OFFLINE) {
        snprintf(err, errlen, "--offline: at most %d frames", SIM_MAX_OFFLINE);
        return -1;
    }
    w->offline_mfns = calloc(cfg->offline_frames, sizeof(*w->offline_mfns));
    if (!w->offline_mfns) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    sim_rng_init(&rng, cfg->seed, SIM_STREAM_OFFLINE);
    /* Frame 0 is the hypervisor's; any other frame can go bad. */
    for (unsigned int i = 0; i < cfg->offline_frames; i++)
        w->offline_mfns[i] = 1 + sim_rng_below(&rng, w->host.nr_frames - 1);
    w->nr_offline = cfg->offline_frames;
    return 0;
}

static void describe(const struct sim_config *cfg, struct sim_workload *w)
{
    uint64_t lo = UINT64_MAX, hi = 0;
    char a[2 * HUMAN_SIZE_LEN], c[HUMAN_SIZE_LEN], d[HUMAN_SIZE_LEN];
    size_t n = 0, len = sizeof(w->text);
    unsigned int two = 0;

    for (size_t i = 0; i < w->nr_vms; i++) {
        lo = w->vms[i].pages < lo ? w->vms[i].pages : lo;
        hi = w->vms[i].pages > hi ? w->vms[i].pages : hi;
        two += w->vms[i].nr_vnodes == 2;
    }
    if (w->kind == SIM_EVACUATE)
        n += (size_t)snprintf(w->text + n, len - n,
                              "host %u%% full and fragmented; %zu incoming VM%s (%u with 2 "
                              "vnodes) ",
                              cfg->fill_pct, w->nr_vms, SIM_S(w->nr_vms), two);
    else
        n += (size_t)snprintf(w->text + n, len - n, "%zu VM%s ", w->nr_vms, SIM_S(w->nr_vms));
    /* "of 2 GiB-48 GiB", or "of 4 MiB" when they are all one size. */
    cs_human_size(lo, a, sizeof(a));
    if (hi != lo) {
        strcat(a, "-");
        cs_human_size(hi, a + strlen(a), sizeof(a) - strlen(a));
    }
    n += (size_t)snprintf(w->text + n, len - n, "of %s, %s = %.0f%% of free memory (%s)", a,
                          cs_human_size(w->vm_pages, c, sizeof(c)),
                          w->free_at_start ? 100.0 * (double)w->vm_pages / (double)w->free_at_start
                                           : 0.0,
                          cs_human_size(w->free_at_start, d, sizeof(d)));
    if (n < len && w->nr_balloons)
        n += (size_t)snprintf(w->text + n, len - n, "; %u ballooning guest%s of %s", w->nr_balloons,
                              w->nr_balloons == 1 ? "" : "s",
                              cs_human_size(w->balloons[0].max_pages, a, sizeof(a)));
    if (n < len && w->nr_offline)
        n += (size_t)snprintf(w->text + n, len - n, "; %u frame%s offlined half-way", w->nr_offline,
                              w->nr_offline == 1 ? "" : "s");
    if (n < len) {
        unsigned int window = cfg->window ? cfg->window : SIM_DEFAULT_WINDOW;

        if (cfg->threads > 1)
            snprintf(w->text + n, len - n, "; %u builder threads", cfg->threads);
        else
            snprintf(w->text + n, len - n, "; %u parallel builder%s", window,
                     window == 1 ? "" : "s");
    }
}

int sim_workload_make(const struct sim_config *cfg, struct sim_workload *w, char *err,
                      size_t errlen)
{
    memset(w, 0, sizeof(*w));
    w->kind = cfg->kind;
    w->seed = cfg->seed;
    if (sim_host_probe(cfg->topology, &w->host, err, errlen))
        return -1;
    if (w->host.nr_frames < 2 || !mean_node(&w->host)) {
        snprintf(err, errlen, "the host has no memory to build on");
        errno = EINVAL;
        return -1;
    }
    w->free_at_start = w->host.free_pages;
    if (w->kind == SIM_EVACUATE)
        make_residents(cfg, w);
    if (make_balloons(cfg, w, err, errlen) || make_vms(cfg, w, err, errlen) ||
        make_offline(cfg, w, err, errlen)) {
        sim_workload_free(w);
        errno = EINVAL;
        return -1;
    }
    describe(cfg, w);
    return 0;
}

void sim_workload_free(struct sim_workload *w)
{
    free(w->vms);
    w->vms = NULL;
    w->nr_vms = 0;
    free(w->offline_mfns);
    w->offline_mfns = NULL;
    w->nr_offline = 0;
}
