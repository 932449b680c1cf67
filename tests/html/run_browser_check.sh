#!/bin/sh
# The browser check of the HTML report, and the proof that it can fail.
#
#   tests/html/run_browser_check.sh PATH/TO/test_outputs [PATH/TO/claimset]
#
# With the claimset binary, 3. the report of a small `claimset drain`
# must pass the same check.
#
# 1. Has test_outputs write the sample report (CS_HTML_SAMPLE) and checks
#    it with check_html.sh: it must pass.
# 2. Breaks copies of that report in ways a real bug could (a runtime
#    error at load, a syntax error, an error inside an event handler, a
#    console.error, a handler that does the wrong thing, a missing chart,
#    an outside resource) and checks each: every one must fail.
# Exit 0 when all hold, 1 when any does not, 77 when Chromium is missing.
set -u

here=$(cd "$(dirname "$0")" && pwd)
gen=${1:?usage: $0 PATH/TO/test_outputs [PATH/TO/claimset]}
cli=${2:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
passed=0
failed=0

CS_HTML_SAMPLE="$work/report.html" "$gen" html_sample_report >"$work/gen.log" 2>&1 ||
    { cat "$work/gen.log"; echo "FAIL: $gen could not write the sample report"; exit 1; }

sh "$here/check_html.sh" "$work/report.html" timeline-claim-sets timeline-legacy timeline-no-claims
rc=$?
[ $rc -eq 77 ] && exit 77
if [ $rc -eq 0 ]; then
    passed=$((passed + 1))
else
    echo "FAIL: the good report did not pass"
    failed=$((failed + 1))
fi

# break NAME SED-SCRIPT: a broken copy must fail the check.
break_copy() {
    name=$1
    sed "$2" "$work/report.html" >"$work/$name.html"
    if cmp -s "$work/report.html" "$work/$name.html"; then
        echo "FAIL: $name: the pattern to break was not found (the report changed?)"
        failed=$((failed + 1))
        return
    fi
    if sh "$here/check_html.sh" "$work/$name.html" >"$work/$name.log" 2>&1; then
        echo "FAIL: $name: the check passed a broken page"
        failed=$((failed + 1))
    else
        echo "ok: $name caught: $(grep -m1 '^FAIL' "$work/$name.log")"
        passed=$((passed + 1))
    fi
}

break_copy load-error 's|<body>|<body><script>noSuchFunction();</script>|'
break_copy syntax-error 's|var doc = document, root|var doc = = document, root|'
break_copy handler-error "s|cursor.setAttribute('visibility', 'visible');|&noSuchHelper();|"
break_copy console-error 's|<body>|<body><script>console.error("boom");</script>|'
break_copy wrong-filter "s|el.hidden = name !== '\*'|el.hidden = false \&\& name !== '*'|"
break_copy missing-chart 's|data-chart="placement"|data-chart="gone"|'
break_copy outside-resource 's|</head>|<link rel="stylesheet" href="https://example.invalid/x.css"></head>|'

if [ -n "$cli" ]; then
    if CLAIMSET_CHECK=1 "$cli" drain --hosts 3 --topology 64M,64M --report "$work/drain.html" \
        >"$work/drain.log" 2>&1 &&
        sh "$here/check_html.sh" "$work/drain.html" timeline-claim-sets timeline-legacy; then
        passed=$((passed + 1))
    else
        cat "$work/drain.log"
        echo "FAIL: the drain report did not pass"
        failed=$((failed + 1))
    fi
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
