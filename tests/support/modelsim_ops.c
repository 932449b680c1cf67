/*
 * Operations on domains, claims and frames, each applied to the host and
 * to the model and the answers compared (see modelsim.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/sysctl.h>

#include "modelsim.h"

static struct ms_dom *add_dom(struct ms_sim *s, struct domain *d)
{
    struct ms_dom *t = &s->dom[s->nr_dom++];

    memset(t, 0, sizeof(*t));
    t->d = d;
    t->id = d->domain_id;
    t->p2m = calloc(MS_GFN_SPACE, sizeof(*t->p2m));
    return t;
}

bool ms_op_create(struct ms_sim *s, unsigned long max_pages, bool unpause)
{
    struct domain_config cfg = {.max_vcpus = 1};
    struct domain *d;
    domid_t id = 0;
    int rc;

    ms_describe(s, "create + set_max_pages(%lu)%s", max_pages, unpause ? " + unpause" : "");
    rc = domain_create(s->h, &id, &cfg);
    if (rc)
        return ms_mismatch(s, "domain_create: %d", rc);
    d = domain_get(s->h, id);
    if (!d || !add_dom(s, d)->p2m)
        return ms_mismatch(s, "domain_get(%u) or tracking failed", id);
    MS_SAME_RC(rm_domain_create(&s->m, id), 0);
    MS_SAME_RC(rm_set_max_pages(&s->m, id, max_pages), domain_set_max_pages(d, max_pages));
    /* Some domains run (they get clean frames), most stay in the build. */
    if (unpause && domain_unpause(d))
        return ms_mismatch(s, "domain_unpause failed");
    return true;
}

bool ms_op_destroy(struct ms_sim *s, struct ms_dom *t)
{
    int want, rc;

    ms_describe(s, "destroy dom %u%s", t->id, t->dying ? " (already dying)" : "");
    want = rm_domain_destroy(&s->m, t->id);
    rc = domain_destroy(s->h, t->id);
    MS_SAME_RC(want, rc);
    if (rc)
        return true;
    for (gfn_t g = 0; g < MS_GFN_SPACE; g++) {
        if (!t->p2m[g])
            continue;
        rm_free_frame(&s->m, t->id, t->p2m[g] - 1, true);
        s->owner[t->p2m[g] - 1] = 0;
        t->p2m[g] = 0;
    }
    for (size_t i = 0; i < t->nr_extra; i++) {
        rm_free_frame(&s->m, t->id, t->extra[i], false);
        s->owner[t->extra[i]] = 0;
    }
    t->nr_extra = 0;
    t->mapped = 0;
    t->dying = true;
    s->st[MS_ST_DESTROYED]++;
    t->linger = (unsigned int)ms_rnd(s, 20);
    return true;
}

bool ms_op_set_max(struct ms_sim *s, struct ms_dom *t, unsigned long max_pages)
{
    unsigned long claims = rm_domain_claims(rm_domain(&s->m, t->id));

    ms_describe(s, "set_max_pages dom %u %lu", t->id, max_pages);
    MS_SAME_RC(rm_set_max_pages(&s->m, t->id, max_pages), domain_set_max_pages(t->d, max_pages));
    s->st[MS_ST_TRIMMED] += rm_domain_claims(rm_domain(&s->m, t->id)) < claims;
    return true;
}

bool ms_op_affinity(struct ms_sim *s, struct ms_dom *t, uint64_t mask)
{
    ms_describe(s, "set_node_affinity dom %u 0x%llx", t->id, (unsigned long long)mask);
    MS_SAME_RC(rm_set_node_affinity(&s->m, t->id, mask), domain_set_node_affinity(t->d, mask));
    return true;
}

