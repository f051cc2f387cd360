#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Network servers, native against runsc-c in one run:
#  - redis: redis-benchmark -c 50 -n N -t set,get (SET and GET requests/s);
#  - nginx: wrk -c 50 for D seconds on a 1 KiB static file (requests/s).
# Each server runs in a network namespace of its own, natively (`ip netns
# exec`) or in a runsc-c container created with --network sandbox, and the
# client runs in a third namespace this script creates, joined to the
# server's by a veth pair: both sides take the same path through the host
# kernel. Prints requests/s and the sandbox/native ratio (target: >= 0.5x).
# Usage: BUILD=build bench/net.sh [N [D]]   (N redis requests, default 100000; D wrk
#   seconds, default 10; PLATFORM=ptrace|systrap: the sandbox's platform)
# Needs root, iproute2, jq, redis-server, redis-tools, nginx and wrk.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$REPO/$BUILD ;; esac
RUNSC=$BUILD/runsc-c
N=${1:-100000}
D=${2:-10}
CLIENTS=50

[ -x "$RUNSC" ] || { echo "net: $RUNSC is missing; run \`make BUILD=$BUILD\`" >&2; exit 1; }
for p in ip jq redis-server redis-benchmark nginx wrk; do
    command -v "$p" >/dev/null || { echo "net: $p is not installed" >&2; exit 1; }
done
T=$(mktemp -d "${TMPDIR:-/tmp}/net.XXXXXX")
ID=net-$$
CNS=netc-$$
SUB=$((100 + $$ % 100))
plat=()
[ -n "${PLATFORM:-}" ] && plat=(--platform="$PLATFORM")
K=0
NATIVE_PIDS=()
cleanup() {
    local i pid
    for pid in "${NATIVE_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for i in $(seq "$K"); do
        timeout 20 "$RUNSC" --root "$T/state" delete --force "$ID-$i" >/dev/null 2>&1 || true
        ip netns del "nets-$$-$i" >/dev/null 2>&1 || true
    done
    ip netns del "$CNS" >/dev/null 2>&1 || true
    rm -rf "$T"
}
trap cleanup EXIT

ip netns add "$CNS"
ip -n "$CNS" link set lo up
(cd "$T" && "$RUNSC" spec)

# link K NETNS: a veth from the client namespace to NETNS (a name under
# /var/run/netns or a pid), 10.SUB.K.1 on the client's side, 10.SUB.K.2 on
# the server's.
link() {
    local k=$1 ns=$2 enter
    ip link add "nc$$k$k" netns "$CNS" type veth peer name "ns$$k$k" netns "$ns"
    ip -n "$CNS" addr add "10.$SUB.$k.1/24" dev "nc$$k$k"
    ip -n "$CNS" link set "nc$$k$k" up
    case $ns in
    [0-9]*) enter=(nsenter --net="/proc/$ns/ns/net") ;;
    *) enter=(ip netns exec "$ns") ;;
    esac
    "${enter[@]}" ip addr add "10.$SUB.$k.2/24" dev "ns$$k$k"
    "${enter[@]}" ip link set "ns$$k$k" up
    "${enter[@]}" ip link set lo up
}

# native ARGS...: runs ARGS in a new network namespace linked to the
# client's; ADDR is the server's address.
native() {
    K=$((K + 1))
    ip netns add "nets-$$-$K"
    link "$K" "nets-$$-$K"
    ip netns exec "nets-$$-$K" "$@" >"$T/native-$K.log" 2>&1 &
    NATIVE_PIDS+=($!)
    ADDR=10.$SUB.$K.2
}

# sandboxed ARGS...: runs ARGS in a runsc-c container (the host's / read-only,
# $T/srv read-write at /srv) with a network namespace of its own, linked to
# the client's between create and start; ADDR is the server's address.
sandboxed() {
    local pid
    K=$((K + 1))
    mkdir -p "$T/b$K"
    jq --arg srv "$T/srv" --argjson a "$(printf '%s\n' "$@" | jq -R . | jq -s .)" \
        '.root = {path: "/", readonly: true} | .process.terminal = false | .process.args = $a |
        .process.capabilities[] += ["CAP_SETUID", "CAP_SETGID"] |
        .process.rlimits = [{type: "RLIMIT_NOFILE", hard: 65536, soft: 65536}] |
        .mounts += [{destination: "/srv", type: "bind", source: $srv, options: ["rbind", "rw"]}]' \
        "$T/config.json" >"$T/b$K/config.json"
    "$RUNSC" --root "$T/state" "${plat[@]}" --network sandbox create --bundle "$T/b$K" "$ID-$K" \
        >"$T/sandbox-$K.log" 2>&1
    pid=$("$RUNSC" --root "$T/state" state "$ID-$K" | jq -r .pid)
    link "$K" "$pid"
    "$RUNSC" --root "$T/state" start "$ID-$K"
    ADDR=10.$SUB.$K.2
}

