#!/bin/sh
# Compare the differential traces of the in-process host and real Xen.
#   compare-traces.sh SIM XEN ALLOWED DECISIONS
# A line is "step: values".  Steps must come in the same order; a step
# whose values differ passes only if ALLOWED lists it ("step Dnn reason")
# and DECISIONS (docs/decisions.md) has that decision.  One PASS/FAIL
# line per step.
sim=$1 xen=$2 allowed=$3 decisions=$4
ns=$(wc -l <"$sim")
nx=$(wc -l <"$xen")
if [ "$ns" -ne "$nx" ] || [ "$ns" -eq 0 ]; then
    echo "FAIL diff.trace_lengths: in-process $ns lines, Xen $nx lines"
    exit 0
fi
i=0
while [ "$i" -lt "$ns" ]; do
    i=$((i + 1))
    a=$(sed -n "${i}p" "$sim")
    b=$(sed -n "${i}p" "$xen")
    step=${a%%:*}
    if [ "$step" != "${b%%:*}" ]; then
        echo "FAIL diff.$i: steps differ: '$a' / '$b'"
    elif [ "$a" = "$b" ]; then
        echo "PASS diff.$step.$i"
    else
        why=$(awk -v s="$step" '$1 == s { print $2; exit }' "$allowed")
        if [ -n "$why" ] && grep -q "^### $why\." "$decisions"; then
            echo "PASS diff.$step.$i (documented difference, $why): in-process '$a', Xen '$b'"
        else
            echo "FAIL diff.$step.$i: in-process '$a', Xen '$b' (no documented difference)"
        fi
    fi
done
