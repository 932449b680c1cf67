/*
 * The builders of the stress kit (see stresskit.h): plan a build within
 * BUDGET, create the domain and install its claim set inside the install
 * gate, populate it as the case's mode says, check what it holds, give
 * some back and destroy it -- again and again.
 */
#include <string.h>
#include <time.h>

#include "stresskit.h"

/* A build: pages claimed per node, a GLOBAL entry, and which node (if any)
 * gets one 512-page piece as order-0 requests. */
struct plan {
    unsigned long node[NR_NODES], global, total;
    int small_node;
};

/* Fisher-Yates over nr elements of `size` bytes (at most 16). */
static void shuffle(struct sk_worker *w, void *base, unsigned int nr, size_t size)
{
    unsigned char *v = base, t[16];

    for (unsigned int i = nr; i > 1; i--) {
        size_t j = sk_rnd(w, i);

        memcpy(t, v + (i - 1) * size, size);
        memcpy(v + (i - 1) * size, v + j * size, size);
        memcpy(v + j * size, t, size);
    }
}

static void make_plan(struct sk_worker *w, struct plan *p)
{
    unsigned long pieces = 1 + sk_rnd(w, BUDGET_PIECES);
    enum sk_mode mode = w->s->mode;
    unsigned int nodes;
    nodemask_t used = 0;

    memset(p, 0, sizeof(*p));
    p->small_node = -1;
    if (mode == MODE_NO_HINTS) {
        /* Order-9 pieces on nodes, then an order-0 tail of any size. */
        pieces = 1 + sk_rnd(w, BUDGET_PIECES - 1);
        p->global = sk_rnd(w, 2) ? 1 + sk_rnd(w, PIECE) : 0;
    } else if (sk_rnd(w, 3) == 0) {
        p->global = PIECE; /* one piece, as order-0 requests with no hint */
        pieces--;
    }
    nodes = pieces ? 1 + (unsigned int)sk_rnd(w, MIN(pieces, (unsigned long)NR_NODES)) : 0;
    while ((unsigned int)__builtin_popcountll(used) < nodes)
        used |= node_bit(sk_rnd(w, NR_NODES));
    for (unsigned int n = 0; n < NR_NODES; n++)
        if (used & node_bit(n)) {
            p->node[n] = PIECE;
            pieces--;
        }
    while (pieces) {
        unsigned int n = (unsigned int)sk_rnd(w, NR_NODES);

        if (used & node_bit(n)) {
            p->node[n] += PIECE;
            pieces--;
        }
    }
    for (unsigned int n = 0; n < NR_NODES; n++)
        p->total += p->node[n];
    if (mode == MODE_EXACT && !p->global && p->total && sk_rnd(w, 2)) {
        do
            p->small_node = (int)sk_rnd(w, NR_NODES);
        while (!p->node[p->small_node]);
    }
    p->total += p->global;
}

/* The plan as a claim set, in random entry order. */
static unsigned int plan_claims(struct sk_worker *w, const struct plan *p, memory_claim_t *set)
{
    unsigned int nr = 0;

    for (unsigned int n = 0; n < NR_NODES; n++)
        if (p->node[n])
            set[nr++] = hvt_claim(p->node[n], n);
    if (p->global)
        set[nr++] = hvt_claim(p->global, GLOBAL);
    shuffle(w, set, nr, sizeof(*set));
    return nr;
}

static nodeid_t gfn_node(struct domain *d, gfn_t gfn)
{
    mfn_t mfn = domain_gfn_to_mfn(d, gfn);

    return mfn == INVALID_MFN ? NUMA_NO_NODE : host_mfn_to_node(d->host, mfn);
}

/* Count `pages` just populated at gfn against the node they came from. */
static bool landed_at(struct sk_worker *w, struct domain *d, gfn_t gfn, unsigned long pages,
                      unsigned long *landed)
{
    nodeid_t n = gfn_node(d, gfn);

    if (!WCHECK(w, n < NR_NODES, "d%u: gfn %#lx unmapped after populating it", d->domain_id,
                (unsigned long)gfn))
        return false;
    landed[n] += pages;
    return true;
}

