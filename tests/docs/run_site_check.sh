#!/bin/sh
# The browser check of the documentation site, and the proof that it can
# fail:
#
#   tests/docs/run_site_check.sh SITE_DIR      (make docs builds build/docs/html)
#
# 1. check_site.sh on the site as built: it must pass.
# 2. Broken copies of the site, each a way a real bug could show: a script
#    error on the diagram page, a drawing whose SVG is empty, a console
#    message on the API page, a link to a page that does not exist, an
#    anchor that does not exist.  check_site.sh must fail on every one.
# Exit 0 when all hold, 1 when any does not, 77 when Chromium is missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
site=${1:?usage: $0 SITE_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
passed=0
failed=0

sh "$here/check_site.sh" "$site"
rc=$?
[ $rc -eq 77 ] && exit 77
if [ $rc -eq 0 ]; then passed=$((passed + 1)); else
    echo "FAIL: the site as built did not pass"
    failed=$((failed + 1))
fi

# broken NAME PART FILE SED-SCRIPT: a copy of the site with FILE edited
# (SED-SCRIPT empty: FILE replaced by an empty drawing) must fail the
# PART of the check that looks at it.
broken() {
    name=$1
    part=$2
    shift 2
    set -- "$name" "$@"
    rm -rf "$work/site"
    cp -r "$site" "$work/site"
    if [ -n "$3" ]; then
        sed "$3" "$site/$2" >"$work/site/$2"
        if cmp -s "$site/$2" "$work/site/$2"; then
            echo "FAIL: $1: the pattern to break was not found (the page changed?)"
            failed=$((failed + 1))
            return
        fi
    else
        echo '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>' >"$work/site/$2"
    fi
    if sh "$here/check_site.sh" "$work/site" "$part" >"$work/$1.log" 2>&1; then
        echo "FAIL: $1: the check passed a broken site"
        failed=$((failed + 1))
    else
        echo "ok: $1 caught: $(grep -m1 '^FAIL' "$work/$1.log")"
        passed=$((passed + 1))
    fi
}

broken script-error diagrams layers.html 's|</body>|<script>noSuchFunction();</script></body>|'
# The layers drawing: the SVG holding the checker box's colour.
svg=$(cd "$site" && grep -l -i fff6e0 _images/graphviz-*.svg | head -1)
broken empty-drawing diagrams "$svg" ""
broken console-message api reference/xenctrl.html 's|</body>|<script>console.log("boom");</script></body>|'
broken dead-link links index.html 's|href="cli.html"|href="no-such-page.html"|'
broken dead-anchor links reference/xenctrl.html 's|href="claimset-xenctrl.html#c.xc_domain_get_claims"|href="claimset-xenctrl.html#c.no_such_function"|'

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
