/*
 * Writes the seed inputs of the hypercall fuzz targets in the format of
 * fuzz/hcall/fh_format.h: for each command a call as libxenctrl would
 * make it on a host set up with guests, plus a few sequences (a domain's
 * whole build, preempted and fault-injected calls).  The fuzzer starts
 * from these instead of from nothing.
 *
 *   fuzz_seedgen DIR    writes DIR/fuzz_domctl/, DIR/fuzz_memory_op/,
 *                       DIR/fuzz_sysctl/ (the directories must exist)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/domctl.h>
#include <xen/memory.h>
#include <xen/sysctl.h>

#include "../hcall/fh_format.h"

struct seed {
    uint8_t b[4096];
    size_t n;
};

static void put(struct seed *s, const void *p, size_t n)
{
    if (s->n + n > sizeof(s->b)) {
        fprintf(stderr, "seed too long\n");
        exit(1);
    }
    memcpy(s->b + s->n, p, n);
    s->n += n;
}

static void put8(struct seed *s, uint8_t v)
{
    put(s, &v, 1);
}

static void put16(struct seed *s, uint16_t v)
{
    put8(s, (uint8_t)v);
    put8(s, (uint8_t)(v >> 8));
}

/* Entry bytes: each target gives six eighths to its own entry point, then
 * one each to the other two (fuzz/targets/fuzz_*.c). */
enum target { T_DOMCTL, T_MEMORY, T_SYSCTL };
enum entry { E_DOMCTL, E_MEMORY, E_SYSCTL };
static const uint8_t entry_byte[3][3] = {
    [T_DOMCTL] = {[E_DOMCTL] = 0, [E_MEMORY] = 6, [E_SYSCTL] = 7},
    [T_MEMORY] = {[E_DOMCTL] = 6, [E_MEMORY] = 0, [E_SYSCTL] = 7},
    [T_SYSCTL] = {[E_DOMCTL] = 7, [E_MEMORY] = 6, [E_SYSCTL] = 0},
};

/* Setup: topology 0 ("4M,4M,0"), the control domain, two guests with
 * memory and claims, unless flags say otherwise. */
#define STD_SETUP (FH_SETUP_DOM0 | (2 << 1) | FH_SETUP_POPULATE | FH_SETUP_CLAIMS)

static void setup(struct seed *s, uint8_t topo, uint8_t flags)
{
    s->n = 0;
    put8(s, topo);
    put8(s, flags);
}

/* A step's context byte with at most one extra byte (the caller pick,
 * fault, budget or resume value, whichever the one flag asks for). */
struct ctx {
    uint8_t flags;
    uint8_t extra;
};

/* A step's entry byte and context; buffers and the rest follow. */
static void head(struct seed *s, enum target t, enum entry e, struct ctx c)
{
    put8(s, entry_byte[t][e]);
    put8(s, c.flags);
    if (c.flags)
        put8(s, c.extra);
}

static void no_bufs(struct seed *s)
{
    put8(s, 0);
}

/* One buffer of `len` bytes with the given registration and fill. */
static void buf(struct seed *s, uint8_t reg, uint8_t fill, uint16_t len)
{
    put8(s, (uint8_t)(reg | fill << 2));
    put16(s, len);
}

static void domctl_op(struct seed *s, struct xen_domctl *op, uint8_t fix)
{
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    put8(s, FH_PLACE_RW);
    put(s, op, sizeof(*op));
    put8(s, fix);
}

static void domctl(struct seed *s, enum target t, uint32_t cmd, domid_t dom)
{
    struct xen_domctl op = {.cmd = cmd, .domain = dom};

    head(s, t, E_DOMCTL, (struct ctx){0});
    no_bufs(s);
    domctl_op(s, &op, FH_DOMCTL_VERSION);
}

static void create(struct seed *s, enum target t)
{
    struct xen_domctl op = {.cmd = XEN_DOMCTL_createdomain};

    op.u.createdomain.max_vcpus = 2;
    op.u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    head(s, t, E_DOMCTL, (struct ctx){0});
    no_bufs(s);
    domctl_op(s, &op, FH_DOMCTL_VERSION);
}

static void max_mem(struct seed *s, enum target t, domid_t dom, uint64_t kb)
{
    struct xen_domctl op = {.cmd = XEN_DOMCTL_max_mem, .domain = dom};

    op.u.max_mem.max_memkb = kb;
    head(s, t, E_DOMCTL, (struct ctx){0});
    no_bufs(s);
    domctl_op(s, &op, FH_DOMCTL_VERSION);
}

