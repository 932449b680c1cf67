/*
 * The reference model of the claims accounting (see refmodel.h).
 *
 * Obviously-correct code over fast code: every aggregate is a fresh sum,
 * every search a plain scan, every subtraction guarded.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/claims.h>
#include <hv/domain.h>
#include <hv/host.h>

#include "refmodel.h"

static unsigned long sat_sub(unsigned long a, unsigned long b)
{
    return a > b ? a - b : 0;
}

static unsigned long min_ul(unsigned long a, unsigned long b)
{
    return a < b ? a : b;
}

static bool node_present(const struct refmodel *m, unsigned long node)
{
    return node < RM_MAX_NODES && (m->present & ((uint64_t)1 << node));
}

int rm_init(struct refmodel *m, unsigned int nr_nodes, const unsigned long *node_frames)
{
    unsigned long start = 0;

    memset(m, 0, sizeof(*m));
    if (nr_nodes == 0 || nr_nodes > RM_MAX_NODES)
        return -EINVAL;
    m->nr_nodes = nr_nodes;
    for (unsigned int n = 0; n < nr_nodes; n++) {
        m->present |= (uint64_t)1 << n;
        m->node_start[n] = start;
        m->node_frames[n] = node_frames[n];
        m->node_free[n] = node_frames[n];
        start += node_frames[n];
    }
    if (start < 2)
        return -EINVAL;
    m->nr_frames = start;
    m->frame = calloc(start, 1);
    if (!m->frame)
        return -ENOMEM;
    /* Frame 0 is the hypervisor's: it is in the first node with memory. */
    m->node_free[rm_frame_node(m, 0)]--;
    return 0;
}

void rm_fini(struct refmodel *m)
{
    free(m->frame);
    m->frame = NULL;
}

unsigned int rm_frame_node(const struct refmodel *m, unsigned long mfn)
{
    for (unsigned int n = 0; n < m->nr_nodes; n++)
        if (mfn >= m->node_start[n] && mfn - m->node_start[n] < m->node_frames[n])
            return n;
    return RM_NO_NODE;
}

struct rm_domain *rm_domain(struct refmodel *m, unsigned int domid)
{
    for (unsigned int i = 0; i < RM_MAX_DOMAINS; i++)
        if (m->dom[i].used && m->dom[i].domid == domid)
            return &m->dom[i];
    return NULL;
}

const struct rm_domain *rm_domain_const(const struct refmodel *m, unsigned int domid)
{
    for (unsigned int i = 0; i < RM_MAX_DOMAINS; i++)
        if (m->dom[i].used && m->dom[i].domid == domid)
            return &m->dom[i];
    return NULL;
}

unsigned long rm_host_free(const struct refmodel *m)
{
    unsigned long sum = 0;

    for (unsigned int n = 0; n < m->nr_nodes; n++)
        sum += m->node_free[n];
    return sum;
}

unsigned long rm_domain_claims(const struct rm_domain *d)
{
    unsigned long sum = d->global_claim;

    for (unsigned int n = 0; n < RM_MAX_NODES; n++)
        sum += d->claims[n];
    return sum;
}

unsigned long rm_host_claims(const struct refmodel *m)
{
    unsigned long sum = 0;

    for (unsigned int i = 0; i < RM_MAX_DOMAINS; i++)
        if (m->dom[i].used)
            sum += rm_domain_claims(&m->dom[i]);
    return sum;
}

unsigned long rm_node_claims(const struct refmodel *m, unsigned int node)
{
    unsigned long sum = 0;

    for (unsigned int i = 0; i < RM_MAX_DOMAINS; i++)
        if (m->dom[i].used)
            sum += m->dom[i].claims[node];
    return sum;
}

uint64_t rm_effective_affinity(const struct refmodel *m, const struct rm_domain *d)
{
    return d->auto_affinity ? m->present : (d->affinity & m->present);
}

int rm_domain_create(struct refmodel *m, unsigned int domid)
{
    if (rm_domain(m, domid))
        return -EEXIST;
    for (unsigned int i = 0; i < RM_MAX_DOMAINS; i++) {
        struct rm_domain *d = &m->dom[i];

        if (d->used)
            continue;
        memset(d, 0, sizeof(*d));
        d->used = true;
        d->domid = domid;
        d->auto_affinity = true;
        d->last_alloc_node = 0;
        return 0;
    }
    return -ENOSPC;
}

static void release_claims(struct rm_domain *d)
{
    d->global_claim = 0;
    memset(d->claims, 0, sizeof(d->claims));
}