/* The claim left on a node (GLOBAL: the global claim). */
static unsigned long claim_left(struct domain *d, uint32_t target)
{
    struct domain_info info;

    domain_get_info(d, &info);
    return target == GLOBAL ? info.global_claims : info.claims[target];
}

/* What the claims read back must be right after installation. */
static bool check_read_back(struct sk_worker *w, struct domain *d, const struct plan *p)
{
    memory_claim_t got[NR_NODES + 1];
    unsigned int nr = NR_NODES + 1, i = 0;
    int rc = domain_get_claims(d, &nr, got);

    if (!WCHECK(w, rc == 0, "d%u: get_claims = %d", d->domain_id, rc))
        return false;
    for (unsigned int n = 0; n < NR_NODES; n++) {
        if (!p->node[n])
            continue;
        if (!WCHECK(w, i < nr && got[i].target == n && got[i].pages == p->node[n],
                    "d%u: entry %u reads back wrong", d->domain_id, i))
            return false;
        i++;
    }
    if (p->global && !WCHECK(w, i < nr && got[i].target == GLOBAL && got[i].pages == p->global,
                             "d%u: GLOBAL entry reads back wrong", d->domain_id))
        return false;
    return WCHECK(w, nr == i + (p->global != 0), "d%u: %u entries read back, want %u", d->domain_id,
                  nr, i + (p->global != 0));
}

/* Count an order-9 request made when unclaimed memory could not serve it. */
static void note_pressure(struct sk_worker *w, bool pressed)
{
    if (pressed)
        atomic_fetch_add(&w->s->pressed, 1);
}

/* Pieces of the node parts in random order; each is one order-9 extent or
 * (at most one per build) 512 order-0 extents. */
struct piece {
    nodeid_t node;
    bool small;
};

static unsigned int plan_pieces(struct sk_worker *w, const struct plan *p, struct piece *v)
{
    unsigned int nr = 0;

    for (unsigned int n = 0; n < NR_NODES; n++)
        for (unsigned long k = 0; k < p->node[n] / PIECE; k++)
            v[nr++] = (struct piece){(nodeid_t)n, (int)n == p->small_node && k == 0};
    shuffle(w, v, nr, sizeof(*v));
    return nr;
}

/* Node parts with exact-node requests, then the GLOBAL part anywhere. */
static bool populate_exact(struct sk_worker *w, struct domain *d, const struct plan *p,
                           unsigned long *landed)
{
    struct piece v[BUDGET_PIECES];
    unsigned int nr = plan_pieces(w, p, v);
    gfn_t gfn = 0;
    int rc;

    for (unsigned int i = 0; i < nr; i++, gfn += PIECE) {
        unsigned int flags = MEMF_node(v[i].node) | MEMF_exact_node;

        for (unsigned long j = 0; v[i].small && j < PIECE; j++) {
            rc = domain_populate_extent(d, gfn + j, 0, flags, NULL);
            if (!WCHECK(w, rc == 0, "d%u: order-0 #%lu on node %u = %d", d->domain_id, j, v[i].node,
                        rc))
                return false;
        }
        if (!v[i].small) {
            note_pressure(w, hvt_node_unclaimed(d->host, v[i].node) < PIECE);
            rc = domain_populate_extent(d, gfn, 9, flags, NULL);
            if (!WCHECK(w, rc == 0, "d%u: order-9 on node %u (piece %u of %u) = %d, %lu left",
                        d->domain_id, v[i].node, i, nr, rc, claim_left(d, v[i].node)))
                return false;
        }
        landed[v[i].node] += PIECE;
        if (!WCHECK(w, gfn_node(d, gfn) == v[i].node, "d%u: exact node %u ignored", d->domain_id,
                    v[i].node))
            return false;
    }
    for (unsigned long j = 0; j < p->global; j++, gfn++) {
        rc = domain_populate_extent(d, gfn, 0, 0, NULL);
        if (!WCHECK(w, rc == 0, "d%u: GLOBAL order-0 #%lu = %d", d->domain_id, j, rc))
            return false;
        if (!landed_at(w, d, gfn, 1, landed))
            return false;
    }
    return true;
}

