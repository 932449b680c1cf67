#!/bin/sh
# Tests of the claimset command, run against the built binary:
#
#   tests/cli/run_cli_tests.sh BINARY
#
# Every subcommand and its --help; every usage error (exit status 2 and
# exactly one line on stderr, compared word for word); the scenario
# language end to end (all example scenarios pass, the deliberately
# failing one fails with the expected FILE:LINE messages, parse errors
# stop everything before it runs); golden outputs of the deterministic
# commands in tests/cli/golden/ compared with diff.
#
# Runs from the repository root so that paths in outputs are relative.
# UPDATE_GOLDEN=1 rewrites the golden files instead of comparing (review
# the diff before committing them).  Prints one line per failure and a
# summary; exit status 0 when everything passed.
set -u

# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_start claimset-cli "$@"
# Small test hosts are checked deeply after every call (debug builds).
unset CLAIMSET_CHECK

# scenario NAME TEXT: a scenario file in the work directory.
scenario() {
    printf '%s\n' "$2" >"$work/$1"
}

# ---------------------------------------------------------------------
echo "# the command"

usage no-command "claimset: no command given (see claimset --help)"
usage unknown-command "claimset: unknown command 'frob' (see claimset --help)" frob
usage unknown-top-option "claimset: unknown option '--frob' (see claimset --help)" --frob
usage help-unknown "claimset help: unknown command 'frob'" help frob
usage help-extra "claimset help: unexpected argument 'more'" help run more
usage help-first-unknown "claimset help: unknown command 'frob'" --help frob
usage help-first-extra "claimset help: unexpected argument 'more'" -h run more
# Over-long input is quoted shortened, and the message keeps its reason.
long=$(printf '%0100000d' 0 | tr 0 a)
usage long-command "claimset: unknown command 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' (100000 characters) (see claimset --help)" \
    "$long"
usage long-size "claimset place: --size: '111111111111111111111111111111111111111111111...' (100000 characters) is too large" \
    place --size "$(printf '%0100000d' 0 | tr 0 1)"
printf 'create %s\n' "$(printf '%01000000d' 0 | tr 0 a)" >"$work/longname.scn"
usage long-domain-name "claimset run: $work/longname.scn:1: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' (1000000 characters) is too long for a domain name (at most 31 characters)" \
    run "$work/longname.scn"

# The command list grows with the subcommands, so no golden file: the
# usage line, every command of this suite, and the same text for all
# three spellings.
run --help
expect_rc main-help 0
cp "$work/out" "$work/main-help"
contains main-help "$work/main-help" "usage: claimset [--help] [--version] COMMAND [ARGS...]"
contains main-help "$work/main-help" "  help       show the help of a command: claimset help COMMAND"
for spelling in -h help; do
    run $spelling
    expect_rc "main-$spelling" 0
    if cmp -s "$work/out" "$work/main-help"; then ok; else bad "main-$spelling: differs from --help"; fi
done

