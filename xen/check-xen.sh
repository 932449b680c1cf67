#!/bin/sh
# make check-xen: build the Xen backend, boot Debian's Xen 4.17 in QEMU
# with it in dom0, run the live commands and the C checks there, compare
# the differential trace with the in-process host's, and end with
# "N passed, M failed".
#
# Build trees: build/xen (CLAIMSET_XEN=ON), build/release (the in-process
# library for the differential program, shared with make run and make
# check); downloads and the boot files are cached in build/xen-cache.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
out=build/xen-check
cache=build/xen-cache
jobs=${JOBS:-2}
# The QEMU machine's two vNUMA nodes, GiB each; the in-process side of
# the differential test gets the same shape.
node_gib=2
mkdir -p "$out"
t0=$(date +%s)
say() { echo "check-xen: $*"; }
stage() { say "$1 ($(($(date +%s) - t0)) s)"; }

stage "installing and unpacking what the boot needs"
./xen/qemu/prepare.sh "$cache" || { say "prepare failed"; exit 1; }

stage "building the Xen backend (CLAIMSET_XEN=ON)"
cmake -S . -B build/xen -DCLAIMSET_XEN=ON -DCMAKE_BUILD_TYPE=Release >"$out/cmake-xen.log" 2>&1 &&
    cmake --build build/xen -j "$jobs" >>"$out/cmake-xen.log" 2>&1 ||
    { tail -n 30 "$out/cmake-xen.log"; say "the Xen backend did not build"; exit 1; }

stage "building the differential program against the in-process host"
# The Release tree of make run / make check (same options), so that after
# make check (as in CI) the library is already built.
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DCLAIMSET_CHECKS=OFF >"$out/cmake-sim.log" 2>&1 &&
    cmake --build build/release -j "$jobs" --target claimset_internal >>"$out/cmake-sim.log" 2>&1 &&
    cc -std=gnu11 -O2 -Wall -Werror -D_GNU_SOURCE -Iinclude -o "$out/diff_legacy-sim" \
        xen/tests/diff_legacy.c build/release/libclaimset_internal.a -pthread \
        >>"$out/cmake-sim.log" 2>&1 ||
    { tail -n 30 "$out/cmake-sim.log"; say "the in-process differential program did not build"; exit 1; }
# The simulated host shaped like the QEMU machine: two nodes of node_gib.
CLAIMSET_TOPOLOGY="${node_gib}G,${node_gib}G" "$out/diff_legacy-sim" >"$out/trace-sim.txt" 2>&1 ||
    { cat "$out/trace-sim.txt"; say "the in-process differential run failed"; exit 1; }

stage "building dom0's initramfs"
payload="$out/payload"
rm -rf "$payload"
mkdir -p "$payload"
cp build/xen/tools/xen/claimset build/xen/tools/xen/xen_check build/xen/tools/xen/diff_legacy \
    "$payload/"
cp xen/tests/run.sh "$payload/run"
./xen/qemu/mkinitramfs.sh "$cache" "$payload" "$out/initrd.gz" || { say "initramfs failed"; exit 1; }

stage "booting Xen in QEMU (TCG, 2 vNUMA nodes)"
# Debian's Xen.  Its console ring is made large enough (conring_size) that
# the whole boot log stays readable from dom0: xen_check reads Xen's
# per-node page counts back from it.  A boot still running after 420 s
# is stopped and reported as hung.
./xen/qemu/boot.sh -g 420 -m "$node_gib" -x conring_size=1M \
    "$cache/xen.elf" "$cache" "$out/initrd.gz" "$out/console.log" >"$out/dom0.txt"
boot_rc=$?
stage "dom0 finished (status $boot_rc)"

banner=$(grep -m1 '(XEN) Xen version' "$out/console.log" | sed 's/^.*(XEN) //')
echo "hypervisor: ${banner:-no version banner seen}"
sed -n '/^@@TRACE-BEGIN@@$/,/^@@TRACE-END@@$/p' "$out/dom0.txt" | sed '1d;$d' >"$out/trace-xen.txt"
sed '/^@@TRACE-BEGIN@@$/,/^@@TRACE-END@@$/d' "$out/dom0.txt" >"$out/dom0-checks.txt"
cat "$out/dom0-checks.txt"

# The differential verdict: every line differing between the traces must
# be listed in diff_allowed.txt with a decision that docs/decisions.md has.
./xen/tests/compare-traces.sh "$out/trace-sim.txt" "$out/trace-xen.txt" \
    xen/tests/diff_allowed.txt docs/decisions.md >"$out/diff.txt"
cat "$out/diff.txt"

passed=$(cat "$out/dom0-checks.txt" "$out/diff.txt" | grep -c '^PASS ')
failed=$(cat "$out/dom0-checks.txt" "$out/diff.txt" | grep -c '^FAIL ')
if [ "$boot_rc" = 125 ]; then
    echo "FAIL boot: dom0 never reported (see $out/console.log)"
    failed=$((failed + 1))
fi
[ -n "$banner" ] || failed=$((failed + 1))
stage "done"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
