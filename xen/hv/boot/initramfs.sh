#!/bin/sh
# dom0's initramfs: busybox, the Xen drivers, init.sh, the static test
# binary.
#
#   initramfs.sh PREPARED_DIR TEST_BINARY OUT.gz
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prep=$1
tests=$2
out=$3
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/lib/modules" "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
cp "$prep"/modules/*.ko "$root/lib/modules/"
cp "$here/init.sh" "$root/init"
cp "$tests" "$root/xenhv-tests"
chmod +x "$root/init" "$root/xenhv-tests"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
