/*
 * Domain lifetime, limits and node affinity.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xen/domctl.h>

#include <hv/claims.h>
#include <hv/config.h>
#include <hv/domain.h>
#include <hv/heap.h>

#define DOMAIN_MAX_VCPUS 4096

static int runs_push(struct frame_runs *r, mfn_t mfn, unsigned int order)
{
    if (r->nr == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 8;
        struct frame_run *v = realloc(r->v, cap * sizeof(*v));

        if (!v)
            return -ENOMEM;
        r->v = v;
        r->cap = cap;
    }
    r->v[r->nr++] = (struct frame_run){mfn, order};
    return 0;
}

/* Free the hypervisor's own frames for this domain (no owner, unclaimed). */
static void free_xen_pages(struct domain *d)
{
    for (size_t i = 0; i < d->xen_pages.nr; i++)
        free_heap_pages(d->host, d->xen_pages.v[i].mfn, d->xen_pages.v[i].order, NULL,
                        FREE_need_scrub);
    d->xen_pages.nr = 0;
}

/* The memory Xen takes for a new domain's own structures. */
static int alloc_xen_pages(struct domain *d)
{
    for (unsigned int i = 0; i < d->host->cfg.xen_pages_per_domain; i++) {
        mfn_t mfn = alloc_heap_pages(d->host, MEMZONE_LO, NR_ZONES - 1, 0, 0, NULL);

        if (mfn == INVALID_MFN || runs_push(&d->xen_pages, mfn, 0)) {
            if (mfn != INVALID_MFN)
                free_heap_pages(d->host, mfn, 0, NULL, 0);
            free_xen_pages(d);
            return -ENOMEM;
        }
    }
    return 0;
}

static void domain_free(struct domain *d)
{
    p2m_destroy(&d->p2m);
    free(d->extra.v);
    free(d->xen_pages.v);
    hv_lock_destroy(&d->page_alloc_lock);
    free(d);
}

/* Pick a free domid at or after the hint, wrapping; never 0. */
static int pick_domid(struct host *h, domid_t *domid)
{
    unsigned int id = h->next_domid;

    for (unsigned int tries = 0; tries < DOMID_FIRST_RESERVED - 1; tries++, id++) {
        if (id == 0 || id >= DOMID_FIRST_RESERVED)
            id = 1;
        if (!h->domains[id]) {
            *domid = (domid_t)id;
            return 0;
        }
    }
    return -ENOMEM;
}

int domain_create(struct host *h, domid_t *domid, const struct domain_config *cfg)
{
    struct domain *d;
    domid_t id = *domid;
    int rc;

    if (cfg->max_vcpus == 0 || cfg->max_vcpus > DOMAIN_MAX_VCPUS ||
        (cfg->flags & ~((XEN_DOMCTL_CDF_MAX << 1) - 1)))
        return -EINVAL;
    if (id >= DOMID_FIRST_RESERVED)
        return -EINVAL;

    d = calloc(1, sizeof(*d));
    if (!d)
        return -ENOMEM;

    hv_write_lock(&h->domlist_lock);
    if (cfg->control) {
        id = 0;
        rc = h->domains[0] ? -EEXIST : 0;
    } else if (id == 0) {
        rc = pick_domid(h, &id);
    } else {
        rc = h->domains[id] ? -EEXIST : 0;
    }
    if (rc)
        goto out_unlock;

    d->host = h;
    d->domain_id = id;
    d->max_vcpus = cfg->max_vcpus;
    d->create_flags = cfg->flags;
    d->ssidref = cfg->ssidref;
    memcpy(d->handle, cfg->handle, sizeof(d->handle));
    atomic_init(&d->refcnt, 1); /* the table's reference */
    atomic_init(&d->is_dying, false);
    hv_lock_init(&d->page_alloc_lock, "page_alloc_lock", LOCK_RANK_PAGE_ALLOC, id, true);
    p2m_init(&d->p2m);
    d->is_paused = !cfg->control;
    d->creation_finished = cfg->control;
    d->auto_node_affinity = true;
    d->node_affinity = h->node_online_map;
    /* Zero, as in Xen: the first allocation without a node therefore
     * starts on the node after node 0 within the affinity. */
    d->last_alloc_node = 0;

    rc = alloc_xen_pages(d);
    if (rc) {
        hv_lock_destroy(&d->page_alloc_lock);
        goto out_unlock;
    }

    hv_lock(&h->heap_lock);
    d->heap_next = h->heap_domains;
    if (h->heap_domains)
        h->heap_domains->heap_prev = d;
    h->heap_domains = d;
    hv_unlock(&h->heap_lock);

    h->domains[id] = d;
    h->nr_domains++;
    if (id)
        h->next_domid = (domid_t)(id + 1);
    *domid = id;
    d = NULL;

out_unlock:
    hv_write_unlock(&h->domlist_lock);
    if (d) {
        free(d->xen_pages.v);
        free(d);
    }
    if (!rc)
        host_call_done(h);
    return rc;
}

