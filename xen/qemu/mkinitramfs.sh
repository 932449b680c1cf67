#!/bin/sh
# Build dom0's initramfs: busybox, the Xen drivers of the dom0 kernel,
# init.sh as /init, and a payload directory as /payload (its `run` script
# and the programs it runs, with the shared libraries they need, as ldd
# lists them; a static program needs none).  Each check brings its own
# payload: make check-xen the live commands and their checks, make
# check-xen-hv the claim-set tests.
#
#   mkinitramfs.sh CACHE_DIR PAYLOAD_DIR OUT.gz
set -eu

cache=${1:?usage: mkinitramfs.sh CACHE_DIR PAYLOAD_DIR OUT.gz}
payload=${2:?payload dir}
out=${3:?output file}
here=$(cd "$(dirname "$0")" && pwd)

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/sbin" "$root/proc" "$root/sys" "$root/dev" \
         "$root/lib/modules" "$root/payload" "$root/tmp" "$root/etc"

cp /bin/busybox "$root/bin/busybox"
for app in $("$root/bin/busybox" --list); do
    [ -e "$root/bin/$app" ] || ln -s busybox "$root/bin/$app"
done
cp "$cache"/modules/*.ko "$root/lib/modules/"
cp "$here/init.sh" "$root/init"
chmod +x "$root/init"
cp -R "$payload/." "$root/payload/"

# Shared libraries of every ELF program in the payload, at the paths the
# dynamic linker looks for them.
for f in "$root"/payload/*; do
    [ -f "$f" ] && head -c 4 "$f" | grep -q ELF || continue
    ldd "$f" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p' |
        while read -r lib; do
            [ -e "$root$lib" ] && continue
            mkdir -p "$root$(dirname "$lib")"
            cp -L "$lib" "$root$lib"
        done
done

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
