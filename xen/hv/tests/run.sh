#!/bin/sh
# The payload make check-xen-hv runs in dom0 (installed as /payload/run by
# xen/hv/check.sh): the claim-set tests in the mode the boot names
# (boot.sh -a: all on the claim-set Xen, legacy on Debian's).  Exit
# status: the tests'.
cd /payload || exit 1
exec ./xenhv-tests "${1:-all}"
