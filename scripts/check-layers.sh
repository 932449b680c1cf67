#!/usr/bin/env bash
# The layering rules of docs/architecture.md, checked on the tree and on
# the built objects:
#   1. the include graph over every .c/.h of the tree has no cycle;
#   2. no file under tools/ includes a header of hv/ other than the
#      host-control interface (hv/ctl/include/hvctl.h);
#   3. a header kept beside its module's sources (hv/heap/freelist.h, not
#      under an include/ directory) is included from that directory only;
#   4. nothing under hv/ reads the environment (configuration is passed
#      in when a host is created);
#   5. the call graph between the object files of the core (cs_hv) and of
#      the toolstack libraries (cs_tools, cs_sim, cs_scenario, cs_cli) has no cycle: an edge
#      A.o -> B.o for every symbol A.o leaves undefined and B.o defines.
# Usage: scripts/check-layers.sh [BUILD_DIR]
# Without BUILD_DIR only the include rules run.  Exceptions, each with
# its reason, live in scripts/layers-allow.txt; an exception that no
# longer matches anything is reported so that it can be removed.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-}
objs=()
if [ -n "$build" ]; then
    # Objects of the libraries only: tests, benchmarks and the command's
    # main are leaves that nothing calls back.
    # (The directories by name: a build tree may hold other build
    # trees, e.g. the build-type tests', whose objects must not mix in.)
    # An object whose source is gone (a file renamed or removed) is left
    # behind by the build; it is stale, and would show calls that no
    # longer exist, so it is skipped.
    for d in "$build/CMakeFiles/cs_hv.dir:" "$build/CMakeFiles/cs_tools.dir:" \
        "$build/tools/sim/CMakeFiles/cs_sim.dir:tools/sim/" \
        "$build/tools/scenario/CMakeFiles/cs_scenario.dir:tools/scenario/" \
        "$build/tools/claimset/CMakeFiles/cs_cli.dir:tools/claimset/"; do
        src_root=${d#*:}
        d=${d%%:*}
        [ -d "$d" ] || continue
        while IFS= read -r -d '' o; do
            src=$src_root${o#"$d"/}
            if [ -f "${src%.o}" ]; then
                objs+=("$o")
            else
                echo "note: skipping $o: no source ${src%.o} (stale object)"
            fi
        done < <(find "$d" -name '*.o' -print0 | sort -z)
    done
    if [ ${#objs[@]} -eq 0 ]; then
        echo "check-layers: no object files of cs_hv/cs_tools/cs_sim/cs_scenario/cs_cli under $build" >&2
        exit 2
    fi
fi
nmout=$(mktemp)
list=$(mktemp)
trap 'rm -f "$nmout" "$list"' EXIT
# One nm for all objects ("file: symbol type ..."), not one per object.
if [ ${#objs[@]} -gt 0 ]; then
    nm -P -A "${objs[@]}" >"$nmout"
fi

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -co --exclude-standard '*.c' '*.h'
else # a source tarball
    find . -path ./build -prune -o \( -name '*.c' -o -name '*.h' \) -print | sed 's|^\./||'
fi | { grep -v '^build/' || true; } >"$list"
python3 - "$build" "$nmout" "$list" <<'EOF'
import os, re, sys

build, nmout = sys.argv[1], sys.argv[2]
with open(sys.argv[3]) as fh:
    files = sorted(set(l.strip() for l in fh if l.strip()))
known = set(files)
# Include roots, in the order the build searches them.
roots = ["hv/include", "hv/ctl/include", "include", "tools", "tests",
         "tests/support", "tests/harness", "fuzz/common", "fuzz/hcall"]
HVCTL = "hv/ctl/include/hvctl.h"
inc_re = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')

def resolve(src, quote, name):
    cands = []
    if quote == '"':
        cands.append(os.path.normpath(os.path.join(os.path.dirname(src), name)))
    cands += [os.path.normpath(os.path.join(r, name)) for r in roots]
    for c in cands:
        if c in known:
            return c
    return None  # a system header

allow = []
with open("scripts/layers-allow.txt") as f:
    for line in f:
        line = line.split("#", 1)[0].strip()
        if line:
            allow.append([line, 0])

def allowed(text):
    for a in allow:
        if a[0] == text:
            a[1] += 1
            return True
    return False

errors = []
inc = {f: set() for f in files}
for f in files:
    with open(f, errors="replace") as fh:
        for line in fh:
            m = inc_re.match(line)
            if not m:
                continue
            t = resolve(f, m.group(1), m.group(2))
            if t is None or t == f:
                continue
            inc[f].add(t)
            private = "/include/" not in t and t.endswith(".h") and \
                not t.startswith(("tests/", "fuzz/", "bench/"))
            if private and os.path.dirname(t) != os.path.dirname(f) and \
                    t.startswith("hv/"):
                edge = "include %s -> %s" % (f, t)
                if not allowed(edge):
                    errors.append("private header used from outside its module: " + edge)
            if f.startswith("tools/") and t.startswith("hv/") and t != HVCTL:
                edge = "include %s -> %s" % (f, t)
                if not allowed(edge):
                    errors.append("tools/ reaches into hv/: " + edge)

getenv_re = re.compile(r"\b(secure_)?getenv\s*\(")
for f in files:
    if f.startswith("hv/") and f.endswith(".c"):
        with open(f, errors="replace") as fh:
            for n, line in enumerate(fh, 1):
                if getenv_re.search(line):
                    errors.append("the core reads the environment: %s:%d" % (f, n))

def cycles(graph):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(100000)
    def visit(v):
        index[v] = low[v] = counter[0]; counter[0] += 1
        stack.append(v); on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out

def report(kind, graph, why):
    for comp in cycles(graph):
        text = "%s cycle: %s" % (kind, " ".join(comp))
        if allowed(text):
            continue
        errors.append(text)
        members = set(comp)
        for v in comp:
            for w in sorted(graph[v] & members):
                errors.append("    %s -> %s%s" % (v, w, why(v, w)))

report("include", inc, lambda v, w: "")

nobj = 0
if build:
    defs, undef = {}, {}

    def name_of(path):
        # "cs_hv:hv/heap/alloc.c.o": the library, then the source.
        rel = os.path.relpath(path, build)
        return re.sub(r"^(?:.*/)?(cs_\w+)\.dir/", r"\1:", rel)

    with open(nmout) as fh:
        for line in fh:
            path, _, rest = line.partition(": ")
            p = rest.split()
            if len(p) < 2:
                continue
            obj = name_of(path)
            undef.setdefault(obj, set())
            if p[1] == "U":
                undef[obj].add(p[0])
            elif p[1] in "TDBRCGSVW":
                defs.setdefault(p[0], obj)
    nobj = len(undef)
    calls, via = {o: set() for o in undef}, {}
    for o, syms in undef.items():
        for s in syms:
            t = defs.get(s)
            if t and t != o:
                calls[o].add(t)
                via.setdefault((o, t), []).append(s)
    report("call", calls,
           lambda v, w: "  (" + " ".join(sorted(via[(v, w)])[:4]) + ")")

for a in allow:
    if a[1] == 0:
        print("note: stale exception in scripts/layers-allow.txt: " + a[0])
print("check-layers: %d files, %d include edges, %d objects" %
      (len(files), sum(len(v) for v in inc.values()), nobj))
if errors:
    print("\n".join(errors))
    print("check-layers: FAILED (%d problems)" %
          sum(1 for e in errors if not e.startswith("    ")))
    sys.exit(1)
print("check-layers: OK")
EOF
