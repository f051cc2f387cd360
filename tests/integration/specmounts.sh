#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The spec's mounts of the sentry's own file systems, in the spec's order:
# `runsc-c spec`'s (Docker's) proc, devpts, mqueue, sysfs (ro) and cgroup
# (ro) mounts, its maskedPaths and readonlyPaths, plus masked and read-only
# paths of the rootfs's own and a ro bind. Checks /proc/self/mountinfo and
# what the container sees and may do.
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

ROOT=$T_TMP/state
ROOTFS=$T_TMP/rootfs
R=("$RUNSC" --root "$ROOT")
N=0
EXTRA=

tap_ok "setup: mkrootfs.sh builds the rootfs with /init" \
    "$REPO/scripts/mkrootfs.sh" "$ROOTFS" --helper "$HELPER"
T_CWD=$T_TMP tap_run "$RUNSC" spec
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    local i
    for i in $(seq 1 "$N"); do
        timeout 20 "${R[@]}" delete --force "sm-$$-$i" >/dev/null 2>&1
    done
    rm -rf "$T_TMP"
}
trap cleanup EXIT

mkdir -p "$ROOTFS/etc/secretdir" "$ROOTFS/etc/rodir" "$T_TMP/ro"
echo "top secret" >"$ROOTFS/etc/secret"
echo "hidden" >"$ROOTFS/etc/secretdir/f"
echo "keep" >"$ROOTFS/etc/rodir/f"
echo "from the host" >"$T_TMP/ro/hello"

tap_result "$(jq -e '(.linux.maskedPaths | index("/proc/kcore")) and
    (.linux.readonlyPaths | index("/proc/sys")) and
    ([.mounts[].type] | index("sysfs") and index("mqueue") and index("cgroup"))' \
    "$T_TMP/config.json" >/dev/null && echo 0 || echo 1)" \
    "the spec has Docker's masked and read-only paths and sysfs, mqueue, cgroup mounts" ""

# run_sh SCRIPT: runs `sh -c SCRIPT` in a container of the default spec
# with extra masked (/etc/secret, /etc/secretdir) and read-only (/etc/rodir)
# paths, a ro bind at /config, a memory limit of 256 MiB and 64 pids.
run_sh() {
    N=$((N + 1))
    mkdir -p "$T_TMP/b$N"
    jq --arg r "$ROOTFS" --arg s "$1" --arg ro "$T_TMP/ro" '.root.path = $r |
        .root.readonly = false | .process.terminal = false |
        .process.args = ["/bin/sh", "-c", $s] |
        .mounts += [{destination: "/config", type: "bind", source: $ro,
                     options: ["rbind", "ro", "nosuid"]}] |
        .linux.maskedPaths += ["/etc/secret", "/etc/secretdir", "/no/such/path"] |
        .linux.readonlyPaths += ["/etc/rodir"] |
        .linux.resources.memory.limit = 268435456 | .linux.resources.pids.limit = 64 |
        .linux.resources.cpu.quota = 50000 | .linux.resources.cpu.period = 100000 |
        '"${EXTRA:-.}" "$T_TMP/config.json" >"$T_TMP/b$N/config.json"
    tap_run "${R[@]}" run --bundle "$T_TMP/b$N" "sm-$$-$N"
}

# mountinfo_has MOUNTPOINT FSTYPE OPT: a line of $T_OUT's mountinfo with them.
mountinfo_has() {
    awk -v mp="$1" -v ty="$2" -v opt="$3" '
        { for (i = 1; i <= NF; i++) if ($i == "-") sep = i }
        $5 == mp && $(sep + 1) == ty && ("," $6 ",") ~ ("," opt ",") { found = 1 }
        END { exit !found }' <<<"$T_OUT"
}