version=$(sed -n 's/^project(claimset VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
run --version
expect_rc version 0
if [ "$(cat "$work/out")" = "claimset $version" ] && [ -n "$version" ]; then
    ok
else
    bad "version: '$(cat "$work/out")', CMakeLists.txt says '$version'"
fi

for cmd in info place run; do
    golden "$cmd-help" "$cmd-help.out" "$cmd" --help
    # claimset --help CMD is claimset CMD --help.
    run --help "$cmd"
    expect_rc "help-first-$cmd" 0
    compare_golden "help-first-$cmd" "$cmd-help.out"
    run "$cmd" -h
    compare_golden "$cmd-h" "$cmd-help.out"
    run help "$cmd"
    expect_rc "help-$cmd" 0
    compare_golden "help-$cmd" "$cmd-help.out"
    contains "main-help-lists-$cmd" "$work/main-help" "  $cmd "
done

# ---------------------------------------------------------------------
echo "# output that cannot be written"

full_disk full-help claimset --help
full_disk full-version claimset --version
full_disk full-help-cmd claimset help info
full_disk full-info-help "claimset info" info --help
full_disk full-info "claimset info" info
full_disk full-info-json "claimset info" info --json
full_disk full-place "claimset place" place --size 1G
full_disk full-place-json "claimset place" place --size 1G --json
full_disk full-place-refused "claimset place" place --size 300G --no-global --json
full_disk full-run "claimset run" run scenarios/claim-workflow.scn
full_disk full-run-verbose "claimset run" run --verbose scenarios/claim-workflow.scn
full_disk full-run-failing "claimset run" run scenarios/failing/deliberate-failures.scn
# A closed stdout is a failure too, and a usage error stays one.
"$bin" info >&- 2>"$work/err"
rc=$?
expect_rc closed-stdout 1
contains closed-stdout "$work/err" "claimset info: cannot write the output: Bad file descriptor"
"$bin" info --frob >/dev/full 2>"$work/err"
rc=$?
expect_rc full-usage 2

# ---------------------------------------------------------------------
echo "# info"

golden info-table info-2node.out info --topology 16M,16M
golden info-json info-2node.json info --topology 16M,16M --json
golden info-default info-default.out info
golden info-default-named info-default.out info --topology default
golden info-file info-file.out info --topology tests/cli/data/two-sockets.topo
golden info-sysfs info-sysfs.out info --topology host:tests/cli/data/fakesys
golden info-sysfs-json info-sysfs.json info --json --topology=host:tests/cli/data/fakesys
run_env CLAIMSET_TOPOLOGY=8M,8M,8M info
expect_rc info-env 0
compare_golden info-env info-env.out
# --topology wins over the environment.
run_env CLAIMSET_TOPOLOGY=8M,8M,8M info --topology 16M,16M
compare_golden info-topology-over-env info-2node.out
# This machine: whatever it is, it must work.
run info --topology host
expect_rc info-host 0
contains info-host "$work/out" "this machine (/sys)"

usage info-bad-unit "claimset info: --topology: node 0: unknown unit 'GB' in '4GB' (expected K, M, G, T, KiB, MiB, GiB or TiB)" \
    info --topology 4GB
usage info-not-a-topology "claimset info: --topology: 'nosuch' is not a file, 'host', 'default' or a topology such as '4GiB,4GiB'" \
    info --topology nosuch
usage info-missing-file "claimset info: --topology: cannot open './missing.topo': No such file or directory" \
    info --topology ./missing.topo
usage info-bad-sysfs "claimset info: --topology: host: sysfs has no NUMA information at '/nonexistent/devices/system/node'" \
    info --topology host:/nonexistent
usage info-directory "claimset info: --topology: cannot read 'scenarios/': Is a directory" info --topology scenarios/
usage info-missing-value "claimset info: --topology: missing value" info --topology
usage info-positional "claimset info: unexpected argument 'extra'" info extra
usage info-csv "claimset info: unknown option '--csv' (see --help)" info --csv
usage info-json-value "claimset info: --json takes no value" info --json=yes
usage info-threads "claimset info: unknown option '--threads' (see --help)" info --threads 2
scenario bad.topo "# a broken file
4G, 4G ;distances=10,20,20"
usage info-bad-file "claimset info: --topology: $work/bad.topo:2:19: distances: expected 4 values for 2 nodes, got 3" \
    info --topology "$work/bad.topo"
# The error names the line and column, here of the size after the comma
# that was left out, however the file is commented.
scenario comma.topo "# three nodes
16M,    # node 0
16M     # node 1
16M     # node 2"
usage info-missing-comma "claimset info: --topology: $work/comma.topo:4:1: node 1: a ',' is missing before '16M'" \
    info --topology "$work/comma.topo"
# Sizes are whole pages, in the grammar as everywhere.
usage info-not-whole-pages "claimset info: --topology: node 0: '16.3M' is not a whole number of 4 KiB pages" \
    info --topology 16.3M,16M
# The grammar comes before a file of that name; a path names the file.
scenario 16M "8M,8M"
(cd "$work" && "$bin" info --topology 16M >out 2>err)
rc=$?
expect_rc info-grammar-first 0
contains info-grammar-first "$work/out" "topology               : 16MiB;distances=10"
(cd "$work" && "$bin" info --topology ./16M >out 2>err)
rc=$?
expect_rc info-file-as-path 0
contains info-file-as-path "$work/out" "topology               : 8MiB,8MiB;distances=10,20,20,10"
# Set but empty is unset.
run_env CLAIMSET_TOPOLOGY= info
expect_rc info-empty-env 0
expect_empty_err info-empty-env
compare_golden info-empty-env info-default.out
run_env CLAIMSET_TOPOLOGY=bad info
expect_rc info-bad-env 2
expect_err_line info-bad-env "claimset info: CLAIMSET_TOPOLOGY: node 0: 'bad' is not a number"

# ---------------------------------------------------------------------
echo "# place"

golden place-two-nodes place-96g.out place --size 96G --vcpus 8
golden place-used place-used.out place --size 32G --vcpus 4 --used 0=40G,2=10G --claimed node1=60G
golden place-one-node-json place-3g.json place --size 3G --vcpus 3 --topology 2G,2G,2G --json
golden place-global-claims place-global.out \
    place --size 4G --topology 4G,4G --claimed global=1G --claimed 0=1G
# Layouts the vCPUs cannot make whole are not proposed silently: fewer
# vCPUs than vnodes, more vCPUs than the chosen nodes have CPUs.  Where
# the nodes have CPUs enough, no vnode gets more than its node's.
run place --size 40G --topology 16G,16G,16G,16G
expect_rc place-memory-only 0
contains place-memory-only "$work/out" "; vnodes 0 and 2 memory-only (fewer vCPUs than vnodes)"
run place --size 100G --vcpus 64
expect_rc place-cpus-short 0
contains place-cpus-short "$work/out" "; 64 vCPUs, 32 CPUs on the nodes that hold the memory: vnodes 0 and 1 have more vCPUs than CPUs"
run place --size 90G --vcpus 30 --used 0=20G --json
expect_rc place-cpus-bound 0
contains place-cpus-bound "$work/out" '"node": 0, "vcpus": 14}'
contains place-cpus-bound "$work/out" '"node": 1, "vcpus": 16}'
# Repeated --used adds up.
run place --size 1G --topology 2G,2G --used 0=512M --used 0=512M,1=1G --json
contains place-used-adds "$work/out" '"unclaimed_pages": [262143, 262144]'

run place --size 300G
expect_rc place-too-big 1
expect_err_line place-too-big "claimset place: cannot place 300 GiB: its claim set is refused: 300 GiB asked, the host has 255.99 GiB unclaimed (the plan: no node set holds 300 GiB: 255.99 GiB on nodes 0-3 + 44.00 GiB host-wide; vnodes 0, 2, 3 and 4 memory-only (fewer vCPUs than vnodes))"
# One amount reads the same everywhere in a message, whatever its size.
run place --size 1000000T
expect_rc place-huge 1
expect_err_line place-huge "claimset place: cannot place 976.56 PiB: its claim set is refused: 976.56 PiB asked, the host has 255.99 GiB unclaimed (the plan: no node set holds 976.56 PiB: 255.99 GiB on nodes 0-3 + 976.56 PiB host-wide; vnodes 0, 1, 2 and 3 memory-only (fewer vCPUs than vnodes))"
run place --size 300G --no-global
expect_rc place-no-global 1
expect_err_line place-no-global "claimset place: cannot place 300 GiB: no node set holds 300 GiB: the nodes have 255.99 GiB unclaimed, no host-wide entry allowed"
run place --size 3G --topology 2G,2G --claimed global=1G --json
expect_rc place-json-refused 1
compare_golden place-json-refused place-refused.json
# The host-wide claim shows on no node: the plan fits the nodes, the
# hypervisor refuses it for the host.
expect_err_line place-json-refused "claimset place: cannot place 3 GiB: its claim set is refused: 3 GiB asked, the host has 2.99 GiB unclaimed (the plan: needs 2 nodes: 0+1 (distance 20) hold 3.99 GiB: 1 GiB on 0 + 2 GiB on 1; vnode 0 memory-only (fewer vCPUs than vnodes))"

usage place-no-size "claimset place: missing --size SIZE (see --help)" place --vcpus 2
usage place-zero "claimset place: --size: '0' is no memory at all" place --size 0
usage place-bad-size "claimset place: --size: '1000' is not a whole number of 4 KiB pages" place --size 1000
usage place-bad-unit "claimset place: --size: '4GB': unknown unit 'GB' (K, M, G, T, KiB..TiB, pages)" place --size 4GB
usage place-vcpus "claimset place: --vcpus: '0' is not a positive integer" place --size 1G --vcpus 0
usage place-vcpus-big "claimset place: --vcpus: '5000' is out of range (1..4096)" place --size 1G --vcpus 5000
usage place-list "claimset place: --used: '0=1G,,1=1G' is not a list NODE=SIZE,..." place --size 1G --used 0=1G,,1=1G
usage place-item "claimset place: --used: '0' is not NODE=SIZE" place --size 1G --used 0
usage place-node "claimset place: --used: 'x' is not a node" place --size 1G --used x=1G
usage place-global-used "claimset place: --used: 'global' is not a node" place --size 1G --used global=1G
usage place-claimed-node "claimset place: --claimed: 'y' is not a node or global" place --size 1G --claimed y=1G
usage place-no-such-node "claimset place: --used: the host has no node 7 (nodes 0-3)" place --size 1G --used 7=1G
usage place-used-too-much "claimset place: --used: node 0 has only 63.99 GiB free, not 65 GiB" place --size 1G --used 0=65G
usage place-claimed-too-much "claimset place: --claimed: more than the host has unclaimed (after --used)" \
    place --size 1G --used 1=40G --claimed 1=30G
usage place-positional "claimset place: unexpected argument '4G'" place 4G
usage place-topology "claimset place: --topology: node 0: unknown unit 'X' in '1X' (expected K, M, G, T, KiB, MiB, GiB or TiB)" \
    place --size 1G --topology 1X

# ---------------------------------------------------------------------
echo "# run: the example scenarios"

for f in scenarios/*.scn; do
    run run "$f"
    expect_rc "scenario-$f" 0
    contains "scenario-$f" "$work/out" "$f: passed"
done
# All at once, in order.
run run scenarios/*.scn
expect_rc scenarios-together 0
if [ "$(grep -c ': passed (' "$work/out")" -eq "$(ls scenarios/*.scn | wc -l)" ]; then
    ok
else
    bad "scenarios-together: not one 'passed' line per file"
fi

golden run-verbose run-verbose.out run --verbose scenarios/claim-workflow.scn
golden run-xen-test run-xen-test.out run scenarios/xen-claim-test.scn

# The failing example: exit 1, every failure reported, the rest ran.
failing=scenarios/failing/deliberate-failures.scn
run run "$failing"
expect_rc failing-example 1
cp "$work/err" "$work/out.err"
cp "$work/out" "$work/out.summary"
cp "$work/err" "$work/out"
compare_golden failing-example-messages deliberate-failures.err
printf '%s\n' "$failing: FAILED: 5 of 12 checks failed (5 statements)" >"$work/want"
if cmp -s "$work/want" "$work/out.summary"; then ok; else bad "failing-example: summary '$(cat "$work/out.summary")'"; fi
for line in 9 13 16 17 20; do
    contains "failing-example-line-$line" "$work/out.err" "$failing:$line: expected "
done
# Its FAILS markers and the messages agree.
if [ "$(grep -c '# FAILS:' "$failing")" -eq "$(wc -l <"$work/out.err")" ]; then
    ok
else
    bad "failing-example: FAILS markers and messages differ in number"
fi
# A failure in one file does not stop the next one.
run run "$failing" scenarios/xen-claim-test.scn
expect_rc failing-then-passing 1
contains failing-then-passing "$work/out" "scenarios/xen-claim-test.scn: passed"

# The same as TAP and as JSON: one test per file, failures as messages.
run run --tap "$failing" scenarios/xen-claim-test.scn
expect_rc run-tap 1
expect_empty_err run-tap
contains run-tap "$work/out" "TAP version 13"
contains run-tap "$work/out" "1..2"
contains run-tap "$work/out" "not ok 1 - $failing (5 statements, 12 checks, 5 failed)"
contains run-tap "$work/out" "  # $failing:13: expected ok, got errno=ENOMEM (rc=-1)"
contains run-tap "$work/out" "ok 2 - scenarios/xen-claim-test.scn"
run run --json "$failing" scenarios/xen-claim-test.scn
expect_rc run-json 1
contains run-json "$work/out" '"format": "claimset-run-1"'
contains run-json "$work/out" '"passed": 1,'
contains run-json "$work/out" '"failed": 1'
if command -v python3 >/dev/null 2>&1; then
    if python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
a, b = r["scenarios"]
assert not a["passed"] and a["failures"] == 5 == len(a["messages"])
assert b["passed"] and not b["messages"]
' "$work/out"; then ok; else bad "run-json: not the expected JSON"; fi
fi
run run --json scenarios/xen-claim-test.scn
expect_rc run-json-passing 0
usage run-tap-json "claimset run: --tap: not with --json (one format on standard output)" \
    run --tap --json scenarios/xen-claim-test.scn
usage run-verbose-tap "claimset run: --verbose: not with --tap (it owns standard output)" \
    run --verbose --tap scenarios/xen-claim-test.scn

# ---------------------------------------------------------------------
echo "# run: options, files, topology"

scenario env.scn "create a
max_mem a 4M
populate a count=1 order=9
expect free=1023pages"
run_env CLAIMSET_TOPOLOGY=3M,3M run "$work/env.scn"
expect_rc run-env-topology 0
run run "$work/env.scn"
expect_rc run-default-topology 1
contains run-default-topology "$work/err" "env.scn:4: expected free=1023 pages (3.99 MiB), got 67108351 pages (255.99 GiB)"
# --topology overrides the host statement.
scenario host16.scn "host 16M,16M
expect free=8191pages"
run run "$work/host16.scn"
expect_rc run-host-statement 0
run run --topology 8M,8M "$work/host16.scn"
expect_rc run-topology-override 1
contains run-topology-override "$work/err" "host16.scn:2: expected free=8191 pages (31.99 MiB), got 4095 pages (15.99 MiB)"
# Standard input.
run run - <scenarios/xen-claim-test.scn
expect_rc run-stdin 0
contains run-stdin "$work/out" "-: passed (5 statements, 13 checks)"

usage run-no-file "claimset run: missing scenario FILE (see --help)" run
usage run-no-such-file "claimset run: cannot open 'x.scn': No such file or directory" run x.scn
usage run-directory "claimset run: cannot read 'scenarios': Is a directory" run scenarios
printf 'create a\000\n' >"$work/nul.scn"
usage run-binary-file "claimset run: '$work/nul.scn' is not a text file of at most 16777216 bytes" run "$work/nul.scn"
usage run-bad-option "claimset run: unknown option '--fast' (see --help)" run --fast x.scn
usage run-bad-topology "claimset run: --topology: node 1: unknown unit 'Q' in '4Q' (expected K, M, G, T, KiB, MiB, GiB or TiB)" \
    run --topology 4G,4Q scenarios/xen-claim-test.scn
scenario missing-host-file.scn "host nowhere/host.topo"
usage run-host-file "claimset run: $work/missing-host-file.scn:1: host: cannot open '$work/nowhere/host.topo': No such file or directory" \
    run "$work/missing-host-file.scn"
# A parse error anywhere stops everything before anything runs.
scenario syntax.scn "create a
max_mem a 4M
populate a count=1 ordre=9"
usage run-parse-first "claimset run: $work/syntax.scn:3: populate: unknown argument 'ordre' (usage: populate NAME count=N [order=O] [node=N [exact]] [gfn=G])" \
    run scenarios/xen-claim-test.scn "$work/syntax.scn"

# One refusal per statement and per kind of problem, through the binary.
n=0
while IFS='|' read -r text msg; do
    n=$((n + 1))
    printf 'create vm\n%s\n' "$text" >"$work/p$n.scn"
    usage "parse-$n" "claimset run: $work/p$n.scn:2: $msg" run "$work/p$n.scn"
done <<'EOF'
frob vm|unknown statement 'frob'
create vm|domain 'vm' is already bound
max_mem ghost 4M|unknown domain 'ghost' (bind it with 'create ghost' first)
max_mem vm 4 MB|max_mem: unexpected 'MB' (usage: max_mem NAME SIZE|unlimited)
claim vm node0=1000|node0: '1000' is not a whole number of 4 KiB pages
claim vm node0|claim: unexpected 'node0' (usage: claim NAME nodeN=SIZE... [global=SIZE] | claim NAME release | claim NAME raw TARGET:PAGES[:PAD][*N]...)
claim vm raw 0:x|claim raw: pages: 'x' is not an integer
legacy_claim vm|legacy_claim: missing size (usage: legacy_claim NAME SIZE)
affinity vm none|affinity: node: 'none' is not an integer
populate vm count=-1|count: '-1' is not an integer
decrease vm gfn=x|gfn: 'x' is not an integer
offline 1-x|frame: 'x' is not an integer
online|online: missing frame or frame range (usage: online FRAME[-FRAME])
destroy|destroy: missing domain name (usage: destroy NAME)
pause vm vm|pause: unexpected 'vm' (usage: pause NAME)
unpause ghost|unknown domain 'ghost' (bind it with 'create ghost' first)
scrub max=3K|max: '3K' is not a whole number of 4 KiB pages
scrub node=x|node: 'x' is not an integer
expect done=1|expect done: line 1 is no populate, decrease or scrub
expect errno=ENOPE|expect errno: unknown errno 'ENOPE'
expect claims vm node0=1M global|expect claims: 'global' is not nodeN=SIZE
expect max_pages vm lots|max_pages: 'lots' is not a size (examples: 4GiB, 512M, 1024pages, 8192)
expect free node0=1M node0=2M|expect: the same key is given twice
expect invariants now|expect invariants: unexpected 'now'
host 16M|host: must come before every other statement
EOF

# ---------------------------------------------------------------------
cli_finish