struct domain *domain_get(struct host *h, domid_t domid)
{
    struct domain *d = NULL;

    if (domid >= DOMID_FIRST_RESERVED)
        return NULL;
    hv_read_lock(&h->domlist_lock);
    d = h->domains[domid];
    if (d)
        atomic_fetch_add(&d->refcnt, 1);
    hv_read_unlock(&h->domlist_lock);
    return d;
}

void domain_put(struct domain *d)
{
    if (d && atomic_fetch_sub(&d->refcnt, 1) == 1)
        domain_free(d);
}

static void free_run(void *ctx, gfn_t gfn, mfn_t mfn, unsigned long nr)
{
    struct domain *d = ctx;

    /* A dead domain's memory is dirty: the hypervisor must scrub it. */
    free_domheap_run(d, mfn, nr, FREE_need_scrub | FREE_counted);
}

/* Give back everything the domain holds.  Caller: page_alloc_lock. */
static void relinquish_memory(struct domain *d)
{
    p2m_for_each_run(&d->p2m, free_run, d);
    p2m_destroy(&d->p2m);
    p2m_init(&d->p2m);
    for (size_t i = 0; i < d->extra.nr; i++)
        free_heap_pages(d->host, d->extra.v[i].mfn, d->extra.v[i].order, d, FREE_need_scrub);
    d->extra.nr = 0;
    free_xen_pages(d);
}

/* Take d off host->heap_domains, the list recall and the checker walk. */
static void heap_domains_unlink_locked(struct host *h, struct domain *d)
{
    ASSERT_LOCKED(&h->heap_lock);
    if (d->heap_prev)
        d->heap_prev->heap_next = d->heap_next;
    else
        h->heap_domains = d->heap_next;
    if (d->heap_next)
        d->heap_next->heap_prev = d->heap_prev;
}

int domain_destroy(struct host *h, domid_t domid)
{
    struct domain *d = domain_get(h, domid);
    bool first;

    if (!d)
        return -ESRCH;

    hv_lock(&d->page_alloc_lock);
    hv_lock(&h->heap_lock);
    first = !atomic_load(&d->is_dying);
    if (first) {
        atomic_store(&d->is_dying, true);
        claims_retire_all_locked(d);
    }
    hv_unlock(&h->heap_lock);
    if (first)
        relinquish_memory(d);
    hv_unlock(&d->page_alloc_lock);

    if (first) {
        BUG_ON(d->tot_pages || d->extra_pages);
        hv_write_lock(&h->domlist_lock);
        h->domains[domid] = NULL;
        h->nr_domains--;
        hv_write_unlock(&h->domlist_lock);

        hv_lock(&h->heap_lock);
        heap_domains_unlink_locked(h, d);
        hv_unlock(&h->heap_lock);
        domain_put(d); /* the table's reference */
    }
    domain_put(d);
    host_call_done(h);
    return 0;
}

/*
 * The host goes with the domain still in it.  Its frames, claims and
 * accounting live in the host's heap, which is freed whole right after,
 * so nothing is given back extent by extent: that would merge every
 * buddy into a heap no one will read again.  Only the domain itself goes
 * -- physmap tables, run arrays, lock, struct -- through the usual
 * locks, so the witness sees the same order as for any destroy.
 */
