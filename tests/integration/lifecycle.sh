#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Containers, end to end: bundles made of scripts/mkrootfs.sh's busybox rootfs
# with the static helper as /init and a config.json from `runsc-c spec`,
# driven through run, and through create/start/state/kill/delete the way
# containerd and podman do (CONTRACT.md). Every container gets its own id and
# is removed with `delete --force`.
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

cleanup_containers() {
    local id
    for id in "${IDS[@]}"; do
        timeout 30 "${R[@]}" delete --force "$id" >/dev/null 2>&1
    done
}
IDS=()
trap 'cleanup_containers; rm -rf "$T_TMP"' EXIT

# bundle NAME JQ_EXPR: makes $T_TMP/NAME/config.json from the default spec,
# rootfs shared (absolute root.path), terminal off, then applies JQ_EXPR.
# Prints the bundle directory.
bundle() {
    local dir=$T_TMP/$1
    mkdir -p "$dir"
    if [ -f "$BASE" ] && command -v jq >/dev/null; then
        jq --arg rootfs "$ROOTFS" ".root.path = \$rootfs | .process.terminal = false | $2" \
            "$BASE" >"$dir/config.json"
    fi
    echo "$dir"
}

n_ids=0
# new_id: a fresh container id (also recorded for cleanup).
new_id() {
    n_ids=$((n_ids + 1))
    ID=lc-$$-$n_ids
    IDS+=("$ID")
}

# run_ctr NAME JQ_EXPR: `runsc-c run` of a new bundle; T_RC, T_OUT, T_ERR.
run_ctr() {
    local b
    b=$(bundle "$1" "$2")
    new_id
    tap_run "${R[@]}" run --bundle "$b" "$ID"
}

args() {
    local a out=""
    for a in "$@"; do
        out="$out${out:+, }$(printf '%s' "$a" | jq -R .)"
    done
    echo ".process.args = [$out]"
}

# run, exit statuses.
run_ctr echo "$(args /init echo hello from init)"
tap_rc 0 "run: a container that exits 0"
tap_is "$T_OUT" "hello from init" "run: the container's stdout is ours"
run_ctr exit7 "$(args /init exit 7)"
tap_rc 7 "run: exits with the container's status (7)"
# As runc's, an attached run removes its container (state, sandbox, cgroup) at the end.
tap_is "$(timeout 30 "${R[@]}" list -q 2>&1 | grep -c "^$ID$")" 0 "run: the ended container is removed"
tap_is "$(pgrep -f -- "--id=$ID" | wc -l)" 0 "run: no sandbox process of it is left"
run_ctr killed "$(args /init kill-self KILL)"
tap_rc 137 "run: a container killed by SIGKILL gives 137"

# What the container sees.
run_ctr pid "$(args /init getpid)"
tap_is "$T_OUT" 1 "the container's init is pid 1"
run_ctr host "$(args /init gethostname) | .hostname = \"lc-host\""
tap_is "$T_OUT" "lc-host" "the hostname is the spec's"
run_ctr ls "$(args /init ls /)"
tap_like "$T_OUT" '^init$' "the root is the bundle's rootfs (/init)"
tap_like "$T_OUT" '^bin$' "the root is the bundle's rootfs (/bin)"
run_ctr cwd "$(args /init cwd) | .process.cwd = \"/tmp\""
tap_is "$T_OUT" "/tmp" "process.cwd is the working directory"
run_ctr env "$(args /init env) | .process.env = [\"PATH=/bin\", \"FOO=bar baz\"]"
tap_like "$T_OUT" '^FOO=bar baz$' "process.env is the environment"
run_ctr user "$(args /init id) | .process.user = {\"uid\": 1000, \"gid\": 1001}"
tap_like "$T_OUT" '^uid=1000 gid=1001 ' "process.user sets uid and gid"
run_ctr rlimit "$(args /init rlimit NOFILE) | .process.rlimits = [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1000, \"hard\": 1000}]"
tap_is "$T_OUT" "1000 1000" "process.rlimits are applied"
run_ctr ro "$(args /init write /x hi) | .root.readonly = true"
tap_like "$T_RC:$T_ERR" '^1:init: write: open `/x`: Read-only file system' \
    "a read-only root refuses writes (EROFS)"
run_ctr rw "$(args /bin/sh -c 'echo hi >/tmp/x && cat /tmp/x') | .root.readonly = false"
tap_is "$T_OUT" "hi" "a writable root accepts writes"
printf 'from stdin\n' >"$T_TMP/stdin"
b=$(bundle cat "$(args /init cat)")
new_id
T_STDIN=$T_TMP/stdin tap_run "${R[@]}" run --bundle "$b" "$ID"
tap_is "$T_OUT" "from stdin" "the container reads our stdin"
run_ctr forkexec "$(args /init fork-exec /init exit 3)"
tap_is "$T_OUT" "exited 3" "fork, exec and wait inside the container"
run_ctr sh "$(args /bin/sh -c 'echo $((6 * 7))')"
tap_is "$T_OUT" "42" "busybox sh runs in the container"
tap_is "$(cat "$ROOTFS/x" 2>/dev/null; find "$ROOTFS/tmp" -mindepth 1)" "" \
    "the container's writes do not reach the host rootfs"

