#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Docker (docker.io 20.10 from Debian 12) drives the runtime under test
# ($RUNTIME, default runsc-c) through a private dockerd: run, exit codes,
# the detached life cycle (exec, logs, top, stats, pause, signals, stop,
# restart, rm), bind mounts and the common run options.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

e2e_need_pkgs docker.io containerd runc tmux curl iptables
rt_path=$(e2e_runtime_path)

# ---- a private dockerd ------------------------------------------------------
D=$T_TMP/docker
mkdir -p "$D"
echo '{"iptables": false, "ip-forward": false, "ip-masq": false, "bridge": "none"}' \
    >"$D/daemon.json"
case $RUNTIME in
runc) rt_name=runc ;; # Docker's built-in runtime
runsc-c)
    # Register it the way users will: runsc-c install.
    rt_name=runsc-c
    if ! "$rt_path" install --config-file "$D/daemon.json" >"$D/install.log" 2>&1; then
        tap_fail "runsc-c install registers the runtime" "$(cat "$D/install.log")"
        tap_done
    fi
    ;;
*)
    rt_name=e2e-$(basename "$rt_path")
    jq --arg n "$rt_name" --arg p "$rt_path" '.runtimes[$n] = {path: $p}' "$D/daemon.json" \
        >"$D/daemon.json.new" && mv "$D/daemon.json.new" "$D/daemon.json"
    ;;
esac
SOCK=$D/docker.sock
e2e_start_daemon dockerd "$D/dockerd.log" dockerd --config-file "$D/daemon.json" \
    --data-root "$D/data" --exec-root "$D/exec" --pidfile "$D/docker.pid" -H "unix://$SOCK"
DOCKER=(/usr/bin/docker -H "unix://$SOCK")
docker_() {
    "${DOCKER[@]}" "$@"
}
e2e_wait 60 docker_ version || e2e_daemon_failed dockerd "$D/dockerd.log"
e2e_on_exit "docker_ ps -aq | xargs -r /usr/bin/docker -H unix://$SOCK rm -f"
tap_run "${DOCKER[@]}" info --format '{{json .Runtimes}}'
tap_like "$T_OUT" "\"$rt_name\"" "dockerd lists the runtime $rt_name"

# ---- the image ----------------------------------------------------------------
IMG=$E2E_IMAGE
e2e_rootfs_tar "$T_TMP/rootfs.tar"
T_STDIN=$T_TMP/rootfs.tar tap_ok "docker import of the busybox rootfs" "${DOCKER[@]}" import - "$IMG"

RUN=("${DOCKER[@]}" run --runtime "$rt_name" --network none)
e2e_log "runtime $RUNTIME ($rt_path) as \"$rt_name\""

# state NAME: "<status> <exit code>" of a container.
state() {
    docker_ inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$1" 2>&1
}
is_running() {
    [ "$(docker_ inspect -f '{{.State.Status}}' "$1" 2>/dev/null)" = running ]
}
# log_count NAME PATTERN: how many log lines match.
log_count() {
    docker_ logs "$1" 2>&1 | grep -c -- "$2"
}

# ---- run, exit codes ----------------------------------------------------------
tap_run "${RUN[@]}" --rm "$IMG" echo hi
tap_rc 0 "run --rm echo hi exits 0"
tap_is "$T_OUT" hi "run --rm echo hi prints hi"

tap_run "${RUN[@]}" --rm "$IMG" sh -c 'exit 7'
tap_rc 7 "run: exit 7 gives 7"

tap_run "${RUN[@]}" --rm "$IMG" /nonexistent
tap_result "$([ "$T_RC" -eq 127 ] || [ "$T_RC" -eq 126 ] && echo 0 || echo 1)" \
    "run of a missing program gives 127 (or 126)" "$(tap_last_run)"

tap_run "${RUN[@]}" --rm -i "$IMG" cat
tap_result "$([ "$T_RC" -eq 0 ] && [ -z "$T_OUT" ] && echo 0 || echo 1)" \
    "run -i cat with stdin at EOF prints nothing and exits 0" "$(tap_last_run)"
printf 'line1\nline2\n' >"$T_TMP/stdin"
T_STDIN=$T_TMP/stdin tap_run "${RUN[@]}" --rm -i "$IMG" cat
tap_is "$T_OUT" "line1
line2" "run -i: stdin reaches the container"
tap_rc 0 "run -i: cat sees stdin's EOF and exits 0"

