#!/usr/bin/env bash
# The bash completion of claimset, sourced into bash and driven the way
# bash drives it (COMP_WORDS, COMP_CWORD, then the function), checked
# against the command itself:
#
#   tests/docs/test_completion.sh BINARY
#
#  - the subcommands offered are those `claimset --help` lists;
#  - for every subcommand, `claimset CMD --<TAB>` offers exactly the long
#    options `claimset CMD --help` lists (so the two cannot drift);
#  - `--policies <TAB>` offers the policies of `claimset storm --help`,
#    and completes the last name of a comma-separated list;
#  - prefixes narrow the choice (`claimset st<TAB>` is storm).
# Exit 0 when all hold; one FAIL line per difference otherwise.
set -u
bin=${1:?usage: $0 BINARY}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tools/completion/claimset.bash
. "$here/../../tools/completion/claimset.bash"
failed=0
passed=0

# complete_words WORD...: COMPREPLY for the last word, sorted, one line.
complete_words() {
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMPREPLY=()
    _claimset
    printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

expect() { # NAME GOT WANT
    if [ "$2" = "$3" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $1: offered '$2', expected '$3'"
    fi
}

sorted() { tr ' ' '\n' | grep . | sort -u | tr '\n' ' ' | sed 's/ $//'; }

# The long options a help text lists: option lines start with two spaces.
help_options() {
    sed -n 's/^  \(-[A-Za-z], \)\{0,1\}\(--[a-z][a-z-]*\)\(, \(--[a-z][a-z-]*\)\)\{0,1\}.*/\2 \4/p' | sorted
}

cmds=$("$bin" --help | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p')
expect commands "$(complete_words claimset '')" "$(echo "$cmds" | sorted)"
expect prefix-st "$(complete_words claimset st)" "storm"
expect prefix-e "$(complete_words claimset e)" "evacuate"
expect top-options "$(complete_words claimset --)" "--help --version"
expect help-cmd "$(complete_words claimset help pl)" "place"

for cmd in $cmds; do
    [ "$cmd" = help ] && continue
    want=$("$bin" "$cmd" --help | help_options)
    [ -n "$want" ] || { failed=$((failed + 1)); echo "FAIL: no options in claimset $cmd --help"; }
    expect "$cmd-options" "$(complete_words claimset "$cmd" --)" "$want"
    # Options after other arguments still complete.
    expect "$cmd-later" "$(complete_words claimset "$cmd" x --he)" "--help"
done

policies=$("$bin" storm --help | sed -n '/^Policies:/,/^$/s/^  \([a-z][a-z+-]*\) .*/\1/p' | sorted)
expect policies "$(complete_words claimset storm --policies '')" "$(echo "$policies all" | sorted)"
expect policy-list "$(complete_words claimset storm --policies none,leg)" "none,legacy"
expect policy-list-prefix "$(complete_words claimset evacuate --policies legacy,claim-sets)" \
    "legacy,claim-sets legacy,claim-sets+global"
expect topology-keywords "$(cd / && complete_words claimset info --topology hos)" "host"
expect number-value "$(complete_words claimset storm --vms '')" ""

echo "# $passed passed, $failed failed"
[ "$failed" -eq 0 ]
