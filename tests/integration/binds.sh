#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Bind mounts (docker -v): each is a host directory the gofer serves on a
# connection of its own. Writes in a rw bind land on the host; a ro bind
# refuses them with EROFS; the host's files are readable in the container.
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

ROOT=$T_TMP/state
ROOTFS=$T_TMP/rootfs
R=("$RUNSC" --root "$ROOT")
N=0

tap_ok "setup: mkrootfs.sh builds the rootfs with /init" \
    "$REPO/scripts/mkrootfs.sh" "$ROOTFS" --helper "$HELPER"
T_CWD=$T_TMP tap_run "$RUNSC" spec
trap 'for i in $(seq 1 $N); do timeout 20 "${R[@]}" delete --force bd-$$-$i >/dev/null 2>&1; done;
      rm -rf "$T_TMP"' EXIT

mkdir -p "$T_TMP/rw" "$T_TMP/ro"
echo "from the host" >"$T_TMP/ro/hello"
echo "a file source" >"$T_TMP/file"

# run_sh SCRIPT: runs `sh -c SCRIPT` in a container with the binds
# /data (rw), /config (ro, nosuid, nodev) and /one (a file: skipped).
run_sh() {
    N=$((N + 1))
    mkdir -p "$T_TMP/b$N"
    jq --arg r "$ROOTFS" --arg s "$1" --arg rw "$T_TMP/rw" --arg ro "$T_TMP/ro" \
        --arg f "$T_TMP/file" '.root.path = $r | .root.readonly = false |
        .process.terminal = false | .process.args = ["/bin/sh", "-c", $s] |
        .mounts += [{destination: "/data", type: "bind", source: $rw, options: ["rbind", "rw"]},
                    {destination: "/config", type: "none", source: $ro,
                     options: ["bind", "ro", "nosuid", "nodev"]},
                    {destination: "/one", source: $f, options: ["bind"]}]' \
        "$T_TMP/config.json" >"$T_TMP/b$N/config.json"
    tap_run "${R[@]}" run --bundle "$T_TMP/b$N" "bd-$$-$N"
}

run_sh 'echo "from the container" >/data/out && cat /data/out'
tap_rc 0 "a container writing into a rw bind exits 0"
tap_is "$T_OUT" "from the container" "the container reads back what it wrote"
tap_is "$(cat "$T_TMP/rw/out" 2>/dev/null)" "from the container" \
    "the write landed in the host directory"

run_sh 'cat /config/hello; echo x >/config/new; echo "rc=$?"'
tap_like "$T_OUT" '^from the host$' "the host's file is readable through the ro bind"
tap_like "$T_OUT" '^rc=[1-9]' "writing into the ro bind fails"
tap_like "$T_ERR" 'Read-only file system' "... with EROFS"
tap_result "$([ ! -e "$T_TMP/ro/new" ] && echo 0 || echo 1)" \
    "nothing was created in the host's ro directory" ""

run_sh 'mkdir /data/sub && echo deep >/data/sub/f && ls /data'
tap_rc 0 "directories made in a rw bind"
tap_is "$(cat "$T_TMP/rw/sub/f" 2>/dev/null)" "deep" "... are on the host too"

# A bind below /tmp: the sentry's default /tmp tmpfs must not hide it.
N=$((N + 1))
mkdir -p "$T_TMP/b$N"
jq --arg r "$ROOTFS" --arg ro "$T_TMP/ro" '.root.path = $r | .root.readonly = false | .process.terminal = false |
    .process.args = ["/bin/sh", "-c", "cat /tmp/in/hello"] |
    .mounts += [{destination: "/tmp/in", type: "bind", source: $ro, options: ["rbind", "ro"]}]' \
    "$T_TMP/config.json" >"$T_TMP/b$N/config.json"
tap_run "${R[@]}" run --bundle "$T_TMP/b$N" "bd-$$-$N"
tap_is "$T_OUT" "from the host" "a bind mount below /tmp is not hidden by the default /tmp tmpfs"

tap_done