# ---- run -it in a real terminal (a private tmux server) --------------------
# The container's sh shows its prompt, ^C interrupts a sleep (status 130) and
# the prompt comes back, `exit 5` ends `docker run` with 5.
TM=(tmux -L "e2e-docker-$$")
e2e_on_exit "${TM[*]} kill-server"
# screen_has REGEX: a line of the pane matches.
screen_has() {
    "${TM[@]}" capture-pane -p -t t 2>/dev/null | grep -qE -- "$1"
}
# expect_screen REGEX NAME [SECONDS]: one check: the pane shows REGEX in time.
expect_screen() {
    local r=1
    e2e_wait "${3:-20}" screen_has "$1" && r=0
    tap_result "$r" "$2" "want a line matching: $1" "screen:" \
        "$("${TM[@]}" capture-pane -p -t t 2>&1)"
}
keys() {
    "${TM[@]}" send-keys -t t "$@"
}
"${TM[@]}" -f /dev/null new-session -d -x 100 -y 30 -s t \
    "${RUN[*]} -it --rm -e 'PS1=CTR# ' $IMG sh; echo EXITED-\$?; sleep 600"
expect_screen '^CTR# ?$' "run -it: the container's shell prompt shows in tmux" 60
keys 'tty; (echo F$((1+1)); exec sleep 100)' Enter
expect_screen '^F2$' "run -it: a sleep runs in the foreground"
keys C-c
keys 'echo rc=$?' Enter
expect_screen '^rc=130$' "run -it: Ctrl-C interrupts the sleep and the prompt is back"
tap_like "$("${TM[@]}" capture-pane -p -t t 2>&1)" '^/dev/pts/[0-9]+$' \
    "run -it: the shell's stdin is a terminal"
keys 'exit 5' Enter
expect_screen '^EXITED-5$' "run -it: exit 5 ends docker run with 5"
"${TM[@]}" kill-server >/dev/null 2>&1

# Killed by SIGKILL from outside: the foreground `docker run` exits 137.
docker_ rm -f e2e-kill >/dev/null 2>&1
(timeout 60 /usr/bin/docker -H "unix://$SOCK" run --runtime "$rt_name" --network none \
    --name e2e-kill "$IMG" sleep 1000 >/dev/null 2>&1; echo $? >"$T_TMP/kill.rc") &
bg=$!
if e2e_wait 30 is_running e2e-kill; then
    tap_ok "docker kill (SIGKILL) of a running container" "${DOCKER[@]}" kill e2e-kill
else
    tap_fail "docker kill (SIGKILL) of a running container" "never running: $(state e2e-kill)"
fi
wait "$bg"
tap_is "$(cat "$T_TMP/kill.rc")" 137 "run killed by SIGKILL exits 137"
tap_is "$(state e2e-kill)" "exited 137" "inspect: exited 137 after SIGKILL"
docker_ rm -f e2e-kill >/dev/null 2>&1

# `docker stop` of a PID 1 that ignores SIGTERM escalates to SIGKILL.
tap_run "${RUN[@]}" -d --name e2e-stubborn "$IMG" sleep 1000
e2e_wait 30 is_running e2e-stubborn
tap_ok "stop -t 1 of a container ignoring SIGTERM" "${DOCKER[@]}" stop -t 1 e2e-stubborn
tap_is "$(state e2e-stubborn)" "exited 137" "stop escalates to SIGKILL: exited 137"
docker_ rm -f e2e-stubborn >/dev/null 2>&1

# ---- the detached life cycle --------------------------------------------------
# PID 1 logs "started", a tick per second, "got-usr1" on SIGUSR1 and exits 0
# with "got-term" on SIGTERM.
LOOP='trap "echo got-usr1" USR1; trap "echo got-term; exit 0" TERM; echo started
while :; do echo tick; sleep 1; done'
C=e2e-life
tap_run "${RUN[@]}" -d --name "$C" "$IMG" sh -c "$LOOP"
tap_rc 0 "run -d exits 0"
tap_like "$T_OUT" '^[0-9a-f]{64}$' "run -d prints the container id"
e2e_wait 30 is_running "$C"
tap_is "$(state "$C")" "running 0" "the detached container is running"
e2e_wait 10 sh -c "[ \$(/usr/bin/docker -H unix://$SOCK logs $C 2>&1 | grep -c started) -ge 1 ]"
tap_like "$(docker_ logs "$C" 2>&1)" '^started$' "logs show the container's output"

