#!/bin/sh
# The payload make check-xen runs in dom0 (installed as /payload/run by
# xen/check-xen.sh): the live commands once for the log, the C checks,
# and the differential trace.  Exit status: the checks'.
cd /payload || exit 1
echo "# claimset info (live host, for the log)"
./claimset info
echo "# claimset place --size 1G --vcpus 2"
./claimset place --size 1G --vcpus 2
echo "# claimset build --size 256M --vnodes node0=128M,node1=128M"
./claimset build --size 256M --vnodes node0=128M,node1=128M
./xen_check ./claimset
rc=$?
echo "@@TRACE-BEGIN@@"
./diff_legacy
echo "@@TRACE-END@@"
exit $rc
