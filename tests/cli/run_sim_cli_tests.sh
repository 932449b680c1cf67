#!/bin/sh
# Tests of `claimset storm` and `claimset evacuate`, run against the built
# binary (a companion of run_cli_tests.sh, same conventions):
#
#   tests/cli/run_sim_cli_tests.sh BINARY
#
# --help texts; every usage error (exit status 2, exactly one line on
# stderr naming the bad argument, nothing on stdout); golden tables of
# small deterministic runs with the times masked; --json (valid, and the
# same for two runs once times are masked), --csv, --report, threads.
#
# UPDATE_GOLDEN=1 rewrites the golden files instead of comparing (review
# the diff before committing them).  Prints one line per failure and a
# summary; exit status 0 when everything passed.
set -u

# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_start claimset-sim-cli "$@"
# Ballooning guests populate 4 KiB pages one extent at a time: checking
# the host deeply after every call (debug builds) would take minutes, so
# counters during the run.  The runs below pass --check, so every host is
# still checked deeply after its policy's run, and a broken one fails the
# command.
CLAIMSET_CHECK=1
export CLAIMSET_CHECK

SMALL=16M,16M,16M,16M

# Times vary from run to run: "12 ms", "0.27 ms", "1.50 s", "4m05s" become
# TIME, and runs of blanks one blank (the columns' widths follow the times).
mask_table() {
    sed -E 's/[0-9]+(\.[0-9]+)? (ms|s)( |,|$)/TIME\3/g; s/[0-9]+m[0-9][0-9]s/TIME/g; s/ +/ /g' "$1"
}

# In JSON, the values of the time keys.
mask_json() {
    sed -E 's/"(t|start|seconds|wall_seconds|cpu_seconds)": [-0-9.e+]+/"\1": 0/g' "$1"
}

# ---------------------------------------------------------------------
echo "# help"

run --help
cp "$work/out" "$work/main-help"
for cmd in storm evacuate; do
    run "$cmd" --help
    expect_rc "$cmd-help" 0
    expect_empty_err "$cmd-help"
    cp "$work/out" "$work/$cmd-help"
    compare_golden "$cmd-help" "$cmd-help.out" "$work/$cmd-help"
    run "$cmd" -h
    if cmp -s "$work/out" "$work/$cmd-help"; then ok; else bad "$cmd -h differs from --help"; fi
    run help "$cmd"
    if cmp -s "$work/out" "$work/$cmd-help"; then ok; else bad "help $cmd differs from --help"; fi
    run --help "$cmd"
    if cmp -s "$work/out" "$work/$cmd-help"; then ok; else bad "--help $cmd differs from $cmd --help"; fi
    contains "main-help-lists-$cmd" "$work/main-help" "  $cmd "
done

# ---------------------------------------------------------------------
echo "# usage errors"

