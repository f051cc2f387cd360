#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# What a container's mounts do to the host: a spec tmpfs with size= is full
# at its size; the default rootfs overlay leaves the image byte for byte as
# it was while --overlay=none writes into it; extended attributes come from
# the image and go through the overlay and binds; symlinks and ".." in a
# bind never reach a host file outside the container's tree.
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

ROOT=$T_TMP/state
ROOTFS=$T_TMP/rootfs
N=0
# The file system checks run on runsc-c's default platform, systrap
# (MOUNTS_PLATFORM=ptrace for the other); the race below runs on both.
P=--platform=${MOUNTS_PLATFORM:-systrap}

tap_ok "setup: mkrootfs.sh builds the rootfs with /init" \
    "$REPO/scripts/mkrootfs.sh" "$ROOTFS" --helper "$HELPER"
T_CWD=$T_TMP tap_run "$RUNSC" spec
trap 'for i in $(seq 1 $N); do timeout 20 "$RUNSC" --root "$ROOT" delete --force mt-$$-$i \
      >/dev/null 2>&1; done; rm -rf "$T_TMP"' EXIT

# run_in [GLOBAL_FLAG...] -- ROOTFS JQ_FILTER SCRIPT: runs `sh -c SCRIPT` in a
# container on ROOTFS whose config.json is also changed by JQ_FILTER.
run_in() {
    local flags=()
    while [ "$1" != "--" ]; do
        flags+=("$1")
        shift
    done
    shift
    N=$((N + 1))
    mkdir -p "$T_TMP/b$N"
    jq --arg r "$1" --arg s "$3" '.root.path = $r | .root.readonly = false |
        .process.terminal = false | .process.args = ["/bin/sh", "-c", $s] | '"$2" \
        "$T_TMP/config.json" >"$T_TMP/b$N/config.json"
    tap_run "$RUNSC" --root "$ROOT" "${flags[@]}" run --bundle "$T_TMP/b$N" "mt-$$-$N"
}

# ---- tmpfs size= ----
run_in "$P" -- "$ROOTFS" '.mounts += [{destination: "/t", type: "tmpfs", source: "tmpfs",
    options: ["nosuid", "size=1m", "mode=1777"]}]' \
    'df -k /t | tail -n 1; stat -f -c "blocks=%b bsize=%S" /t;
     dd if=/dev/zero of=/t/big bs=65536 count=32 2>&1; echo "dd=$?"; ls -l /t/big'
tap_like "$T_OUT" 'blocks=256 bsize=4096' "statfs of a size=1m tmpfs: 256 blocks of 4 KiB"
tap_like "$T_OUT" '^tmpfs +1024 ' "df shows 1024 KiB (1M)"
tap_like "$T_OUT" 'No space left on device' "writing 2 MB into it fails with ENOSPC"
tap_like "$T_OUT" 'dd=[1-9]' "... and dd exits non-zero"
tap_like "$T_OUT" ' 1048576 ' "what fit is exactly the 1 MiB"

run_in "$P" -- "$ROOTFS" '.mounts += [{destination: "/t", type: "tmpfs", source: "tmpfs",
    options: ["nr_inodes=3"]}]' \
    'touch /t/a && touch /t/b; touch /t/c; echo "rc=$?"'
tap_like "$T_ERR" 'No space left on device' "nr_inodes=3: the third file (root counts) is ENOSPC"

# ---- the rootfs overlay ----
# A listing of everything that could change: type, mode, owner, size, mtime,
# link target, and the bytes of regular files.
snapshot() {
    (cd "$1" && find . -printf '%p %y %m %U:%G %s %T@ %l\n' | LC_ALL=C sort &&
        find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}
cp -a "$ROOTFS" "$T_TMP/img"
mkdir -p "$T_TMP/img/data/sub" "$T_TMP/img/keep"
echo "original" >"$T_TMP/img/data/file"
echo "victim" >"$T_TMP/img/data/sub/victim"
python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.host", b"image")' \
    "$T_TMP/img/data/file" 2>/dev/null && HAVE_XATTR=1 || HAVE_XATTR=0
cp -a "$T_TMP/img" "$T_TMP/img-none"
snapshot "$T_TMP/img" >"$T_TMP/before"
WRITER='echo changed >/data/file; echo new >/data/new; rm /data/sub/victim; rmdir /data/sub;
    mv /keep /kept; mkdir /made; ln -s /etc/passwd /made/link; echo more >>/etc/passwd;
    chmod 600 /etc/group; touch -d "2001-01-01" /etc/hostname; rm /bin/true; mv /bin/ls /bin/ls2;
    cat /data/file; ls /'

run_in "$P" -- "$T_TMP/img" '.' "$WRITER"
tap_rc 0 "a container writes, deletes and renames all over its overlay root"
tap_like "$T_OUT" '^changed$' "... and sees its own changes"
snapshot "$T_TMP/img" >"$T_TMP/after"
tap_result "$(cmp -s "$T_TMP/before" "$T_TMP/after" && echo 0 || echo 1)" \
    "with the default overlay the host image is byte for byte unchanged" \
    "$(diff "$T_TMP/before" "$T_TMP/after" | head -20)"

run_in "$P" --overlay=none -- "$T_TMP/img-none" '.' "$WRITER"
tap_rc 0 "the same container with --overlay=none"
tap_is "$(cat "$T_TMP/img-none/data/file" 2>&1)" "changed" "--overlay=none: a write lands on the host"
tap_result "$([ -e "$T_TMP/img-none/data/new" ] && [ ! -e "$T_TMP/img-none/data/sub" ] &&
    [ -d "$T_TMP/img-none/kept" ] && [ ! -e "$T_TMP/img-none/keep" ] &&
    [ -L "$T_TMP/img-none/made/link" ] && [ ! -e "$T_TMP/img-none/bin/true" ] && echo 0 || echo 1)" \
    "--overlay=none: creates, deletes and renames land on the host" ""
