#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Crash safety: `kill -9` of runsc-c at a random point of create, start or
# delete (CRASH_ITERATIONS times, 200 by default) never leaves a torn
# meta.json; state and list keep working (or fail cleanly); and
# `delete --force` afterwards exits 0 and leaves no process (sandbox, gofer,
# waiter), no mount, no cgroup directory and no state directory behind.
# Only the runsc-c process is killed; its children are left to the runtime.
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

ITERATIONS=${CRASH_ITERATIONS:-200}
ROOT=$T_TMP/state
BUNDLE=$T_TMP/bundle
R=("$RUNSC" --root "$ROOT")

mkdir -p "$BUNDLE"
tap_ok "setup: mkrootfs.sh builds the rootfs with /init" \
    "$REPO/scripts/mkrootfs.sh" "$BUNDLE/rootfs" --helper "$HELPER"
T_CWD=$T_TMP tap_run "$RUNSC" spec
if [ "$T_RC" -eq 0 ] && command -v jq >/dev/null; then
    jq '.process.terminal = false | .process.args = ["/init", "sleep", "100"]' \
        "$T_TMP/config.json" >"$BUNDLE/config.json"
fi
tap_result "$([ -s "$BUNDLE/config.json" ] && echo 0 || echo 1)" \
    "setup: a busybox bundle running /init sleep 100 (jq is installed)" "$(tap_last_run)"

ALL_IDS=()
trap 'for i in "${ALL_IDS[@]}"; do timeout 30 "${R[@]}" delete --force "$i" >/dev/null 2>&1; done
      rm -rf "$T_TMP"' EXIT

