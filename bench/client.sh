#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Container start-up cost as a user sees it: the median wall time of
# `docker run --rm IMG true` (N runs after one warm-up) with each runtime, in
# one private dockerd (tests/e2e/lib.sh: state under a temp dir, stopped at
# exit), printed in ms with the ratio to runc. A runtime that fails says so
# and how, instead of a number.
#
#   bench/client.sh [RUNTIME...]     default: runsc-c runc crun
#   N=10 BUILD=build bench/client.sh
set -uo pipefail

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

declare -A median=()
printf '%-10s %10s %10s %10s %9s\n' runtime "median ms" "min ms" "max ms" "vs runc"
for rt in "${RUNTIMES[@]}"; do
    [ -n "${path[$rt]+x}" ] || continue
    name=bench-$rt
    [ "$rt" = runc ] && name=runc
    run=("${DOCKER[@]}" run --rm --runtime "$name" --network none "$E2E_IMAGE" true)
    if ! timeout 60 "${run[@]}" >"$T_TMP/err" 2>&1; then
        printf '%-10s FAILED: %s\n' "$rt" "$(grep -v '^WARNING' "$T_TMP/err" | tail -n 1)"
        continue
    fi
    times=()
    for ((i = 0; i < N; i++)); do
        t0=$(date +%s%N)
        timeout 60 "${run[@]}" >/dev/null 2>&1 || {
            times=()
            break
        }
        t1=$(date +%s%N)
        times+=($(((t1 - t0) / 1000000)))
    done
    if [ ${#times[@]} -eq 0 ]; then
        printf '%-10s FAILED during the timed runs\n' "$rt"
        continue
    fi
    mapfile -t sorted < <(printf '%s\n' "${times[@]}" | sort -n)
    # The median of N values (the mean of the middle two for even N).
    m=$(((sorted[(N - 1) / 2] + sorted[N / 2]) / 2))
    median[$rt]=$m
    ratio=-
    [ -n "${median[runc]+x}" ] && ratio=$(awk -v a="$m" -v b="${median[runc]}" \
        'BEGIN { printf "%.2fx", a / b }')
    printf '%-10s %10d %10d %10d %9s\n' "$rt" "$m" "${sorted[0]}" "${sorted[N - 1]}" "$ratio"
done
# Ratios of runtimes measured before runc.
if [ -n "${median[runc]+x}" ]; then
    for rt in "${!median[@]}"; do
        [ "$rt" = runc ] && continue
        awk -v r="$rt" -v a="${median[$rt]}" -v b="${median[runc]}" \
            'BEGIN { printf "%s / runc: %.2fx\n", r, a / b }'
    done
fi