/* claim_memory with a node claim and a global one, read from buffer 0. */
static void claim(struct seed *s, enum target t, domid_t dom, uint8_t node, uint16_t pages,
                  uint16_t global)
{
    struct xen_domctl op = {.cmd = XEN_DOMCTL_claim_memory, .domain = dom};

    op.u.claim_memory.nr_claims = 2;
    head(s, t, E_DOMCTL, (struct ctx){0});
    put8(s, 1);
    buf(s, FH_REG_RO, FH_FILL_CLAIMS, 2 * sizeof(memory_claim_t));
    put8(s, node);
    put16(s, pages);
    put8(s, FH_CLAIM_GLOBAL);
    put16(s, global);
    domctl_op(s, &op, FH_DOMCTL_VERSION | FH_DOMCTL_HANDLE);
    put8(s, FH_PTR_BUF);
    put8(s, 0);
}

/* A read-back domctl whose handle points at a zeroed writable buffer. */
static void readback(struct seed *s, enum target t, uint32_t cmd, domid_t dom, uint16_t len)
{
    struct xen_domctl op = {.cmd = cmd, .domain = dom};

    if (cmd == XEN_DOMCTL_get_claims)
        op.u.get_claims.nr_claims = len / sizeof(memory_claim_t);
    else if (cmd == XEN_DOMCTL_get_node_pages)
        op.u.get_node_pages.nr_nodes = len / sizeof(uint64_t);
    else
        op.u.nodeaffinity.nodemap.nr_bits = len * 8;
    head(s, t, E_DOMCTL, (struct ctx){0});
    put8(s, 1);
    buf(s, FH_REG_RW, FH_FILL_ZERO, len);
    domctl_op(s, &op, FH_DOMCTL_VERSION | FH_DOMCTL_HANDLE);
    put8(s, FH_PTR_BUF);
    put8(s, 0);
}

static void set_affinity(struct seed *s, enum target t, domid_t dom, uint8_t mask)
{
    struct xen_domctl op = {.cmd = XEN_DOMCTL_setnodeaffinity, .domain = dom};

    op.u.nodeaffinity.nodemap.nr_bits = 8;
    head(s, t, E_DOMCTL, (struct ctx){0});
    put8(s, 1);
    buf(s, FH_REG_RO, FH_FILL_RAW, 1);
    put8(s, mask);
    domctl_op(s, &op, FH_DOMCTL_VERSION | FH_DOMCTL_HANDLE);
    put8(s, FH_PTR_BUF);
    put8(s, 0);
}

/* A reservation op of n extents at consecutive gfns from base. */
struct memop {
    uint8_t sel; /* FH_MEMOP_* */
    uint16_t start;
    domid_t dom;
    uint16_t n;
    uint8_t order;
    uint16_t base;
    uint32_t flags;
};

static void memop(struct seed *s, enum target t, struct ctx c, struct memop m)
{
    struct xen_memory_reservation r = {
        .nr_extents = m.n, .extent_order = m.order, .mem_flags = m.flags, .domid = m.dom};

    head(s, t, E_MEMORY, c);
    put8(s, 1);
    buf(s, FH_REG_RO, FH_FILL_GFNS, (uint16_t)(m.n * sizeof(xen_pfn_t)));
    put16(s, m.base);
    put8(s, m.order);
    put8(s, FH_PLACE_RW);
    put8(s, m.sel | (m.start ? FH_MEMOP_START : 0));
    if (m.start)
        put16(s, m.start);
    put(s, &r, sizeof(r));
    put8(s, FH_MEMFIX_LIST);
    put8(s, FH_PTR_BUF);
    put8(s, 0);
}

static void legacy_claim(struct seed *s, enum target t, domid_t dom, uint16_t pages)
{
    struct xen_memory_reservation r = {.nr_extents = pages, .domid = dom};

    head(s, t, E_MEMORY, (struct ctx){0});
    no_bufs(s);
    put8(s, FH_PLACE_RW);
    put8(s, FH_MEMOP_CLAIM);
    put(s, &r, sizeof(r));
    put8(s, 0);
}

