#!/bin/sh
# Keep the KEEP most recently used entries of the Xen build cache and
# delete the others, so that the cache stays a few builds (about 1.2 MB
# each) however many times the engine or the patches are edited.
#
#   xen/hv/cache-prune.sh CACHE_DIR [KEEP]      (KEEP: default 3, at least 1)
#
# An entry is a directory named by its key.  build.sh touches an entry
# when it stores or reuses it, so the directory's modification time is its
# last use; ties keep the entry whose name sorts first.
set -eu
dir=${1:?usage: cache-prune.sh CACHE_DIR [KEEP]}
keep=${2:-3}
case $keep in
'' | *[!0-9]* | 0)
    echo "cache-prune.sh: KEEP must be a whole number of at least 1, not '$keep'" >&2
    exit 2
    ;;
esac
[ -d "$dir" ] || exit 0
find "$dir" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %f\n' | sort -k1,1nr -k2,2 |
    tail -n +"$((keep + 1))" | while read -r _ name; do
    rm -rf "${dir:?}/$name"
    echo "xen-hv: pruned cached build $name"
done
