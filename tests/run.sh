#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The test runner behind `make test`: runs the tiers given as arguments
# (format, unit, integration, syscalls, e2e; default all, in that order;
# E2E=0 leaves e2e out), never stops at the first failure, prints one line per
# test and ends with "N passed, N failed, N skipped". Exits 1 when anything
# failed.
#
#   PASS tier/name
#   FAIL tier/name          (the failing output follows, indented)
#   XFAIL tier/name (reason) a failure listed in tests/known_failures.cfg
#
# tests/known_failures.cfg: "#" comments; every other line is
# "<test-id> <reason...>", sorted. A listed test that fails counts as
# skipped; one that passes, or that never ran although its tier did, fails.
# A reason that starts with "flaky:" marks a test known to fail only some of
# the time (the reason says why): it counts as passed when it passes and as
# skipped when it fails, so the list records it without hiding it.
set -uo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$REPO/$BUILD ;; esac
RUNSC=$BUILD/runsc-c
HELPER=$BUILD/tests/helper/init
KNOWN_FAILURES=${KNOWN_FAILURES:-$REPO/tests/known_failures.cfg}
UNIT_TIMEOUT=${UNIT_TIMEOUT:-60}
INTEGRATION_TIMEOUT=${INTEGRATION_TIMEOUT:-600}
SYSCALLS_TIMEOUT=${SYSCALLS_TIMEOUT:-3600}
MAX_OUTPUT_LINES=${MAX_OUTPUT_LINES:-60}
export REPO BUILD RUNSC HELPER

ALL_TIERS=(format unit integration syscalls e2e)
# e2e (tests/e2e: Docker, Podman, containerd driving runsc-c) runs last, by
# default; E2E=0 leaves it out (a quick run without the container clients).
DEFAULT_TIERS=(format unit integration syscalls)
[ "${E2E:-1}" = 1 ] && DEFAULT_TIERS+=(e2e)
E2E_TIER_TIMEOUT=${E2E_TIER_TIMEOUT:-1800}

passed=0
failed=0
skipped=0
declare -A kf_reason=() # test id -> reason
declare -A kf_seen=()   # test id -> 1 once reported
declare -A tier_ran=()  # tier -> 1

WORK=$(mktemp -d "${TMPDIR:-/tmp}/runsc-c-run.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# indent FILE: the file's lines indented by 4, at most MAX_OUTPUT_LINES.
indent() {
    local n
    n=$(wc -l <"$1")
    head -n "$MAX_OUTPUT_LINES" "$1" | sed 's/^/    /'
    if [ "$n" -gt "$MAX_OUTPUT_LINES" ]; then
        echo "    ... ($((n - MAX_OUTPUT_LINES)) more lines)"
    fi
}

# report ID DISPLAY STATUS [OUTPUT_FILE]: records one test result. STATUS is
# pass, fail or check (a pass that is not counted or printed: used for
# whole-binary checks such as "exited cleanly", which only matter when they
# fail). Applies tests/known_failures.cfg.
report() {
    local id=$1 display=$2 status=$3 out=${4:-}
    if [ -n "${kf_reason[$id]+x}" ]; then
        kf_seen[$id]=1
        if [ "$status" = fail ]; then
            echo "XFAIL $display (${kf_reason[$id]})"
            skipped=$((skipped + 1))
        elif [[ ${kf_reason[$id]} == flaky:* ]]; then
            if [ "$status" = pass ]; then
                echo "PASS $display (listed as ${kf_reason[$id]})"
                passed=$((passed + 1))
            fi
        else
            echo "FAIL $display"
            echo "    now passes: remove it from tests/known_failures.cfg"
            failed=$((failed + 1))
        fi
        return
    fi
    case $status in
    pass)
        echo "PASS $display"
        passed=$((passed + 1))
        ;;
    check) ;;
    *)
        echo "FAIL $display"
        [ -n "$out" ] && [ -s "$out" ] && indent "$out"
        failed=$((failed + 1))
        ;;
    esac
}