# leaked_processes ID: prints "pid: cmdline" of every live process whose
# command line or environment names ID or the state root, or whose cgroup is
# ID's. The patterns go through a file so that grep's own command line does
# not match.
PATTERNS=$T_TMP/patterns
leaked_processes() {
    local id=$1 f pid st
    printf '%s\n%s\n' "$id" "$ROOT" >"$PATTERNS"
    for f in $(grep -lsaF -f "$PATTERNS" /proc/[0-9]*/cmdline /proc/[0-9]*/environ 2>/dev/null) \
        $(grep -lsE "/$id\$" /proc/[0-9]*/cgroup 2>/dev/null); do
        pid=${f#/proc/}
        pid=${pid%%/*}
        [ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ] && continue
        st=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || continue
        [ -z "$st" ] || [ "$st" = Z ] && continue
        printf '%s: %s\n' "$pid" "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
    done | sort -u
}

# leaks ID: prints what ID left behind (empty when nothing). Killed
# processes take a moment to go: retried for up to 3 s.
leaks() {
    local id=$1 out="" try
    for try in $(seq 30); do
        out=$(
            leaked_processes "$id" | sed 's/^/process /'
            grep -F "$T_TMP" /proc/self/mountinfo | sed 's/^/mount /'
            find /sys/fs/cgroup -type d -name "$id" 2>/dev/null | sed 's/^/cgroup /'
            [ -e "$ROOT/$id" ] && echo "state directory $ROOT/$id"
            [ -e "$ROOT/$id~deleting" ] && echo "state directory $ROOT/$id~deleting"
        )
        [ -z "$out" ] && return 0
        sleep 0.1
    done
    printf '%s\n' "$out"
}

# bg_kill MAX_MS CMD...: runs CMD (runsc-c itself, not a shell) in the
# background and SIGKILLs it after a random delay of 0..MAX_MS ms.
bg_kill() {
    local max=$1 pid ms
    shift
    "$@" </dev/null >/dev/null 2>&1 &
    pid=$!
    ms=$((RANDOM % (max + 1)))
    sleep "$(printf '0.%03d' "$ms")"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    [ $? -eq 137 ] && landed=$((landed + 1))
}

bad_meta=() bad_state=() bad_list=() bad_delete=() leaked=() phases=(0 0 0) landed=0
# How long each step takes here, to spread the kills over it.
t0=$(date +%s%N)
"${R[@]}" create --bundle "$BUNDLE" crash-probe </dev/null >/dev/null 2>&1
t1=$(date +%s%N)
"${R[@]}" start crash-probe >/dev/null 2>&1
t2=$(date +%s%N)
"${R[@]}" delete --force crash-probe >/dev/null 2>&1
t3=$(date +%s%N)
ms() { local v=$(((($1) / 1000000) * 5 / 4 + 5)); [ "$v" -gt 150 ] && v=150; echo "$v"; }
MAX_CREATE=$(ms $((t1 - t0))) MAX_START=$(ms $((t2 - t1))) MAX_DELETE=$(ms $((t3 - t2)))
tap_diag "kill delays: create 0..${MAX_CREATE} ms, start 0..${MAX_START} ms," \
    "delete 0..${MAX_DELETE} ms"

start_s=$SECONDS
for i in $(seq "$ITERATIONS"); do
    id=crash-$$-$i
    ALL_IDS+=("$id")
    phase=$((i % 3))
    phases[phase]=$((phases[phase] + 1))
    case $phase in
    0) bg_kill "$MAX_CREATE" "${R[@]}" create --bundle "$BUNDLE" "$id" ;;
    1)
        "${R[@]}" create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
        bg_kill "$MAX_START" "${R[@]}" start "$id"
        ;;
    2)
        "${R[@]}" create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
        "${R[@]}" start "$id" >/dev/null 2>&1
        bg_kill "$MAX_DELETE" "${R[@]}" delete --force "$id"
        ;;
    esac
    meta=$ROOT/$id/meta.json
    if [ -e "$meta" ] && ! jq -e . "$meta" >/dev/null 2>&1; then
        bad_meta+=("$id (phase $phase): $(head -c 300 "$meta")")
    fi
    rc=0
    out=$(timeout 30 "${R[@]}" state "$id" 2>"$T_TMP/err") || rc=$?
    if { [ "$rc" -eq 0 ] && ! printf '%s' "$out" | jq -e .status >/dev/null 2>&1; } ||
        { [ "$rc" -ne 0 ] && { [ "$rc" -ne 1 ] || [ ! -s "$T_TMP/err" ]; }; }; then
        bad_state+=("$id (phase $phase): state exit $rc: $out $(cat "$T_TMP/err")")
    fi
    rc=0
    timeout 30 "${R[@]}" list >/dev/null 2>"$T_TMP/err" || rc=$?
    [ "$rc" -eq 0 ] || bad_list+=("$id (phase $phase): list exit $rc: $(cat "$T_TMP/err")")
    rc=0
    timeout 30 "${R[@]}" delete --force "$id" >/dev/null 2>"$T_TMP/err" || rc=$?
    [ "$rc" -eq 0 ] || bad_delete+=("$id (phase $phase): exit $rc: $(cat "$T_TMP/err")")
    l=$(leaks "$id")
    [ -z "$l" ] || leaked+=("$id (phase $phase): $l")
done
tap_diag "$ITERATIONS iterations in $((SECONDS - start_s)) s (killed: ${phases[0]} creates," \
    "${phases[1]} starts, ${phases[2]} deletes)"

first() { printf '%s\n' "${@:1:5}"; }
tap_result "$([ $((landed * 4)) -ge "$ITERATIONS" ] && echo 0 || echo 1)" \
    "kill -9 landed mid-command in at least a quarter of the iterations ($landed)"
tap_result "${#bad_meta[@]}" "kill -9: meta.json, when present, always parses" \
    "$(first "${bad_meta[@]}")"
tap_result "${#bad_state[@]}" "kill -9: state prints the state or fails cleanly (exit 1)" \
    "$(first "${bad_state[@]}")"
tap_result "${#bad_list[@]}" "kill -9: list still works" "$(first "${bad_list[@]}")"
tap_result "${#bad_delete[@]}" "kill -9: delete --force afterwards exits 0" \
    "$(first "${bad_delete[@]}")"
tap_result "${#leaked[@]}" \
    "kill -9: nothing left after delete --force (process, mount, cgroup, state directory)" \
    "${#leaked[@]} of $ITERATIONS iterations leaked; the first:" "$(first "${leaked[@]}")"
tap_run "${R[@]}" list -q
tap_result "$([ "$T_RC" -eq 0 ] && [ -z "$T_OUT" ] && echo 0 || echo 1)" \
    "list is empty at the end" "$(tap_last_run)"
tap_done
