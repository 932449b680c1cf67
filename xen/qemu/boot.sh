#!/bin/sh
# Boot a Xen hypervisor in QEMU (TCG, two vNUMA nodes, dom0 512 MiB) with
# the given initramfs as dom0's, and report what the payload printed.
# Shared by make check-xen (Debian's Xen) and make check-xen-hv (the
# claim-set Xen, then Debian's as the reference).
#
#   boot.sh [-g GUARD_SECONDS] [-m NODE_GIB] [-x XEN_ARGS] [-a PAYLOAD_ARG]
#           XEN_ELF CACHE_DIR INITRAMFS.gz LOG
#
# XEN_ELF: the uncompressed hypervisor (QEMU's multiboot loader wants an
# ELF).  CACHE_DIR: what prepare.sh left (the dom0 kernel).  INITRAMFS:
# from mkinitramfs.sh.
#   -g  stop a boot that hangs after this many seconds (default 420), so
#       that a stuck guest is reported rather than waited for; it decides
#       no test.
#   -m  GiB of memory in each of the two nodes (default 2).
#   -x  more options for Xen's command line.
#   -a  a word handed to the payload's run script as its argument
#       (through dom0's kernel command line: letters, digits, _ and -).
# The whole serial console goes to LOG (carriage returns stripped); the
# payload's output (between the @@CS-BEGIN@@ and @@CS-END@@ markers of
# init.sh, the hypervisor's own lines left out) goes to stdout.  Exit
# status: the payload's, from its result line; 125 if the boot never
# reached it.
set -u
usage="usage: boot.sh [-g GUARD_SECONDS] [-m NODE_GIB] [-x XEN_ARGS] [-a PAYLOAD_ARG] XEN_ELF CACHE_DIR INITRAMFS.gz LOG"
guard=420
node_gib=2
xen_extra=""
payload_arg=""
while getopts g:m:x:a: opt; do
    case $opt in
    g) guard=$OPTARG ;;
    m) node_gib=$OPTARG ;;
    x) xen_extra=$OPTARG ;;
    a) payload_arg=$OPTARG ;;
    *) echo "$usage" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -eq 4 ] || { echo "$usage" >&2; exit 2; }
xen=$1
cache=$2
initrd=$3
log=$4
for n in "$guard" "$node_gib"; do
    case $n in
    '' | 0 | *[!0-9]*) echo "boot.sh: -g and -m take whole numbers above 0, not '$n'" >&2; exit 2 ;;
    esac
done
case $payload_arg in
*[!A-Za-z0-9_-]*) echo "boot.sh: -a takes one word, not '$payload_arg'" >&2; exit 2 ;;
esac
# Commas separate QEMU's multiboot modules.
case $initrd in
*,*) echo "boot.sh: the initramfs path must not contain a comma" >&2; exit 2 ;;
esac
[ -s "$xen" ] || { echo "boot.sh: no hypervisor at $xen" >&2; exit 2; }
[ -s "$cache/vmlinuz" ] || { echo "boot.sh: no dom0 kernel in $cache (run prepare.sh)" >&2; exit 2; }

xen_cmdline="console=com1 com1=115200,8n1 dom0_mem=512M,max:512M dom0_max_vcpus=1"
xen_cmdline="$xen_cmdline loglvl=all guest_loglvl=all noreboot${xen_extra:+ $xen_extra}"
dom0_cmdline="console=hvc0 earlyprintk=xen${payload_arg:+ payload_arg=$payload_arg}"

# -cpu max without SMAP: with SMAP, the PV dom0 faults at its first
# exception bounce.
timeout -k 10 "$guard" qemu-system-x86_64 \
    -machine q35 -accel tcg,thread=multi -cpu max,-smap -m "$((2 * node_gib))G" -smp 2 \
    -object memory-backend-ram,id=m0,size="${node_gib}G" \
    -object memory-backend-ram,id=m1,size="${node_gib}G" \
    -numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,cpus=1,memdev=m1 \
    -nographic -no-reboot -display none -serial mon:stdio \
    -kernel "$xen" -append "$xen_cmdline" \
    -initrd "$cache/vmlinuz $dom0_cmdline,$initrd" \
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
