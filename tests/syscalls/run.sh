#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Runs the syscall test programs ($BUILD/tests/syscalls/<name>, built from
# tests/syscalls/<name>.c) natively and, when RUN_SYSCALLS_IN_SANDBOX=1, inside
# the sandbox with `runsc-c do -- <prog>`. Prints TAP whose test names are the
# test ids below syscalls/: "<name>" (native) and "sandbox/<name>". A run
# passes when it exits 0 and its stdout ends with "TEST OK"; a sandbox run
# passes when both it and the native run pass. Failures are followed by "# "
# diagnostic lines. Two programs run at a time, each under a 30 s timeout.
#
#   tests/syscalls/run.sh [NAME...]      (default: every tests/syscalls/*.c)
#
# RUNSC_PLATFORM=systrap runs the sandbox half on that platform (default: the
# runtime's own default).
RUN_SYSCALLS_IN_SANDBOX=${RUN_SYSCALLS_IN_SANDBOX:-1}
set -uo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$REPO/$BUILD ;; esac
RUNSC=${RUNSC:-$BUILD/runsc-c}
PROG_DIR=$BUILD/tests/syscalls
PROG_TIMEOUT=${PROG_TIMEOUT:-30}
JOBS=${JOBS:-2}
RUNSC_PLATFORM=${RUNSC_PLATFORM:-}
export REPO BUILD RUNSC PROG_DIR PROG_TIMEOUT RUN_SYSCALLS_IN_SANDBOX RUNSC_PLATFORM

# run_mode NAME MODE DIR: runs one program natively or in the sandbox, and
# writes DIR/NAME.MODE.{rc,out,err}.
run_mode() {
    local name=$1 mode=$2 dir=$3 prog=$PROG_DIR/$1 rc=0
    local base=$dir/$name.$mode
    if [ "$mode" = native ]; then
        (cd "$dir" && timeout -k 5 "$PROG_TIMEOUT" "$prog") \
            </dev/null >"$base.out" 2>"$base.err" || rc=$?
    else
        mkdir -p "$dir/$name.root"
        (cd "$dir" && timeout -k 5 "$PROG_TIMEOUT" \
            "$RUNSC" --root "$dir/$name.root" ${RUNSC_PLATFORM:+--platform="$RUNSC_PLATFORM"} \
                "do" -- "$prog") \
            </dev/null >"$base.out" 2>"$base.err" || rc=$?
    fi
    echo "$rc" >"$base.rc"
}

# One job of the parallel run: both modes of one program.
if [ "${1:-}" = --one ]; then
    run_mode "$2" native "$3"
    [ "$RUN_SYSCALLS_IN_SANDBOX" = 1 ] && run_mode "$2" sandbox "$3"
    exit 0
fi

# is_ok DIR NAME MODE: exit 0 and the last line of stdout is "TEST OK".
is_ok() {
    local base=$1/$2.$3
    [ "$(cat "$base.rc")" = 0 ] && [ "$(tail -n 1 "$base.out")" = "TEST OK" ]
}

# describe DIR NAME MODE: the diagnostics of one run.
describe() {
    local base=$1/$2.$3 rc
    rc=$(cat "$base.rc")
    case $rc in
    124 | 137) echo "$3 run: timed out after ${PROG_TIMEOUT}s (exit status $rc)" ;;
    0) echo "$3 run: exit status 0 but stdout does not end with \"TEST OK\"" ;;
    *) echo "$3 run: exit status $rc" ;;
    esac
    echo "stdout:"
    tail -n 20 "$base.out" | sed 's/^/  /'
    echo "stderr:"
    tail -n 20 "$base.err" | sed 's/^/  /'
}

diag() {
    sed 's/^/# /'
}

main() {
    local names=() name n=0 nfail=0
    # Global, so the EXIT trap (run after main returns) still sees it.
    dir=$(mktemp -d "${TMPDIR:-/tmp}/runsc-c-syscalls.XXXXXX")
    trap 'rm -rf "$dir"' EXIT
    if [ $# -gt 0 ]; then
        names=("$@")
    else
        for src in "$REPO"/tests/syscalls/*.c; do
            [ -e "$src" ] && names+=("$(basename "$src" .c)")
        done
    fi
    local runnable=()
    for name in "${names[@]}"; do
        [ -x "$PROG_DIR/$name" ] && runnable+=("$name")
    done
    if [ ${#runnable[@]} -gt 0 ]; then
        printf '%s\n' "${runnable[@]}" |
            xargs -P "$JOBS" -I{} "$0" --one {} "$dir"
    fi
    for name in "${names[@]}"; do
        n=$((n + 1))
        if [ ! -x "$PROG_DIR/$name" ]; then
            nfail=$((nfail + 1))
            echo "not ok $n - $name"
            echo "not built: $PROG_DIR/$name (run \`make BUILD=$BUILD test-programs\`)" | diag
            if [ "$RUN_SYSCALLS_IN_SANDBOX" = 1 ]; then
                n=$((n + 1))
                nfail=$((nfail + 1))
                echo "not ok $n - sandbox/$name"
                echo "not built: $PROG_DIR/$name" | diag
            fi
            continue
        fi
        if is_ok "$dir" "$name" native; then
            echo "ok $n - $name"
        else
            nfail=$((nfail + 1))
            echo "not ok $n - $name"
            describe "$dir" "$name" native | diag
        fi
        [ "$RUN_SYSCALLS_IN_SANDBOX" = 1 ] || continue
        n=$((n + 1))
        if is_ok "$dir" "$name" sandbox && is_ok "$dir" "$name" native; then
            echo "ok $n - sandbox/$name"
        else
            nfail=$((nfail + 1))
            echo "not ok $n - sandbox/$name"
            {
                is_ok "$dir" "$name" native || echo "the native run failed too"
                describe "$dir" "$name" sandbox
            } | diag
        fi
    done
    echo "1..$n"
    [ "$nfail" -eq 0 ]
}

main "$@"