# stop: ends the last server (so that it leaves the CPUs to the next one).
stop() {
    local pid
    if [ -e "$T/b$K/config.json" ]; then
        timeout 20 "$RUNSC" --root "$T/state" delete --force "$ID-$K" >/dev/null 2>&1 || true
    else
        pid=${NATIVE_PIDS[-1]}
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
}

# wait_port ADDR PORT: until a TCP connection from the client namespace works (30 s).
wait_port() {
    local i
    for i in $(seq 300); do
        ip netns exec "$CNS" bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "net: nothing listens on $1:$2" >&2
    return 1
}

# The servers' files, under /srv for both (natively $T/srv is /srv's source).
mkdir -p "$T/srv/www"
head -c 1024 /dev/urandom >"$T/srv/www/f1k"
nginx_conf() { # nginx_conf DIR: a config serving DIR/www on port 8080
    cat <<EOF
daemon off;
master_process on;
worker_processes 1;
user root root;
pid $1/nginx.pid;
error_log stderr warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $1/body;
    proxy_temp_path $1/proxy;
    fastcgi_temp_path $1/fastcgi;
    uwsgi_temp_path $1/uwsgi;
    scgi_temp_path $1/scgi;
    sendfile on;
    keepalive_requests 1000000;
    server {
        listen 8080;
        root $1/www;
    }
}
EOF
}
nginx_conf "$T/srv" >"$T/srv/nginx-native.conf"
nginx_conf /srv >"$T/srv/nginx-sandbox.conf"
REDIS=(redis-server --port 6379 --bind 0.0.0.0 --protected-mode no --save "" --appendonly no)

# redis ADDR: "SET GET" requests/s.
redis() {
    local out
    wait_port "$1" 6379
    out=$(ip netns exec "$CNS" redis-benchmark -h "$1" -p 6379 -c "$CLIENTS" -n "$N" -t set,get \
        -q 2>&1 | tr '\r' '\n')
    echo "$(sed -n 's/^SET: \([0-9.]*\) requests.*/\1/p' <<<"$out" | tail -n 1)" \
        "$(sed -n 's/^GET: \([0-9.]*\) requests.*/\1/p' <<<"$out" | tail -n 1)"
}

# nginx ADDR: requests/s of wrk's run on the 1 KiB file.
nginx_rps() {
    wait_port "$1" 8080
    ip netns exec "$CNS" wrk -t 1 -c "$CLIENTS" -d "${D}s" "http://$1:8080/f1k" 2>&1 |
        sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'
}

native "${REDIS[@]}"
read -r n_set n_get <<<"$(redis "$ADDR")"
stop
sandboxed "${REDIS[@]}"
read -r s_set s_get <<<"$(redis "$ADDR")"
stop
native nginx -p "$T/srv" -c "$T/srv/nginx-native.conf" -e stderr
n_ng=$(nginx_rps "$ADDR")
stop
sandboxed /usr/sbin/nginx -p /srv -c /srv/nginx-sandbox.conf -e stderr
s_ng=$(nginx_rps "$ADDR")
stop

ratio() { awk -v s="${1:-0}" -v n="${2:-0}" 'BEGIN { if (n > 0) printf "%.2fx", s / n; else print "-" }'; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) vCPUs; redis -c $CLIENTS" \
    "-n $N; wrk -c $CLIENTS -d ${D}s; platform ${PLATFORM:-default}"
printf '%-22s %14s %14s %8s\n' "requests/s" native sandbox ratio
printf '%-22s %14s %14s %8s\n' "redis SET" "${n_set:--}" "${s_set:--}" "$(ratio "$s_set" "$n_set")"
printf '%-22s %14s %14s %8s\n' "redis GET" "${n_get:--}" "${s_get:--}" "$(ratio "$s_get" "$n_get")"
printf '%-22s %14s %14s %8s\n' "nginx 1 KiB (wrk)" "${n_ng:--}" "${s_ng:--}" "$(ratio "$s_ng" "$n_ng")"