# create, start, state, delete, as containerd does it.
# ctr_create NAME JQ_EXPR: create with stdout/stderr to $T_TMP/NAME.{out,err};
# the bundle is the cwd, as for containerd. Sets ID, T_RC, PIDFILE.
ctr_create() {
    local b
    b=$(bundle "$1" "$2")
    new_id
    PIDFILE=$T_TMP/$1.pid
    T_RC=0
    (cd "$b" && timeout -k 5 30 "${R[@]}" create --bundle "$b" --pid-file "$PIDFILE" "$ID") \
        </dev/null >"$T_TMP/$1.out" 2>"$T_TMP/$1.err" || T_RC=$?
}

# state_of ID: prints the status field of `state ID` ("" on failure).
state_of() {
    timeout 30 "${R[@]}" state "$1" 2>/dev/null | jq -r .status 2>/dev/null
}

# wait_status ID STATUS: polls state for up to 10 s.
wait_status() {
    local s
    for _ in $(seq 100); do
        s=$(state_of "$1")
        [ "$s" = "$2" ] && return 0
        [ -z "$s" ] && break # no such container: no point waiting
        sleep 0.1
    done
    echo "status is '$s', want '$2'"
    return 1
}

ctr_create cs "$(args /init echo created "then" started)"
tap_result "$([ "$T_RC" -eq 0 ] && echo 0 || echo 1)" "create exits 0" "$(cat "$T_TMP/cs.err")"
pid=$(cat "$PIDFILE" 2>/dev/null)
tap_like "$pid" '^[0-9]+$' "create writes the pid file"
tap_is "$(state_of "$ID")" created "state after create is created"
tap_is "$(timeout 30 "${R[@]}" state "$ID" 2>/dev/null | jq -r .pid 2>/dev/null)" "${pid:-no pid file}" \
    "state's pid is the pid file's"
tap_is "$T_RC:$(cat "$T_TMP/cs.out")" "0:" "nothing runs before start"
tap_ok "start exits 0" "${R[@]}" start "$ID"
msg=$(wait_status "$ID" stopped)
tap_result $? "the container stops after its init exits" "$msg"
tap_is "$(cat "$T_TMP/cs.out")" "created then started" "the container wrote to create's stdout"
tap_ok "delete exits 0" "${R[@]}" delete "$ID"
tap_run "${R[@]}" state "$ID"
tap_result "$([ "$T_RC" -ne 0 ] && echo 0 || echo 1)" "state fails after delete" "$(tap_last_run)"

# kill delivers signals into the sandbox; kill --all after exit succeeds.
ctr_create sig "$(args /init signals)"
tap_ok "start a container that waits for signals" "${R[@]}" start "$ID"
started=$T_RC
msg=$(wait_status "$ID" running)
tap_result $? "state is running while init runs" "$msg"
for _ in $(seq 50); do
    [ "$started" -eq 0 ] || break
    grep -q ready "$T_TMP/sig.out" && break
    sleep 0.1
done
tap_ok "kill ID 10 (SIGUSR1) exits 0" "${R[@]}" kill "$ID" 10
sleep 0.2
tap_ok "kill ID TERM (a signal name) exits 0" "${R[@]}" kill "$ID" TERM
msg=$(wait_status "$ID" stopped)
tap_result $? "the container stops on SIGTERM" "$msg"
tap_is "$(cat "$T_TMP/sig.out")" $'ready\nSIGUSR1\nSIGTERM' "the container received SIGUSR1 and SIGTERM"
tap_ok "kill --all ID 9 after the init exited exits 0" "${R[@]}" kill --all "$ID" 9
tap_ok "delete after stop exits 0" "${R[@]}" delete "$ID"
tap_ok "delete --force of a deleted id exits 0" "${R[@]}" delete --force "$ID"

# delete --force of a running container.
ctr_create force "$(args /init pause)"
tap_ok "start a paused-forever container" "${R[@]}" start "$ID"
tap_ok "delete --force of a running container exits 0" "${R[@]}" delete --force "$ID"
tap_is "$(timeout 30 "${R[@]}" list -q 2>&1 | grep -c "^$ID$")" 0 "it is gone from list"

# exec into a running container, as docker exec and crictl exec do it.
ctr_create ex "$(args /init pause)"
tap_ok "start a container to exec into" "${R[@]}" start "$ID"
tap_run "${R[@]}" exec "$ID" /init echo hello from exec
tap_rc 0 "exec exits 0"
tap_is "$T_OUT" "hello from exec" "exec's stdout is ours"
tap_run "${R[@]}" exec "$ID" /init exit 5
tap_rc 5 "exec exits with the process's status (5)"
tap_run "${R[@]}" exec "$ID" /init getpid
tap_result "$([ "${T_OUT:-0}" -gt 1 ] 2>/dev/null && echo 0 || echo 1)" \
    "an exec'd process is not the init (pid > 1)" "$(tap_last_run)"
