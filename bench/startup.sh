#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Container start-up and idle memory, runsc-c against runc and crun in one run:
#  - create + start + wait + delete of a container running /init true (a static
#    helper in a busybox rootfs), median of N runs, in ms, and the ratio;
#  - the host memory (PSS, from /proc/<pid>/smaps_rollup) of every process of
#    an idle container running `sleep`: for runsc-c the sandbox (sentry and its
#    stubs), the gofer and the waiter; for runc the container's process.
# and the same for crun. crun refuses a cgroup v1/v2 hybrid host whose v2
# hierarchy has controllers ("cgroups in hybrid mode not supported, drop all
# controllers from cgroupv2", whatever --cgroup-manager says: it reads
# /sys/fs/cgroup/unified/cgroup.controllers first). So on such a host the
# script re-runs itself in a private mount namespace where that one file reads
# empty (/dev/null bound over it); the host is unchanged, crun uses its v1
# cgroupfs manager as runc does, and all three runtimes run in the same
# namespace (runc and runsc-c do not read that file).
# runc and crun come from Debian; the script installs them when missing.
# Usage: BUILD=build bench/startup.sh [N]
set -uo pipefail

UNIFIED=/sys/fs/cgroup/unified
if [ -z "${STARTUP_IN_NS:-}" ] && [ -n "$(cat "$UNIFIED/cgroup.controllers" 2>/dev/null)" ] &&
    [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]; then
    export STARTUP_IN_NS=1
    exec unshare -m --propagation private bash -c \
        'mount --bind /dev/null "$0/cgroup.controllers" && exec bash "$1" "${@:2}"' \
        "$UNIFIED" "$0" "$@"
fi

REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$REPO/$BUILD ;; esac
RUNSC=$BUILD/runsc-c
HELPER=$BUILD/tests/helper/init
N=${1:-10}

for f in "$RUNSC" "$HELPER"; do
    [ -x "$f" ] || { echo "startup: $f is missing; run \`make BUILD=$BUILD bench\`" >&2; exit 1; }
done
for p in runc crun; do
    command -v "$p" >/dev/null ||
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p" \
            >/dev/null 2>&1
done

