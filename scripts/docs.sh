#!/usr/bin/env bash
# Build the documentation: the HTML site and the man pages, from the
# Markdown and reST files of docs/, with Sphinx, warnings as errors.
#
#   scripts/docs.sh           build into build/docs/{html,man}, then check
#                             that the committed man pages (docs/man/) are
#                             what the sources give and that every link of
#                             the site resolves
#   scripts/docs.sh man       build, then refresh docs/man/ from the sources
#
# Needs Debian's python3-sphinx, python3-myst-parser and graphviz; when
# they are missing and we are root, installs them with apt-get (the only
# network use).  Builds from scratch every time (-E): a page added to docs/
# must reach the index's hidden list (conf.py), which an incremental
# build would not re-read.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${DOCS_BUILD:-build/docs}
mode=${1:-check}

# Debian's Sphinx lives in the system Python: use it by path, so that
# another python3 earlier in PATH does not hide it.
sphinx=/usr/bin/sphinx-build
have_tools() {
    [ -x "$sphinx" ] && command -v dot >/dev/null 2>&1 &&
        /usr/bin/python3 -c 'import myst_parser' 2>/dev/null
}
if ! have_tools; then
    pkgs="python3-sphinx python3-myst-parser graphviz"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "docs: installing $pkgs with apt-get" >&2
        export DEBIAN_FRONTEND=noninteractive
        # shellcheck disable=SC2086 # $pkgs is a list of package names
        apt-get install -y --no-install-recommends $pkgs >/dev/null 2>&1 ||
            { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends $pkgs >/dev/null; }
    fi
    have_tools || { echo "docs: need $pkgs (apt-get install $pkgs)" >&2; exit 1; }
fi

rm -rf "$out"
"$sphinx" -E -W --keep-going -q -b html docs "$out/html"
"$sphinx" -E -W --keep-going -q -b man docs "$out/man"
echo "docs: site in $out/html/index.html, man pages in $out/man"

if [ "$mode" = man ]; then
    cp "$out"/man/*.[0-9] docs/man/
    echo "docs: docs/man/ refreshed"
    exit 0
fi

# The committed man pages are what `make install` installs (no Sphinx at
# install time): they must be what the sources give now.
stale=0
for page in "$out"/man/*.[0-9]; do
    if ! cmp -s "$page" "docs/man/$(basename "$page")"; then
        echo "docs: docs/man/$(basename "$page") differs from the sources (make man)" >&2
        stale=1
    fi
done
for page in docs/man/*.[0-9]; do
    [ -e "$out/man/$(basename "$page")" ] ||
        { echo "docs: $page has no source any more" >&2; stale=1; }
done
[ $stale = 0 ]
/usr/bin/python3 tests/docs/check_links.py "$out/html"
