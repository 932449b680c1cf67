#!/bin/sh
# Boot a hypervisor in QEMU (TCG, two vNUMA nodes of 2 GiB, dom0 512 MiB)
# with the test initramfs; print what the tests printed.
#
#   boot.sh XEN_ELF PREPARED_DIR INITRAMFS MODE LOG
#
# The serial console goes to LOG without carriage returns.  Exit status:
# the tests' own, 125 if the boot never got to report one.  A boot that
# hangs is stopped after XENHV_GUARD seconds (default 600) so that it is
# reported rather than waited for; no test's verdict depends on time.
set -u
xen=$1
prep=$2
initrd=$3
mode=$4
log=$5

# -cpu max without SMAP: with SMAP a PV dom0 faults at its first
# exception bounce in this QEMU.
cmdline="console=com1 com1=115200,8n1 dom0_mem=512M,max:512M dom0_max_vcpus=1"
cmdline="$cmdline loglvl=all guest_loglvl=all noreboot"
timeout -k 10 "${XENHV_GUARD:-600}" qemu-system-x86_64 \
    -machine q35 -accel tcg,thread=multi -cpu max,-smap -m 4096 -smp 2 \
    -object memory-backend-ram,id=m0,size=2G -object memory-backend-ram,id=m1,size=2G \
    -numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,cpus=1,memdev=m1 \
    -nographic -no-reboot -display none -serial mon:stdio \
    -kernel "$xen" -append "$cmdline" \
    -initrd "$prep/vmlinuz console=hvc0 earlyprintk=xen xenhv=$mode,$initrd" \
    </dev/null 2>&1 | tr -d '\r' >"$log"

sed -n '/^@@XENHV-BEGIN@@$/,/^@@XENHV-END@@$/p' "$log" | sed '1d;$d' | grep -v '^@@XENHV-RESULT@@'
rc=$(sed -n 's/^@@XENHV-RESULT@@ \([0-9]*\)$/\1/p' "$log" | tail -n 1)
if [ -z "$rc" ]; then
    echo "boot: no result from dom0; the console's last lines:" >&2
    tail -n 25 "$log" >&2
    exit 125
fi
exit "$rc"