int rm_domain_destroy(struct refmodel *m, unsigned int domid)
{
    struct rm_domain *d = rm_domain(m, domid);

    if (!d || d->dying)
        return -ESRCH;
    d->dying = true;
    release_claims(d);
    return 0;
}

void rm_domain_forget(struct refmodel *m, unsigned int domid)
{
    struct rm_domain *d = rm_domain(m, domid);

    if (d)
        memset(d, 0, sizeof(*d));
}

int rm_set_max_pages(struct refmodel *m, unsigned int domid, unsigned long max_pages)
{
    struct rm_domain *d = rm_domain(m, domid);
    unsigned long excess, take;

    d->max_pages = max_pages;
    if (d->tot_pages + rm_domain_claims(d) <= max_pages)
        return 0;
    excess = d->tot_pages + rm_domain_claims(d) - max_pages;
    take = min_ul(excess, d->global_claim);
    d->global_claim -= take;
    excess -= take;
    for (int n = RM_MAX_NODES - 1; n >= 0 && excess; n--) {
        take = min_ul(excess, d->claims[n]);
        d->claims[n] -= take;
        excess -= take;
    }
    return 0;
}

int rm_set_node_affinity(struct refmodel *m, unsigned int domid, uint64_t mask)
{
    struct rm_domain *d = rm_domain(m, domid);

    if (!(mask & m->present))
        return -EINVAL;
    /* As in Xen, only a completely full mask means "automatic". */
    d->auto_affinity = mask == ~0ULL;
    d->affinity = mask;
    return 0;
}

int rm_set_outstanding_pages(struct refmodel *m, unsigned int domid, unsigned long pages)
{
    struct rm_domain *d = rm_domain(m, domid);
    unsigned long claim;

    if (d->dying)
        return -ESRCH;
    if (pages == 0) {
        release_claims(d);
        return 0;
    }
    if (rm_domain_claims(d))
        return -EINVAL;
    if (pages <= d->tot_pages || pages > d->max_pages)
        return -EINVAL;
    claim = pages - d->tot_pages;
    if (claim > sat_sub(rm_host_free(m), rm_host_claims(m)))
        return -ENOMEM;
    d->global_claim = claim;
    return 0;
}

/* Phase 1 for one entry: 0 or the error the entry earns. */
static int check_entry(const struct refmodel *m, const struct rm_domain *d, const memory_claim_t *c,
                       bool *seen_global, bool *seen_node)
{
    uint32_t t = c->target;

    if (t == XEN_DOMCTL_CLAIM_MEMORY_GLOBAL) {
        if (*seen_global)
            return -EINVAL;
        *seen_global = true;
    } else if (t & (XEN_DOMCTL_CLAIM_MEMORY_GLOBAL | XEN_DOMCTL_CLAIM_MEMORY_LEGACY)) {
        return -EINVAL;
    } else {
        unsigned long others;

        if (!node_present(m, t))
            return -ENOENT;
        if (seen_node[t])
            return -EINVAL;
        seen_node[t] = true;
        others = sat_sub(rm_node_claims(m, t), d->claims[t]);
        if (c->pages > sat_sub(m->node_free[t], others))
            return -ENOMEM;
    }
    return c->pad ? -EINVAL : 0;
}

int rm_set_node_claims(struct refmodel *m, unsigned int domid, unsigned int nr,
                       const memory_claim_t *claims)
{
    struct rm_domain *d = rm_domain(m, domid);
    bool seen_global = false, seen_node[RM_MAX_NODES] = {false};
    unsigned long sum = 0, others;
    int rc;

    if (d->dying)
        return -ESRCH;
    if (nr == 0)
        return -EINVAL;
    if (nr > RM_MAX_CLAIMS)
        return -E2BIG;
    if (nr == 1 && claims[0].target == XEN_DOMCTL_CLAIM_MEMORY_LEGACY) {
        if (claims[0].pad)
            return -EINVAL;
        return rm_set_outstanding_pages(m, domid, claims[0].pages);
    }
    for (unsigned int i = 0; i < nr; i++) {
        rc = check_entry(m, d, &claims[i], &seen_global, seen_node);
        if (rc)
            return rc;
    }
    for (unsigned int i = 0; i < nr; i++) {
        if (claims[i].pages > ULONG_MAX - sum)
            return -EINVAL;
        sum += claims[i].pages;
    }
    others = rm_host_claims(m) - rm_domain_claims(d);
    if (sum > sat_sub(rm_host_free(m), others))
        return -ENOMEM;
    if (sum > 0 && d->tot_pages + sum > d->max_pages)
        return -EINVAL;
    release_claims(d);
    for (unsigned int i = 0; i < nr; i++) {
        if (claims[i].target == XEN_DOMCTL_CLAIM_MEMORY_GLOBAL)
            d->global_claim = claims[i].pages;
        else
            d->claims[claims[i].target] = claims[i].pages;
    }
    return 0;
}

