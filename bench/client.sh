#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Container start-up cost as a user sees it: the median wall time of
# `docker run --rm IMG true` with each runtime (one warm-up each, then N
# rounds that run every runtime once, interleaved), in one private dockerd
# (tests/e2e/lib.sh: state under a temp dir, stopped at exit), printed in ms
# with the ratio to runc. A runtime that fails says so
# and how, instead of a number.
#
#   bench/client.sh [RUNTIME...]     default: runsc-c runc crun
#   N=10 BUILD=build bench/client.sh
set -uo pipefail

# crun refuses a cgroup v1/v2 hybrid host whose v2 hierarchy has controllers
# ("cgroups in hybrid mode not supported"): as bench/startup.sh does, re-run
# in a private mount namespace where /sys/fs/cgroup/unified/cgroup.controllers
# reads empty; the host is unchanged, and dockerd, its shims and every runtime
# run in that namespace (only crun reads the file).
UNIFIED=/sys/fs/cgroup/unified
if [ -z "${CLIENT_IN_NS:-}" ] && [ -n "$(cat "$UNIFIED/cgroup.controllers" 2>/dev/null)" ] &&
    [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]; then
    export CLIENT_IN_NS=1
    exec unshare -m --propagation private bash -c \
        'mount --bind /dev/null "$0/cgroup.controllers" && exec bash "$1" "${@:2}"' \
        "$UNIFIED" "$0" "$@"
fi

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/../tests/e2e/lib.sh"
N=${N:-10}
RUNTIMES=("$@")
[ ${#RUNTIMES[@]} -eq 0 ] && RUNTIMES=(runsc-c runc crun)

e2e_need_pkgs docker.io containerd runc crun >/dev/null

D=$T_TMP/docker
mkdir -p "$D"
echo '{"iptables": false, "ip-forward": false, "ip-masq": false, "bridge": "none"}' \
    >"$D/daemon.json"
declare -A path=()
for rt in "${RUNTIMES[@]}"; do
    case $rt in
    runsc-c) p=$RUNSC ;;
    *) p=$(command -v "$rt" || true) ;;
    esac
    if [ -z "$p" ] || [ ! -x "$p" ]; then
        echo "$rt: not found (${p:-not in PATH}); skipped"
        continue
    fi
    path[$rt]=$(realpath "$p")
    [ "$rt" = runc ] && continue # Docker's built-in runtime
    jq --arg n "bench-$rt" --arg p "${path[$rt]}" '.runtimes[$n] = {path: $p}' "$D/daemon.json" \
        >"$D/daemon.json.new" && mv "$D/daemon.json.new" "$D/daemon.json"
done
SOCK=$D/docker.sock
e2e_start_daemon dockerd "$D/dockerd.log" dockerd --config-file "$D/daemon.json" \
    --data-root "$D/data" --exec-root "$D/exec" --pidfile "$D/docker.pid" -H "unix://$SOCK" \
    >/dev/null
DOCKER=(/usr/bin/docker -H "unix://$SOCK")
if ! e2e_wait 60 "${DOCKER[@]}" version; then
    echo "dockerd did not start:" >&2
    tail -n 20 "$D/dockerd.log" >&2
    exit 1
fi
e2e_rootfs_tar "$T_TMP/rootfs.tar" >/dev/null
"${DOCKER[@]}" import - "$E2E_IMAGE" <"$T_TMP/rootfs.tar" >/dev/null || exit 1

declare -A median=() times=() failed=()
# docker run of runtime $1.
run_rt() {
    local name=bench-$1
    [ "$1" = runc ] && name=runc
    timeout 60 "${DOCKER[@]}" run --rm --runtime "$name" --network none "$E2E_IMAGE" true
}
# One warm-up each, then N rounds with the runtimes interleaved (each round
# runs every runtime once), so a noisy neighbour on a shared machine weighs on
# all of them alike.
ok_rts=()
for rt in "${RUNTIMES[@]}"; do
    [ -n "${path[$rt]+x}" ] || continue
    if ! run_rt "$rt" >"$T_TMP/err" 2>&1; then
        failed[$rt]="FAILED: $(grep -v '^WARNING' "$T_TMP/err" | tail -n 1)"
        continue
    fi
    ok_rts+=("$rt")
done
for ((i = 0; i < N; i++)); do
    for rt in "${ok_rts[@]}"; do
        [ -n "${failed[$rt]+x}" ] && continue
        t0=$(date +%s%N)
        if ! run_rt "$rt" >/dev/null 2>&1; then
            failed[$rt]="FAILED during the timed runs (round $((i + 1)))"
            continue
        fi
        t1=$(date +%s%N)
        times[$rt]+="$(((t1 - t0) / 1000000)) "
    done
done
printf '%-10s %10s %10s %10s %9s\n' runtime "median ms" "min ms" "max ms" "vs runc"
for rt in "${RUNTIMES[@]}"; do
    [ -n "${path[$rt]+x}" ] || continue
    if [ -n "${failed[$rt]+x}" ]; then
        printf '%-10s %s\n' "$rt" "${failed[$rt]}"
        continue
    fi
    mapfile -t sorted < <(printf '%s\n' ${times[$rt]} | sort -n)
    # The median of N values (the mean of the middle two for even N).
    m=$(((sorted[(N - 1) / 2] + sorted[N / 2]) / 2))
    median[$rt]=$m
done
for rt in "${RUNTIMES[@]}"; do
    [ -n "${median[$rt]+x}" ] || continue
    ratio=-
    [ -n "${median[runc]+x}" ] && ratio=$(awk -v a="${median[$rt]}" -v b="${median[runc]}" \
        'BEGIN { printf "%.2fx", a / b }')
    mapfile -t sorted < <(printf '%s\n' ${times[$rt]} | sort -n)
    printf '%-10s %10d %10d %10d %9s\n' "$rt" "${median[$rt]}" "${sorted[0]}" "${sorted[N - 1]}" "$ratio"
done
