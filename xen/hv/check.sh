#!/bin/sh
# make check-xen-hv: build the claim-set Xen, boot it in QEMU and run the
# claim-set tests in its dom0; boot Debian's plain Xen 4.17 for the
# legacy path's reference; run the differential scenario on the
# simulator.  Prints the hypervisors' banners, every test's verdict and
# "N passed, M failed"; exit status 0 only when nothing failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$top/build/xen-hv
# Debian's Xen and dom0 kernel, unpacked by the shared QEMU harness
# (xen/qemu/, also make check-xen's) into the cache both checks use.
qemu=$top/xen/qemu
cache=$top/build/xen-cache
mkdir -p "$out"
start=$(date +%s)
stamp() { echo "[$(($(date +%s) - start)) s] $*"; }
fail() {
    echo "check-xen-hv: $*" >&2
    echo "0 passed, 1 failed"
    exit 1
}

echo "=== check-xen-hv: claim sets in Xen 4.17, in QEMU ==="
stamp "building the claim-set hypervisor"
"$here/build.sh" "$out" || fail "the hypervisor did not build"
stamp "preparing QEMU, dom0 kernel and plain Xen"
"$qemu/prepare.sh" "$cache" || fail "cannot prepare the boot"

# The tests, twice: statically against the real libxenctrl/libxencall
# for dom0, and against the project's library (the simulator).
stamp "building the tests"
cc=${CC:-cc}
# The toolstack's probe (tools/xen) is compiled with its adapter headers.
$cc -O2 -Wall -c -I"$top/tools/xen/include" -I"$top/tools/xen" -o "$out/probe_xen.o" \
    "$here/tests/probe_xen.c" &&
    $cc -O2 -Wall -c -I"$top/tools/xen/include" -I"$top/tools/xen" -o "$out/cs_xen_probe.o" \
        "$top/tools/xen/probe.c" || fail "the toolstack's probe does not build"
$cc -O2 -Wall -static -o "$out/xenhv-tests" "$here/tests/tests.c" "$here/tests/backend_xen.c" \
    "$here/tests/backend_xc.c" "$out/probe_xen.o" "$out/cs_xen_probe.o" \
    -lxenctrl -lxenforeignmemory -lxendevicemodel -lxengnttab -lxenevtchn -lxencall \
    -lxentoolcore -lxentoollog -lpthread || fail "the dom0 tests do not build"
cmake -S "$top" -B "$out/sim" -DCMAKE_BUILD_TYPE=Release -DCLAIMSET_CHECKS=OFF >/dev/null &&
    cmake --build "$out/sim" --target claimset_static -j2 >/dev/null ||
    fail "the project's library does not build"
$cc -O2 -Wall -I"$top/include" -o "$out/xenhv-sim" "$here/tests/tests.c" \
    "$here/tests/backend_sim.c" "$here/tests/backend_xc.c" "$out/sim/libclaimset.a" -lpthread -lm ||
    fail "the simulator tests do not build"
# dom0's payload: the static test binary and the script that runs it in
# the mode the boot names.
rm -rf "$out/payload"
mkdir -p "$out/payload"
cp "$out/xenhv-tests" "$out/payload/xenhv-tests"
cp "$here/tests/run.sh" "$out/payload/run"
"$qemu/mkinitramfs.sh" "$cache" "$out/payload" "$out/initrd.gz" ||
    fail "cannot make the initramfs"

# Both boots: the same machine (two nodes of 2 GiB, as the simulator
# backend's default host) and initramfs; a boot still running after
# XENHV_GUARD seconds is stopped and reported as hung.
boot() { # hypervisor mode log
    "$qemu/boot.sh" -g "${XENHV_GUARD:-600}" -m 2 -a "$2" "$1" "$cache" "$out/initrd.gz" "$3"
}
zcat "$out/xen.gz" >"$out/xen.elf"
stamp "booting the claim-set Xen (tests in dom0)"
boot "$out/xen.elf" all "$out/xen.log" >"$out/xen.out"
xrc=$?
stamp "booting Debian's plain Xen 4.17 (legacy path reference)"
boot "$cache/xen.elf" legacy "$out/plain.log" >"$out/plain.out"
stamp "running the differential scenario on the simulator"
"$out/xenhv-sim" scenario >"$out/sim.out"

echo
banner() { grep -a -m1 '(XEN) Xen version' "$1" | sed 's/.*(XEN) //'; }
echo "claim-set Xen:  $(banner "$out/xen.log")"
echo "plain Xen:      $(banner "$out/plain.log")"
echo
grep -v '^LEGACY \|^TRACE ' "$out/xen.out" | grep -v ' passed, ' || true
passed=$(grep -c '^PASS ' "$out/xen.out")
failed=$(grep -c '^FAIL ' "$out/xen.out")
[ "$xrc" -eq 125 ] && { echo "FAIL boot (no result from dom0; see $out/xen.log)"; failed=$((failed + 1)); }

# TEST passes when the claim-set Xen printed PREFIX lines and a reference
# run (REF: plain or sim, from REF.out) printed exactly the same ones; on
# failure the first differences, reference first.  The lines are kept in
# STEM.xen and STEM.REF, STEM being the prefix in lower case.
same_steps() { # test prefix ref
    stem=$out/$(echo "$2" | tr '[:upper:]' '[:lower:]')
    grep "^$2 " "$out/xen.out" >"$stem.xen"
    grep "^$2 " "$out/$3.out" >"$stem.$3"
    if [ -s "$stem.xen" ] && cmp -s "$stem.xen" "$stem.$3"; then
        echo "PASS $1 ($(wc -l <"$stem.xen") steps)"
        passed=$((passed + 1))
    else
        echo "FAIL $1"
        diff "$stem.$3" "$stem.xen" | head -n 20
        failed=$((failed + 1))
    fi
}
# The legacy path against plain Xen 4.17: the same sequence, the same
# results and counters.
same_steps legacy_same_as_plain_4.17 LEGACY plain
# The differential scenario: simulator against claim-set Xen.
same_steps differential_simulator_vs_xen TRACE sim
stamp "done"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