/* The nodes get_free_buddy() visits, in order (XEN-FACTS.md). */
static unsigned int search_order(const struct refmodel *m, const struct rm_domain *d,
                                 unsigned int node, bool exact, unsigned int *out)
{
    uint64_t mask = d ? rm_effective_affinity(m, d) : m->present;
    unsigned int k = 0, start = RM_NO_NODE;

    if (node == RM_NO_NODE && !d) {
        /* No domain, no node: where the search starts is not specified. */
        for (unsigned int n = 0; n < RM_MAX_NODES; n++)
            if (mask & ((uint64_t)1 << n))
                out[k++] = n;
        return k;
    }
    if (node == RM_NO_NODE) {
        /* Round robin: the first node of the mask after the last one used. */
        for (unsigned int i = 1; i <= RM_MAX_NODES && start == RM_NO_NODE; i++) {
            unsigned int n = (d->last_alloc_node + i) % RM_MAX_NODES;

            if (mask & ((uint64_t)1 << n))
                start = n;
        }
    } else {
        start = node;
    }
    out[k++] = start;
    if (node != RM_NO_NODE && exact)
        return k;
    if (mask & ((uint64_t)1 << start)) {
        /* The rest of the mask, cyclically after the first node. */
        for (unsigned int i = 1; i < RM_MAX_NODES; i++) {
            unsigned int n = (start + i) % RM_MAX_NODES;

            if (mask & ((uint64_t)1 << n))
                out[k++] = n;
        }
    } else {
        /* A requested node outside the mask: then all of the mask. */
        for (unsigned int n = 0; n < RM_MAX_NODES; n++)
            if (mask & ((uint64_t)1 << n))
                out[k++] = n;
    }
    /* Once more, the nodes of the host outside the mask. */
    for (unsigned int n = 0; n < RM_MAX_NODES; n++)
        if ((m->present & ~mask) & ((uint64_t)1 << n))
            out[k++] = n;
    return k;
}

/* The claims check: host-wide (node == RM_NO_NODE) or on one node. */
static bool permit(unsigned long avail, unsigned long claimed, unsigned long own_claim,
                   unsigned long request)
{
    unsigned long unclaimed = sat_sub(avail, claimed);

    return request <= unclaimed || request - unclaimed <= own_claim;
}

void rm_alloc_plan(const struct refmodel *m, unsigned int domid, unsigned int order,
                   unsigned int node, unsigned int flags, struct rm_alloc_plan *p)
{
    const struct rm_domain *d = domid == RM_NO_DOMAIN ? NULL : rm_domain_const(m, domid);
    unsigned long request = 1UL << order;
    bool counted = d && !(flags & RM_UNCOUNTED);

    memset(p, 0, sizeof(*p));
    p->node = RM_NO_NODE;
    p->any_node = !d && node == RM_NO_NODE;
    if (d && d->dying) {
        p->rc = -ESRCH;
        return;
    }
    if (counted && (request > d->max_pages || d->tot_pages > d->max_pages - request)) {
        p->rc = -E2BIG;
        return;
    }
    p->global_ok =
        permit(rm_host_free(m), rm_host_claims(m), counted ? rm_domain_claims(d) : 0, request);
    if (!p->global_ok) {
        p->rc = -ENOMEM;
        return;
    }
    p->nr_tried = search_order(m, d, node, flags & RM_EXACT, p->tried);
    for (unsigned int i = 0; i < p->nr_tried; i++) {
        unsigned int n = p->tried[i];
        unsigned long own = counted ? d->claims[n] : 0; /* d is set when counted */

        p->qualifies[i] = permit(m->node_free[n], rm_node_claims(m, n), own, request) &&
                          m->node_free[n] >= request;
        if (p->qualifies[i] && p->node == RM_NO_NODE)
            p->node = n;
    }
    p->rc = p->node == RM_NO_NODE ? -ENOMEM : 0;
}

bool rm_plan_allows(const struct rm_alloc_plan *p, unsigned int node)
{
    if (p->rc)
        return false;
    for (unsigned int i = 0; i < p->nr_tried; i++)
        if (p->tried[i] == node && p->qualifies[i])
            return true;
    return false;
}

