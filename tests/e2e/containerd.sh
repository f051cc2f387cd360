#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# containerd 1.6 (Debian 12) drives the runtime under test ($RUNTIME, default
# runsc-c) through the runc v2 shim (`ctr run --runc-binary PATH`), with a
# private containerd (root, state, sockets under the temp dir, CRI plugin
# off): run, stdin, exit codes, exec, pause/resume, kill, delete; and the CRI
# plugin's call sequence for a pod (sandbox + app container) through the shim.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

e2e_need_pkgs containerd runc
rt_path=$(e2e_runtime_path)

# ---- a private containerd -----------------------------------------------------
C=$T_TMP/containerd
mkdir -p "$C"
cat >"$C/config.toml" <<EOF
version = 2
root = "$C/root"
state = "$C/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$C/containerd.sock"
[ttrpc]
  address = "$C/containerd.sock.ttrpc"
[debug]
  address = "$C/debug.sock"
EOF
e2e_start_daemon containerd "$C/containerd.log" containerd --config "$C/config.toml"
# A namespace of our own keeps the shim's runc root (/run/containerd/runc/<ns>)
# apart from any other containerd's.
NS=runsc-c-e2e-$$
CTR=(ctr --address "$C/containerd.sock" --namespace "$NS")
e2e_wait 60 "${CTR[@]}" version || e2e_daemon_failed containerd "$C/containerd.log"
e2e_on_exit "for t in \$(${CTR[*]} task ls -q); do ${CTR[*]} task kill -s SIGKILL \$t; sleep 0.5; ${CTR[*]} task delete -f \$t; done; for c in \$(${CTR[*]} container ls -q); do ${CTR[*]} container delete \$c; done"
e2e_log "runtime $RUNTIME ($rt_path)"

IMG=docker.io/library/$E2E_IMAGE
e2e_image_archive "$T_TMP/image.tar" "$IMG"
tap_ok "ctr images import of the busybox image" "${CTR[@]}" images import "$T_TMP/image.tar"
RUN=("${CTR[@]}" run --runc-binary "$rt_path")

task_status() {
    "${CTR[@]}" task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'
}
is_running() {
    [ "$(task_status "$1")" = RUNNING ]
}

# ---- run, stdin, exit codes ---------------------------------------------------
tap_run "${RUN[@]}" --rm "$IMG" e2e-hi echo hi
tap_rc 0 "ctr run --rm echo hi exits 0"
tap_is "$T_OUT" hi "ctr run --rm echo hi prints hi"
tap_run "${RUN[@]}" --rm "$IMG" e2e-exit sh -c 'exit 7'
tap_rc 7 "ctr run: exit 7 gives 7"
# ctr run closes the task's stdin (CloseIO) only for an EOF it reads after the
# task exists: a stdin that ends at once can leave cat waiting for good, with
# runc as well. So the input ends 2 s after it was written, through a FIFO.
mkfifo "$T_TMP/stdin"
{ printf 'line1\nline2\n'; sleep 2; } >"$T_TMP/stdin" &
T_STDIN=$T_TMP/stdin tap_run "${RUN[@]}" --rm "$IMG" e2e-stdin cat
tap_is "$T_OUT" "line1
line2" "ctr run: stdin reaches the container"
tap_rc 0 "ctr run: cat sees stdin's EOF and exits 0"
tap_run "${RUN[@]}" --rm "$IMG" e2e-env sh -c 'echo $(id -u) $(pwd) $(hostname)'
tap_like "$T_OUT" '^0 / ' "ctr run: root in /"

