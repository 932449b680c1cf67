#!/bin/sh
# Boot Debian's Xen 4.17 in QEMU (TCG, two vNUMA nodes of 2 GiB) with the
# given initramfs as dom0's, and report what the payload printed.
#
#   boot.sh CACHE_DIR INITRAMFS.gz LOG [GUARD_SECONDS]
#
# The whole serial console goes to LOG (carriage returns stripped); the
# payload's output (between the @@CS-BEGIN@@ and @@CS-END@@ markers) goes
# to stdout.  Exit status: the payload's, from its result line; 125 if the
# boot never reached it.  GUARD_SECONDS (default 420) only stops a boot
# that hangs -- so that a stuck guest is reported, not waited for
# forever; it decides no test.
set -u

cache=${1:?usage: boot.sh CACHE_DIR INITRAMFS.gz LOG [GUARD_SECONDS]}
initrd=${2:?initramfs}
log=${3:?log file}
guard=${4:-420}

# -cpu max without SMAP: with SMAP, the PV dom0 faults at its first
# exception bounce.  Xen's console ring is made large enough that the
# whole boot log stays readable from dom0 (the tests read it back).
xen_cmdline="console=com1 com1=115200,8n1 dom0_mem=512M,max:512M dom0_max_vcpus=1"
xen_cmdline="$xen_cmdline loglvl=all guest_loglvl=all noreboot conring_size=1M"

timeout -k 10 "$guard" qemu-system-x86_64 \
    -machine q35 -accel tcg,thread=multi -cpu max,-smap -m 4096 -smp 2 \
    -object memory-backend-ram,id=m0,size=2G -object memory-backend-ram,id=m1,size=2G \
    -numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,cpus=1,memdev=m1 \
    -nographic -no-reboot -display none -serial mon:stdio \
    -kernel "$cache/xen.elf" -append "$xen_cmdline" \
    -initrd "$cache/vmlinuz console=hvc0 earlyprintk=xen,$initrd" \
    </dev/null 2>&1 | tr -d '\r' >"$log"
qrc=$?

# The hypervisor's own messages share the serial line; they stay in LOG.
sed -n '/^@@CS-BEGIN@@$/,/^@@CS-END@@$/p' "$log" | sed '1d;$d' | grep -v '^@@CS-RESULT@@' |
    grep -v '^(XEN) '
rc=$(sed -n 's/^@@CS-RESULT@@ \([0-9][0-9]*\)$/\1/p' "$log" | tail -n 1)
if [ -z "$rc" ]; then
    echo "boot: no result line from dom0 (QEMU status $qrc; 124 means stopped after ${guard}s); last console lines:" >&2
    tail -n 30 "$log" >&2
    exit 125
fi
exit "$rc"
