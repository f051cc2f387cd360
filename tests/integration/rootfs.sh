#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# scripts/mkrootfs.sh: the busybox + helper root filesystem the integration
# tests and the demo run in; complete, idempotent, and usable (run with chroot
# when we are root).
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

R=$T_TMP/rootfs
tap_ok "mkrootfs.sh DIR --helper H exits 0" "$REPO/scripts/mkrootfs.sh" "$R" --helper "$HELPER"
tap_result "$([ -x "$R/bin/busybox" ] && echo 0 || echo 1)" "/bin/busybox is installed"
if command -v readelf >/dev/null; then
    tap_unlike "$(readelf -l "$R/bin/busybox" 2>&1)" 'program interpreter' "busybox is static"
else
    tap_fail "busybox is static" "readelf is not installed (binutils)"
fi
tap_is "$(readlink "$R/bin/sh")" "busybox" "/bin/sh is a busybox applet link"
missing=""
for a in sh ls cat echo uname mkdir sleep ps; do
    [ -L "$R/bin/$a" ] || missing="$missing $a"
done
tap_is "$missing" "" "common applets are linked in /bin"
tap_result "$(cmp -s "$R/init" "$HELPER" && echo 0 || echo 1)" "/init is the helper"
tap_like "$(cat "$R/etc/passwd" 2>&1)" '^root:x:0:0:' "/etc/passwd has root"
tap_like "$(cat "$R/etc/group" 2>&1)" '^root:x:0:' "/etc/group has root"
tap_result "$([ -s "$R/etc/hostname" ] && echo 0 || echo 1)" "/etc/hostname is written"
tap_is "$(find "$R/proc" "$R/sys" "$R/dev" "$R/tmp" -mindepth 1 2>&1)" "" \
    "/proc /sys /dev /tmp exist and are empty"
tap_is "$(stat -c %a "$R/tmp")" 1777 "/tmp is mode 1777"

# Idempotent: a second run succeeds and changes nothing.
(cd "$R" && find . -printf '%p %y %m %s %l\n' | sort) >"$T_TMP/before"
tap_ok "a second mkrootfs.sh run exits 0" "$REPO/scripts/mkrootfs.sh" "$R" --helper "$HELPER"
(cd "$R" && find . -printf '%p %y %m %s %l\n' | sort) >"$T_TMP/after"
tap_result "$(cmp -s "$T_TMP/before" "$T_TMP/after" && echo 0 || echo 1)" \
    "a second run leaves the same tree" "$(diff "$T_TMP/before" "$T_TMP/after" | head -20)"

R2=$T_TMP/nohelper
tap_ok "mkrootfs.sh without --helper exits 0" "$REPO/scripts/mkrootfs.sh" "$R2"
tap_result "$([ ! -e "$R2/init" ] && echo 0 || echo 1)" "without --helper there is no /init"

tap_run "$REPO/scripts/mkrootfs.sh"
tap_rc 2 "mkrootfs.sh without DIR is a usage error"
tap_run "$REPO/scripts/mkrootfs.sh" "$T_TMP/x" --helper "$T_TMP/no-such-helper"
tap_rc 1 "mkrootfs.sh with a missing helper fails"

# The tree works as a root: run busybox and the helper in it (needs root).
if [ "$(id -u)" -eq 0 ]; then
    tap_run chroot "$R" /bin/sh -c 'echo hi from $(cat /etc/hostname)'
    tap_is "$T_OUT" "hi from $(cat "$R/etc/hostname")" "busybox sh runs in the rootfs (chroot)"
    tap_run chroot "$R" /init ls /
    tap_like "$T_OUT" '^init$' "the helper runs in the rootfs (chroot)"
else
    tap_diag "not root: the chroot checks did not run"
fi

tap_done
