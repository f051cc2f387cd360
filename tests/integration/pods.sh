#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Pods, as the containerd CRI plugin makes them: a pause container, then
# members in its sandbox, each with a pid namespace of its own (a "pid"
# namespace entry without a path, Kubernetes' default) or the pod's shared
# one (a path to the pause container's, shareProcessNamespace). Signals,
# kill --all, delete and wait of one member leave the others running; a
# member's gofer killed from outside fails only that member's file
# operations; the pause container's end tears the pod down.
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

ROOT=$T_TMP/state
ROOTFS=$T_TMP/rootfs
R=("$RUNSC" --root "$ROOT")

tap_ok "setup: mkrootfs.sh builds the rootfs with /init" \
    "$REPO/scripts/mkrootfs.sh" "$ROOTFS" --helper "$HELPER"
T_CWD=$T_TMP tap_run "$RUNSC" spec
BASE=$T_TMP/config.json
tap_result "$([ "$T_RC" -eq 0 ] && [ -f "$BASE" ] && command -v jq >/dev/null && echo 0 || echo 1)" \
    "setup: runsc-c spec writes the base config.json (and jq is installed)" "$(tap_last_run)"

IDS=()
WAITERS=()
cleanup() {
    local id p
    for id in "${IDS[@]}"; do
        timeout 30 "${R[@]}" delete --force "$id" >/dev/null 2>&1
    done
    for p in "${WAITERS[@]}"; do
        kill "$p" 2>/dev/null
    done
    rm -rf "$T_TMP"
}
trap cleanup EXIT