for cmd in storm evacuate; do
    p="claimset $cmd"
    usage "$cmd-vms-0" "$p: --vms: '0' is not a positive integer" "$cmd" --vms 0
    usage "$cmd-vms-big" "$p: --vms: '10001' is out of range (1..10000)" "$cmd" --vms 10001
    usage "$cmd-vms-missing" "$p: --vms: missing value" "$cmd" --vms
    usage "$cmd-overcommit-0" "$p: --overcommit: '0' is not a positive integer" "$cmd" --overcommit 0
    usage "$cmd-overcommit-big" "$p: --overcommit: '1001' is out of range (1..1000)" \
        "$cmd" --overcommit 1001
    usage "$cmd-vms-and-overcommit" "$p: --overcommit: not with --vms (--vms fixes the count)" \
        "$cmd" --vms 5 --overcommit 100
    usage "$cmd-mix-unit" "$p: --size-mix: '2X': not a size of 4 KiB to 1 TiB in whole pages" \
        "$cmd" --size-mix 2G,2X
    usage "$cmd-mix-weight" "$p: --size-mix: '2G:0': the weight must be an integer from 1 to 1000000" \
        "$cmd" --size-mix 2G:0
    usage "$cmd-mix-vcpus" "$p: --size-mix: '2G:1:513': the vCPU count must be an integer from 1 to 512" \
        "$cmd" --size-mix 2G:1:513
    usage "$cmd-mix-comma" "$p: --size-mix: trailing comma" "$cmd" --size-mix 2G,
    usage "$cmd-balloon" "$p: --balloon: '65' is out of range (0..64)" "$cmd" --balloon 65
    usage "$cmd-balloon-size" "$p: --balloon-size: '1M' is below 4 MiB" "$cmd" --balloon-size 1M
    usage "$cmd-offline" "$p: --offline: '5000' is out of range (0..4096)" "$cmd" --offline 5000
    usage "$cmd-window" "$p: --window: '0' is not a positive integer" "$cmd" --window 0
    usage "$cmd-window-big" "$p: --window: '257' is out of range (1..256)" "$cmd" --window 257
    usage "$cmd-window-threads" "$p: --builders: only for modelled time (with --threads M, M real builder threads race)" \
        "$cmd" --threads 2 --window 4
    usage "$cmd-cost-threads" "$p: --cost-*: only for modelled time (--threads M measures wall-clock time)" \
        "$cmd" --threads 2 --cost-page 10
    usage "$cmd-cost-range" "$p: --cost-scrub: '2000000000' is out of range (0..1000000000)" \
        "$cmd" --cost-scrub 2000000000
    usage "$cmd-policy" "$p: --policies: unknown policy 'frob' (none, legacy, single-node, claim-sets, claim-sets+global, or all alone)" \
        "$cmd" --policies none,frob
    usage "$cmd-policy-twice" "$p: --policies: 'none' given twice" "$cmd" --policies none,legacy,none
    usage "$cmd-policy-empty" "$p: --policies: no policy given (none, legacy, single-node, claim-sets, claim-sets+global, or all alone)" \
        "$cmd" --policies ""
    usage "$cmd-policy-comma" "$p: --policies: 'none,' has an empty name (none, legacy, single-node, claim-sets, claim-sets+global, or all alone)" \
        "$cmd" --policies none,
    # 'all' is not both a valid and an unknown policy.
    usage "$cmd-policy-all-in-list" "$p: --policies: 'all' runs every policy and stands alone, not in a list" \
        "$cmd" --policies all,none
    usage "$cmd-policy-long" "$p: --policies: unknown policy 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' (100 characters) (none, legacy, single-node, claim-sets, claim-sets+global, or all alone)" \
        "$cmd" --policies "none,$(printf '%0100d' 0 | tr 0 x)"
    usage "$cmd-threads" "$p: --threads: '0' is not a positive integer" "$cmd" --threads 0
    usage "$cmd-seed" "$p: --seed: 'x' is not an integer" "$cmd" --seed x
    usage "$cmd-json-csv" "$p: --csv: only one of --json and --csv may be given" "$cmd" --json --csv
    usage "$cmd-json-value" "$p: --json takes no value" "$cmd" --json=1
    usage "$cmd-check-value" "$p: --check takes no value" "$cmd" --check=1
    usage "$cmd-report" "$p: --report: cannot write '/nonexistent/r.html': No such file or directory" \
        "$cmd" --report /nonexistent/r.html
    usage "$cmd-positional" "$p: unexpected argument 'extra'" "$cmd" extra
    usage "$cmd-unknown" "$p: unknown option '--frob' (see --help)" "$cmd" --frob
    usage "$cmd-topology" "$p: --topology: node 0: unknown unit 'X' in '4X' (expected K, M, G, T, KiB, MiB, GiB or TiB)" \
        "$cmd" --topology 4X
    usage "$cmd-too-many-vms" "$p: --size-mix: asking for 110% of the free memory takes more than 10000 VMs of this mix; use larger sizes or --vms" \
        "$cmd" --topology 256M --balloon 0 --size-mix 4K
done
usage storm-balloon-fit \
    "claimset storm: --balloon-size: 4 ballooning guests of 16 MiB need more than half of the free memory (31.99 MiB); use fewer (--balloon) or smaller ones" \
    storm --topology 16M,16M --balloon-size 16M
# An empty host: the same free memory.
usage evacuate-balloon-fit \
    "claimset evacuate: --balloon-size: 4 ballooning guests of 16 MiB need more than half of the free memory (31.99 MiB); use fewer (--balloon) or smaller ones" \
    evacuate --topology 16M,16M --fill 0 --balloon 4 --balloon-size 16M
# The evacuate-only options.
usage storm-fill "claimset storm: unknown option '--fill' (see --help)" storm --fill 50
usage storm-fragment "claimset storm: unknown option '--fragment' (see --help)" storm --fragment 5
usage evacuate-fill "claimset evacuate: --fill: '96' is out of range (0..95)" evacuate --fill 96
usage evacuate-fragment "claimset evacuate: --fragment: '101' is out of range (0..100)" \
    evacuate --fragment 101
