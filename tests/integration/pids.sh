#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# linux.resources.pids.limit, which the sentry enforces (as gVisor's does): a
# container whose init is a fork bomb (tests/syscalls/pids_limit bomb) reaches
# exactly the limit (its successful forks + 1 init, as Linux's pids cgroup
# counts; checked natively under runc too), fork and pthread_create fail with
# EAGAIN there, and the sandbox stays responsive while the bomb runs: ps,
# exec, events --stats, update --pids-limit, kill then wait (137), and delete
# --force leaves nothing. The host cgroup's pids.max is only a backstop
# (2 x limit + 256) that the sandbox never reaches. On both platforms.
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

LIMIT=64
RAISED=80
ROOT=$T_TMP/state
BUNDLE=$T_TMP/bundle
R=("$RUNSC" --root "$ROOT")
RUNC_ROOT=$T_TMP/runc
NATIVE_ID=pids-$$-native
IDS=()
cleanup() {
    local id
    for id in "${IDS[@]}"; do
        timeout 30 "${R[@]}" delete --force "$id" >/dev/null 2>&1
    done
    if command -v runc >/dev/null; then
        timeout 30 runc --root "$RUNC_ROOT" delete --force "$NATIVE_ID" >/dev/null 2>&1
    fi
    rm -rf "$T_TMP"
}
trap cleanup EXIT

mkdir -p "$BUNDLE"
tap_ok "setup: mkrootfs.sh builds the rootfs" \
    "$REPO/scripts/mkrootfs.sh" "$BUNDLE/rootfs" --helper "$HELPER"