tap_run "${DOCKER[@]}" exec "$C" echo from-exec
tap_is "$T_OUT" from-exec "exec echo prints its output"
tap_run "${DOCKER[@]}" exec "$C" sh -c 'exit 3'
tap_rc 3 "exec: exit 3 gives 3"
tap_run "${DOCKER[@]}" exec "$C" cat /proc/1/comm
tap_is "$T_OUT" sh "exec sees PID 1 (sh) in the container's PID namespace"
printf 'to-exec\n' >"$T_TMP/exec.in"
T_STDIN=$T_TMP/exec.in tap_run "${DOCKER[@]}" exec -i "$C" cat
tap_is "$T_OUT" to-exec "exec -i: stdin reaches the exec'd process"
tap_rc 0 "exec -i: cat sees stdin's EOF and exits 0"
tap_run "${DOCKER[@]}" exec -u 65534 "$C" id -u
tap_is "$T_OUT" 65534 "exec -u 65534 runs as that user"
tap_run "${DOCKER[@]}" exec -w /tmp "$C" pwd
tap_is "$T_OUT" /tmp "exec -w /tmp runs there"
tap_run "${DOCKER[@]}" exec -e E2E_VAR=x1 "$C" sh -c 'echo $E2E_VAR'
tap_is "$T_OUT" x1 "exec -e sets the environment"

tap_run "${DOCKER[@]}" top "$C"
tap_rc 0 "top exits 0"
tap_like "$T_OUT" 'sleep|sh -c' "top lists the container's processes"

tap_run "${DOCKER[@]}" stats --no-stream --format '{{.MemUsage}}|{{.PIDs}}' "$C"
tap_rc 0 "stats --no-stream exits 0"
tap_like "$T_OUT" '^[1-9][0-9.]*[kKMG]i?B / .*\|[1-9][0-9]*$' \
    "stats shows non-zero memory usage and PIDs"

# Paused: no ticks for 2 s; unpaused: ticks again.
tap_ok "pause" "${DOCKER[@]}" pause "$C"
tap_is "$(state "$C")" "paused 0" "inspect says paused"
sleep 0.5
n1=$(log_count "$C" tick)
sleep 2
n2=$(log_count "$C" tick)
tap_result "$([ "$n1" -gt 0 ] && [ "$n2" -eq "$n1" ] && echo 0 || echo 1)" \
    "a paused container prints nothing" "ticks after pausing: $n1, 2 s later: $n2"
tap_ok "unpause" "${DOCKER[@]}" unpause "$C"
tap_is "$(state "$C")" "running 0" "inspect says running after unpause"
e2e_wait 5 sh -c "[ \$(/usr/bin/docker -H unix://$SOCK logs $C 2>&1 | grep -c tick) -gt $n2 ]"
tap_result "$([ "$(log_count "$C" tick)" -gt "$n2" ] && echo 0 || echo 1)" \
    "an unpaused container runs again"

tap_ok "kill -s USR1" "${DOCKER[@]}" kill -s USR1 "$C"
e2e_wait 10 sh -c "/usr/bin/docker -H unix://$SOCK logs $C 2>&1 | grep -q got-usr1"
tap_like "$(docker_ logs "$C" 2>&1)" '^got-usr1$' "the USR1 trap ran"
tap_is "$(state "$C")" "running 0" "still running after USR1"

tap_ok "stop (SIGTERM handled)" "${DOCKER[@]}" stop -t 10 "$C"
tap_is "$(state "$C")" "exited 0" "PID 1 exited 0 from its TERM trap"
tap_like "$(docker_ logs "$C" 2>&1)" '^got-term$' "the TERM trap ran"

tap_ok "restart" "${DOCKER[@]}" restart -t 2 "$C"
e2e_wait 30 is_running "$C"
tap_is "$(state "$C")" "running 0" "restarted container is running"
e2e_wait 10 sh -c "[ \$(/usr/bin/docker -H unix://$SOCK logs $C 2>&1 | grep -c started) -ge 2 ]"
tap_is "$(log_count "$C" started)" 2 "the restarted PID 1 ran again (two 'started')"
tap_run "${DOCKER[@]}" exec "$C" echo after-restart
tap_is "$T_OUT" after-restart "exec works after restart"

tap_ok "rm -f of a running container" "${DOCKER[@]}" rm -f "$C"
tap_run "${DOCKER[@]}" inspect "$C"
tap_result "$([ "$T_RC" -ne 0 ] && echo 0 || echo 1)" "the removed container is gone"