usage evacuate-fill-missing "claimset evacuate: --fill: missing value" evacuate --fill

# One VM, one guest, one frame: singular.
run storm --topology $SMALL --vms 1 --balloon 1 --offline 1 --policies none
expect_rc storm-one-vm 0
contains storm-one-vm "$work/out" "workload:  1 VM of 4 MiB, 4 MiB = "
contains storm-one-vm "$work/out" "1 ballooning guest of 4 MiB; 1 frame offlined half-way"
contains storm-one-vm "$work/out" "none built 1 of 1 VM ("
run evacuate --topology $SMALL --vms 1 --policies none --report -
expect_rc evacuate-one-vm 0
contains evacuate-one-vm "$work/out" "; 1 incoming VM ("
contains evacuate-one-vm "$work/out" "none: 1 VM</summary>"

# ---------------------------------------------------------------------
echo "# deterministic runs"

run storm --topology $SMALL --check
expect_rc storm-small 0
expect_empty_err storm-small
contains storm-small "$work/out" "time:      modelled, 8 parallel builders"
mask_table "$work/out" >"$work/masked"
compare_golden storm-small storm-small.out "$work/masked"
# Without --check (the default: no deep check), the same results.
run storm --topology $SMALL
expect_rc storm-small-unchecked 0
mask_table "$work/out" >"$work/masked"
compare_golden storm-small-unchecked storm-small.out "$work/masked"

run evacuate --topology $SMALL --check
expect_rc evacuate-small 0
expect_empty_err evacuate-small
mask_table "$work/out" >"$work/masked"
compare_golden evacuate-small evacuate-small.out "$work/masked"

# A subset, in the order given; the environment's topology is used.
CLAIMSET_TOPOLOGY=$SMALL run storm --policies claim-sets,none --seed 5 --balloon 1 --offline 0 \
    --vms 12 --size-mix 2M:3,4M:2,8M:1:4 --window 4 --check
expect_rc storm-options 0
mask_table "$work/out" >"$work/masked"
compare_golden storm-options storm-options.out "$work/masked"

# ---------------------------------------------------------------------
echo "# machine-readable output"

run storm --topology $SMALL --json --check
expect_rc storm-json 0
cp "$work/out" "$work/a.json"
run storm --topology $SMALL --json
mask_json "$work/a.json" >"$work/a.masked"
mask_json "$work/out" >"$work/b.masked"
if cmp -s "$work/a.masked" "$work/b.masked"; then
    ok
else
    bad "storm-json: two runs with the same seed differ beyond times"
fi
contains storm-json "$work/a.json" '"format": "claimset-sim-1"'
contains storm-json "$work/a.json" '"deterministic": true'
if command -v python3 >/dev/null 2>&1; then
    if python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["command"] == "storm" and r["nr_nodes"] == 4
assert [p["name"] for p in r["policies"]] == ["none", "legacy", "single-node", "claim-sets", "claim-sets+global"]
for p in r["policies"]:
    assert p["vms_built"] + p["vms_refused_claim"] + p["vms_failed_populate"] == p["vms_total"] == len(p["vms"])
    assert len(p["samples"]) >= 2
' "$work/a.json"; then ok; else bad "storm-json: not valid JSON of the expected shape"; fi
fi
run storm --topology $SMALL --json --vms 4 --balloon 1 --offline 2 --policies none,claim-sets --check
expect_rc storm-json-small 0
mask_json "$work/out" >"$work/masked"
compare_golden storm-json storm-small.json "$work/masked"

run evacuate --topology $SMALL --csv
expect_rc evacuate-csv 0
head -1 "$work/out" | tr -d '\r' >"$work/header"
contains evacuate-csv "$work/header" "command,seed"
# A header and one row per policy.
if [ "$(wc -l <"$work/out")" -eq 6 ]; then ok; else bad "evacuate-csv: $(wc -l <"$work/out") lines"; fi
contains evacuate-csv "$work/out" "evacuate,1,"

run storm --topology $SMALL --report "$work/r.html" --policies legacy,claim-sets
expect_rc storm-report 0
contains storm-report "$work/r.html" "<html"
contains storm-report "$work/r.html" 'data-chart="outcomes"'
contains storm-report "$work/r.html" 'data-chart="timeline-claim-sets"'
contains storm-report "$work/out" "claim-sets"

