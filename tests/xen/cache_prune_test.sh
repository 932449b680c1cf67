#!/bin/sh
# xen/hv/cache-prune.sh on a made-up cache: the KEEP most recently used
# entries stay whatever their names, older ones and only they go, files
# beside the entries are left alone, a bad KEEP is refused without
# deleting anything.  Usage: cache_prune_test.sh path/to/cache-prune.sh
set -eu
prune=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # what want got
    if [ "$2" = "$3" ]; then
        echo "PASS $1"
    else
        echo "FAIL $1: want '$2', got '$3'"
        fail=1
    fi
}
entries() { (cd "$1" && find . -mindepth 1 -maxdepth 1 -type d | sed 's|^\./||' | sort | tr '\n' ' '); }

# Five entries whose age does not follow their names; one is "used" last.
c=$tmp/cache
mkdir -p "$c"
n=0
for key in e5 a1 d4 b2 c3; do
    n=$((n + 1))
    mkdir "$c/$key"
    echo "$key" >"$c/$key/xen.gz"
    touch -d "2026-01-0$n 12:00" "$c/$key"
done
touch -d "2026-01-09 12:00" "$c/a1" # reused most recently
echo note >"$c/README"
sh "$prune" "$c" 3 >/dev/null
check "keeps the three most recently used" "a1 b2 c3 " "$(entries "$c")"
check "leaves other files" note "$(cat "$c/README")"
check "keeps an entry's contents" c3 "$(cat "$c/c3/xen.gz")"

sh "$prune" "$c" 3 >/dev/null
check "nothing more to prune" "a1 b2 c3 " "$(entries "$c")"

for bad in 0 x -1 3x; do
    rc=0
    sh "$prune" "$c" "$bad" >/dev/null 2>&1 || rc=$?
    check "refuses KEEP '$bad'" "2 a1 b2 c3 " "$rc $(entries "$c")"
done

sh "$prune" "$c" 1 >/dev/null
check "KEEP 1 keeps the newest" "a1 " "$(entries "$c")"
sh "$prune" "$tmp/absent" 3
check "a missing cache is no error" 0 $?
exit $fail