bool ms_op_claims(struct ms_sim *s, struct ms_dom *t, unsigned int nr, const memory_claim_t *set)
{
    size_t len;
    int want, rc;

    len = (size_t)snprintf(s->op, sizeof(s->op), "claim set dom %u nr %u:", t->id, nr);
    for (unsigned int i = 0; i < nr && i < 12 && len < sizeof(s->op); i++)
        len += (size_t)snprintf(s->op + len, sizeof(s->op) - len, " {%#x %llu pad %u}",
                                set[i].target, (unsigned long long)set[i].pages, set[i].pad);
    want = rm_set_node_claims(&s->m, t->id, nr, set);
    rc = domain_set_node_claims(t->d, nr, set);
    s->st[MS_ST_CLAIMS]++;
    s->st[MS_ST_CLAIMS_OK] += !rc;
    s->st[MS_ST_CLAIMS_EINVAL] += rc == -EINVAL;
    s->st[MS_ST_CLAIMS_ENOENT] += rc == -ENOENT;
    s->st[MS_ST_CLAIMS_ENOMEM] += rc == -ENOMEM;
    s->st[MS_ST_CLAIMS_E2BIG] += rc == -E2BIG;
    s->st[MS_ST_CLAIMS_ESRCH] += rc == -ESRCH;
    MS_SAME_RC(want, rc);
    return true;
}

bool ms_op_legacy(struct ms_sim *s, struct ms_dom *t, unsigned long pages)
{
    int want, rc;

    ms_describe(s, "legacy claim dom %u pages %lu", t->id, pages);
    want = rm_set_outstanding_pages(&s->m, t->id, pages);
    rc = domain_set_outstanding_pages(t->d, pages);
    s->st[MS_ST_LEGACY]++;
    s->st[MS_ST_LEGACY_OK] += !rc;
    MS_SAME_RC(want, rc);
    return true;
}

bool ms_op_offline(struct ms_sim *s, mfn_t mfn, bool broken)
{
    bool allocated = mfn < s->nr_frames && s->owner[mfn];
    struct host_counters c0, c1;
    unsigned long recalled;
    uint32_t status;
    bool was_online;
    int want, rc;

    ms_describe(s, "offline frame %#llx%s (%s)", (unsigned long long)mfn, broken ? " broken" : "",
                allocated ? "allocated" : "not allocated");
    was_online = mfn < s->nr_frames && !(s->m.frame[mfn] & RM_FRAME_STATE);
    host_get_counters(s->h, &c0);
    want = rm_offline(&s->m, mfn, broken, allocated, &recalled);
    rc = offline_page(s->h, mfn, broken, &status);
    host_get_counters(s->h, &c1);
    MS_SAME_RC(want, rc);
    if (c1.stats.claims_recalled - c0.stats.claims_recalled != recalled)
        return ms_mismatch(s, "claims recalled: model %lu, implementation %lu", recalled,
                           c1.stats.claims_recalled - c0.stats.claims_recalled);
    s->st[MS_ST_OFFLINE_FREE] += !rc && !allocated && was_online;
    s->st[MS_ST_OFFLINE_PENDING] += !rc && allocated && was_online;
    s->st[MS_ST_RECALLED] += recalled;
    if (!rc) {
        uint8_t f = s->m.frame[mfn] & RM_FRAME_STATE;

        if (query_page_offline(s->h, mfn, &status))
            return ms_mismatch(s, "query_page_offline failed");
        if (!!(status & PG_OFFLINE_STATUS_OFFLINED) != (f == RM_FRAME_OFFLINED) ||
            !!(status & PG_OFFLINE_STATUS_OFFLINE_PENDING) != (f == RM_FRAME_PENDING))
            return ms_mismatch(s, "query status %#x, model state %u", status, f);
    }
    return true;
}

bool ms_op_online(struct ms_sim *s, mfn_t mfn)
{
    uint32_t status;

    ms_describe(s, "online frame %#llx", (unsigned long long)mfn);
    MS_SAME_RC(rm_online(&s->m, mfn), online_page(s->h, mfn, &status));
    return true;
}
