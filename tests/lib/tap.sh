# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# TAP helpers for integration scripts (bash): source this file, call the
# tap_* assertions, end with `tap_done`. Each assertion prints one TAP line;
# a failure prints its diagnostics as "# " lines right after it, which
# tests/run.sh shows indented under the FAIL line.
#
# Environment given by tests/run.sh (defaults work when run by hand from the
# repository root): REPO, BUILD, RUNSC (the runsc-c binary), HELPER (the
# static test helper), TAP_TIMEOUT (seconds per command, default 30).
# T_TMP is a fresh directory removed when the script exits.

REPO=${REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-$REPO/build}
case $BUILD in /*) ;; *) BUILD=$REPO/$BUILD ;; esac
RUNSC=${RUNSC:-$BUILD/runsc-c}
HELPER=${HELPER:-$BUILD/tests/helper/init}
TAP_TIMEOUT=${TAP_TIMEOUT:-30}
export REPO BUILD RUNSC HELPER

tap_count_=0
tap_failed_=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/runsc-c-test.XXXXXX")
trap 'rm -rf "$T_TMP"' EXIT

# tap_diag LINE...: prints each argument (and each line in it) as a "# " line.
tap_diag() {
    local line
    for line in "$@"; do
        while IFS= read -r l || [ -n "$l" ]; do
            printf '#   %s\n' "$l"
        done <<<"$line"
    done
}

# tap_result OK NAME [DIAG...]: prints "ok N - NAME" when OK is 0, else
# "not ok N - NAME" and the diagnostics. Returns OK.
tap_result() {
    local status=$1 name=$2
    shift 2
    tap_count_=$((tap_count_ + 1))
    if [ "$status" -eq 0 ]; then
        printf 'ok %d - %s\n' "$tap_count_" "$name"
        return 0
    fi
    tap_failed_=$((tap_failed_ + 1))
    printf 'not ok %d - %s\n' "$tap_count_" "$name"
    [ $# -gt 0 ] && tap_diag "$@"
    return 1
}

# tap_run CMD [ARGS...]: runs an external command under `timeout`, in the
# directory $T_CWD (default: the current one), with stdin from $T_STDIN
# (default /dev/null). Sets T_RC, T_OUT and T_ERR (stdout and stderr without
# their last newline). Never fails itself. Use `T_CWD=dir tap_run ...` rather
# than a subshell: a subshell's test results are not counted.
tap_run() {
    local out=$T_TMP/.out err=$T_TMP/.err
    T_RC=0
    # The outer 2>/dev/null silences bash's "Killed" notice when a command
    # dies of a signal (timeout re-raises its child's signal).
    { (cd "${T_CWD:-.}" && exec timeout -k 5 "$TAP_TIMEOUT" "$@") <"${T_STDIN:-/dev/null}" \
        >"$out" 2>"$err"; } 2>/dev/null || T_RC=$?
    T_OUT=$(cat "$out")
    T_ERR=$(cat "$err")
    T_CMD="$*"
    [ "$T_RC" -eq 124 ] && T_ERR="$T_ERR
(timed out after ${TAP_TIMEOUT}s)"
    return 0
}

# The last tap_run's command and results, as diagnostics.
tap_last_run() {
    printf 'command: %s\nexit status: %s\nstdout: %s\nstderr: %s' "$T_CMD" "$T_RC" "$T_OUT" "$T_ERR"
}

# tap_ok NAME CMD [ARGS...]: passes when CMD (run with tap_run) exits 0.
tap_ok() {
    local name=$1
    shift
    tap_run "$@"
    tap_result "$([ "$T_RC" -eq 0 ] && echo 0 || echo 1)" "$name" "$(tap_last_run)"
}

# tap_rc WANT NAME: passes when the last tap_run exited with status WANT.
tap_rc() {
    tap_result "$([ "$T_RC" -eq "$1" ] && echo 0 || echo 1)" "$2" "want exit status $1" \
        "$(tap_last_run)"
}

# tap_is GOT WANT NAME: string equality.
tap_is() {
    tap_result "$([ "$1" = "$2" ] && echo 0 || echo 1)" "$3" "got:  '$1'" "want: '$2'"
}

# tap_like GOT REGEX NAME: GOT matches the extended regular expression REGEX
# (grep -E; on multi-line GOT, any line may match).
tap_like() {
    local r=1
    printf '%s\n' "$1" | grep -qE -- "$2" && r=0
    tap_result "$r" "$3" "got:  '$1'" "want match for: $2"
}

# tap_unlike GOT REGEX NAME: no line of GOT matches REGEX.
tap_unlike() {
    local r=0
    printf '%s\n' "$1" | grep -qE -- "$2" && r=1
    tap_result "$r" "$3" "got:  '$1'" "want no match for: $2"
}

# tap_pass NAME / tap_fail NAME [DIAG...]: an explicit result.
tap_pass() {
    tap_result 0 "$1"
}
tap_fail() {
    local name=$1
    shift
    tap_result 1 "$name" "$@"
}

# tap_done: prints the plan and exits 0 when every test passed, else 1.
tap_done() {
    printf '1..%d\n' "$tap_count_"
    [ "$tap_failed_" -eq 0 ] && exit 0
    exit 1
}
