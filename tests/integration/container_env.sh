#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# What a container finds around it: the sentry's /dev and /proc, a loopback
# interface that is up, and containers on both platforms.
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

ROOT=$T_TMP/state
ROOTFS=$T_TMP/rootfs
R=("$RUNSC" --root "$ROOT")
N=0

tap_ok "setup: mkrootfs.sh builds the rootfs with /init" \
    "$REPO/scripts/mkrootfs.sh" "$ROOTFS" --helper "$HELPER"
T_CWD=$T_TMP tap_run "$RUNSC" spec
trap 'for i in $(seq 1 $N); do timeout 20 "${R[@]}" delete --force ce-$$-$i >/dev/null 2>&1; done;
      rm -rf "$T_TMP"' EXIT

# run_sh SCRIPT: runs `sh -c SCRIPT` in a new writable-root container.
run_sh() {
    N=$((N + 1))
    mkdir -p "$T_TMP/b$N"
    jq --arg r "$ROOTFS" --arg s "$1" '.root.path = $r | .root.readonly = false |
        .process.terminal = false | .process.args = ["/bin/sh", "-c", $s]' \
        "$T_TMP/config.json" >"$T_TMP/b$N/config.json"
    tap_run "${R[@]}" run --bundle "$T_TMP/b$N" "ce-$$-$N"
}

run_sh 'ls /dev; echo x >/dev/null && echo null-ok; head -c 4 /dev/zero | wc -c'
tap_rc 0 "a container with /dev files exits 0"
tap_like "$T_OUT" '^null$' "/dev/null exists"
tap_like "$T_OUT" '^pts$' "/dev/pts exists"
tap_like "$T_OUT" 'null-ok' "writes to /dev/null succeed"
tap_like "$T_OUT" '^ *4$' "/dev/zero reads zeros"

run_sh 'grep "^Pid:" /proc/self/status; cat /proc/1/comm; cat /proc/sys/kernel/ostype'
tap_rc 0 "a container reading /proc exits 0"
tap_like "$T_OUT" '^Pid:.[0-9]+$' "/proc/self/status has the sandbox's pid"
tap_like "$T_OUT" '^sh$' "/proc/1/comm is the init's name"
tap_like "$T_OUT" '^Linux$' "/proc/sys/kernel/ostype"

run_sh 'nc -l -p 5555 >/tmp/got & sleep 0.3; echo over-lo | nc 127.0.0.1 5555; sleep 0.3; cat /tmp/got'
tap_rc 0 "a container using the loopback exits 0"
tap_like "$T_OUT" 'over-lo' "TCP over 127.0.0.1 works inside a container (lo is up)"

# Containers run on both platforms: fork, exec (a raw execve from app code included)
# and a pipeline, each of which reaches the sentry through the platform's stubs.
for plat in systrap ptrace; do
    N=$((N + 1))
    mkdir -p "$T_TMP/b$N"
    jq --arg r "$ROOTFS" '.root.path = $r | .process.terminal = false |
        .process.args = ["/bin/sh", "-c",
            "/bin/echo exec-ok; (exec /init getpid) && echo sub-ok; echo a b | wc -w"]' \
        "$T_TMP/config.json" >"$T_TMP/b$N/config.json"
    tap_run "$RUNSC" --root "$ROOT" --platform=$plat run --bundle "$T_TMP/b$N" "ce-$$-$N"
    tap_rc 0 "--platform=$plat: a container that forks and execs exits 0"
    tap_like "$T_OUT" '^exec-ok$' "--platform=$plat: an exec'd program runs"
    tap_like "$T_OUT" '^sub-ok$' "--platform=$plat: exec in a forked child"
    tap_like "$T_OUT" '^ *2$' "--platform=$plat: a pipeline"
done

tap_done