# ---- mounts and options -------------------------------------------------------
vol=$T_TMP/vol
mkdir -p "$vol"
echo from-host >"$vol/in"
tap_run "${RUN[@]}" --rm -v "$vol:/data" "$IMG" sh -c 'cat /data/in; echo from-ctr > /data/out'
tap_is "$T_OUT" from-host "-v: the container reads a host file"
tap_is "$(cat "$vol/out" 2>&1)" from-ctr "-v: the container's write shows on the host"
tap_run "${RUN[@]}" --rm -v "$vol:/data:ro" "$IMG" sh -c 'echo x > /data/ro'
tap_result "$([ ! -e "$vol/ro" ] && echo 0 || echo 1)" "-v ...:ro: nothing is written"
tap_like "$T_ERR" 'Read-only file system' "-v ...:ro: the write fails with EROFS"

tap_run "${RUN[@]}" --rm --read-only "$IMG" touch /newfile
tap_result "$([ "$T_RC" -ne 0 ] && echo 0 || echo 1)" "--read-only: writing / fails" \
    "$(tap_last_run)"
tap_like "$T_ERR" 'Read-only file system' "--read-only: the error is EROFS"
tap_run "${RUN[@]}" --rm --read-only --tmpfs /tmp "$IMG" sh -c 'echo ok > /tmp/f && cat /tmp/f'
tap_is "$T_OUT" ok "--read-only with --tmpfs /tmp: /tmp is writable"

tap_run "${RUN[@]}" --rm --tmpfs /scratch:size=1m "$IMG" sh -c 'grep " /scratch " /proc/mounts'
tap_like "$T_OUT" '^tmpfs /scratch tmpfs ' "--tmpfs /scratch is a tmpfs mount"
tap_run "${RUN[@]}" --rm --tmpfs /scratch:size=1m "$IMG" \
    sh -c 'dd if=/dev/zero of=/scratch/big bs=1024 count=2048'
tap_like "$T_ERR" 'No space left' "--tmpfs size=1m: writing 2 MiB fails with ENOSPC"

tap_run "${RUN[@]}" --rm --user 65534 "$IMG" id
tap_like "$T_OUT" '^uid=65534(\([a-z]*\))? gid=65534' "--user 65534: uid and gid 65534"
tap_run "${RUN[@]}" --rm --user 65534 "$IMG" touch /root/x
tap_like "$T_ERR" 'Permission denied' "--user 65534 cannot write /root (0700): EACCES"

tap_run "${RUN[@]}" --rm --workdir /tmp "$IMG" pwd
tap_is "$T_OUT" /tmp "--workdir /tmp"
tap_run "${RUN[@]}" --rm --workdir /made/by/docker "$IMG" pwd
tap_is "$T_OUT" /made/by/docker "--workdir of a missing directory creates it"

tap_run "${RUN[@]}" --rm --hostname e2e-host "$IMG" hostname
tap_is "$T_OUT" e2e-host "--hostname sets the UTS name"
tap_run "${RUN[@]}" --rm -e FOO=bar "$IMG" sh -c 'echo $FOO'
tap_is "$T_OUT" bar "-e FOO=bar reaches the environment"

# Limits: the host cgroups Docker asked for hold the container's processes.
tap_run "${RUN[@]}" -d --name e2e-limits --memory 64m --pids-limit 20 "$IMG" sleep 1000
e2e_wait 30 is_running e2e-limits
cid=$(docker_ inspect -f '{{.Id}}' e2e-limits 2>/dev/null)
pid=$(docker_ inspect -f '{{.State.Pid}}' e2e-limits 2>/dev/null)
cgp=$(awk -F: '$2 == "memory" { print $3 }' "/proc/$pid/cgroup" 2>/dev/null)
tap_like "$cgp" "$cid" "the container's PID is in its own memory cgroup"
tap_is "$(e2e_cgroup_file memory "$cgp" memory.limit_in_bytes)" 67108864 \
    "--memory 64m: memory.limit_in_bytes is 64 MiB"
cgp=$(awk -F: '$2 == "pids" { print $3 }' "/proc/$pid/cgroup" 2>/dev/null)
e2e_pids_max_check "$cgp" 20
tap_run "${DOCKER[@]}" stats --no-stream --format '{{.MemUsage}}' e2e-limits
tap_like "$T_OUT" '/ 64MiB$' "stats shows the 64 MiB limit"
docker_ rm -f e2e-limits >/dev/null 2>&1

# busybox sh gives up (exit 2, "can't fork") when fork fails.
tap_run "${RUN[@]}" --rm --pids-limit 20 "$IMG" \
    sh -c 'i=0; while [ $i -lt 40 ]; do sleep 5 & i=$((i+1)); done; echo spawned $i'