static void sysctl_info(struct seed *s, enum target t, uint32_t cmd)
{
    struct xen_sysctl op = {.cmd = cmd, .interface_version = XEN_SYSCTL_INTERFACE_VERSION};

    head(s, t, E_SYSCTL, (struct ctx){0});
    if (cmd == XEN_SYSCTL_physinfo) {
        no_bufs(s);
        put8(s, FH_PLACE_RW);
        put(s, &op, sizeof(op));
        put8(s, 0);
        return;
    }
    put8(s, 2);
    buf(s, FH_REG_RW, FH_FILL_ZERO, 256);
    buf(s, FH_REG_RW, FH_FILL_ZERO, 256);
    put8(s, FH_PLACE_RW);
    op.u.numainfo.num_nodes = 4; /* same offset in numa_meminfo */
    put(s, &op, sizeof(op));
    put8(s, FH_SYSCTL_HANDLES);
    put8(s, FH_PTR_BUF);
    put8(s, 0);
    if (cmd == XEN_SYSCTL_numainfo) {
        put8(s, FH_PTR_BUF + 1);
        put8(s, 0);
    }
}

static void page_offline(struct seed *s, enum target t, struct ctx c, uint32_t cmd, uint32_t first,
                         uint32_t last)
{
    struct xen_sysctl op = {.cmd = XEN_SYSCTL_page_offline_op,
                            .interface_version = XEN_SYSCTL_INTERFACE_VERSION};

    op.u.page_offline.cmd = cmd;
    op.u.page_offline.start = first;
    op.u.page_offline.end = last;
    head(s, t, E_SYSCTL, c);
    put8(s, 1);
    buf(s, FH_REG_RW, FH_FILL_ZERO, (uint16_t)((last - first + 1) * 4));
    put8(s, FH_PLACE_RW);
    put(s, &op, sizeof(op));
    put8(s, FH_SYSCTL_HANDLES);
    put8(s, FH_PTR_BUF);
    put8(s, 0);
}

static const char *out_dir;

/* Seeds are "seed-NAME"; inputs that once found a bug (named with the
 * "regression-" prefix) are written the same way. */
static void save(const struct seed *s, const char *target, const char *name)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s/%s%s", out_dir, target,
             strncmp(name, "regression-", 11) ? "seed-" : "", name);
    f = fopen(path, "wb");
    if (!f || fwrite(s->b, 1, s->n, f) != s->n || fclose(f)) {
        perror(path);
        exit(1);
    }
}

static void domctl_seeds(void)
{
    static const uint32_t simple[] = {XEN_DOMCTL_getdomaininfo, XEN_DOMCTL_pausedomain,
                                      XEN_DOMCTL_unpausedomain, XEN_DOMCTL_destroydomain};
    static const char *const names[] = {"getdomaininfo", "pause", "unpause", "destroy"};
    const char *T = "fuzz_domctl";
    struct seed s;

    for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++) {
        setup(&s, 0, STD_SETUP);
        domctl(&s, T_DOMCTL, simple[i], 1);
        save(&s, T, names[i]);
    }
    setup(&s, 1, STD_SETUP);
    create(&s, T_DOMCTL);
    save(&s, T, "create");
    setup(&s, 0, STD_SETUP);
    max_mem(&s, T_DOMCTL, 1, 4096);
    save(&s, T, "max_mem");
    setup(&s, 2, STD_SETUP);
    claim(&s, T_DOMCTL, 2, 1, 100, 50);
    save(&s, T, "claim_memory");
    setup(&s, 0, STD_SETUP);
    readback(&s, T_DOMCTL, XEN_DOMCTL_get_claims, 1, 4 * sizeof(memory_claim_t));
    save(&s, T, "get_claims");
    setup(&s, 0, STD_SETUP);
    readback(&s, T_DOMCTL, XEN_DOMCTL_get_node_pages, 1, 8 * sizeof(uint64_t));
    save(&s, T, "get_node_pages");
    setup(&s, 0, STD_SETUP);
    readback(&s, T_DOMCTL, XEN_DOMCTL_getnodeaffinity, 1, 8);
    save(&s, T, "getnodeaffinity");
    setup(&s, 0, STD_SETUP);
    set_affinity(&s, T_DOMCTL, 1, 0x2);
    save(&s, T, "setnodeaffinity");

    /* createdomain whose copy-back fails: the new domain must go again. */
    setup(&s, 0, STD_SETUP | (2 << 3));
    head(&s, T_DOMCTL, E_DOMCTL, (struct ctx){FH_CTX_FAULT, 1});
    no_bufs(&s);
    {
        struct xen_domctl op = {.cmd = XEN_DOMCTL_createdomain};

        op.u.createdomain.max_vcpus = 1;
        domctl_op(&s, &op, FH_DOMCTL_VERSION);
    }
    save(&s, T, "create_copyback_fault");

    /* Found by this target: a createdomain whose domctl is read-only, on
     * a host where domains take hypervisor frames, left them dirty. */
    setup(&s, 0, FH_SETUP_DOM0 | (2 << 3));
    head(&s, T_DOMCTL, E_DOMCTL, (struct ctx){0});
    no_bufs(&s);
    {
        struct xen_domctl op = {.cmd = XEN_DOMCTL_createdomain};

        op.u.createdomain.max_vcpus = 1;
        op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
        put8(&s, FH_PLACE_RO);
        put(&s, &op, sizeof(op));
        put8(&s, 0);
    }
    save(&s, T, "regression-createdomain-readonly-domctl");

    /* A whole build: create, limit, claim, populate, read back, destroy. */
    setup(&s, 0, FH_SETUP_DOM0);
    create(&s, T_DOMCTL);
    max_mem(&s, T_DOMCTL, 1, 2048);
    claim(&s, T_DOMCTL, 1, 0, 256, 128);
    memop(&s, T_DOMCTL, (struct ctx){0},
          (struct memop){.dom = 1, .n = 64, .order = 2, .flags = XENMEMF_node(0)});
    readback(&s, T_DOMCTL, XEN_DOMCTL_get_claims, 1, 4 * sizeof(memory_claim_t));
    domctl(&s, T_DOMCTL, XEN_DOMCTL_unpausedomain, 1);
    domctl(&s, T_DOMCTL, XEN_DOMCTL_destroydomain, 1);
    save(&s, T, "build_sequence");
}