# The helpers of lifecycle.sh: a bundle per container over one rootfs.
bundle() { # NAME JQ_EXPR: prints the bundle directory
    local dir=$T_TMP/$1
    mkdir -p "$dir"
    jq --arg rootfs "$ROOTFS" ".root.path = \$rootfs | .process.terminal = false | $2" \
        "$BASE" >"$dir/config.json"
    echo "$dir"
}
args() {
    local a out=""
    for a in "$@"; do
        out="$out${out:+, }$(printf '%s' "$a" | jq -R .)"
    done
    echo ".process.args = [$out]"
}
pod_ann() { # TYPE SANDBOX_ID
    echo ".annotations = {\"io.kubernetes.cri.container-type\": \"$1\", \"io.kubernetes.cri.sandbox-id\": \"$2\"}"
}
state_of() {
    timeout 30 "${R[@]}" state "$1" 2>/dev/null | jq -r .status 2>/dev/null
}
wait_status() { # ID STATUS: polls state for up to 10 s
    local s
    for _ in $(seq 100); do
        s=$(state_of "$1")
        [ "$s" = "$2" ] && return 0
        [ -z "$s" ] && break
        sleep 0.1
    done
    echo "status is '$s', want '$2'"
    return 1
}
# create_ctr NAME JQ_EXPR: create with id pod-$$-NAME, stdout/stderr to $T_TMP/NAME.{out,err},
# the pid file $T_TMP/NAME.pid; T_RC.
create_ctr() {
    local b id=pod-$$-$1
    b=$(bundle "$1" "$2")
    IDS+=("$id")
    T_RC=0
    (cd "$b" && timeout -k 5 30 "${R[@]}" create --bundle "$b" --pid-file "$T_TMP/$1.pid" "$id") \
        </dev/null >"$T_TMP/$1.out" 2>"$T_TMP/$1.err" || T_RC=$?
}
wait_for_output() { # NAME TEXT: up to 5 s
    for _ in $(seq 50); do
        grep -q "$2" "$T_TMP/$1.out" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
ps_pids() { # ID: the PID column of `runsc-c ps`, space-separated
    timeout 30 "${R[@]}" ps "$1" 2>/dev/null | awk 'NR > 1 { print $2 }' | tr '\n' ' '
}

POD=pod-$$-pause
SEP=pod-$$-sep
SH=pod-$$-shared
KA=pod-$$-killall
GF=pod-$$-gofer

# The pause container (the sandbox), then three members: two with pid namespaces of their own,
# one sharing the pause container's.
create_ctr pause "$(args /init pause) | $(pod_ann sandbox "$POD")"
tap_result "$([ "$T_RC" -eq 0 ] && echo 0 || echo 1)" "create the pause container" \
    "$(cat "$T_TMP/pause.err")"
tap_ok "start the pause container" "${R[@]}" start "$POD"
PAUSE_PID=$(cat "$T_TMP/pause.pid" 2>/dev/null)

create_ctr sep "$(args /init signals) | $(pod_ann container "$POD")"
tap_result "$([ "$T_RC" -eq 0 ] && echo 0 || echo 1)" "create a member with its own pid namespace" \
    "$(cat "$T_TMP/sep.err")"
create_ctr shared "$(args /init pause) | $(pod_ann container "$POD") | .linux.namespaces |= map(if .type == \"pid\" then .path = \"/proc/$PAUSE_PID/ns/pid\" else . end)"
tap_result "$([ "$T_RC" -eq 0 ] && echo 0 || echo 1)" \
    "create a member that shares the pod's pid namespace (a path)" "$(cat "$T_TMP/shared.err")"
create_ctr killall "$(args /bin/sh -c 'echo pid=$$ ppid=$PPID; exec /init pause') | $(pod_ann container "$POD")"
tap_result "$([ "$T_RC" -eq 0 ] && echo 0 || echo 1)" "create a third member" \
    "$(cat "$T_TMP/killall.err")"
for c in "$SEP" "$SH" "$KA"; do
    tap_ok "start member ${c##*-}" "${R[@]}" start "$c"
done
wait_for_output sep ready
wait_for_output killall pid=

# Every member runs and answers exec.
for c in "$POD" "$SEP" "$SH" "$KA"; do
    tap_is "$(state_of "$c")" running "${c##*-} is running"
    tap_run "${R[@]}" exec "$c" /init echo alive
    tap_is "$T_OUT" alive "exec into ${c##*-} answers"
done

# Separate and shared pid namespaces as the containers see them.
tap_is "$(cat "$T_TMP/killall.out")" "pid=1 ppid=0" \
    "a member's init in its own namespace sees itself as pid 1 (parent 0)"
tap_run "${R[@]}" exec "$SEP" /init getpid
tap_is "$T_OUT" 3 "an exec into a separate member gets the next pid of its namespace (3)"
tap_run "${R[@]}" exec "$SEP" /bin/sh -c 'read -r pid rest </proc/self/stat; echo $pid $$'
tap_like "$T_OUT" '^([0-9]+) ([0-9]+)$' "/proc/self/stat in a separate member"
set -- $T_OUT
tap_result "$([ "${1:-0}" -gt 2 ] && [ "${1:-0}" -lt 10 ] && echo 0 || echo 1)" \
    "/proc/self/stat shows the separate namespace's small pids" "$T_OUT"
tap_run "${R[@]}" exec "$SEP" /bin/sh -c 'tr "\0" " " </proc/1/cmdline'
tap_is "$T_OUT" "/init signals " "pid 1 of a separate member is its own init"
tap_run "${R[@]}" exec "$SH" /bin/sh -c 'tr "\0" " " </proc/1/cmdline'
tap_is "$T_OUT" "/init pause " "pid 1 of a sharing member is the pause container"
tap_run "${R[@]}" exec "$SH" /init getpid
tap_result "$([ "${T_OUT:-0}" -gt 4 ] 2>/dev/null && echo 0 || echo 1)" \
    "an exec into the sharing member gets a pid of the pod's namespace (> 4)" "$(tap_last_run)"
tap_run "${R[@]}" exec "$SEP" /bin/sh -c 'ls /proc | grep -c "^[0-9]"'
n_sep=$T_OUT
tap_run "${R[@]}" exec "$SH" /bin/sh -c 'ls /proc | grep -c "^[0-9]"'
tap_result "$([ "${n_sep:-99}" -le 4 ] && [ "${T_OUT:-0}" -gt "${n_sep:-99}" ] && echo 0 || echo 1)" \
    "/proc of a separate member lists its own processes only; the shared one sees the pod" \
    "separate: $n_sep, shared: $T_OUT"
tap_is "$(ps_pids "$SEP")" "1 " "ps of a separate member: its init is pid 1"
tap_is "$(ps_pids "$POD")" "1 " "ps of the pause container: pid 1 and nothing else"
tap_like "$(ps_pids "$SH")" '^[0-9]+ $' "ps of the sharing member: one process"
tap_unlike "$(ps_pids "$SH")" '^1 $' "ps of the sharing member: not pid 1"

# Wait on each member, from outside, while they run.
for c in sep shared killall; do
    timeout 60 "${R[@]}" wait "pod-$$-$c" >"$T_TMP/$c.wait" 2>&1 &
    WAITERS+=($!)
done
sleep 0.3

# Signal one member: the others keep running.
tap_ok "kill the separate member with SIGTERM" "${R[@]}" kill "$SEP" TERM
msg=$(wait_status "$SEP" stopped)
tap_result $? "the separate member stops" "$msg"
tap_is "$(cat "$T_TMP/sep.out")" $'ready\nSIGTERM' "its init got SIGTERM (pid 1 with a handler)"
tap_is "$(state_of "$SH")" running "the sharing member still runs"
tap_is "$(state_of "$KA")" running "the third member still runs"
tap_is "$(state_of "$POD")" running "the pause container still runs"
for _ in $(seq 50); do [ -s "$T_TMP/sep.wait" ] && break; sleep 0.1; done
tap_like "$(cat "$T_TMP/sep.wait")" '"exitStatus":0' "wait on the separate member reports exit 0"

# kill --all of one member kills its processes only.
tap_ok "exec --detach a second process into the third member" \
    "${R[@]}" exec --detach "$KA" /init pause
tap_like "$(ps_pids "$KA")" '^1 [0-9]+ $' "the third member has pid 1 and the exec'd one"
tap_ok "kill --all of the third member" "${R[@]}" kill --all "$KA" KILL
msg=$(wait_status "$KA" stopped)
tap_result $? "the third member stops" "$msg"
tap_is "$(ps_pids "$KA")" "" "no process of it is left"
tap_is "$(state_of "$SH")" running "the sharing member still runs after kill --all"
tap_run "${R[@]}" exec "$SH" /init echo still
tap_is "$T_OUT" still "exec into the sharing member still answers"
for _ in $(seq 50); do [ -s "$T_TMP/killall.wait" ] && break; sleep 0.1; done
tap_like "$(cat "$T_TMP/killall.wait")" '"exitStatus":137' "wait on the third member reports 137"

# Delete a member while the others run; delete one that never started.
tap_ok "delete the stopped separate member" "${R[@]}" delete "$SEP"
create_ctr never "$(args /init pause) | $(pod_ann container "$POD")"
tap_result "$([ "$T_RC" -eq 0 ] && echo 0 || echo 1)" "create a member that is never started" \
    "$(cat "$T_TMP/never.err")"
tap_is "$(state_of "pod-$$-never")" created "it is created"
tap_ok "delete the never-started member" "${R[@]}" delete "pod-$$-never"
tap_is "$(state_of "$SH")" running "the sharing member still runs after the deletes"
tap_is "$(state_of "$POD")" running "the pause container still runs after the deletes"

# A member's gofer killed from outside: its file operations fail with EIO, the others work.
create_ctr gofer "$(args /init pause) | $(pod_ann container "$POD")"
tap_result "$([ "$T_RC" -eq 0 ] && echo 0 || echo 1)" "create a member for the gofer test" \
    "$(cat "$T_TMP/gofer.err")"
tap_ok "start it" "${R[@]}" start "$GF"
GOFER_PID=$(jq -r '.goferPid // empty' "$ROOT/$GF/meta.json" 2>/dev/null)
tap_result "$([ -n "$GOFER_PID" ] && kill -0 "$GOFER_PID" 2>/dev/null && echo 0 || echo 1)" \
    "its gofer's host pid is in meta.json" "goferPid=$GOFER_PID"
kill -KILL "$GOFER_PID" 2>/dev/null
sleep 0.3
tap_run "${R[@]}" exec "$GF" /init ls /usr
tap_result "$([ "$T_RC" -ne 0 ] && echo 0 || echo 1)" \
    "a file operation of the member whose gofer died fails" "$(tap_last_run)"
tap_like "$T_ERR" 'Input/output error' "... with EIO"
tap_is "$(state_of "$POD")" running "the pause container (the sandbox) still runs"
tap_run "${R[@]}" exec "$SH" /init ls /usr
tap_rc 0 "the other members' file operations still work"
tap_ok "delete --force of the member without a gofer" "${R[@]}" delete --force "$GF"

# The pause container's end tears the pod down.
tap_ok "kill the pause container's init" "${R[@]}" kill "$POD" KILL
msg=$(wait_status "$POD" stopped)
tap_result $? "the pause container stops" "$msg"
msg=$(wait_status "$SH" stopped)
tap_result $? "the sharing member stops with it" "$msg"
for _ in $(seq 100); do [ -s "$T_TMP/shared.wait" ] && break; sleep 0.1; done
tap_like "$(cat "$T_TMP/shared.wait")" '"exitStatus":137' "wait on the sharing member returns (137)"
gone=0
for _ in $(seq 100); do
    gone=1
    for f in pause shared; do
        p=$(cat "$T_TMP/$f.pid" 2>/dev/null)
        [ -n "$p" ] && kill -0 "$p" 2>/dev/null && gone=0
    done
    [ "$gone" = 1 ] && break
    sleep 0.1
done
tap_result "$([ "$gone" = 1 ] && echo 0 || echo 1)" "every member's waiter (pid file) exits"
for c in "$POD" "$SH" "$KA" "$GF"; do
    timeout 30 "${R[@]}" delete --force "$c" >/dev/null 2>&1
done

tap_done
