#!/bin/sh
# Load an HTML report in headless Chromium and check that it works.
#
#   tests/html/check_html.sh FILE.html [CHART...]
#
# Passes (exit 0) when, in the DOM that Chromium dumps after loading
# FILE.html#selftest:
#   - <html> says data-report="ok": the report's own script ran to its end
#     with no uncaught error, rejected promise or console.error (its error
#     trap, installed first in <head>, would have set data-report="error");
#   - <html> says data-selftest="done": the script's self-test drove the
#     tooltips, time cursor, policy filter and table sorting and checked
#     their effect;
#   - Chromium logged no console message at all (a second, independent
#     detector: the report never writes to the console);
#   - the charts are there: data-chart="outcomes", "placement", at least
#     one "timeline-*", every CHART named on the command line, and at
#     least as many <svg> elements as charts;
#   - the file loads nothing from the network (no http(s) src/href/url).
# Fails with exit 1 and the reason otherwise.  Exits 77 (SKIP, as CTest's
# SKIP_RETURN_CODE) when no Chromium is available and none can be
# installed (as root with apt-get: `apt-get install -y chromium`).
# CHROMIUM=/path/to/chrome picks the browser.
set -u

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

[ $# -ge 1 ] || { echo "usage: $0 FILE.html [CHART...]" >&2; exit 2; }
file=$1
shift
[ -r "$file" ] || fail "cannot read $file"

# shellcheck source=tests/html/chromium.sh
. "$(dirname "$0")/chromium.sh"
chromium_find_or_install || exit 77

# Self-contained: nothing fetched from anywhere.
if grep -Eiq '(src|href)[[:space:]]*=[[:space:]]*["'"'"']?[[:space:]]*(https?:)?//|url\([[:space:]]*["'"'"']?[[:space:]]*(https?:)?//|<link[[:space:]]|@import' "$file"; then
    fail "$file refers to outside resources"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
abs=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")

chromium_run "$work/profile" --dump-dom "file://$abs#selftest" >"$work/dom.html" 2>"$work/log.txt"
rc=$?
if [ $rc -ne 0 ] || [ ! -s "$work/dom.html" ]; then
    tail -20 "$work/log.txt" >&2
    fail "$browser exited $rc without a DOM"
fi

html_tag=$(grep -o '<html[^>]*>' "$work/dom.html" | head -1)
case "$html_tag" in
*'data-report="ok"'*) ;;
*)
    err=$(printf '%s' "$html_tag" | sed -n 's/.*data-report-error="\([^"]*\)".*/\1/p')
    fail "the report's script did not finish cleanly: ${err:-$html_tag}"
    ;;
esac
case "$html_tag" in
*'data-selftest="done"'*) ;;
*) fail "the report's self-test did not run: $html_tag" ;;
esac

if grep -q ':CONSOLE' "$work/log.txt"; then
    grep ':CONSOLE' "$work/log.txt" >&2
    fail "console messages while loading $file"
fi

charts=$(grep -o 'data-chart="[^"]*"' "$work/dom.html" | sort -u)
nr_charts=$(printf '%s\n' "$charts" | grep -c .)
for want in outcomes placement "$@"; do
    printf '%s\n' "$charts" | grep -qx "data-chart=\"$want\"" || fail "no chart data-chart=\"$want\""
done
printf '%s\n' "$charts" | grep -q '^data-chart="timeline-' || fail "no timeline chart"
nr_svg=$(grep -o '<svg[ >]' "$work/dom.html" | wc -l)
[ "$nr_svg" -ge "$nr_charts" ] || fail "$nr_charts charts but only $nr_svg <svg> elements"

echo "ok: $file loads without script errors; $nr_charts charts, $nr_svg svg elements"
exit 0