void rm_alloc_commit(struct refmodel *m, unsigned int domid, unsigned int order, unsigned int node,
                     unsigned int flags)
{
    struct rm_domain *d = rm_domain(m, domid);
    unsigned long left = 1UL << order, take;

    m->node_free[node] -= 1UL << order;
    if (!d)
        return;
    d->last_alloc_node = node;
    if (flags & RM_UNCOUNTED) {
        d->extra_pages += 1UL << order;
        return;
    }
    d->tot_pages += 1UL << order;
    d->node_pages[node] += 1UL << order;

    take = min_ul(left, d->claims[node]);
    d->claims[node] -= take;
    left -= take;
    take = min_ul(left, d->global_claim);
    d->global_claim -= take;
    left -= take;
    while (left) {
        unsigned int best = RM_NO_NODE;

        for (unsigned int n = 0; n < RM_MAX_NODES; n++)
            if (n != node && d->claims[n] && (best == RM_NO_NODE || d->claims[n] > d->claims[best]))
                best = n;
        if (best == RM_NO_NODE)
            break;
        take = min_ul(left, d->claims[best]);
        d->claims[best] -= take;
        left -= take;
    }
}

void rm_free_frame(struct refmodel *m, unsigned int domid, unsigned long mfn, bool counted)
{
    struct rm_domain *d = rm_domain(m, domid);
    unsigned int node = rm_frame_node(m, mfn);

    if (d && counted) {
        d->tot_pages--;
        d->node_pages[node]--;
    } else if (d) {
        d->extra_pages--;
    }
    if ((m->frame[mfn] & RM_FRAME_STATE) == RM_FRAME_PENDING) {
        m->frame[mfn] = (uint8_t)((m->frame[mfn] & ~RM_FRAME_STATE) | RM_FRAME_OFFLINED);
        m->node_offlined[node]++;
    } else {
        m->node_free[node]++;
    }
}

/* The domain (lowest id on ties) with the largest claim on node, or with
 * the largest global claim for RM_NO_NODE; NULL when nobody claims. */
static struct rm_domain *largest_claimant(struct refmodel *m, unsigned int node)
{
    struct rm_domain *best = NULL;

    for (unsigned int i = 0; i < RM_MAX_DOMAINS; i++) {
        struct rm_domain *d = &m->dom[i];
        unsigned long c, bc;

        if (!d->used)
            continue;
        c = node == RM_NO_NODE ? d->global_claim : d->claims[node];
        if (!c)
            continue;
        bc = !best ? 0 : node == RM_NO_NODE ? best->global_claim : best->claims[node];
        if (!best || c > bc || (c == bc && d->domid < best->domid))
            best = d;
    }
    return best;
}

static unsigned long recall(struct refmodel *m, unsigned int node)
{
    unsigned long recalled = 0, take;
    struct rm_domain *d;

    while (rm_node_claims(m, node) > m->node_free[node] && (d = largest_claimant(m, node))) {
        take = min_ul(rm_node_claims(m, node) - m->node_free[node], d->claims[node]);
        d->claims[node] -= take;
        recalled += take;
    }
    while (rm_host_claims(m) > rm_host_free(m) && (d = largest_claimant(m, RM_NO_NODE))) {
        take = min_ul(rm_host_claims(m) - rm_host_free(m), d->global_claim);
        d->global_claim -= take;
        recalled += take;
    }
    return recalled;
}

int rm_offline(struct refmodel *m, unsigned long mfn, bool broken, bool allocated,
               unsigned long *recalled)
{
    unsigned int node;
    uint8_t *f;

    if (recalled)
        *recalled = 0;
    if (mfn >= m->nr_frames)
        return -EINVAL;
    if (mfn == 0)
        return -EPERM;
    f = &m->frame[mfn];
    node = rm_frame_node(m, mfn);
    if (broken)
        *f |= RM_FRAME_BROKEN;
    if ((*f & RM_FRAME_STATE) != RM_FRAME_ONLINE)
        return 0;
    if (allocated) {
        *f |= RM_FRAME_PENDING;
        return 0;
    }
    *f |= RM_FRAME_OFFLINED;
    m->node_free[node]--;
    m->node_offlined[node]++;
    if (recalled)
        *recalled = recall(m, node);
    else
        recall(m, node);
    return 0;
}

int rm_online(struct refmodel *m, unsigned long mfn)
{
    unsigned int node;
    uint8_t *f;

    if (mfn >= m->nr_frames || mfn == 0)
        return -EINVAL;
    f = &m->frame[mfn];
    if (*f & RM_FRAME_BROKEN)
        return -EINVAL;
    node = rm_frame_node(m, mfn);
    if ((*f & RM_FRAME_STATE) == RM_FRAME_OFFLINED) {
        m->node_offlined[node]--;
        m->node_free[node]++;
    }
    *f = RM_FRAME_ONLINE;
    return 0;
}

/* ---- Comparison with the implementation ---- */