# The page on standard output instead of the table; not with --json or
# --csv, which own standard output.
run storm --topology $SMALL --report - --policies legacy,claim-sets
expect_rc storm-report-stdout 0
expect_empty_err storm-report-stdout
contains storm-report-stdout "$work/out" "<!DOCTYPE html>"
contains storm-report-stdout "$work/out" 'data-chart="timeline-claim-sets"'
if grep -q "^policy " "$work/out"; then bad "storm-report-stdout: the table is there too"; else ok; fi
if [ -e ./- ]; then bad "storm-report-stdout: wrote a file named '-'"; else ok; fi
usage storm-report-stdout-json "claimset storm: --report -: standard output already carries the --json results" \
    storm --report - --json
usage evacuate-report-stdout-csv "claimset evacuate: --report -: standard output already carries the --csv results" \
    evacuate --csv --report -

# Output that cannot be written fails the command, whatever the format.
for fmt in "" --json --csv "--report -"; do
    # shellcheck disable=SC2086
    full_disk "storm-full$fmt" "claimset storm" storm --topology $SMALL --policies none,claim-sets $fmt
done
full_disk evacuate-full "claimset evacuate" evacuate --topology $SMALL --policies none
full_disk storm-help-full "claimset storm" storm --help

# ---------------------------------------------------------------------
echo "# threads"

run storm --topology $SMALL --threads 3 --check
expect_rc storm-threads 0
contains storm-threads "$work/out" "time:      wall clock -- stress mode, 3 real builder threads (not deterministic"
contains storm-threads "$work/out" "3 builder threads"

# Modelled time: two runs agree to the byte once the real times are out,
# and the strict builder and the CSV shapes are reachable.
run storm --topology $SMALL --json --builders 2
sed -E 's/"(wall|cpu)_seconds": [-0-9.e+]+//' "$work/out" >"$work/m1"
run storm --topology $SMALL --json --builders 2
sed -E 's/"(wall|cpu)_seconds": [-0-9.e+]+//' "$work/out" >"$work/m2"
if cmp -s "$work/m1" "$work/m2"; then ok; else bad "storm-modelled: two runs differ in modelled output"; fi
run storm --topology $SMALL --strict --policies claim-sets --offline 2000
expect_rc storm-strict 0
contains storm-strict "$work/out" "builds:    strict: a short populate fails the build"
run storm --topology $SMALL --seeds 2 --policies legacy,claim-sets
expect_rc storm-seeds 0
contains storm-seeds "$work/out" "seeds:     1-2 (one workload each)"
contains storm-seeds "$work/out" "Compared with legacy seed by seed"
usage storm-seeds-report "claimset storm: --report: one seed at a time (not with --seeds)" \
    storm --seeds 2 --report x.html
usage storm-seeds-range "claimset storm: --seeds: '101' is out of range (1..100)" storm --seeds 101
# ---------------------------------------------------------------------
echo "# drain"

run drain --help
expect_rc drain-help 0
compare_golden drain-help drain-help.out "$work/out"
run drain --hosts 3 --topology 32M,32M --policies legacy,claim-sets
expect_rc drain-small 0
expect_empty_err drain-small
contains drain-small "$work/out" "3 hosts, 1 drained, 2 receiving"
contains drain-small "$work/out" "claim-sets "
run drain --hosts 3 --host 32M,32M --host 32M,32M --host 64M,64M --json --policies none
expect_rc drain-hosts 0
contains drain-hosts "$work/out" '"command": "drain"'
usage drain-drain "claimset drain: --drain: from 1 to 2 (one host must receive)" drain --hosts 3 --drain 3
usage drain-host-count "claimset drain: --host: 2 given for 4 hosts (one for every host, or use --topology for all)" \
    drain --host 32M --host 32M
usage drain-host-topology "claimset drain: --host: not with --topology (--topology is every host's)" \
    drain --topology 32M --host 32M
usage drain-threads "claimset drain: --threads: drain runs one seed in modelled time" drain --threads 2
usage drain-hosts-range "claimset drain: --hosts: '17' is out of range (2..16)" drain --hosts 17

run storm --topology $SMALL --csv-vms --policies none
expect_rc storm-csv-vms 0
contains storm-csv-vms "$work/out" "command,seed,policy,vm,pages"
run storm --topology $SMALL --csv-samples --policies none
expect_rc storm-csv-samples 0
contains storm-csv-samples "$work/out" "command,seed,policy,t,node,free_pages,claimed_pages,host_claimed_pages"
run evacuate --topology $SMALL --threads 2 --json --check
expect_rc evacuate-threads 0
contains evacuate-threads "$work/out" '"deterministic": false'

# ---------------------------------------------------------------------
cli_finish
