#!/usr/bin/env python3
"""Every function of the installed public headers has a reference entry.

    test_api_coverage.py CC INCLUDE_DIR DOCS_DIR

The functions: CC compiles one file that includes every header under
INCLUDE_DIR (what `make install` installs) with -aux-info, which makes the
compiler list every prototype it saw with the file that declared it; those
from INCLUDE_DIR are the public API.  The entries: the ".. c:function::"
directives of the reST files under DOCS_DIR.  Each function must have
exactly one entry, and each entry must name every parameter of its
signature with ":param NAME:" and say what it returns with ":returns:";
an entry for a function no header declares is stale.  Prints one line per
problem; exit status 1 when there is any.
"""
import os
import re
import subprocess
import sys
import tempfile


def header_functions(cc, include_dir):
    headers = sorted(
        os.path.relpath(os.path.join(d, f), include_dir)
        for d, _, files in os.walk(include_dir)
        for f in files
        if f.endswith(".h")
    )
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "all.c")
        aux = os.path.join(tmp, "aux.txt")
        with open(src, "w") as f:
            f.writelines('#include <%s>\n' % h for h in headers)
        subprocess.run(
            [cc, "-std=gnu11", "-fsyntax-only", "-aux-info", aux, "-I", include_dir, src],
            check=True,
        )
        with open(aux) as f:
            lines = f.readlines()
    inc = os.path.realpath(include_dir) + os.sep
    found = {}
    for line in lines:
        # /* /path/include/xenctrl.h:84:NC */ extern int xc_x (int, ...);
        m = re.match(r"/\* (\S+):(\d+):\S+ \*/ (.*)$", line)
        if not m or not os.path.realpath(m.group(1)).startswith(inc):
            continue
        name = re.search(r"(\w+) \(", m.group(3))
        if name:
            found[name.group(1)] = os.path.relpath(m.group(1), include_dir)
    return found, headers


def doc_entries(docs_dir):
    entries = {}
    for d, _, files in os.walk(docs_dir):
        for f in sorted(files):
            if not f.endswith(".rst"):
                continue
            path = os.path.join(d, f)
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
            # A directive and its indented body, up to the next line that
            # starts at the left margin.
            for m in re.finditer(r"^\.\. c:function:: (.+)\n((?:[ \t]+.*\n|\n)*)", text, re.M):
                sig, body = m.group(1), m.group(2)
                name = re.search(r"(\w+)\s*\(", sig).group(1)
                params = []
                inner = sig[sig.index("(") + 1 : sig.rindex(")")]
                for p in inner.split(","):
                    p = p.strip()
                    if p in ("void", "...", ""):
                        continue
                    params.append(re.search(r"(\w+)\s*(\[\])?$", p).group(1))
                where = "%s:%d" % (os.path.relpath(path), text.count("\n", 0, m.start()) + 1)
                entries.setdefault(name, []).append((where, params, body))
    return entries


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    cc, include_dir, docs_dir = sys.argv[1:]
    functions, headers = header_functions(cc, include_dir)
    entries = doc_entries(docs_dir)
    problems = []
    if not functions:
        problems.append("no functions found in %s (%d headers)" % (include_dir, len(headers)))
    for name, header in sorted(functions.items()):
        if name not in entries:
            problems.append("%s (%s): no entry in the C API reference" % (name, header))
            continue
        if len(entries[name]) > 1:
            problems.append("%s: %d entries: %s" % (name, len(entries[name]),
                                                     ", ".join(e[0] for e in entries[name])))
        where, params, body = entries[name][0]
        for p in params:
            if not re.search(r":param %s:" % re.escape(p), body):
                problems.append("%s: %s: parameter %s not described" % (where, name, p))
        if not re.search(r":returns?:", body):
            problems.append("%s: %s: no :returns:" % (where, name))
    for name in sorted(set(entries) - set(functions)):
        problems.append("%s: %s: documented, but no public header declares it"
                        % (entries[name][0][0], name))
    for p in problems:
        print("FAIL: " + p)
    print("# %d functions in %d headers, %d documented, %d problems"
          % (len(functions), len(headers), len(set(entries) & set(functions)), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
