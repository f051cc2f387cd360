#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Podman (4.3 with conmon, Debian 12) drives the runtime under test
# ($RUNTIME, default runsc-c) by path (`--runtime /path`), with private
# storage (vfs), cgroupfs and file events: run, exit codes, the detached life
# cycle, mounts and options, and a pod of two containers sharing namespaces.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

e2e_need_pkgs podman conmon catatonit runc
rt_path=$(e2e_runtime_path)

# ---- private podman state -----------------------------------------------------
P=$T_TMP/podman
mkdir -p "$P/tmp" "$P/networks"
# containers.conf: file locks in our tmpdir instead of the host-wide /dev/shm
# lock, catatonit from Debian's /usr/bin for pod infra containers, and
# RLIMIT_NOFILE and RLIMIT_NPROC within the hard limits (podman's defaults, 1048576
# and 4194304, are above them here and root lacks CAP_SYS_RESOURCE: runc fails
# "error setting rlimit type 7"; conmon runs with a hard RLIMIT_NPROC of 32768,
# lower than the shell's, so even the host's value fails with "type 6").
cat >"$P/containers.conf" <<EOF
[containers]
netns = "none"
default_ulimits = ["nofile=$(ulimit -Sn):$(ulimit -Hn)", "nproc=4096:4096"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$P/events.log"
lock_type = "file"
tmp_dir = "$P/tmp"
helper_binaries_dir = ["/usr/libexec/podman", "/usr/lib/podman", "/usr/bin"]
[network]
network_config_dir = "$P/networks"
EOF
export CONTAINERS_CONF=$P/containers.conf
export CONTAINERS_STORAGE_CONF=$P/storage.conf
cat >"$P/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$P/root"
runroot = "$P/runroot"
EOF
PODMAN=(podman --root "$P/root" --runroot "$P/runroot" --storage-driver vfs
    --cgroup-manager cgroupfs --events-backend file --tmpdir "$P/tmp" --runtime "$rt_path")
e2e_on_exit "${PODMAN[*]} pod rm -af -t 0"
e2e_on_exit "${PODMAN[*]} rm -af -t 0"
e2e_log "runtime $RUNTIME ($rt_path)"

IMG=localhost/$E2E_IMAGE
e2e_rootfs_tar "$T_TMP/rootfs.tar"
tap_ok "podman import of the busybox rootfs" "${PODMAN[@]}" import "$T_TMP/rootfs.tar" "$IMG"
RUN=("${PODMAN[@]}" run --network none)

state() {
    "${PODMAN[@]}" inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$1" 2>&1
}
is_running() {
    [ "$("${PODMAN[@]}" inspect -f '{{.State.Status}}' "$1" 2>/dev/null)" = running ]
}
log_count() {
    "${PODMAN[@]}" logs "$1" 2>&1 | grep -c -- "$2"
}

# ---- run, exit codes ----------------------------------------------------------
tap_run "${RUN[@]}" --rm "$IMG" echo hi
tap_rc 0 "run --rm echo hi exits 0"
tap_is "$T_OUT" hi "run --rm echo hi prints hi"
tap_run "${RUN[@]}" --rm "$IMG" sh -c 'exit 7'
tap_rc 7 "run: exit 7 gives 7"
printf 'line1\nline2\n' >"$T_TMP/stdin"
T_STDIN=$T_TMP/stdin tap_run "${RUN[@]}" --rm -i "$IMG" cat
tap_is "$T_OUT" "line1
line2" "run -i: stdin reaches the container"
tap_rc 0 "run -i: cat sees stdin's EOF and exits 0"

tap_run "${RUN[@]}" -d --name e2e-kill "$IMG" sleep 1000
e2e_wait 30 is_running e2e-kill
tap_ok "kill (SIGKILL) of a running container" "${PODMAN[@]}" kill e2e-kill
tap_run "${PODMAN[@]}" wait e2e-kill
tap_is "$T_OUT" 137 "wait after SIGKILL gives 137"
"${PODMAN[@]}" rm -f -t 0 e2e-kill >/dev/null 2>&1

# ---- the detached life cycle --------------------------------------------------
LOOP='trap "echo got-usr1" USR1; trap "echo got-term; exit 0" TERM; echo started
while :; do echo tick; sleep 1; done'
C=e2e-life
tap_run "${RUN[@]}" -d --name "$C" "$IMG" sh -c "$LOOP"
tap_rc 0 "run -d exits 0"
e2e_wait 30 is_running "$C"
tap_is "$(state "$C")" "running 0" "the detached container is running"
e2e_wait 10 sh -c "${PODMAN[*]} logs $C 2>&1 | grep -q started"
tap_like "$("${PODMAN[@]}" logs "$C" 2>&1)" '^started$' "logs show the container's output"
tap_run "${PODMAN[@]}" exec "$C" echo from-exec
tap_is "$T_OUT" from-exec "exec echo prints its output"
tap_run "${PODMAN[@]}" exec "$C" sh -c 'exit 3'
tap_rc 3 "exec: exit 3 gives 3"
tap_run "${PODMAN[@]}" exec --user 65534 --workdir /tmp "$C" sh -c 'echo $(id -u) $(pwd)'
tap_is "$T_OUT" "65534 /tmp" "exec --user 65534 --workdir /tmp"
tap_run "${PODMAN[@]}" top "$C"
tap_rc 0 "top exits 0"
tap_like "$T_OUT" 'sleep|sh -c' "top lists the container's processes"
tap_run "${PODMAN[@]}" stats --no-stream --format '{{.MemUsage}}|{{.PIDs}}' "$C"
tap_rc 0 "stats --no-stream exits 0"
tap_like "$T_OUT" '^[1-9][0-9.]*[kKMG]i?B / .*\|[1-9][0-9]*$' \
    "stats shows non-zero memory usage and PIDs"

tap_ok "pause" "${PODMAN[@]}" pause "$C"
tap_is "$(state "$C")" "paused 0" "inspect says paused"
sleep 0.5
n1=$(log_count "$C" tick)
sleep 2
n2=$(log_count "$C" tick)
tap_result "$([ "$n1" -gt 0 ] && [ "$n2" -eq "$n1" ] && echo 0 || echo 1)" \
    "a paused container prints nothing" "ticks after pausing: $n1, 2 s later: $n2"
tap_ok "unpause" "${PODMAN[@]}" unpause "$C"
e2e_wait 5 sh -c "[ \$(${PODMAN[*]} logs $C 2>&1 | grep -c tick) -gt $n1 ]"
tap_result "$([ "$(log_count "$C" tick)" -gt "$n1" ] && echo 0 || echo 1)" \
    "an unpaused container runs again"

tap_ok "kill -s USR1" "${PODMAN[@]}" kill -s USR1 "$C"
e2e_wait 10 sh -c "${PODMAN[*]} logs $C 2>&1 | grep -q got-usr1"
tap_like "$("${PODMAN[@]}" logs "$C" 2>&1)" '^got-usr1$' "the USR1 trap ran"
tap_ok "stop (SIGTERM handled)" "${PODMAN[@]}" stop -t 10 "$C"
tap_is "$(state "$C")" "exited 0" "PID 1 exited 0 from its TERM trap"
tap_ok "restart" "${PODMAN[@]}" restart -t 2 "$C"
e2e_wait 30 is_running "$C"
tap_is "$(state "$C")" "running 0" "restarted container is running"
tap_ok "rm -f of a running container" "${PODMAN[@]}" rm -f -t 1 "$C"
tap_run "${PODMAN[@]}" container exists "$C"
tap_rc 1 "the removed container is gone"

# ---- mounts and options -------------------------------------------------------
vol=$T_TMP/vol
mkdir -p "$vol"
echo from-host >"$vol/in"
tap_run "${RUN[@]}" --rm -v "$vol:/data" "$IMG" sh -c 'cat /data/in; echo from-ctr > /data/out'
tap_is "$T_OUT" from-host "-v: the container reads a host file"
tap_is "$(cat "$vol/out" 2>&1)" from-ctr "-v: the container's write shows on the host"
tap_run "${RUN[@]}" --rm --read-only "$IMG" touch /newfile
tap_like "$T_ERR" 'Read-only file system' "--read-only: writing / fails with EROFS"
tap_run "${RUN[@]}" --rm --tmpfs /scratch "$IMG" sh -c 'grep " /scratch " /proc/mounts'
tap_like "$T_OUT" '^tmpfs /scratch tmpfs ' "--tmpfs /scratch is a tmpfs mount"
tap_run "${RUN[@]}" --rm --user 65534 "$IMG" id -u
tap_is "$T_OUT" 65534 "--user 65534"
tap_run "${RUN[@]}" --rm --workdir /tmp "$IMG" pwd
tap_is "$T_OUT" /tmp "--workdir /tmp"
tap_run "${RUN[@]}" --rm --hostname e2e-host "$IMG" hostname
tap_is "$T_OUT" e2e-host "--hostname sets the UTS name"
tap_run "${RUN[@]}" -d --name e2e-limits --memory 64m --pids-limit 20 "$IMG" sleep 1000
e2e_wait 30 is_running e2e-limits
pid=$("${PODMAN[@]}" inspect -f '{{.State.Pid}}' e2e-limits 2>/dev/null)
cgp=$(awk -F: '$2 == "memory" { print $3 }' "/proc/$pid/cgroup" 2>/dev/null)
tap_is "$(e2e_cgroup_file memory "$cgp" memory.limit_in_bytes)" 67108864 \
    "--memory 64m: memory.limit_in_bytes is 64 MiB"
cgp=$(awk -F: '$2 == "pids" { print $3 }' "/proc/$pid/cgroup" 2>/dev/null)
e2e_pids_max_check "$cgp" 20
"${PODMAN[@]}" rm -f -t 0 e2e-limits >/dev/null 2>&1

# ---- a pod: two containers sharing the infra container's UTS and IPC ----------
# With runsc-c the pod is one sandbox: podman marks the infra container
# io.kubernetes.cri-o.ContainerType=sandbox and the others "container" with
# the infra's id as io.kubernetes.cri-o.SandboxID, so there is one
# `runsc-c boot --id=<infra id>` and none for the members.
# sandbox_ids ID...: the ids among ID... that a `runsc-c boot --id=` process
# runs (sorted, one a line).
sandbox_ids() {
    local d id
    for d in /proc/[0-9]*; do
        tr '\0' '\n' 2>/dev/null <"$d/cmdline" | sed -n 's/^--id=//p'
    done | sort -u | while read -r id; do
        case " $* " in *" $id "*) echo "$id" ;; esac
    done
}
sandbox_gone() {
    [ -z "$(sandbox_ids "$1")" ]
}
tap_ok "pod create" "${PODMAN[@]}" pod create --name e2e-pod --hostname e2e-podhost \
    --network none --share uts,ipc
