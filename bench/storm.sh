#!/bin/sh
# The storm runs of docs/benchmarks.md ("Storm"), one line each: CPU time
# (user + system), wall time and maximum resident memory of the whole
# five-policy `claimset storm`, and that memory per 4 KiB frame of the
# host.  Prints figures only; one run each (the machine's noise is
# discussed in docs/benchmarks.md).
#
#   bench/storm.sh BUILD_DIR [--16t]
#
# BUILD_DIR is a Release build tree holding tools/claimset/claimset.
# --16t adds the 16 TiB host (about half a minute of CPU, 160 MB of memory).
set -eu

build=${1:?usage: storm.sh BUILD_DIR [--16t]}
big=${2:-}
prog=$build/tools/claimset/claimset
[ -x "$prog" ] || { echo "storm.sh: $prog not built" >&2; exit 1; }
if [ ! -x /usr/bin/time ]; then
    echo "storm.sh: /usr/bin/time (GNU time) not found: no storm figures" >&2
    exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Eight nodes, two sockets of four: SLIT 10 on the node, 12 in the
# socket, 21 across.  $1 is one node's size.
two_sockets() {
    nodes=$1,$1,$1,$1,$1,$1,$1,$1
    d=
    for i in 0 1 2 3 4 5 6 7; do
        for j in 0 1 2 3 4 5 6 7; do
            if [ $i = $j ]; then v=10; elif [ $((i / 4)) = $((j / 4)) ]; then v=12; else v=21; fi
            d=${d:+$d,}$v
        done
    done
    echo "$nodes;distances=$d"
}

# label, frames of the host, claimset arguments...
run() {
    label=$1
    frames=$2
    shift 2
    /usr/bin/time -f '%U %S %e %M' -o "$tmp/t" "$prog" storm "$@" >/dev/null
    awk -v l="$label" -v f="$frames" '{
        printf "%-44s %7.2f s %6.2f s %6.2f s %7.2f s %9.1f MiB %8.4f\n",
               l, $1 + $2, $1, $2, $3, $4 / 1024, $4 * 1024 / f }' "$tmp/t"
}

printf '%-44s %9s %8s %8s %9s %13s %8s\n' "claimset storm, five policies" CPU user sys wall \
    "max RSS" "B/frame"
run "default: 4 x 64 GiB, 34 VMs" $((256 << 18))
run "1 TiB: 8 x 128 GiB, default mix, 59 VMs" $((1024 << 18)) \
    --topology 128G,128G,128G,128G,128G,128G,128G,128G
run "1 TiB: 8 x 128 GiB, SLIT, 202 VMs" $((1024 << 18)) \
    --topology "$(two_sockets 128G)" --size-mix 1G:30,2G:25,4G:20,8G:12,16G:8,32G:5
if [ "$big" = --16t ]; then
    run "16 TiB: 8 x 2 TiB, SLIT, 202 VMs" $((16384 << 18)) \
        --topology "$(two_sockets 2T)" --size-mix 16G:30,32G:25,64G:20,128G:12,256G:8,512G:5
fi