run_sh 'cat /proc/self/mountinfo'
tap_rc 0 "a container of the default spec starts"
for m in "/proc proc rw" "/dev/pts devpts rw" "/dev/mqueue mqueue rw" "/sys sysfs ro" \
    "/sys/fs/cgroup cgroup2 ro" "/config 9p ro" "/proc/sys proc ro" \
    "/sys/firmware tmpfs ro" "/etc/secretdir tmpfs ro" \
    "/etc/secret devtmpfs ro" "/etc/rodir overlay ro" "/dev/shm tmpfs rw"; do
    read -r mp ty opt <<<"$m"
    tap_result "$(mountinfo_has "$mp" "$ty" "$opt" && echo 0 || echo 1)" \
        "mountinfo: $ty at $mp, $opt" "$T_OUT"
done
tap_result "$(awk '$5 == "/proc" { p = NR } $5 == "/proc/sys" { s = NR }
    END { exit !(p && s && p < s) }' <<<"$T_OUT" && echo 0 || echo 1)" \
    "mountinfo: /proc comes before the read-only /proc/sys on it" "$T_OUT"

run_sh 'cat /sys/devices/system/cpu/online /sys/devices/system/cpu/possible
        ls /sys/devices/system/cpu | grep -c "^cpu[0-9]"
        cat /sys/kernel/mm/transparent_hugepage/enabled'
tap_rc 0 "sysfs files are readable"
tap_like "$T_OUT" '^0(-[0-9]+)?
0(-[0-9]+)?
[1-9][0-9]*
always \[madvise\] never$' "cpu online/possible, cpuN directories, THP mode"

run_sh 'cd /sys/fs/cgroup && cat memory.max pids.max cpu.max cgroup.controllers pids.current
        grep -c . cgroup.procs'
tap_rc 0 "the cgroup view is readable"
tap_like "$T_OUT" '^268435456
64
50000 100000
cpu memory pids
[1-9][0-9]*
[1-9][0-9]*$' "memory.max, pids.max, cpu.max are the spec's; pids.current and cgroup.procs count"
run_sh 'echo 1 >/sys/fs/cgroup/pids.max; echo "rc=$?"; echo x >/sys/kernel/y; echo "rc=$?"'
tap_like "$T_OUT" '^rc=[1-9]
rc=[1-9]$' "the cgroup view and sysfs refuse writes"

run_sh 'cat /etc/secret; echo "rc=$?"; ls /etc/secretdir | wc -l; cat /etc/rodir/f
        echo x >/etc/rodir/new; echo "rc=$?"; echo y >/etc/new && echo "etc rw"
        cat /config/hello; echo z >/config/new; echo "rc=$?"'
tap_rc 0 "the masked and read-only paths' container runs"
tap_like "$T_OUT" '^
rc=0
0
keep
rc=[1-9]
etc rw
from the host
rc=[1-9]$' "masked file empty, masked dir empty, read-only dir refuses writes, / stays rw, ro bind"
tap_like "$T_ERR" 'Read-only file system' "... with EROFS"

run_sh 'umount /sys/fs/cgroup; echo "rc=$?"; mount -t tmpfs none /tmp; echo "rc=$?"'
tap_like "$T_OUT" '^rc=[1-9]
rc=[1-9]$' "without CAP_SYS_ADMIN umount and mount fail"
tap_like "$T_ERR" 'Operation not permitted' "... with EPERM"

# With CAP_SYS_ADMIN the container mounts and unmounts the sentry's file systems.
EXTRA='.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
run_sh 'mount -t tmpfs -o size=1m none /tmp && touch /tmp/x && grep " /tmp tmpfs" /proc/mounts | wc -l
        mount -o remount,ro /tmp && { touch /tmp/y; echo "rc=$?"; }
        umount /tmp && echo unmounted; umount /sys/fs/cgroup && ls /sys/fs/cgroup | wc -l
        mount -t sysfs sysfs /tmp && cat /tmp/devices/system/cpu/present
        mount -t ext4 /dev/null /root; echo "rc=$?"'
EXTRA=
tap_rc 0 "a container with CAP_SYS_ADMIN runs mount and umount"
tap_like "$T_OUT" '^2
rc=[1-9]
unmounted
0
0(-[0-9]+)?
rc=[1-9]$' "tmpfs mounted, remounted ro, unmounted; the cgroup view unmounted; a new sysfs; no ext4"
tap_like "$T_ERR" 'No such device' "... the host's file systems are ENODEV"

tap_done