tap_like "$(tail -n 1 "$T_TMP/img-none/etc/passwd")" '^more$' "--overlay=none: an append lands too"

# ---- extended attributes through the overlay and a bind ----
if [ "$HAVE_XATTR" = 1 ]; then
    cp "$BUILD/tests/syscalls/fs_xattr_layers" "$T_TMP/img/xl"
    mkdir -p "$T_TMP/xbind"
    printf data >"$T_TMP/xbind/pre"
    printf data >"$T_TMP/img/data/pre"
    python3 -c 'import os, sys
for p in sys.argv[1:]: os.setxattr(p, "user.host", b"image")' "$T_TMP/img/data/pre" "$T_TMP/xbind/pre"
    snapshot "$T_TMP/img" >"$T_TMP/before-x"
    getx() { python3 -c 'import os, sys; print(sorted(os.listxattr(sys.argv[1])))' "$1"; }
    before_x=$(getx "$T_TMP/img/data/pre")
    run_in "$P" -- "$T_TMP/img" '.mounts += [{destination: "/xb", type: "bind",
        source: "'"$T_TMP/xbind"'", options: ["rbind", "rw"]}]' '/xl /data && /xl /xb && /xl'
    tap_is "$(grep -c '^TEST OK$' <<<"$T_OUT")" 3 \
        "xattrs on the overlay root, on a bind mount and on /tmp (fs_xattr_layers)" ||
        tap_diag "exit status $T_RC" "$T_ERR"
    tap_is "$(getx "$T_TMP/img/data/pre")" "$before_x" \
        "the image's file keeps its attributes (the changes were copied up)"
    snapshot "$T_TMP/img" >"$T_TMP/after-x"
    tap_result "$(cmp -s "$T_TMP/before-x" "$T_TMP/after-x" && echo 0 || echo 1)" \
        "... and the image is unchanged" ""
    tap_is "$(getx "$T_TMP/xbind/pre")" "[]" "through the bind the removal reached the host"
else
    tap_pass "# SKIP the host file system has no user xattrs"
fi

# ---- escapes from a bind mount ----
SECRET="host-secret-$$-$RANDOM"
echo "$SECRET" >"$T_TMP/marker"
mkdir -p "$T_TMP/esc/d"
ln -s /etc "$T_TMP/esc/etc"
ln -s "$T_TMP/marker" "$T_TMP/esc/abs"
ln -s ../marker "$T_TMP/esc/up"
ln -s ../../../../../../../../.. "$T_TMP/esc/top"
cp "$BUILD/tests/syscalls/fs_escape_race" "$ROOTFS/er"
cp "$BUILD/tests/syscalls/fs_escape_paths" "$ROOTFS/ep"
run_in "$P" -- "$ROOTFS" '.mounts += [{destination: "/esc", type: "bind", source: "'"$T_TMP/esc"'",
    options: ["rbind", "rw"]}]' \
    'M='"$T_TMP"'/marker; cat /esc/abs /esc/up /esc/top$M /esc/../$M /esc/d/../../..$M \
        /esc/etc/../..$M 2>&1; ls /esc/etc/; mkdir -p /w; /ep $M /esc/d 2>&1; /ep $M /w 2>&1'
tap_unlike "$T_OUT" "$SECRET" "no symlink or .. in a bind mount reads the host file outside"
tap_like "$T_OUT" 'passwd' "/esc/etc (a symlink to /etc) is the container's /etc"
tap_is "$(grep -c '^TEST OK$' <<<"$T_OUT")" 2 "fs_escape_paths in the bind and on the overlay root"
# The race needs a second app thread: on each platform.
for platform in ptrace systrap; do
    run_in --platform=$platform -- "$ROOTFS" '.mounts += [{destination: "/esc", type: "bind",
        source: "'"$T_TMP/esc"'", options: ["rbind", "rw"]}]' \
        'M='"$T_TMP"'/marker; mkdir -p /w; /er $M /esc 2>&1; /er $M /w 2>&1'
    tap_unlike "$T_OUT" "$SECRET" "$platform: a racing renamer never reads the host file outside"
    tap_is "$(grep -c '^TEST OK$' <<<"$T_OUT")" 2 \
        "$platform: fs_escape_race (a racing renamer) in the bind and on the overlay root"
done
tap_result "$([ "$(cat "$T_TMP/marker")" = "$SECRET" ] && echo 0 || echo 1)" \
    "the marker outside is untouched" ""

tap_done
