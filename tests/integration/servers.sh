#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Real, unmodified servers from the host's Debian on the sentry:
# - `python3 -m http.server` and curl in one `runsc-c do` sandbox: the file
#   fetched is the file served, byte for byte;
# - redis-server, redis-benchmark and redis-cli in one `runsc-c do` sandbox;
# - nginx in a container with its own network namespace (--network sandbox),
#   reached from a client "host" in a network namespace this test creates,
#   through a veth pair whose other end the test moves into the sandbox's
#   namespace between create and start (as Docker's prestart hook does).
# Needs python3, curl, redis-server, redis-tools, nginx, iproute2 and jq
# (scripts/deb-packages.txt); a missing one fails its part with its name.
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

TAP_TIMEOUT=${TAP_TIMEOUT:-120}
W=$T_TMP/w
mkdir -p "$W/www"
ROOT=$T_TMP/state
ID=srv-$$
NS=srvc-$$
# Ports and a 10.x subnet from our pid: concurrent runs do not collide.
PORT_HTTP=$((20000 + $$ % 10000))
PORT_REDIS=$((PORT_HTTP + 10000))
PORT_NGINX=$((PORT_HTTP + 20000))
NET=10.$((200 + $$ % 50)).$((($$ / 50) % 250))
cleanup() {
    timeout 30 "$RUNSC" --root "$ROOT" delete --force "$ID" >/dev/null 2>&1
    ip netns del "$NS" >/dev/null 2>&1
    rm -rf "$T_TMP"
}
trap cleanup EXIT

have() { command -v "$1" >/dev/null 2>&1; }

# ---- (a) python3 -m http.server, fetched by curl in the same sandbox ----
if [ -x /usr/bin/python3 ] && have curl; then
    head -c 300000 /dev/urandom >"$W/www/blob"
    cat >"$W/http.sh" <<EOF
#!/bin/sh
cd "$W/www" || exit 2
/usr/bin/python3 -m http.server --bind 127.0.0.1 $PORT_HTTP >"$W/http.log" 2>&1 &
pid=\$!
i=0
while [ \$i -lt 200 ]; do
    curl -sf -o "$W/got" "http://127.0.0.1:$PORT_HTTP/blob" && break
    sleep 0.1
    i=\$((i + 1))
done
curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$PORT_HTTP/nothing-here"
kill \$pid
wait \$pid
cmp "$W/www/blob" "$W/got" && echo same
EOF
    tap_run "$RUNSC" --root "$ROOT" "do" -- /bin/sh "$W/http.sh"
    tap_result "$([ "$T_RC" -eq 0 ] && [ "$T_OUT" = "404
same" ] && echo 0 || echo 1)" \
        "python3 -m http.server: curl in the same sandbox gets the 300 KB file byte for byte and a 404" \
        "$(tap_last_run)" "server log: $(cat "$W/http.log" 2>/dev/null)"
else
    tap_fail "python3 -m http.server: /usr/bin/python3 or curl is not installed"
fi

# ---- (b) redis-server driven by redis-benchmark in the same sandbox ----
if have redis-server && have redis-benchmark && have redis-cli; then
    cat >"$W/redis.sh" <<EOF
#!/bin/sh
redis-server --port $PORT_REDIS --bind 127.0.0.1 --save '' --appendonly no --dir "$W" \
    >"$W/redis.log" 2>&1 &
pid=\$!
i=0
while [ \$i -lt 200 ]; do
    [ "\$(redis-cli -p $PORT_REDIS ping 2>/dev/null)" = PONG ] && break
    sleep 0.1
    i=\$((i + 1))
done
redis-benchmark -p $PORT_REDIS -q -n 10000 -t set,get | tr '\r' '\n' | grep 'requests per second'
redis-cli -p $PORT_REDIS set greeting "hello from the sandbox"
redis-cli -p $PORT_REDIS get greeting
redis-cli -p $PORT_REDIS shutdown nosave
wait \$pid
echo "server exit \$?"
EOF
    tap_run "$RUNSC" --root "$ROOT" "do" -- /bin/sh "$W/redis.sh"
    diag=("$(tap_last_run)" "server log: $(tail -n 5 "$W/redis.log" 2>/dev/null)")
    tap_result "$([ "$T_RC" -eq 0 ] && echo 0 || echo 1)" "redis: the sandbox exits 0" "${diag[@]}"
    tap_like "$T_OUT" '^SET: [0-9.]+ requests per second' \
        "redis-benchmark -n 10000 -t set,get: every SET answered" "${diag[@]}"
    tap_like "$T_OUT" '^GET: [0-9.]+ requests per second' \
        "redis-benchmark: every GET answered" "${diag[@]}"
    tap_result "$([[ $T_OUT == *$'\nOK\nhello from the sandbox\n'* ]] && echo 0 || echo 1)" \
        "redis-cli: set then get round trip" "${diag[@]}"
    tap_like "$T_OUT" 'server exit 0$' "redis-server shuts down cleanly on SHUTDOWN" "${diag[@]}"