static void memory_seeds(void)
{
    const struct ctx control = {0};
    const char *T = "fuzz_memory_op";
    struct seed s;

    setup(&s, 0, STD_SETUP);
    memop(&s, T_MEMORY, control, (struct memop){.dom = 1, .n = 16, .base = 0x100});
    save(&s, T, "populate");
    setup(&s, 1, STD_SETUP);
    memop(&s, T_MEMORY, control,
          (struct memop){
              .dom = 2, .n = 1, .order = 8, .base = 0x200, .flags = XENMEMF_exact_node(1)});
    save(&s, T, "populate_exact_node");
    setup(&s, 0, STD_SETUP);
    memop(&s, T_MEMORY, control,
          (struct memop){.sel = FH_MEMOP_INCREASE,
                         .dom = 1,
                         .n = 8,
                         .order = 1,
                         .base = 0x300,
                         .flags = XENMEMF_address_bits(22)});
    save(&s, T, "increase_address_bits");
    setup(&s, 0, STD_SETUP);
    memop(&s, T_MEMORY, control,
          (struct memop){.sel = FH_MEMOP_DECREASE, .dom = 1, .n = 8, .order = 3});
    save(&s, T, "decrease");
    setup(&s, 0, FH_SETUP_DOM0 | (2 << 1));
    legacy_claim(&s, T_MEMORY, 2, 100);
    save(&s, T, "claim_pages");
    setup(&s, 0, STD_SETUP);
    memop(&s, T_MEMORY, control, (struct memop){.sel = FH_MEMOP_EXCHANGE, .dom = 1, .n = 1});
    save(&s, T, "exchange");

    /* Preempted after every extent; then one abandoned halfway. */
    setup(&s, 3, STD_SETUP);
    memop(&s, T_MEMORY, (struct ctx){FH_CTX_PREEMPT, 0},
          (struct memop){.dom = 1, .n = 20, .order = 1, .base = 0x40});
    save(&s, T, "populate_preempted");
    setup(&s, 3, STD_SETUP);
    memop(&s, T_MEMORY, (struct ctx){FH_CTX_PREEMPT | FH_CTX_ABANDON, 2},
          (struct memop){.dom = 1, .n = 20, .base = 0x40});
    save(&s, T, "populate_abandoned");
    /* A continuation issued directly: start index 4. */
    setup(&s, 0, STD_SETUP);
    memop(&s, T_MEMORY, control, (struct memop){.start = 4, .dom = 1, .n = 10, .base = 0x500});
    save(&s, T, "populate_continuation");
    /* Populate, decrease part of it, populate again over the hole, then
     * the legacy claim on top. */
    setup(&s, 2, STD_SETUP);
    memop(&s, T_MEMORY, control, (struct memop){.dom = 2, .n = 32, .base = 0x100});
    memop(&s, T_MEMORY, control,
          (struct memop){.sel = FH_MEMOP_DECREASE, .dom = 2, .n = 4, .order = 2, .base = 0x104});
    memop(&s, T_MEMORY, control,
          (struct memop){.dom = 2, .n = 2, .order = 3, .base = 0x108, .flags = XENMEMF_node(2)});
    legacy_claim(&s, T_MEMORY, 1, 200);
    memop(&s, T_MEMORY, control, (struct memop){.dom = 1, .n = 64, .order = 1, .base = 0x800});
    save(&s, T, "populate_decrease_sequence");
    /* A guest populating itself (DOMID_SELF); pick 1 is domain 1. */
    setup(&s, 0, STD_SETUP);
    memop(&s, T_MEMORY, (struct ctx){FH_CALLER_GUEST, 1},
          (struct memop){.dom = DOMID_SELF, .n = 4, .base = 0x600});
    save(&s, T, "guest_populate_self");
}

