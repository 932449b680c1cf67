#!/bin/sh
# /init of the dom0 initramfs: bring up what libxenctrl needs, run the
# payload once, print its result between markers, power off.  The host
# side (boot.sh) reads the markers from the serial console, and hands the
# payload an argument as payload_arg=WORD on the kernel command line
# (boot.sh -a).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /tmp /run
mount -t tmpfs tmpfs /tmp
# Order matters: privcmd and xenfs before the event channel and grant
# devices.
for m in xen-privcmd xenfs xen-evtchn xen-gntdev xen-gntalloc; do
    [ -f "/lib/modules/$m.ko" ] && insmod "/lib/modules/$m.ko" 2>/dev/null
done
mkdir -p /proc/xen
mount -t xenfs xenfs /proc/xen
arg=$(sed -n 's/.*payload_arg=\([A-Za-z0-9_-]*\).*/\1/p' /proc/cmdline)
echo "@@CS-BEGIN@@"
rc=127
if [ -x /payload/run ]; then
    cd /payload && ./run ${arg:+"$arg"}
    rc=$?
fi
echo "@@CS-RESULT@@ $rc"
echo "@@CS-END@@"
sync
poweroff -f