# ---- a detached task: exec, pause, kill, delete -------------------------------
ID=e2e-task
tap_run "${RUN[@]}" -d "$IMG" "$ID" sleep 1000
tap_rc 0 "ctr run -d exits 0"
e2e_wait 30 is_running "$ID"
tap_is "$(task_status "$ID")" RUNNING "task ls: RUNNING"
tap_run "${CTR[@]}" task exec --exec-id e1 "$ID" echo from-exec
tap_is "$T_OUT" from-exec "task exec prints its output"
tap_run "${CTR[@]}" task exec --exec-id e2 "$ID" sh -c 'exit 3'
tap_rc 3 "task exec: exit 3 gives 3"
printf 'to-exec\n' >"$T_TMP/exec.in"
T_STDIN=$T_TMP/exec.in tap_run "${CTR[@]}" task exec --exec-id e3 "$ID" cat
tap_is "$T_OUT" to-exec "task exec: stdin reaches the exec'd process"
tap_rc 0 "task exec: cat sees stdin's EOF and exits 0"
tap_run "${CTR[@]}" task ps "$ID"
tap_like "$T_OUT" '^[0-9]+ ' "task ps lists a host PID"
tap_run "${CTR[@]}" task metrics "$ID"
tap_rc 0 "task metrics exits 0"
tap_ok "task pause" "${CTR[@]}" task pause "$ID"
tap_is "$(task_status "$ID")" PAUSED "task ls: PAUSED"
tap_ok "task resume" "${CTR[@]}" task resume "$ID"
tap_is "$(task_status "$ID")" RUNNING "task ls: RUNNING after resume"
tap_ok "task kill -s SIGKILL" "${CTR[@]}" task kill -s SIGKILL "$ID"
e2e_wait 10 sh -c "[ \"\$(${CTR[*]} task ls 2>/dev/null | awk '\$1 == \"$ID\" { print \$3 }')\" = STOPPED ]"
tap_is "$(task_status "$ID")" STOPPED "task ls: STOPPED after SIGKILL"
tap_run "${CTR[@]}" task delete "$ID"
tap_rc 0 "task delete exits 0"
tap_like "$T_OUT" 'status 137|^$' "task delete reports status 137 (or nothing)"
tap_ok "container delete" "${CTR[@]}" container delete "$ID"
tap_run "${CTR[@]}" container info "$ID"
tap_result "$([ "$T_RC" -ne 0 ] && echo 0 || echo 1)" "the deleted container is gone" \
    "$(tap_last_run)"

# SIGTERM to a PID 1 with a TERM trap: exits 0.
ID=e2e-term
tap_run "${RUN[@]}" -d "$IMG" "$ID" sh -c 'trap "exit 0" TERM; while :; do sleep 1; done'
e2e_wait 30 is_running "$ID"
tap_ok "task kill (SIGTERM)" "${CTR[@]}" task kill "$ID"
e2e_wait 10 sh -c "[ \"\$(${CTR[*]} task ls 2>/dev/null | awk '\$1 == \"$ID\" { print \$3 }')\" = STOPPED ]"
tap_is "$(task_status "$ID")" STOPPED "task ls: STOPPED after SIGTERM"
tap_run "${CTR[@]}" task delete "$ID"
tap_unlike "$T_OUT" 'status [1-9]' "the TERM trap's exit status 0"
"${CTR[@]}" container delete "$ID" >/dev/null 2>&1

# ---- Kubernetes' path: the CRI call sequence through the runc shim --------
# Debian 12 packages no CRI client (no cri-tools/crictl), so the CRI plugin
# cannot be driven here; ctr drives the same sequence that CONTRACT.md records
# for it ("Pods"): a sandbox (pause) container with the CRI annotations, an app
# container joining it (annotations, and its ipc/uts/net namespaces given as
# /proc/<pause pid>/ns/* paths), exec, StopContainer (kill 15, kill --all 9,
# delete), then StopPodSandbox. The runc v2 shim groups containers by the
# io.kubernetes.cri.sandbox-id annotation, as it does for the CRI plugin: one
# shim serves the pod.
A=io.kubernetes.cri
POD=e2e-cri-pause
APP=e2e-cri-app
# shim_count: how many runc v2 shims serve our namespace.
shim_count() {
    local d n=0
    for d in /proc/[0-9]*; do
        tr '\0' ' ' 2>/dev/null <"$d/cmdline" | grep -q "containerd-shim-runc-v2 -namespace $NS " &&
            n=$((n + 1))
    done
    echo "$n"
}
# sandbox_ids ID...: the ids among ID... that a `runsc-c boot --id=` runs.
sandbox_ids() {
    local d id
    for d in /proc/[0-9]*; do
        tr '\0' '\n' 2>/dev/null <"$d/cmdline" | sed -n 's/^--id=//p'
    done | sort -u | while read -r id; do
        case " $* " in *" $id "*) echo "$id" ;; esac
    done
}
task_pid() {
    "${CTR[@]}" task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $2 }'
}
is_stopped() {
    [ "$(task_status "$1")" = STOPPED ]
}
tap_run "${RUN[@]}" -d --cap-add CAP_SYS_ADMIN --annotation "$A.container-type=sandbox" \
    --annotation "$A.sandbox-id=$POD" "$IMG" "$POD" \
    sh -c 'hostname e2e-cri-pod && exec sleep 100000'