cp "$BUILD/tests/syscalls/pids_limit" "$BUNDLE/rootfs/pids_limit"
T_CWD=$T_TMP tap_run "$RUNSC" spec
jq ".process.terminal = false | .process.args = [\"/pids_limit\", \"bomb\"] |
    .linux.resources.pids = {\"limit\": $LIMIT}" "$T_TMP/config.json" >"$BUNDLE/config.json"
# Threads count: a process makes threads until the limit of 16, then cannot fork.
THREADS_BUNDLE=$T_TMP/threads
mkdir -p "$THREADS_BUNDLE"
jq ".root.path = \"$BUNDLE/rootfs\" | .process.args = [\"/pids_limit\", \"threads\"] |
    .linux.resources.pids = {\"limit\": 16}" "$BUNDLE/config.json" >"$THREADS_BUNDLE/config.json"
THREADS_WANT="threads 15
fork EAGAIN"

# What the bomb prints at the limit: its forks (the init counts too), then pthread_create's error.
COUNTED="forks $((LIMIT - 1))
thread EAGAIN"

# wait_ready FILE: waits (up to 30 s) until the bomb printed "ready" into FILE.
wait_ready() {
    local i
    for ((i = 0; i < 300; i++)); do
        grep -q '^ready$' "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# nprocs ID RUNTIME...: how many processes `ps` lists for container ID (-1 when ps fails).
nprocs() {
    local id=$1 out
    shift
    out=$(timeout 30 "$@" ps "$id" 2>/dev/null) || {
        echo -1
        return
    }
    echo $(($(printf '%s\n' "$out" | wc -l) - 1))
}

# pids_stats ID: events --stats's pids object, compact.
pids_stats() {
    timeout 30 "${R[@]}" events --stats "$1" 2>&1 | jq -c .data.pids 2>&1
}

# The same bundle natively: what Linux's pids cgroup says (runc is the reference).
if command -v runc >/dev/null && [ "$(id -u)" = 0 ]; then
    timeout 30 runc --root "$RUNC_ROOT" run -d --bundle "$BUNDLE" "$NATIVE_ID" \
        >"$T_TMP/native.out" 2>&1 </dev/null
    wait_ready "$T_TMP/native.out"
    tap_is "$(grep -E '^(forks|thread) ' "$T_TMP/native.out")" "$COUNTED" \
        "native (runc): $((LIMIT - 1)) forks + the init reach the limit; a thread is EAGAIN"
    tap_is "$(nprocs "$NATIVE_ID" runc --root "$RUNC_ROOT")" $LIMIT \
        "native (runc): ps lists $LIMIT processes"
    timeout 30 runc --root "$RUNC_ROOT" delete --force "$NATIVE_ID" >/dev/null 2>&1
    tap_run runc --root "$RUNC_ROOT" run --bundle "$THREADS_BUNDLE" "$NATIVE_ID"
    tap_is "$T_OUT" "$THREADS_WANT" "native (runc): 15 threads + the process reach a limit of 16"
    timeout 30 runc --root "$RUNC_ROOT" delete --force "$NATIVE_ID" >/dev/null 2>&1
else
    tap_pass "native (runc): the same bomb under runc # SKIP needs runc and root"
    tap_pass "native (runc): threads under runc # SKIP needs runc and root"
fi

for plat in systrap ptrace; do
    id=pids-$$-$plat
    IDS+=("$id" "$id-threads")
    tap_run "${R[@]}" --platform="$plat" run --bundle "$THREADS_BUNDLE" "$id-threads"
    tap_is "$T_OUT" "$THREADS_WANT" "$plat: 15 threads + the process reach a limit of 16"
    timeout 30 "${R[@]}" delete --force "$id-threads" >/dev/null 2>&1
    # `run -d` passes its stdio through to the init.
    rc=0
    timeout 30 "${R[@]}" --platform="$plat" run -d --bundle "$BUNDLE" "$id" \
        >"$T_TMP/bomb.out" 2>&1 </dev/null || rc=$?
    tap_result $rc "$plat: run -d starts the bomb" "exit status $rc"
    tap_result "$(wait_ready "$T_TMP/bomb.out" && echo 0 || echo 1)" \
        "$plat: the bomb counted its forks" "$(cat "$T_TMP/bomb.out")"
    tap_is "$(grep -E '^(forks|thread) ' "$T_TMP/bomb.out")" "$COUNTED" \
        "$plat: $((LIMIT - 1)) forks + the init reach the limit; then fork and threads are EAGAIN"
    sandbox_pid=$(jq -r .sandboxPid "$ROOT/$id/meta.json")
    cg=$(cat "$ROOT/$id/cgroup.path")
    pids_dir=/sys/fs/cgroup/pids$cg
    [ -d "$pids_dir" ] || pids_dir=/sys/fs/cgroup$cg

    # Every process retries its fork 50 times a second: the bomb runs from here on.
    sleep 1
    tap_is "$(nprocs "$id" "${R[@]}")" $LIMIT "$plat: ps works during the bomb: $LIMIT processes"
    tap_is "$(pids_stats "$id")" "{\"current\":$LIMIT,\"limit\":$LIMIT}" \
        "$plat: events --stats: pids.current and the limit are the sentry's"
    tap_is "$(cat "$pids_dir/pids.max" 2>&1)" $((2 * LIMIT + 256)) \
        "$plat: the host cgroup's pids.max is the backstop 2 x $LIMIT + 256"
    host=$(cat "$pids_dir/pids.current" 2>/dev/null || echo 0)
    tap_result "$([ "$host" -gt 0 ] && [ "$host" -lt $((2 * LIMIT + 256)) ] && echo 0 || echo 1)" \
        "$plat: the sandbox stays below the backstop ($host host tasks)"
    for i in 1 2 3; do
        tap_run "${R[@]}" exec "$id" /init echo "alive $i"
        tap_is "$T_OUT" "alive $i" "$plat: exec $i works during the bomb"
    done
    tap_run "${R[@]}" exec "$id" /pids_limit tryfork
    tap_is "$T_OUT" "fork EAGAIN" "$plat: an exec'd process joins at the limit: its fork is EAGAIN"

    # A raised limit: the bomb grows to it and no further.
    tap_ok "$plat: update --pids-limit $RAISED" "${R[@]}" update --pids-limit $RAISED "$id"
    for ((i = 0; i < 100; i++)); do
        [ "$(nprocs "$id" "${R[@]}")" = $RAISED ] && break
        sleep 0.1
    done
    sleep 1
    tap_is "$(nprocs "$id" "${R[@]}")" $RAISED \
        "$plat: the bomb grows to the raised limit, no further"
    tap_is "$(pids_stats "$id")" "{\"current\":$RAISED,\"limit\":$RAISED}" \
        "$plat: events --stats after the update"
    tap_is "$(cat "$pids_dir/pids.max" 2>&1)" $((2 * RAISED + 256)) \
        "$plat: update moves the backstop too"
    echo "{\"pids\":{\"limit\":$LIMIT}}" >"$T_TMP/lower.json"
    T_STDIN=$T_TMP/lower.json tap_ok "$plat: update --resources - lowers the limit" \
        "${R[@]}" update --resources - "$id"
    tap_is "$(pids_stats "$id")" "{\"current\":$RAISED,\"limit\":$LIMIT}" \
        "$plat: a lowered limit leaves the tasks past it (as pids.max does)"
    tap_run "${R[@]}" exec "$id" /pids_limit tryfork
    tap_is "$T_OUT" "fork EAGAIN" "$plat: past the lowered limit, fork is EAGAIN"

    tap_ok "$plat: kill KILL stops the bomb" "${R[@]}" kill "$id" KILL
    tap_run "${R[@]}" wait "$id"
    tap_is "$T_OUT" "{\"id\":\"$id\",\"exitStatus\":137}" "$plat: wait reports 137"
    tap_ok "$plat: delete --force" "${R[@]}" delete --force "$id"
    tap_result "$([ ! -e "$ROOT/$id" ] && echo 0 || echo 1)" "$plat: no state directory is left"
    tap_result "$([ ! -e "$pids_dir" ] && echo 0 || echo 1)" "$plat: no cgroup is left ($pids_dir)"
    gone=1
    for ((i = 0; i < 50; i++)); do
        if ! kill -0 "$sandbox_pid" 2>/dev/null; then
            gone=0
            break
        fi
        sleep 0.1
    done
    tap_result $gone "$plat: the sandbox process ($sandbox_pid) is gone"
done
tap_done
