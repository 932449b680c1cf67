#!/bin/sh
# The options claimset(1) documents are the options the command takes:
#
#   tests/docs/test_man_options.sh BINARY MANPAGE
#
# MANPAGE is the generated page (docs/man/claimset.1, what `make install`
# installs).  Each ".SH CLAIMSET CMD [AND CLAIMSET CMD2]" section documents
# its commands' options as ".B --option ARG" entries.  For every command
# that `claimset --help` lists: every long option of `claimset CMD --help`
# (but --help and --version, which every command takes and the page gives
# once, at the top) has an entry in its section, and every entry of a
# section is an option of one of its commands.  The page must also load
# with `man -l` and give -h/--help and -V/--version at the top.
set -u
bin=${1:?usage: $0 BINARY MANPAGE}
page=${2:?usage: $0 BINARY MANPAGE}
failed=0
passed=0
ok() { passed=$((passed + 1)); }
bad() {
    failed=$((failed + 1))
    echo "FAIL: $*"
}
sorted() { tr ' ' '\n' | grep . | sort -u | tr '\n' ' ' | sed 's/ $//'; }

[ -r "$page" ] || { echo "FAIL: cannot read $page"; exit 1; }

# Section title (lower case, without "claimset") and options, one line per
# entry: "storm and evacuate|--vms".
entries=$(awk '
    /^\.SH / { sec = tolower(substr($0, 5)); gsub(/"/, "", sec); next }
    /^\.B \\-/ {
        line = substr($0, 4); gsub(/\\-/, "-", line)
        n = split(line, parts, /, /)
        for (i = 1; i <= n; i++) {
            split(parts[i], w, " ")
            if (w[1] ~ /^--[a-z]/) print sec "|" w[1]
        }
    }' "$page")
[ -n "$entries" ] || bad "no option entries found in $page"

help_options() {
    sed -n 's/^  \(-[A-Za-z], \)\{0,1\}\(--[a-z][a-z-]*\)\(, \(--[a-z][a-z-]*\)\)\{0,1\}.*/\2 \4/p' |
        tr ' ' '\n' | grep -vx -e --help -e --version | sorted
}

# The commands a section is about: "claimset storm and claimset evacuate".
section_of() { # CMD: the section titles naming it
    printf '%s\n' "$entries" | cut -d'|' -f1 | sort -u |
        grep -E "(^| )claimset $1( |\$)"
}

cmds=$("$bin" --help | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p' | grep -vx help)
for cmd in $cmds; do
    secs=$(section_of "$cmd")
    want=$("$bin" "$cmd" --help | help_options)
    if [ -z "$secs" ]; then
        [ -z "$want" ] && { ok; continue; }
        bad "claimset $cmd: no section documents its options ($want)"
        continue
    fi
    have=$(printf '%s\n' "$entries" | while IFS='|' read -r s o; do
        printf '%s\n' "$secs" | grep -qxF "$s" && echo "$o"
    done | sorted)
    for o in $want; do
        case " $have " in
        *" $o "*) ok ;;
        *) bad "claimset $cmd $o: in --help, not in $(basename "$page")" ;;
        esac
    done
done

# Every entry of a command section belongs to one of its commands.
printf '%s\n' "$entries" | cut -d'|' -f1 | sort -u | grep '^claimset ' | while read -r sec; do
    mine=$(printf '%s\n' "$sec" | tr ' ' '\n' | grep -vx -e claimset -e and)
    all=$(for c in $mine; do "$bin" "$c" --help 2>/dev/null | help_options; done | sorted)
    printf '%s\n' "$entries" | grep -F "$sec|" | cut -d'|' -f2 | while read -r o; do
        case " $all " in
        *" $o "*) ;;
        *) echo "FAIL: $o documented in section '$sec' but no such option in --help of: $(printf "%s " $mine)" ;;
        esac
    done
done >"${TMPDIR:-/tmp}/man-options.$$"
if [ -s "${TMPDIR:-/tmp}/man-options.$$" ]; then
    cat "${TMPDIR:-/tmp}/man-options.$$"
    failed=$((failed + $(wc -l <"${TMPDIR:-/tmp}/man-options.$$")))
else
    ok
fi
rm -f "${TMPDIR:-/tmp}/man-options.$$"

# The options every command takes, given once at the top.
for o in --help --version; do
    if grep -q "^\.B .*\\\\-\\\\-${o#--}\$" "$page"; then ok; else bad "$o not documented"; fi
done

# Readable with man -l: it renders, with its NAME line.
if command -v man >/dev/null 2>&1; then
    if MANWIDTH=80 man -l "$page" 2>/dev/null | grep -q '^NAME'; then ok; else bad "man -l $page shows no NAME section"; fi
fi

echo "# $passed passed, $failed failed"
[ "$failed" -eq 0 ]
