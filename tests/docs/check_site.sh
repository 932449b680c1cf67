#!/bin/sh
# The documentation site in a real browser:
#
#   tests/docs/check_site.sh SITE_DIR [links] [api] [diagrams]
#
# (the parts named, or all three)
# Passes (exit 0) when:
#   - every internal link of the site resolves (check_links.py);
#   - the C API page (reference/xenctrl.html) loads in headless Chromium
#     with no console message, its DOM holds an entry for every function
#     its source documents and the cross-references to the extensions
#     page, and its screenshot shows a page (not a blank one);
#   - the diagram page (layers.html) loads with no console message, its
#     DOM embeds both drawings, and its screenshot shows them: the fill
#     colours of the layers drawing's checker box (#fff6e0) and of the
#     lock-order boxes (#eef3fb) are on screen, which only a rendered SVG
#     puts there.
# Fails with exit 1 and the reasons; exits 77 (SKIP) when there is no
# Chromium and none can be installed.  CHROMIUM=/path picks the browser.
set -u
site=${1:?usage: $0 SITE_DIR [links] [api] [diagrams]}
shift
parts=${*:-links api diagrams}
want() { case " $parts " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ -f "$site/index.html" ] || { echo "FAIL: no $site/index.html (make docs first)"; exit 1; }
site=$(cd "$site" && pwd)
py=/usr/bin/python3
[ -x "$py" ] || py=python3

# shellcheck source=tests/html/chromium.sh
. "$root/tests/html/chromium.sh"
if want api || want diagrams; then
    chromium_find_or_install || exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
failed=0
bad() {
    echo "FAIL: $*"
    failed=$((failed + 1))
}

if want links; then
    "$py" "$here/check_links.py" "$site" || bad "broken internal links"
fi

# load PAGE NAME: the DOM in $work/NAME.html, a 1000x1400 screenshot in
# $work/NAME.png; fails on console messages or a missing DOM/screenshot.
load() {
    url="file://$site/$1"
    chromium_run "$work/profile-$2" --dump-dom "$url" >"$work/$2.html" 2>"$work/$2.log"
    [ -s "$work/$2.html" ] || { tail -5 "$work/$2.log"; bad "$1: no DOM"; return 1; }
    chromium_run "$work/profile-$2-shot" --window-size=1000,1400 --hide-scrollbars \
        --screenshot="$work/$2.png" "$url" >/dev/null 2>"$work/$2-shot.log"
    [ -s "$work/$2.png" ] || { tail -5 "$work/$2-shot.log"; bad "$1: no screenshot"; return 1; }
    if grep -h ':CONSOLE' "$work/$2.log" "$work/$2-shot.log"; then
        bad "$1: console messages while loading"
    fi
    return 0
}

# The API page.
if want api && load reference/xenctrl.html api; then
    want=$(grep -c '^\.\. c:function::' "$root/docs/reference/xenctrl.rst")
    got=$(grep -o '<dl class="c function">' "$work/api.html" | wc -l)
    if [ "$want" -eq 0 ] || [ "$got" -lt "$want" ]; then
        bad "reference/xenctrl.html: $got function entries, the source has $want"
    fi
    grep -q 'href="claimset-xenctrl.html#c.xc_domain_get_claims"' "$work/api.html" ||
        bad "reference/xenctrl.html: no cross-reference to xc_domain_get_claims"
    "$py" "$here/png_colors.py" "$work/api.png" >"$work/api.colours" ||
        bad "reference/xenctrl.html: the screenshot shows no page ($(cat "$work/api.colours"))"
fi

# The diagram page.
if want diagrams && load layers.html diagrams; then
    n=$(grep -o '<object[^>]*class="graphviz"' "$work/diagrams.html" | wc -l)
    [ "$n" -ge 2 ] || bad "layers.html: $n drawings embedded, expected 2"
    "$py" "$here/png_colors.py" "$work/diagrams.png" fff6e0 eef3fb >"$work/diagrams.colours" ||
        bad "layers.html: the drawings are not on screen: $(tr '\n' ' ' <"$work/diagrams.colours")"
fi

if [ "$failed" -eq 0 ]; then
    echo "ok: $site: $parts"
fi
[ "$failed" -eq 0 ]