T=$(mktemp -d /tmp/runsc-c-bench.XXXXXX)
trap 'for r in "$T"/root-*; do [ -d "$r" ] || continue; rt=${r##*/root-};
      for c in "$r"/*/; do [ -d "$c" ] && timeout 20 "$(rt_bin "$rt")" --root "$r" delete --force \
      "$(basename "$c")" >/dev/null 2>&1; done; done; rm -rf "$T"' EXIT

rt_bin() {
    case $1 in runsc-c) echo "$RUNSC" ;; *) command -v "$1" ;; esac
}

"$REPO/scripts/mkrootfs.sh" "$T/rootfs" --helper "$HELPER" >/dev/null
(cd "$T" && "$RUNSC" spec)
# bundle NAME ARGS_JSON (ociVersion 1.0.2: Debian's crun 1.8 refuses 1.2.0)
bundle() {
    mkdir -p "$T/$1"
    jq --arg r "$T/rootfs" --argjson a "$2" \
        '.ociVersion = "1.0.2" | .root.path = $r | .process.terminal = false | .process.args = $a' \
        "$T/config.json" >"$T/$1/config.json"
}
bundle true '["/init","true"]'
bundle sleep '["/init","sleep","60"]'

now_ms() { date +%s%N | awk '{ printf "%d", $1 / 1000000 }'; }

# one_run RUNTIME ID: create+start+wait+delete; prints the ms, or nothing on failure.
one_run() {
    local rt=$1 id=$2 bin t0 t1
    bin=$(rt_bin "$rt")
    t0=$(date +%s%N)
    (cd "$T/true" && "$bin" --root "$T/root-$rt" create --bundle "$T/true" "$id" </dev/null \
        >/dev/null 2>"$T/err") || return 1
    "$bin" --root "$T/root-$rt" start "$id" 2>>"$T/err" || return 1
    # runc has no wait: poll state until stopped.
    for _ in $(seq 1 500); do
        "$bin" --root "$T/root-$rt" state "$id" 2>/dev/null | grep -q '"status": *"stopped"' && break
        sleep 0.01
    done
    "$bin" --root "$T/root-$rt" delete "$id" 2>>"$T/err" || return 1
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000000))
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'; }

declare -A MED TIMES FAILED
RUNTIMES=(runc crun runsc-c)
echo "startup: create+start+wait+delete of /init true, median of $N (runtimes interleaved)"
# Round-robin, so that the load of a shared host weighs on every runtime alike.
for i in $(seq 1 "$N"); do
    for rt in "${RUNTIMES[@]}"; do
        [ -n "${FAILED[$rt]:-}" ] && continue
        if ms=$(one_run "$rt" "b$i"); then
            TIMES[$rt]="${TIMES[$rt]:-}${TIMES[$rt]:+ }$ms"
        else
            FAILED[$rt]=$(tail -n 1 "$T/err")
        fi
    done
done
for rt in "${RUNTIMES[@]}"; do
    if [ -n "${FAILED[$rt]:-}" ]; then
        printf '  %-8s fails here: %s\n' "$rt" "${FAILED[$rt]}"
        continue
    fi
    # shellcheck disable=SC2086
    MED[$rt]=$(printf '%s\n' ${TIMES[$rt]} | median)
    printf '  %-8s %4d ms (runs: %s)\n' "$rt" "${MED[$rt]}" "${TIMES[$rt]}"
done
if [ -n "${MED[runsc-c]:-}" ] && [ -n "${MED[runc]:-}" ]; then
    awk -v a="${MED[runsc-c]}" -v b="${MED[runc]}" \
        'BEGIN { printf "  runsc-c / runc: %.2fx\n", (b > 0 ? a / b : 0) }'
fi
if [ -n "${MED[runsc-c]:-}" ] && [ -n "${MED[crun]:-}" ]; then
    awk -v a="${MED[runsc-c]}" -v b="${MED[crun]}" \
        'BEGIN { printf "  runsc-c / crun: %.2fx\n", (b > 0 ? a / b : 0) }'
fi

# pss_tree PID...: the summed PSS in KiB of the processes and all their descendants.
pss_tree() {
    local all=() queue=("$@") p kids total=0 v
    while [ ${#queue[@]} -gt 0 ]; do
        p=${queue[0]}
        queue=("${queue[@]:1}")
        all+=("$p")
        kids=$(cat /proc/"$p"/task/*/children 2>/dev/null)
        for k in $kids; do queue+=("$k"); done
    done
    for p in "${all[@]}"; do
        v=$(awk '/^Pss:/ { print $2 }' /proc/"$p"/smaps_rollup 2>/dev/null)
        total=$((total + ${v:-0}))
    done
    echo "$total ${#all[@]}"
}

declare -A PSS
echo "memory: PSS of an idle container running sleep"
for rt in runc crun runsc-c; do
    bin=$(rt_bin "$rt")
    (cd "$T/sleep" && "$bin" --root "$T/root-$rt" create --bundle "$T/sleep" --pid-file "$T/pid-$rt" \
        idle </dev/null >/dev/null 2>"$T/err") && "$bin" --root "$T/root-$rt" start idle 2>>"$T/err"
    if [ ! -s "$T/pid-$rt" ]; then
        printf '  %-8s fails here: %s\n' "$rt" "$(tail -n 1 "$T/err")"
        continue
    fi
    sleep 1
    if [ "$rt" = runsc-c ]; then
        meta=$T/root-$rt/idle/meta.json
        pids=$(jq -r '[.sandboxPid, .goferPid, .waiterPid] | map(select(. != null and . > 0)) | .[]' \
            "$meta" 2>/dev/null)
        [ -n "$pids" ] || pids=$(cat "$T/pid-$rt")
    else
        pids=$(cat "$T/pid-$rt")
    fi
    # shellcheck disable=SC2086
    read -r kib n < <(pss_tree $pids)
    printf '  %-8s %6d KiB PSS over %d processes\n' "$rt" "$kib" "$n"
    PSS[$rt]=$kib
    "$bin" --root "$T/root-$rt" delete --force idle >/dev/null 2>&1
done
for other in runc crun; do
    if [ -n "${PSS[runsc-c]:-}" ] && [ -n "${PSS[$other]:-}" ]; then
        awk -v a="${PSS[runsc-c]}" -v b="${PSS[$other]}" -v o="$other" \
            'BEGIN { printf "  runsc-c / %s: %.2fx\n", o, (b > 0 ? a / b : 0) }'
    fi
done