else
    tap_fail "redis: redis-server or redis-tools is not installed"
fi

# ---- (c) nginx in its own network namespace, reached through a veth ----
if have nginx && have ip && have curl && have jq; then
    # The host's / read-only and $NG read-write at /srv (the sentry mounts its
    # own tmpfs at /tmp after the spec's mounts, which hides binds under
    # /tmp); the worker's setgroups needs CAP_SETGID.
    NG=$T_TMP/ng
    mkdir -p "$NG/www" "$T_TMP/b"
    head -c 1024 /dev/urandom >"$NG/www/f1k"
    cat >"$NG/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
user root root;
pid /srv/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path /srv/body;
    proxy_temp_path /srv/proxy;
    fastcgi_temp_path /srv/fastcgi;
    uwsgi_temp_path /srv/uwsgi;
    scgi_temp_path /srv/scgi;
    sendfile on;
    server {
        listen $PORT_NGINX;
        root /srv/www;
    }
}
EOF
    T_CWD=$T_TMP tap_run "$RUNSC" spec
    jq --arg ng "$NG" '.root = {path: "/", readonly: true} | .process.terminal = false |
        .process.args = ["/usr/sbin/nginx", "-p", "/srv", "-c", "/srv/nginx.conf", "-e", "stderr"] |
        .process.capabilities[] += ["CAP_SETUID", "CAP_SETGID"] |
        .mounts += [{destination: "/srv", type: "bind", source: $ng, options: ["rbind", "rw"]}]' \
        "$T_TMP/config.json" >"$T_TMP/b/config.json"
    tap_run "$RUNSC" --root "$ROOT" --network sandbox create --bundle "$T_TMP/b" "$ID"
    tap_rc 0 "nginx: create with --network sandbox"
    pid=$(timeout 10 "$RUNSC" --root "$ROOT" state "$ID" 2>/dev/null | jq -r .pid)
    out=$(
        set -e
        exec 2>&1
        ip netns add "$NS"
        ip link add "vh$$" netns "$NS" type veth peer name "vc$$" netns "$pid"
        ip -n "$NS" addr add "$NET.1/24" dev "vh$$"
        ip -n "$NS" link set lo up
        ip -n "$NS" link set "vh$$" up
        nsenter --net="/proc/$pid/ns/net" ip addr add "$NET.2/24" dev "vc$$"
        nsenter --net="/proc/$pid/ns/net" ip link set "vc$$" up
    )
    tap_result $? "nginx: a veth pair joins a client namespace and the sandbox's ($NET.0/24)" \
        "state pid: $pid" "$out"
    tap_run "$RUNSC" --root "$ROOT" start "$ID"
    tap_rc 0 "nginx: start"
    for _ in $(seq 100); do
        ip netns exec "$NS" curl -sf -o "$W/got1k" "http://$NET.2:$PORT_NGINX/f1k" 2>/dev/null && break
        sleep 0.1
    done
    tap_run ip netns exec "$NS" curl -sf -o "$W/got1k" "http://$NET.2:$PORT_NGINX/f1k"
    tap_result "$([ "$T_RC" -eq 0 ] && cmp -s "$W/got1k" "$NG/www/f1k" && echo 0 || echo 1)" \
        "nginx: curl in the client namespace fetches the 1 KiB file through the veth" \
        "$(tap_last_run)"
    ok=0
    for i in $(seq 200); do
        ip netns exec "$NS" curl -sf -o "$W/n$i" "http://$NET.2:$PORT_NGINX/f1k" &&
            cmp -s "$W/n$i" "$NG/www/f1k" && ok=$((ok + 1))
        rm -f "$W/n$i"
    done
    tap_is "$ok" 200 "nginx: 200 requests in a row, every one the same 1 KiB"
    tap_run ip netns exec "$NS" curl -s -o /dev/null -w '%{http_code}' "http://$NET.2:$PORT_NGINX/missing"
    tap_is "$T_OUT" 404 "nginx: a missing file is a 404"
    tap_run "$RUNSC" --root "$ROOT" exec "$ID" /usr/sbin/ip -4 -o addr show dev "vc$$"
    tap_like "$T_OUT" "inet $NET.2/24" "the sandbox's ip addr shows the veth added after create" \
        "$(tap_last_run)"
    tap_run "$RUNSC" --root "$ROOT" kill "$ID" TERM
    timeout 30 "$RUNSC" --root "$ROOT" wait "$ID" >/dev/null 2>&1
    tap_run "$RUNSC" --root "$ROOT" delete "$ID"
    tap_rc 0 "nginx: TERM stops it and delete removes the container"
    tap_run ip netns exec "$NS" curl -s -m 2 -o /dev/null "http://$NET.2:$PORT_NGINX/f1k"
    tap_result "$([ "$T_RC" -ne 0 ] && echo 0 || echo 1)" "nginx: gone after delete" "$(tap_last_run)"
else
    tap_fail "nginx: nginx, iproute2, curl or jq is not installed"
fi

tap_done
