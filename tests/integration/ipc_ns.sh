#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# IPC namespaces in a pod: members whose spec's "ipc" namespace is a path (the pause
# container's, as the CRI plugin writes it) share the sandbox's System V objects and POSIX
# queues; a member with an "ipc" entry without a path has its own: what it makes, the others
# do not see, and it sees nothing of theirs. tests/syscalls/ipc_ns_probe makes and finds a
# message queue and a POSIX queue under a key.
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

ROOT=$T_TMP/state
ROOTFS=$T_TMP/rootfs
R=("$RUNSC" --root "$ROOT")
PROBE=$BUILD/tests/syscalls/ipc_ns_probe

tap_ok "setup: mkrootfs.sh builds the rootfs with /init" \
    "$REPO/scripts/mkrootfs.sh" "$ROOTFS" --helper "$HELPER"
tap_ok "setup: the probe goes into the rootfs" cp "$PROBE" "$ROOTFS/probe"
T_CWD=$T_TMP tap_run "$RUNSC" spec
BASE=$T_TMP/config.json
tap_result "$([ "$T_RC" -eq 0 ] && [ -f "$BASE" ] && command -v jq >/dev/null && echo 0 || echo 1)" \
    "setup: runsc-c spec writes the base config.json (and jq is installed)" "$(tap_last_run)"

IDS=()
cleanup() {
    local id
    for id in "${IDS[@]}"; do
        timeout 30 "${R[@]}" delete --force "$id" >/dev/null 2>&1
    done
    rm -rf "$T_TMP"
}
trap cleanup EXIT

bundle() { # NAME JQ_EXPR: prints the bundle directory
    local dir=$T_TMP/$1
    mkdir -p "$dir"
    jq --arg rootfs "$ROOTFS" ".root.path = \$rootfs | .process.terminal = false | $2" \
        "$BASE" >"$dir/config.json"
    echo "$dir"
}
pod_ann() { # TYPE SANDBOX_ID
    echo ".annotations = {\"io.kubernetes.cri.container-type\": \"$1\", \"io.kubernetes.cri.sandbox-id\": \"$2\"}"
}
create_ctr() { # NAME JQ_EXPR: create with id ipcns-$$-NAME; T_RC
    local b id=ipcns-$$-$1
    b=$(bundle "$1" "$2")
    IDS+=("$id")
    T_RC=0
    (cd "$b" && timeout -k 5 30 "${R[@]}" create --bundle "$b" --pid-file "$T_TMP/$1.pid" "$id") \
        </dev/null >"$T_TMP/$1.out" 2>"$T_TMP/$1.err" || T_RC=$?
}
find_in() { # NAME KEY: the probe's answer inside container NAME
    timeout 30 "${R[@]}" exec "ipcns-$$-$1" /probe find "$2" 2>&1
}

POD=ipcns-$$-pause
create_ctr pause ".process.args = [\"/init\", \"pause\"] | $(pod_ann sandbox "$POD")"
tap_result "$([ "$T_RC" -eq 0 ] && echo 0 || echo 1)" "create the pause container" \
    "$(cat "$T_TMP/pause.err")"
tap_ok "start the pause container" "${R[@]}" start "$POD"
PAUSE_PID=$(cat "$T_TMP/pause.pid" 2>/dev/null)

create_ctr own ".process.args = [\"/init\", \"pause\"] | $(pod_ann container "$POD")"
tap_result "$([ "$T_RC" -eq 0 ] && echo 0 || echo 1)" \
    "create a member with an ipc namespace of its own (no path)" "$(cat "$T_TMP/own.err")"
create_ctr shared ".process.args = [\"/init\", \"pause\"] | $(pod_ann container "$POD") | .linux.namespaces |= map(if .type == \"ipc\" then .path = \"/proc/$PAUSE_PID/ns/ipc\" else . end)"
tap_result "$([ "$T_RC" -eq 0 ] && echo 0 || echo 1)" \
    "create a member that shares the pod's ipc namespace (a path)" "$(cat "$T_TMP/shared.err")"
for c in own shared; do
    tap_ok "start member $c" "${R[@]}" start "ipcns-$$-$c"
done

tap_ok "the separate member makes its objects (key 4660)" \
    "${R[@]}" exec "ipcns-$$-own" /probe make 4660
tap_is "$(find_in own 4660)" "msg=yes mq=yes" "the separate member finds its own objects"
tap_is "$(find_in shared 4660)" "msg=no mq=no" "the sharing member does not see them"
tap_is "$(find_in pause 4660)" "msg=no mq=no" "the pause container does not see them"

tap_ok "the sharing member makes its objects (key 22136)" \
    "${R[@]}" exec "ipcns-$$-shared" /probe make 22136
tap_is "$(find_in pause 22136)" "msg=yes mq=yes" "the pause container sees the sharing member's objects"
tap_is "$(find_in shared 22136)" "msg=yes mq=yes" "so does the sharing member itself"
tap_is "$(find_in own 22136)" "msg=no mq=no" "the separate member does not"

for c in "$POD" "ipcns-$$-own" "ipcns-$$-shared"; do
    timeout 30 "${R[@]}" delete --force "$c" >/dev/null 2>&1
done

tap_done
