# bash completion for claimset: subcommands, each one's options, policy
# names after --policies (a comma-separated list), topology keywords and
# files after --topology and drain's --host, files for run and --report.
#
# Installed as share/bash-completion/completions/claimset; to try it from
# the source tree: `. tools/completion/claimset.bash`.  The lists below
# must match `claimset CMD --help`: tests/docs/test_completion.sh checks
# that they do.

_claimset_commands="info place run storm evacuate drain version help"
_claimset_policies="none legacy single-node claim-sets claim-sets+global all"

_claimset_options() { # COMMAND
    local model="--builders --cost-hypercall --cost-page --cost-scrub --strict --threads
        --policies --topology --json --csv --csv-vms --csv-samples --seeds --report --check --help
        --version"
    local sim="--vms --overcommit --size-mix --balloon --balloon-size --offline --seed $model"
    case $1 in
    info) echo "--topology --json --help --version" ;;
    place) echo "--size --vcpus --topology --used --claimed --no-global --json --help --version" ;;
    run) echo "--topology --verbose --json --tap --help --version" ;;
    storm) echo "$sim" ;;
    evacuate) echo "$sim --fill --fragment" ;;
    drain)
        echo "--hosts --drain --host --drained-fill --fill --fragment --vms --size-mix --seed $model"
        ;;
    version) echo "--json --help --version" ;;
    esac
}

_claimset() {
    local cur prev cmd i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}

    # The subcommand: the first word after claimset that is not an option.
    cmd=
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        -*) ;;
        *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done

    if [ -z "$cmd" ]; then
        if [[ $cur == -* ]]; then
            mapfile -t COMPREPLY < <(compgen -W "--help --version -h -V" -- "$cur")
        else
            mapfile -t COMPREPLY < <(compgen -W "$_claimset_commands" -- "$cur")
        fi
        return 0
    fi
    if [ "$cmd" = help ]; then
        [ "$COMP_CWORD" -eq $((i + 1)) ] &&
            mapfile -t COMPREPLY < <(compgen -W "${_claimset_commands% help}" -- "$cur")
        return 0
    fi

    # The value of an option.
    case $prev in
    --policies)
        # A list: complete the last name after the last comma.
        local done_part=${cur%"${cur##*,}"} last=${cur##*,}
        mapfile -t COMPREPLY < <(compgen -P "$done_part" -W "$_claimset_policies" -- "$last")
        return 0
        ;;
    --topology | --host)
        mapfile -t COMPREPLY < <(compgen -W "default host" -- "$cur"; compgen -f -- "$cur")
        return 0
        ;;
    --report)
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return 0
        ;;
    --size | --vcpus | --used | --claimed | --vms | --overcommit | --size-mix | --balloon | \
        --balloon-size | --offline | --seed | --threads | --window | --fill | --fragment | \
        --builders | --cost-hypercall | --cost-page | --cost-scrub | --seeds | --hosts | --drain | \
        --drained-fill)
        return 0 # a number or a size: nothing to offer
        ;;
    esac

    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_claimset_options "$cmd")" -- "$cur")
    elif [ "$cmd" = run ]; then
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    fi
    return 0
}
complete -o filenames -F _claimset claimset