printf '%s\n' '{"args": ["/init", "cwd"], "cwd": "/tmp", "env": ["PATH=/bin"], "user": {"uid": 0, "gid": 0}}' \
    >"$T_TMP/process.json"
tap_run "${R[@]}" exec --process "$T_TMP/process.json" "$ID"
tap_is "$T_OUT" "/tmp" "exec --process: the process's cwd"
tap_run "${R[@]}" exec "$ID" /nonexistent
tap_result "$([ "$T_RC" -ne 0 ] && [ -n "$T_ERR" ] && echo 0 || echo 1)" \
    "exec of a missing program fails with an error" "$(tap_last_run)"
tap_is "$(state_of "$ID")" running "the container still runs after its execs"
tap_ok "delete --force of a container with exec'd processes exits 0" "${R[@]}" delete --force "$ID"

# A pod, as the containerd CRI plugin makes it: a pause container, then a
# member that joins its sandbox (annotations name the pause container).
pod_ann() {
    echo ".annotations = {\"io.kubernetes.cri.container-type\": \"$1\", \"io.kubernetes.cri.sandbox-id\": \"$2\"}"
}
new_id
POD=$ID
ctr_create_id() { # NAME JQ_EXPR ID: ctr_create with a given id
    local b
    b=$(bundle "$1" "$2")
    T_RC=0
    (cd "$b" && timeout -k 5 30 "${R[@]}" create --bundle "$b" --pid-file "$T_TMP/$1.pid" "$3") \
        </dev/null >"$T_TMP/$1.out" 2>"$T_TMP/$1.err" || T_RC=$?
}
ctr_create_id pause "$(args /init pause) | $(pod_ann sandbox "$POD")" "$POD"
tap_result "$([ "$T_RC" -eq 0 ] && echo 0 || echo 1)" "pod: create the pause container" \
    "$(cat "$T_TMP/pause.err")"
tap_ok "pod: start the pause container" "${R[@]}" start "$POD"
new_id
MEMBER=$ID
ctr_create_id member "$(args /init signals) | $(pod_ann container "$POD")" "$MEMBER"
tap_result "$([ "$T_RC" -eq 0 ] && echo 0 || echo 1)" "pod: create a member container" \
    "$(cat "$T_TMP/member.err")"
tap_ok "pod: start the member" "${R[@]}" start "$MEMBER"
for _ in $(seq 50); do
    grep -q ready "$T_TMP/member.out" && break
    sleep 0.1
done
tap_is "$(timeout 30 "${R[@]}" ps "$POD" 2>/dev/null | awk 'NR > 1 { print $2 }' | tr '\n' ' ')" "1 " \
    "pod: the pause container's init is pid 1 and its only process"
tap_like "$(timeout 30 "${R[@]}" ps "$MEMBER" 2>/dev/null | awk 'NR > 1 { print $2 }' | tr '\n' ' ')" \
    '^[0-9]+ $' "pod: the member has one process of its own"
tap_run "${R[@]}" exec "$MEMBER" /init getpid
# The spec's pid namespace has no path: the member gets its own (Kubernetes'
# default), where its init is 1 and the exec'd process 2 (pods.sh covers sharing).
tap_is "$T_OUT" 2 "pod: exec into the member runs in the member's own pid namespace (pid 2)"
tap_ok "pod: kill the member with SIGTERM" "${R[@]}" kill "$MEMBER" TERM
msg=$(wait_status "$MEMBER" stopped)
tap_result $? "pod: the member stops" "$msg"
tap_is "$(cat "$T_TMP/member.out")" $'ready\nSIGTERM' "pod: the member got the signal"
tap_is "$(state_of "$POD")" running "pod: the pause container still runs"
tap_ok "pod: delete the member" "${R[@]}" delete "$MEMBER"
tap_ok "pod: delete --force the pause container" "${R[@]}" delete --force "$POD"

# tmpfs mounts from the spec.
run_ctr tmpfs "$(args /bin/sh -c 'echo in-tmpfs >/scratch/f && cat /scratch/f') | .root.readonly = false | .mounts += [{\"destination\": \"/scratch\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"nosuid\", \"mode=1777\"]}]"
tap_is "$T_OUT" "in-tmpfs" "a spec tmpfs mount at a new directory is writable"
tap_is "$(ls -d "$ROOTFS/scratch" 2>/dev/null)" "" "its mount point is not made in the host rootfs"
run_ctr shm "$(args /bin/sh -c 'echo in-shm >/dev/shm/f && cat /dev/shm/f')"
tap_is "$T_OUT" "in-shm" "the default spec's /dev/shm is a writable tmpfs"

tap_done