# fail_msg ID MESSAGE: reports a failure whose output is MESSAGE.
fail_msg() {
    printf '%s\n' "$2" >"$WORK/msg"
    report "$1" "$1" fail "$WORK/msg"
}

# Loads tests/known_failures.cfg and checks that it is well formed and sorted.
load_known_failures() {
    local line id reason lineno=0 bad=()
    : >"$WORK/kf_ids"
    if [ ! -f "$KNOWN_FAILURES" ]; then
        fail_msg meta/known_failures_sorted "missing $KNOWN_FAILURES"
        return
    fi
    while IFS= read -r line || [ -n "$line" ]; do
        lineno=$((lineno + 1))
        case $line in '#'* | '') continue ;; esac
        id=${line%%[[:space:]]*}
        reason=${line#"$id"}
        reason=$(echo "$reason" | sed 's/^[[:space:]]*//;s/[[:space:]]*$//')
        if [ -z "$reason" ]; then
            bad+=("line $lineno: \"$id\" has no reason")
            continue
        fi
        if [ -n "${kf_reason[$id]+x}" ]; then
            bad+=("line $lineno: \"$id\" is listed twice")
            continue
        fi
        kf_reason[$id]=$reason
        echo "$id" >>"$WORK/kf_ids"
    done <"$KNOWN_FAILURES"
    if ! LC_ALL=C sort -c "$WORK/kf_ids" 2>"$WORK/sortmsg"; then
        bad+=("entries are not sorted (LC_ALL=C sort): $(sed "s/^sort: //;s|$WORK/kf_ids:|entry |" "$WORK/sortmsg")")
    fi
    if [ ${#bad[@]} -eq 0 ]; then
        report meta/known_failures_sorted meta/known_failures_sorted pass
    else
        printf '%s\n' "${bad[@]}" >"$WORK/msg"
        report meta/known_failures_sorted meta/known_failures_sorted fail "$WORK/msg"
    fi
}

# parse_tap PREFIX OUTPUT_FILE [slug]: reports every TAP line of OUTPUT_FILE
# as PREFIX/N (displayed "PREFIX/N - name"), or with "slug" as PREFIX/<the
# name in lower case, each run of other characters than [a-z0-9] one "-">
# ("-2", "-3" added to a repeated one), which stays the same when tests are
# added before it; a failure's output is every non-TAP line between the
# previous test line and the next one. Sets tap_plan (-1 when none),
# tap_lines and tap_fails.
parse_tap() {
    local prefix=$1 file=$2 ids=${3:-num} line num name status i j id
    local -a lines=()
    local -A slug_seen=()
    mapfile -t lines <"$file"
    tap_plan=-1
    tap_lines=0
    tap_fails=0
    local prev=-1
    for ((i = 0; i < ${#lines[@]}; i++)); do
        line=${lines[$i]}
        if [[ $line =~ ^1\.\.([0-9]+) ]]; then
            tap_plan=${BASH_REMATCH[1]}
            continue
        fi
        [[ $line =~ ^(not\ )?ok\ ([0-9]+)(\ +-?\ *(.*))?$ ]] || continue
        num=${BASH_REMATCH[2]}
        name=${BASH_REMATCH[4]}
        id=$prefix/$num
        if [ "$ids" = slug ]; then
            id=$(printf '%s' "$name" | tr 'A-Z' 'a-z' | tr -cs 'a-z0-9' '-' | sed 's/^-//; s/-$//')
            id=${id:-$num}
            slug_seen[$id]=$((${slug_seen[$id]:-0} + 1))
            [ "${slug_seen[$id]}" -gt 1 ] && id=$id-${slug_seen[$id]}
            id=$prefix/$id
        fi
        status=pass
        [ -n "${BASH_REMATCH[1]}" ] && status=fail
        tap_lines=$((tap_lines + 1))
        if [ "$status" = fail ]; then
            tap_fails=$((tap_fails + 1))
            : >"$WORK/tapout"
            for ((j = prev + 1; j < ${#lines[@]}; j++)); do
                [ "$j" -eq "$i" ] && continue
                [[ ${lines[$j]} =~ ^(not\ )?ok\ [0-9]+ ]] && [ "$j" -gt "$i" ] && break
                [[ ${lines[$j]} =~ ^1\.\.[0-9]+ ]] && continue
                printf '%s\n' "${lines[$j]}" >>"$WORK/tapout"
            done
            report "$id" "$id${name:+ - $name}" fail "$WORK/tapout"
        else
            report "$id" "$id${name:+ - $name}" pass
        fi
        prev=$i
    done
}

# check_tap_run ID RC OUTPUT_FILE: the whole-program check of a TAP producer:
# it must exit 0 when every test passed (1 when some failed), not be killed,
# print a plan, and the plan must match the tests it printed.
check_tap_run() {
    local id=$1 rc=$2 out=$3 why=""
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        why="timed out (exit status $rc)"
    elif [ "$rc" -gt 128 ]; then
        why="killed by signal $((rc - 128))"
    elif [ "$tap_plan" -lt 0 ]; then
        why="no TAP plan (1..N) printed (exit status $rc)"
    elif [ "$tap_plan" -ne "$tap_lines" ]; then
        why="plan mismatch: planned $tap_plan tests, ran $tap_lines (exit status $rc)"
    elif [ "$rc" -ne 0 ] && [ "$tap_fails" -eq 0 ]; then
        why="exited with status $rc although every test passed"
    elif [ "$rc" -eq 0 ] && [ "$tap_fails" -ne 0 ]; then
        why="exited 0 although $tap_fails tests failed"
    fi
    if [ -z "$why" ]; then
        report "$id" "$id" check
        return
    fi
    {
        echo "$why"
        echo "output:"
        tail -n 30 "$out"
    } >"$WORK/msg"
    report "$id" "$id" fail "$WORK/msg"
}

tier_format() {
    local rc=0
    timeout -k 5 300 make --no-print-directory -s -C "$REPO" format-check \
        </dev/null >"$WORK/out" 2>&1 || rc=$?
    if [ "$rc" -eq 0 ]; then
        report format/format-check format/format-check pass
    else
        report format/format-check format/format-check fail "$WORK/out"
    fi
}

tier_unit() {
    local src name bin rc
    for src in "$REPO"/tests/unit/test_*.c; do
        [ -e "$src" ] || continue
        name=$(basename "$src" .c)
        bin=$BUILD/tests/unit/$name
        if [ ! -x "$bin" ]; then
            fail_msg "unit/$name" "not built: $bin (run \`make BUILD=$BUILD test\`)"
            continue
        fi
        rc=0
        # The outer 2>/dev/null drops bash's "Segmentation fault" notice; the
        # crash is reported from the exit status.
        { (cd "$WORK" && timeout -k 5 "$UNIT_TIMEOUT" "$bin") </dev/null >"$WORK/out" 2>&1; } \
            2>/dev/null || rc=$?
        parse_tap "unit/$name" "$WORK/out"
        check_tap_run "unit/$name" "$rc" "$WORK/out"
    done
}

tier_integration() {
    local script name rc
    for script in "$REPO"/tests/integration/*.sh; do
        [ -e "$script" ] || continue
        name=$(basename "$script" .sh)
        rc=0
        { (cd "$REPO" && timeout -k 10 "$INTEGRATION_TIMEOUT" bash "$script") \
            </dev/null >"$WORK/out" 2>&1; } 2>/dev/null || rc=$?
        parse_tap "integration/$name" "$WORK/out"
        check_tap_run "integration/$name" "$rc" "$WORK/out"
    done
}

# tests/syscalls/run.sh prints TAP whose test names are the ids below
# syscalls/ ("getpid", "sandbox/getpid"); report them under those ids.
tier_syscalls() {
    local rc=0 line name status i j
    local -a lines=()
    timeout -k 10 "$SYSCALLS_TIMEOUT" "$REPO/tests/syscalls/run.sh" \
        </dev/null >"$WORK/sysout" 2>&1 || rc=$?
    mapfile -t lines <"$WORK/sysout"
    tap_plan=-1
    tap_lines=0
    tap_fails=0
    for ((i = 0; i < ${#lines[@]}; i++)); do
        line=${lines[$i]}
        if [[ $line =~ ^1\.\.([0-9]+) ]]; then
            tap_plan=${BASH_REMATCH[1]}
            continue
        fi
        [[ $line =~ ^(not\ )?ok\ [0-9]+\ -\ (.*)$ ]] || continue
        name=${BASH_REMATCH[2]}
        tap_lines=$((tap_lines + 1))
        if [ -z "${BASH_REMATCH[1]}" ]; then
            report "syscalls/$name" "syscalls/$name" pass
            continue
        fi
        tap_fails=$((tap_fails + 1))
        : >"$WORK/tapout"
        for ((j = i + 1; j < ${#lines[@]}; j++)); do
            [[ ${lines[$j]} =~ ^#\ ?(.*)$ ]] || break
            printf '%s\n' "${BASH_REMATCH[1]}" >>"$WORK/tapout"
        done
        report "syscalls/$name" "syscalls/$name" fail "$WORK/tapout"
    done
    check_tap_run syscalls/run.sh "$rc" "$WORK/sysout"
}

# Each client script of tests/e2e prints TAP; a check's id is the slug of its
# name (e2e/docker/run-rm-echo-hi-exits-0), so adding checks moves no id.
tier_e2e() {
    local name rc
    for name in docker podman containerd; do
        rc=0
        { (cd "$REPO" && timeout -k 30 "$E2E_TIER_TIMEOUT" bash "tests/e2e/$name.sh") \
            </dev/null >"$WORK/out" 2>&1; } 2>/dev/null || rc=$?
        parse_tap "e2e/$name" "$WORK/out" slug
        check_tap_run "e2e/$name" "$rc" "$WORK/out"
    done
}

# A known failure whose tier ran but which was never reported is stale. With
# RUN_SYSCALLS_IN_SANDBOX off, syscalls/sandbox/* ids cannot have run.
check_stale_known_failures() {
    local id tier sandbox_on
    sandbox_on=$(sed -n 's/^RUN_SYSCALLS_IN_SANDBOX=\${RUN_SYSCALLS_IN_SANDBOX:-\([01]\)}.*/\1/p' \
        "$REPO/tests/syscalls/run.sh" 2>/dev/null)
    sandbox_on=${RUN_SYSCALLS_IN_SANDBOX:-${sandbox_on:-0}}
    while IFS= read -r id; do
        [ -n "${kf_seen[$id]+x}" ] && continue
        tier=${id%%/*}
        [ -n "${tier_ran[$tier]+x}" ] || continue
        [[ $id == syscalls/sandbox/* ]] && [ "$sandbox_on" != 1 ] && continue
        echo "FAIL $id"
        echo "    listed in tests/known_failures.cfg but never ran: remove the stale entry"
        failed=$((failed + 1))
    done <"$WORK/kf_ids"
}

main() {
    local tiers=("$@") t
    [ ${#tiers[@]} -eq 0 ] && tiers=("${DEFAULT_TIERS[@]}")
    for t in "${tiers[@]}"; do
        case " ${ALL_TIERS[*]} " in
        *" $t "*) ;;
        *)
            echo "tests/run.sh: unknown tier \"$t\" (tiers: ${ALL_TIERS[*]})" >&2
            exit 2
            ;;
        esac
    done
    load_known_failures
    # Tiers always run in the canonical order, whatever the argument order.
    for t in "${ALL_TIERS[@]}"; do
        case " ${tiers[*]} " in *" $t "*) ;; *) continue ;; esac
        tier_ran[$t]=1
        "tier_$t"
    done
    check_stale_known_failures
    echo "$passed passed, $failed failed, $skipped skipped"
    [ "$failed" -eq 0 ]
}

main "$@"
