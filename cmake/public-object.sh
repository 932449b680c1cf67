#!/bin/sh
# The one object of the installed libclaimset.a: the library's objects
# linked into one relocatable object, in which every global symbol that
# the shared library does not export is made local.  Internal calls were
# resolved by the partial link, so a program linking the archive sees the
# public API only, exactly as with libclaimset.so.
#
#   public-object.sh LD OBJCOPY NM SHARED_LIBRARY OUTPUT OBJECT...
set -eu
ld=$1 objcopy=$2 nm=$3 shared=$4 out=$5
shift 5
"$ld" -r -o "$out.all" "$@"
"$nm" -D --defined-only "$shared" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' >"$out.keep"
"$objcopy" --keep-global-symbols="$out.keep" "$out.all" "$out"
rm -f "$out.all" "$out.keep"