static bool differ(char *report, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool differ(char *report, size_t len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(report, len, fmt, ap);
    va_end(ap);
    return false;
}

#define SAME(what, model, impl, ...)                                                               \
    do {                                                                                           \
        unsigned long m_ = (unsigned long)(model), i_ = (unsigned long)(impl);                     \
        if (m_ != i_)                                                                              \
            return differ(report, len, what ": model %lu, implementation %lu", __VA_ARGS__, m_,    \
                          i_);                                                                     \
    } while (0)

static bool compare_domain(const struct refmodel *m, const struct rm_domain *md, struct domain *d,
                           char *report, size_t len)
{
    struct domain_info info;
    memory_claim_t back[RM_MAX_CLAIMS];
    unsigned int nr = RM_MAX_CLAIMS, k = 0;
    unsigned int id = md->domid;

    domain_get_info(d, &info);
    SAME("dom %u dying", md->dying, info.dying, id);
    SAME("dom %u tot_pages", md->tot_pages, info.tot_pages, id);
    SAME("dom %u max_pages", md->max_pages, info.max_pages, id);
    SAME("dom %u extra_pages", md->extra_pages, info.extra_pages, id);
    SAME("dom %u global claim", md->global_claim, info.global_claims, id);
    SAME("dom %u outstanding_pages", rm_domain_claims(md), info.outstanding_pages, id);
    for (unsigned int n = 0; n < RM_MAX_NODES; n++) {
        SAME("dom %u claims[%u]", md->claims[n], info.claims[n], id, n);
        SAME("dom %u node_pages[%u]", md->node_pages[n], info.node_pages[n], id, n);
    }
    SAME("dom %u auto node affinity", md->auto_affinity, info.auto_node_affinity, id);
    SAME("dom %u node affinity (host nodes)", rm_effective_affinity(m, md),
         info.node_affinity & m->present, id);

    /* The read-back: node entries in node order, then GLOBAL. */
    if (domain_get_claims(d, &nr, back))
        return differ(report, len, "dom %u: domain_get_claims failed", id);
    for (unsigned int n = 0; n < RM_MAX_NODES; n++) {
        if (!md->claims[n])
            continue;
        if (k >= nr)
            return differ(report, len, "dom %u get_claims: node %u missing", id, n);
        SAME("dom %u get_claims[%u].target", n, back[k].target, id, k);
        SAME("dom %u get_claims[%u].pages", md->claims[n], back[k].pages, id, k);
        k++;
    }
    if (md->global_claim) {
        if (k >= nr)
            return differ(report, len, "dom %u get_claims: GLOBAL missing", id);
        SAME("dom %u get_claims[%u].target", XEN_DOMCTL_CLAIM_MEMORY_GLOBAL, back[k].target, id, k);
        SAME("dom %u get_claims[%u].pages", md->global_claim, back[k].pages, id, k);
        k++;
    }
    SAME("dom %u get_claims entries", k, nr, id);
    return true;
}

bool rm_compare(const struct refmodel *m, struct host *h, struct domain *const *doms,
                unsigned int nr_doms, char *report, size_t len)
{
    struct host_counters c;
    unsigned int nr_model = 0;

    host_get_counters(h, &c);
    SAME("host total_pages%s", m->nr_frames, c.total_pages, "");
    SAME("host total_avail_pages%s", rm_host_free(m), c.total_avail_pages, "");
    SAME("host outstanding_claims%s", rm_host_claims(m), c.outstanding_claims, "");
    for (unsigned int n = 0; n < RM_MAX_NODES; n++) {
        unsigned long frames = n < m->nr_nodes ? m->node_frames[n] : 0;

        SAME("node %u pages", frames, c.node_pages[n], n);
        SAME("node %u avail_pages", m->node_free[n], c.node_avail_pages[n], n);
        SAME("node %u outstanding_claims", rm_node_claims(m, n), c.node_outstanding_claims[n], n);
        SAME("node %u offlined", m->node_offlined[n], c.node_offlined[n], n);
    }
    for (unsigned int i = 0; i < RM_MAX_DOMAINS; i++) {
        const struct rm_domain *md = &m->dom[i];
        struct domain *d = NULL;

        if (!md->used)
            continue;
        nr_model++;
        for (unsigned int j = 0; j < nr_doms && !d; j++)
            if (doms[j] && doms[j]->domain_id == md->domid)
                d = doms[j];
        if (!d)
            return differ(report, len, "dom %u: in the model but not given", md->domid);
        if (!compare_domain(m, md, d, report, len))
            return false;
    }
    SAME("domains%s", nr_model, nr_doms, "");
    return true;
}