tap_result "$([ "$T_OUT" != "spawned 40" ] && grep -qE "can't fork|Resource temporarily" <<<"$T_ERR" && echo 0 || echo 1)" \
    "--pids-limit 20: 40 processes cannot be forked (EAGAIN)" "$(tap_last_run)"

docker_ rm -f e2e-oom >/dev/null 2>&1
tap_run "${RUN[@]}" --name e2e-oom --memory 64m --memory-swap 64m "$IMG" \
    sh -c 'x=$(head -c 200000000 /dev/zero | tr "\0" a); echo survived ${#x}'
tap_result "$([ "$T_RC" -eq 137 ] && echo 0 || echo 1)" \
    "--memory 64m: allocating 200 MB is OOM-killed (137)" "$(tap_last_run)"
tap_is "$(docker_ inspect -f '{{.State.OOMKilled}} {{.State.ExitCode}}' e2e-oom 2>&1)" \
    "true 137" "--memory 64m: inspect says OOMKilled true, exit code 137"
docker_ rm -f e2e-oom >/dev/null 2>&1

# ---- --network bridge, a published port, reached from the host --------------
# A second private dockerd with iptables on (the first one has none) and a
# bridge of our own (Docker uses an existing bridge named in "bridge"), so
# nothing of the host's docker0 is touched; ip-forward and ip-masq stay off
# (they are host-wide), which host-to-container traffic does not need.
BR=e2ebr$$
BRD=$T_TMP/docker-bridge
mkdir -p "$BRD"
bridge_cleanup() {
    local t rule
    for t in nat filter; do
        iptables -t "$t" -S 2>/dev/null | grep -F -- "$BR" | while read -r rule; do
            eval "iptables -t $t -D ${rule#-A }"
        done
    done
    ip link del "$BR"
}
if ip link add "$BR" type bridge && ip addr add 10.199.$(($$ % 250)).1/24 dev "$BR" &&
    ip link set "$BR" up; then
    e2e_on_exit bridge_cleanup
    jq --arg b "$BR" '. + {iptables: true, "ip-forward": false, "ip-masq": false, bridge: $b}' \
        "$D/daemon.json" >"$BRD/daemon.json"
    BSOCK=$BRD/docker.sock
    e2e_start_daemon "dockerd (bridge $BR)" "$BRD/dockerd.log" dockerd \
        --config-file "$BRD/daemon.json" --data-root "$BRD/data" --exec-root "$BRD/exec" \
        --pidfile "$BRD/docker.pid" -H "unix://$BSOCK"
    BDOCKER=(/usr/bin/docker -H "unix://$BSOCK")
    e2e_wait 60 "${BDOCKER[@]}" version || e2e_daemon_failed "dockerd (bridge)" "$BRD/dockerd.log"
    e2e_on_exit "${BDOCKER[*]} rm -f e2e-web"
    T_STDIN=$T_TMP/rootfs.tar tap_run "${BDOCKER[@]}" import - "$IMG"
    # A free host port.
    port=$((20000 + $$ % 20000))
    while ss -Htln "sport = :$port" | grep -q .; do port=$((port + 1)); done
    tap_run "${BDOCKER[@]}" run -d --runtime "$rt_name" --network bridge -p "127.0.0.1:$port:80" \
        --name e2e-web "$IMG" sh -c \
        'mkdir -p /www && echo e2e-bridge-ok > /www/index.html && ip -o -4 addr show eth0 && exec httpd -f -p 80 -h /www'
    tap_rc 0 "--network bridge -p 127.0.0.1:PORT:80: run -d of busybox httpd"
    e2e_wait 30 sh -c "[ \"\$(${BDOCKER[*]} inspect -f '{{.State.Status}}' e2e-web)\" = running ]"
    tap_like "$("${BDOCKER[@]}" logs e2e-web 2>&1)" 'eth0 +inet 10\.199\.' \
        "--network bridge: the container has eth0 on the bridge's subnet"
    e2e_wait 20 curl -fsS --max-time 2 "http://127.0.0.1:$port/"
    tap_run curl -fsS --max-time 5 "http://127.0.0.1:$port/"
    tap_is "$T_OUT" e2e-bridge-ok "--network bridge: curl from the host reaches httpd through the published port"
    tap_ok "rm -f of the bridged container" "${BDOCKER[@]}" rm -f e2e-web
else
    tap_fail "--network bridge: our bridge is created" "ip link add $BR type bridge failed"
fi

tap_done