/*
 * No node hints at all: order 9 for the node parts, then the order-0 tail
 * (the GLOBAL entry, under 512 pages or exactly 512).  Before each of the k
 * order-9 requests left, the claims total 512k plus the tail left, and all
 * node claims are multiples of 512 except at most one (then the global
 * claim is spent): a request served on a node with a claim of 512 or more
 * retires 512 there; served elsewhere, it retires that node's claim (the
 * odd one or none), then the global claim, then from the largest node
 * claim, itself 512 or more.  So some node claim is >= 512, argument (3)
 * gives a whole free block there, and the node search reaches every node.
 */
static bool populate_no_hints(struct sk_worker *w, struct domain *d, const struct plan *p,
                              unsigned long *landed)
{
    unsigned long pieces = (p->total - p->global) / PIECE;
    gfn_t gfn = 0;
    int rc;

    for (unsigned long i = 0; i < pieces; i++, gfn += PIECE) {
        note_pressure(w, sk_max_node_unclaimed(d->host) < PIECE);
        rc = domain_populate_extent(d, gfn, 9, 0, NULL);
        if (!WCHECK(w, rc == 0, "d%u: order-9 #%lu of %lu = %d", d->domain_id, i, pieces, rc))
            return false;
        if (!landed_at(w, d, gfn, PIECE, landed))
            return false;
    }
    for (unsigned long j = 0; j < p->global; j++, gfn++) {
        rc = domain_populate_extent(d, gfn, 0, 0, NULL);
        if (!WCHECK(w, rc == 0, "d%u: tail order-0 #%lu = %d", d->domain_id, j, rc))
            return false;
        if (!landed_at(w, d, gfn, 1, landed))
            return false;
    }
    return true;
}

/* With recall: take what the claims still cover, falling back from order 9
 * to order 0.  An order-0 refusal is only right once the claim is gone. */
static bool populate_recall(struct sk_worker *w, struct domain *d, const struct plan *p,
                            unsigned long *landed)
{
    gfn_t gfn = 0;
    int rc;

    for (unsigned int n = 0; n < NR_NODES; n++) {
        unsigned int flags = MEMF_node(n) | MEMF_exact_node;
        unsigned long left;

        while ((left = claim_left(d, n)) != 0) {
            if (left >= PIECE && sk_rnd(w, 4) &&
                domain_populate_extent(d, gfn, 9, flags, NULL) == 0) {
                landed[n] += PIECE;
                gfn += PIECE;
                continue;
            }
            rc = domain_populate_extent(d, gfn, 0, flags, NULL);
            if (rc) {
                left = claim_left(d, n);
                if (!WCHECK(w, left == 0, "d%u: order-0 on node %u = %d with %lu claimed there",
                            d->domain_id, n, rc, left))
                    return false;
                break;
            }
            landed[n]++;
            gfn++;
        }
    }
    while (claim_left(d, GLOBAL)) {
        rc = domain_populate_extent(d, gfn, 0, 0, NULL);
        if (rc) {
            unsigned long left = claim_left(d, GLOBAL);

            if (!WCHECK(w, left == 0, "d%u: GLOBAL order-0 = %d with %lu claimed", d->domain_id, rc,
                        left))
                return false;
            break;
        }
        if (!landed_at(w, d, gfn, 1, landed))
            return false;
        gfn++;
    }
    return true;
}

/* The domain holds what it was given (landed[] per node), nothing claimed. */
static bool check_holdings(struct sk_worker *w, struct domain *d, const unsigned long *landed,
                           unsigned long total)
{
    struct domain_info info;

    domain_get_info(d, &info);
    if (!WCHECK(w, info.tot_pages == total && info.outstanding_pages == 0,
                "d%u: tot_pages %lu (want %lu), outstanding %lu (want 0)", d->domain_id,
                info.tot_pages, total, info.outstanding_pages))
        return false;
    for (unsigned int n = 0; n < NR_NODES; n++)
        if (!WCHECK(w, info.node_pages[n] == landed[n], "d%u: node_pages[%u] = %lu, want %lu",
                    d->domain_id, n, info.node_pages[n], landed[n]))
            return false;
    return true;
}