static void sysctl_seeds(void)
{
    const struct ctx control = {0};
    const char *T = "fuzz_sysctl";
    struct seed s;

    setup(&s, 0, STD_SETUP);
    sysctl_info(&s, T_SYSCTL, XEN_SYSCTL_physinfo);
    save(&s, T, "physinfo");
    setup(&s, 2, STD_SETUP);
    sysctl_info(&s, T_SYSCTL, XEN_SYSCTL_numainfo);
    save(&s, T, "numainfo");
    setup(&s, 2, STD_SETUP);
    sysctl_info(&s, T_SYSCTL, XEN_SYSCTL_numa_meminfo);
    save(&s, T, "numa_meminfo");
    setup(&s, 0, STD_SETUP);
    page_offline(&s, T_SYSCTL, control, sysctl_page_offline, 1000, 1010);
    page_offline(&s, T_SYSCTL, control, sysctl_query_page_offline, 1000, 1010);
    page_offline(&s, T_SYSCTL, control, sysctl_page_online, 1000, 1010);
    save(&s, T, "offline_query_online");
    /* Frames the guests own (populated first, from node 0's start). */
    setup(&s, 0, STD_SETUP);
    page_offline(&s, T_SYSCTL, control, sysctl_page_offline, 1, 40);
    save(&s, T, "offline_owned");
    /* Past the end of the host: fails after the frames before it. */
    setup(&s, 0, STD_SETUP);
    page_offline(&s, T_SYSCTL, control, sysctl_page_offline, 2040, 2060);
    save(&s, T, "offline_past_end");
    setup(&s, 0, STD_SETUP);
    page_offline(&s, T_SYSCTL, (struct ctx){FH_CTX_PREEMPT, 1}, sysctl_page_offline, 300, 330);
    save(&s, T, "offline_preempted");
    setup(&s, 0, STD_SETUP);
    page_offline(&s, T_SYSCTL, (struct ctx){FH_CTX_RESUME, 5}, sysctl_page_offline, 300, 310);
    save(&s, T, "offline_resumed");
    /* Populate, offline the domain's frames (pending), destroy it (they
     * go offline), online them again. */
    setup(&s, 0, STD_SETUP);
    memop(&s, T_SYSCTL, control, (struct memop){.dom = 1, .n = 16, .base = 0x40});
    page_offline(&s, T_SYSCTL, control, sysctl_page_offline, 60, 90);
    domctl(&s, T_SYSCTL, XEN_DOMCTL_destroydomain, 1);
    page_offline(&s, T_SYSCTL, control, sysctl_query_page_offline, 60, 90);
    page_offline(&s, T_SYSCTL, control, sysctl_page_online, 60, 90);
    save(&s, T, "offline_pending_destroy_online");
    /* Offlining free frames recalls claims that no longer fit. */
    setup(&s, 0, STD_SETUP);
    page_offline(&s, T_SYSCTL, control, sysctl_page_offline, 100, 250);
    save(&s, T, "offline_recalls_claims");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    out_dir = argv[1];
    domctl_seeds();
    memory_seeds();
    sysctl_seeds();
    return 0;
}
