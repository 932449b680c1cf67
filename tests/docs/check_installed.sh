#!/bin/sh
# What `make install` installs for users, besides the libraries: the three
# man pages, readable with `man -l`, and the bash completion, which loads
# in bash and completes the subcommands.
#
#   tests/docs/check_installed.sh PREFIX
set -u
prefix=${1:?usage: $0 PREFIX}
failed=0
bad() {
    echo "FAIL: $*"
    failed=$((failed + 1))
}
for page in man1/claimset.1 man5/claimset-scenario.5 man3/claimset-xenctrl.3; do
    f=$prefix/share/man/$page
    if [ ! -s "$f" ]; then
        bad "$page not installed"
    elif ! MANWIDTH=80 man -l "$f" 2>/dev/null | grep -q '^NAME'; then
        bad "man -l $f shows no NAME section"
    fi
done
comp=$prefix/share/bash-completion/completions/claimset
if [ ! -s "$comp" ]; then
    bad "bash completion not installed"
else
    got=$(bash -c '. "$1"; COMP_WORDS=(claimset ev); COMP_CWORD=1; _claimset; echo "${COMPREPLY[*]}"' _ "$comp")
    [ "$got" = evacuate ] || bad "installed completion: 'claimset ev<TAB>' gave '$got'"
fi
[ $failed -eq 0 ] && echo "ok: man pages and bash completion installed in $prefix"
[ $failed -eq 0 ]