void domain_abandon(struct host *h, domid_t domid)
{
    struct domain *d;

    hv_write_lock(&h->domlist_lock);
    d = domid < DOMID_FIRST_RESERVED ? h->domains[domid] : NULL;
    if (d) {
        h->domains[domid] = NULL;
        h->nr_domains--;
    }
    hv_write_unlock(&h->domlist_lock);
    if (!d)
        return;

    hv_lock(&d->page_alloc_lock);
    hv_lock(&h->heap_lock);
    atomic_store(&d->is_dying, true);
    heap_domains_unlink_locked(h, d);
    hv_unlock(&h->heap_lock);
    hv_unlock(&d->page_alloc_lock);
    domain_put(d); /* the table's reference */
}

int domain_pause(struct domain *d)
{
    hv_lock(&d->page_alloc_lock);
    d->is_paused = true;
    hv_unlock(&d->page_alloc_lock);
    return 0;
}

int domain_unpause(struct domain *d)
{
    hv_lock(&d->page_alloc_lock);
    d->is_paused = false;
    /* From now on the guest may see its memory: no more dirty frames. */
    d->creation_finished = true;
    hv_unlock(&d->page_alloc_lock);
    return 0;
}

int domain_set_max_pages(struct domain *d, unsigned long max_pages)
{
    struct host *h = d->host;

    hv_lock(&d->page_alloc_lock);
    hv_lock(&h->heap_lock);
    d->max_pages = max_pages;
    claims_trim_to_max_pages_locked(d);
    hv_unlock(&h->heap_lock);
    hv_unlock(&d->page_alloc_lock);
    host_call_done(h);
    return 0;
}

int domain_set_node_affinity(struct domain *d, nodemask_t mask)
{
    struct host *h = d->host;

    if (!(mask & h->node_online_map))
        return -EINVAL;
    hv_lock(&d->page_alloc_lock);
    hv_lock(&h->heap_lock);
    /* As in Xen, only a completely full mask means "automatic". */
    d->auto_node_affinity = mask == ~NODEMASK_NONE;
    d->node_affinity = d->auto_node_affinity ? h->node_online_map : mask;
    hv_unlock(&h->heap_lock);
    hv_unlock(&d->page_alloc_lock);
    host_call_done(h);
    return 0;
}

nodemask_t domain_get_node_affinity(struct domain *d)
{
    nodemask_t mask;

    hv_lock(&d->page_alloc_lock);
    mask = d->node_affinity;
    hv_unlock(&d->page_alloc_lock);
    return mask;
}

void domain_get_info(struct domain *d, struct domain_info *info)
{
    struct host *h = d->host;

    memset(info, 0, sizeof(*info));
    hv_lock(&d->page_alloc_lock);
    hv_lock(&h->heap_lock);
    info->domid = d->domain_id;
    info->dying = atomic_load(&d->is_dying);
    info->paused = d->is_paused;
    info->creation_finished = d->creation_finished;
    info->max_vcpus = d->max_vcpus;
    info->create_flags = d->create_flags;
    info->ssidref = d->ssidref;
    memcpy(info->handle, d->handle, sizeof(info->handle));
    info->tot_pages = d->tot_pages;
    info->max_pages = d->max_pages;
    info->extra_pages = d->extra_pages;
    info->outstanding_pages = domain_claims_total_locked(d);
    info->global_claims = d->global_claims;
    memcpy(info->claims, d->claims, sizeof(info->claims));
    memcpy(info->node_pages, d->node_pages, sizeof(info->node_pages));
    info->node_affinity = d->node_affinity;
    info->auto_node_affinity = d->auto_node_affinity;
    info->p2m_leaves = d->p2m.nr_leaves;
    info->p2m_tables = d->p2m.nr_tables;
    hv_unlock(&h->heap_lock);
    hv_unlock(&d->page_alloc_lock);
}

int domain_alloc_extra_pages(struct domain *d, unsigned int order, unsigned int memflags,
                             mfn_t *mfn)
{
    int rc;

    if (order > MAX_ORDER)
        return -EINVAL;
    hv_lock(&d->page_alloc_lock);
    rc = alloc_domheap_pages(d, order, memflags | MEMF_no_refcount, mfn, NULL);
    if (!rc && runs_push(&d->extra, *mfn, order)) {
        free_heap_pages(d->host, *mfn, order, d, 0);
        rc = -ENOMEM;
    }
    hv_unlock(&d->page_alloc_lock);
    host_call_done(d->host);
    return rc;
}