tap_run "${PODMAN[@]}" run -d --pod e2e-pod --name e2e-pod-a "$IMG" \
    sh -c 'echo shared > /dev/shm/f; sleep 1000'
tap_rc 0 "first container runs in the pod"
e2e_wait 30 is_running e2e-pod-a
tap_run "${PODMAN[@]}" run -d --pod e2e-pod --name e2e-pod-b "$IMG" sleep 1000
tap_rc 0 "second container runs in the pod"
e2e_wait 30 is_running e2e-pod-b
tap_run "${PODMAN[@]}" exec e2e-pod-a echo from-a
tap_is "$T_OUT" from-a "exec in the pod's first container"
tap_run "${PODMAN[@]}" exec e2e-pod-b sh -c 'echo from-b; hostname; cat /dev/shm/f'
tap_is "$T_OUT" "from-b
e2e-podhost
shared" "exec in the second: the pod's hostname and the first's /dev/shm"
tap_run "${PODMAN[@]}" run --rm --pod e2e-pod "$IMG" cat /dev/shm/f
tap_is "$T_OUT" shared "run --rm in the pod sees the shared /dev/shm"
tap_run "${PODMAN[@]}" pod ps --format '{{.Name}} {{.Status}} {{.NumberOfContainers}}'
tap_like "$T_OUT" '^e2e-pod Running 3$' "pod ps: the pod runs with infra + two containers"
infra=$("${PODMAN[@]}" pod inspect -f '{{.InfraContainerID}}' e2e-pod 2>/dev/null)
ida=$("${PODMAN[@]}" inspect -f '{{.Id}}' e2e-pod-a 2>/dev/null)
idb=$("${PODMAN[@]}" inspect -f '{{.Id}}' e2e-pod-b 2>/dev/null)
if [ "$RUNTIME" = runsc-c ]; then
    tap_is "$(sandbox_ids "$infra" "$ida" "$idb")" "$infra" \
        "the pod is one sandbox: one runsc-c boot, the infra container's"
fi
tap_ok "pod stop" "${PODMAN[@]}" pod stop -t 1 e2e-pod
tap_is "$(state e2e-pod-a | cut -d' ' -f1) $(state e2e-pod-b | cut -d' ' -f1)" "exited exited" \
    "pod stop: both containers exited"
if [ "$RUNTIME" = runsc-c ]; then
    e2e_wait 10 sandbox_gone "$infra"
    tap_is "$(sandbox_ids "$infra" "$ida" "$idb")" "" "pod stop: the sandbox is gone"
fi
tap_ok "pod rm" "${PODMAN[@]}" pod rm -f e2e-pod

tap_done
