#!/bin/sh
# Turn a pristine Xen source tree into a claim-set Xen tree.
#
#   xen/hv/patch-xen.sh PRISTINE TREE
#
# TREE is created from PRISTINE on the first run.  Later runs restore the
# files this script changes from PRISTINE and patch them again, writing a
# file only when its content differs, so an already built TREE rebuilds
# only what changed.  Xen's files are changed only by the semantic
# patches in xen/hv/cocci/ (spatch); the project's own files are copied
# in.  Every hook is verified afterwards: if Xen's source does not have
# the shape the patches expect, this fails and says which hook is missing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
pristine=$(cd "$1" && pwd)
tree=$2

die() {
    echo "patch-xen.sh: $*" >&2
    exit 1
}
command -v spatch >/dev/null || die "spatch (Debian package coccinelle) is missing"
[ -f "$pristine/xen/common/page_alloc.c" ] || die "$pristine is not a Xen source tree"

if [ ! -d "$tree" ]; then
    cp -a "$pristine" "$tree.tmp"
    mv "$tree.tmp" "$tree"
fi
tree=$(cd "$tree" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Put $2 at $1 (relative to the tree) unless it is already there.
install_file() {
    dst="$tree/xen/$1"
    mkdir -p "$(dirname "$dst")"
    if ! cmp -s "$2" "$dst"; then
        cp "$2" "$dst"
        echo "  updated xen/$1"
    fi
}

# Apply one semantic patch to one pristine Xen file.
cocci() {
    rel=$1
    out="$work/$(echo "$rel" | tr / _)"
    spatch --very-quiet --sp-file "$here/cocci/$2" "$pristine/xen/$rel" -o "$out" \
        >"$work/spatch.log" 2>&1 || {
        cat "$work/spatch.log" >&2
        die "spatch $2 failed on xen/$rel"
    }
    install_file "$rel" "$out"
}

echo "patch-xen.sh: semantic patches"
cocci common/page_alloc.c page_alloc.cocci
cocci common/domctl.c domctl.cocci
cocci common/domain.c domain.cocci
cocci common/sysctl.c sysctl.cocci
cocci include/xen/sched.h sched_h.cocci
cocci include/public/domctl.h public_domctl.cocci

echo "patch-xen.sh: project files"
for f in install.c retire.c; do
    install_file "common/claimset/$f" "$top/hv/claims/$f"
done
install_file common/claimset/claims_compat.h "$here/glue/claims_compat.h"
install_file common/claimset/claimset_xen.c "$here/glue/claimset_xen.c"
install_file include/xen/claimset.h "$here/glue/claimset.h"
install_file include/xen/claimset-domctl.h "$here/glue/claimset-domctl.h"
install_file include/public/claimsctl.h "$here/glue/claimsctl.h"
install_file include/xen/claimset-sysctl.h "$here/glue/claimset-sysctl.h"
install_file include/public/claimsysctl.h "$here/glue/claimsysctl.h"
printf 'obj-y += install.o\nobj-y += retire.o\nobj-y += claimset_xen.o\n' >"$work/Makefile"
install_file common/claimset/Makefile "$work/Makefile"
# The one build-system line: descend into common/claimset/.
cp "$pristine/xen/common/Makefile" "$work/common.mk"
echo 'obj-y += claimset/' >>"$work/common.mk"
install_file common/Makefile "$work/common.mk"

# Verify: each hook is present exactly as often as expected.
echo "patch-xen.sh: verifying hooks"
fails=0
expect() { # count file pattern what
    n=$(grep -c -e "$3" "$tree/xen/$2" || true)
    if [ "$n" -ne "$1" ]; then
        echo "  MISSING HOOK: $4 (xen/$2: '$3' found $n times, expected $1)" >&2
        fails=$((fails + 1))
    else
        echo "  ok: $4"
    fi
}
pa=common/page_alloc.c
expect 1 $pa '^#include <xen/claimset.h>' "page_alloc.c includes the hooks"
expect 0 $pa '^unsigned long domain_adjust_tot_pages' "domain_adjust_tot_pages replaced"
expect 0 $pa '^int domain_set_outstanding_pages' "domain_set_outstanding_pages replaced"
expect 1 $pa 'claimset_host_refuses(d, memflags, request)' "host-wide protection check"
expect 1 $pa 'claimset_node_refuses(d, node, memflags, order)' "per-node protection check"
expect 1 $pa 'claimset_heap_taken(d, memflags, node' "retirement in alloc_heap_pages"
expect 1 $pa 'claimset_heap_returned(node' "free pages counted per node"
expect 1 $pa 'claimset_heap_offlined(node)' "recall on offlining"
expect 0 $pa 'static DEFINE_SPINLOCK(heap_lock)' "heap_lock visible to the engine"
expect 0 $pa '->outstanding_pages' "no legacy per-domain claim left"
expect 0 $pa '[^._]total_avail_pages\|^total_avail_pages' "totals moved to claimset_host"
expect 0 $pa '[^._]outstanding_claims\|^outstanding_claims' "claims total moved to claimset_host"
dc=common/domctl.c
expect 1 $dc 'claimset_do_domctl(' "domctl dispatch"
expect 1 $dc 'domain_claims_total(d)' "getdomaininfo reports all claims"
expect 1 $dc 'claimset_max_pages_changed(d)' "max_mem trims claims"
expect 1 common/domain.c 'domain_release_claims(d)' "domain_kill releases claims"
expect 1 common/sysctl.c 'claimset_do_sysctl(' "sysctl dispatch (per-node claims read-back)"
expect 0 include/xen/sched.h 'outstanding_pages;' "struct domain: legacy counter gone"
expect 1 include/xen/sched.h 'claims\[MAX_NUMNODES\]' "struct domain: claims state"
expect 1 include/public/domctl.h '#include "claimsctl.h"' "public domctl.h: new commands"
expect 1 include/public/domctl.h 'xen_domctl_claim_memory *claim_memory;' "public domctl.h: union member"
expect 1 common/memory.c 'domain_set_outstanding_pages(' \
    "XENMEM_claim_pages reaches the engine's legacy path"
[ "$fails" -eq 0 ] || die "$fails hook(s) did not apply: Xen's source has an unexpected shape"
echo "patch-xen.sh: all hooks applied"
