#!/usr/bin/env bash
# Seeds of the text targets, from what the project already has:
#   fuzz_topology       the topologies the tests and scenarios use, and the
#                       built-in default
#   fuzz_topology_file  the committed topology files, and the same texts
#   fuzz_scenario       the committed scenarios, with a `host FILE` line
#                       replaced by the file's text (the target reads no
#                       files)
# Each seed is named after its content.   Usage: text-seeds.sh CORPUS_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$1

put() { # target, content on stdin
    local tmp
    tmp=$(mktemp)
    cat >"$tmp"
    mv "$tmp" "$out/$1/seed-$(sha1sum <"$tmp" | cut -c1-16)"
}

# A topology file as one line of grammar: comments out, lines joined.
flatten() {
    sed 's/#.*//' "$1" | tr '\n' ' ' | tr -s ' ' | sed 's/^ //; s/ $//'
}

topologies() {
    grep -rhoE 'hvt_host(_cfg)?\("[^"]+"' tests | sed -E 's/.*\("//; s/"$//'
    grep -rhoE '#define TOPO[A-Z0-9_]* +"[^"]+"' tests | sed -E 's/.*"(.*)"$/\1/'
    grep -h '^host ' scenarios/*.scn scenarios/failing/*.scn | sed 's/^host //' | grep -v '\.topo$'
    sed -n 's/^#define CLAIMSET_TOPOLOGY_DEFAULT_TEXT *\\$//; /^ *"[0-9].*"$/{s/^ *"//; s/"$//; p}' \
        include/claimset/topology.h
    for f in scenarios/*.topo tests/cli/data/*.topo; do flatten "$f"; echo; done
}

topologies | sort -u | while IFS= read -r t; do
    printf '%s' "$t" | put fuzz_topology
    printf '%s' "$t" | put fuzz_topology_file
done
for f in scenarios/*.topo tests/cli/data/*.topo; do
    put fuzz_topology_file <"$f"
done

for f in scenarios/*.scn scenarios/failing/*.scn; do
    dir=$(dirname "$f")
    while IFS= read -r line; do
        case $line in
        "host "*.topo) echo "host $(flatten "$dir/${line#host }")" ;;
        *) printf '%s\n' "$line" ;;
        esac
    done <"$f" | put fuzz_scenario
done