tap_rc 0 "CRI: the sandbox (pause) container runs"
e2e_wait 30 is_running "$POD"
ppid=$(task_pid "$POD")
tap_run "${RUN[@]}" -d --annotation "$A.container-type=container" --annotation "$A.sandbox-id=$POD" \
    --with-ns "ipc:/proc/$ppid/ns/ipc" --with-ns "uts:/proc/$ppid/ns/uts" \
    --with-ns "network:/proc/$ppid/ns/net" "$IMG" "$APP" sleep 100000
tap_rc 0 "CRI: the app container joins the sandbox and runs"
e2e_wait 30 is_running "$APP"
tap_is "$(task_status "$POD") $(task_status "$APP")" "RUNNING RUNNING" "CRI: task ls: both RUNNING"
tap_is "$(shim_count)" 1 "CRI: one runc shim serves the pod"
if [ "$RUNTIME" = runsc-c ]; then
    tap_is "$(sandbox_ids "$POD" "$APP")" "$POD" \
        "CRI: the pod is one sandbox: one runsc-c boot, the pause container's"
fi
tap_run "${CTR[@]}" task exec --exec-id x1 "$APP" hostname
tap_is "$T_OUT" e2e-cri-pod "CRI: exec in the app container: the pod's hostname (shared UTS)"
tap_run "${CTR[@]}" task exec --exec-id x2 "$POD" echo from-pause
tap_is "$T_OUT" from-pause "CRI: exec in the sandbox container"
# StopContainer.
tap_ok "CRI: StopContainer: kill SIGTERM" "${CTR[@]}" task kill -s SIGTERM "$APP"
# The app's PID 1 (sleep) has no TERM handler, so SIGTERM leaves it running,
# and StopContainer's timeout ends in kill --all SIGKILL.
sleep 2
tap_is "$(task_status "$APP")" RUNNING "CRI: PID 1 without a TERM handler survives SIGTERM"
tap_ok "CRI: StopContainer: kill --all SIGKILL" "${CTR[@]}" task kill --all -s SIGKILL "$APP"
e2e_wait 10 is_stopped "$APP"
tap_is "$(task_status "$APP")" STOPPED "CRI: StopContainer: the app task is STOPPED"
tap_ok "CRI: StopContainer: task delete" "${CTR[@]}" task delete "$APP"
tap_ok "CRI: StopContainer: container delete" "${CTR[@]}" container delete "$APP"
tap_run "${CTR[@]}" task exec --exec-id x3 "$POD" echo still-here
tap_is "$T_OUT" still-here "CRI: the sandbox outlives its app container"
# StopPodSandbox.
tap_ok "CRI: StopPodSandbox: kill SIGKILL" "${CTR[@]}" task kill -s SIGKILL "$POD"
e2e_wait 10 is_stopped "$POD"
tap_is "$(task_status "$POD")" STOPPED "CRI: StopPodSandbox: the pause task is STOPPED"
tap_ok "CRI: StopPodSandbox: task delete" "${CTR[@]}" task delete "$POD"
tap_ok "CRI: StopPodSandbox: container delete" "${CTR[@]}" container delete "$POD"
shims_gone() {
    [ "$(shim_count)" = 0 ]
}
e2e_wait 10 shims_gone
tap_is "$(shim_count)" 0 "CRI: the pod's shim has exited"
if [ "$RUNTIME" = runsc-c ]; then
    tap_is "$(sandbox_ids "$POD" "$APP")" "" "CRI: the sandbox is gone"
fi

tap_done