/* Release the (spent) claims, maybe unpause, give back some extents. */
static bool release_and_shrink(struct sk_worker *w, struct domain *d, unsigned long *landed,
                               unsigned long total, unsigned long global)
{
    memory_claim_t none = hvt_claim(0, GLOBAL);
    unsigned long pieces = (total - global) / PIECE; /* the node parts */
    int rc = domain_set_node_claims(d, 1, &none);

    if (!WCHECK(w, rc == 0, "d%u: release = %d", d->domain_id, rc))
        return false;
    if (sk_rnd(w, 2))
        domain_unpause(d);
    for (unsigned long i = 0; i < pieces; i++) {
        nodeid_t n;

        if (sk_rnd(w, 4))
            continue;
        n = gfn_node(d, i * PIECE);
        rc = domain_decrease_extent(d, i * PIECE, 9);
        if (!WCHECK(w, rc == 0 && n < NR_NODES, "d%u: decrease piece %lu = %d", d->domain_id, i,
                    rc))
            return false;
        landed[n] -= PIECE;
        total -= PIECE;
    }
    return check_holdings(w, d, landed, total);
}

static bool build_one(struct sk_worker *w)
{
    struct sk_stress *s = w->s;
    struct domain_config cfg = {.max_vcpus = 1};
    memory_claim_t set[NR_NODES + 1];
    unsigned long landed[MAX_NUMNODES] = {0};
    struct plan p;
    struct domain *d = NULL;
    unsigned int nr;
    nodemask_t affinity = 0;
    domid_t id = 0;
    bool ok;
    int rc;

    make_plan(w, &p);
    nr = plan_claims(w, &p, set);
    sk_wait_for_full_host(s);
    sk_gate_enter(s);
    rc = domain_create(s->h, &id, &cfg);
    if (!rc) {
        d = domain_get(s->h, id);
        domain_set_max_pages(d, p.total);
        rc = domain_set_node_claims(d, nr, set);
    }
    sk_gate_exit(s);
    if (!WCHECK(w, d != NULL, "domain_create = %d", rc))
        return false;
    w->builds++;

    for (unsigned int n = 0; n < NR_NODES; n++)
        if (p.node[n])
            affinity |= node_bit(n);
    if (!affinity || s->mode == MODE_NO_HINTS)
        affinity = 1 + sk_rnd(w, node_bit(NR_NODES) - 1);

    ok = WCHECK(w, rc == 0, "d%u: installing %u entries, %lu pages = %d", id, nr, p.total, rc) &&
         (s->mode == MODE_OFFLINE || check_read_back(w, d, &p)) &&
         WCHECK(w, domain_set_node_affinity(d, affinity) == 0, "d%u: affinity", id);
    if (ok && s->mode == MODE_OFFLINE) {
        /* Leave the claims unused for a moment, as a slow toolstack
         * would: the offliner's chance to hit claimed free frames. */
        const struct timespec hold = {0, 2 * 1000 * 1000};

        sk_wait_for_full_host(s);
        nanosleep(&hold, NULL);
        ok = populate_recall(w, d, &p, landed);
        if (ok) {
            struct domain_info info;

            domain_get_info(d, &info);
            w->shortfall += p.total - info.tot_pages;
            ok = check_holdings(w, d, landed, info.tot_pages);
        }
    } else if (ok) {
        sk_wait_for_full_host(s);
        ok = (s->mode == MODE_EXACT ? populate_exact : populate_no_hints)(w, d, &p, landed) &&
             check_holdings(w, d, landed, p.total) &&
             release_and_shrink(w, d, landed, p.total, p.global);
    }
    rc = domain_destroy(s->h, id);
    ok = WCHECK(w, rc == 0, "d%u: destroy = %d", id, rc) && ok;
    domain_put(d);
    return ok;
}

/* Has the run shown what it is for: requests that only claims could
 * serve, or (with offlining) recalls? */
static bool goal_met(struct sk_stress *s)
{
    struct host_counters c;

    if (s->mode != MODE_OFFLINE)
        return atomic_load(&s->pressed) != 0;
    host_get_counters(s->h, &c);
    return c.stats.claims_recalled != 0;
}

/* A budget of builds, not of time: a slow or busy machine takes longer,
 * it does not do less. */
void *sk_builder_main(void *arg)
{
    struct sk_worker *w = arg;
    struct sk_stress *s = w->s;

    while (build_one(w)) {
        if (w->builds >= s->min_builds && (w->builds >= s->max_builds || goal_met(s)))
            break;
    }
    return NULL;
}
