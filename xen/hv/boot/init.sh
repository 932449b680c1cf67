#!/bin/busybox sh
# dom0's /init: the Xen drivers, xenfs, then the claim-set tests in the
# mode named by xenhv= on the kernel command line, between markers the
# boot runner looks for; then power off.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in xen-privcmd xenfs xen-evtchn xen-gntdev xen-gntalloc; do
    insmod /lib/modules/$m.ko 2>/dev/null
done
mount -t xenfs xenfs /proc/xen
mode=$(sed -n 's/.*xenhv=\([a-z_]*\).*/\1/p' /proc/cmdline)
echo "@@XENHV-BEGIN@@"
/xenhv-tests "${mode:-all}"
echo "@@XENHV-RESULT@@ $?"
echo "@@XENHV-END@@"
poweroff -f
