#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `runsc-c do`: unmodified static programs run on the sentry, every system call
# trapped; exit statuses, stdio, strace output and escape attempts.
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

H=$HELPER
BB=/usr/bin/busybox

tap_run "$RUNSC" do "$H" echo hello sandbox
tap_rc 0 "do: a static program exits 0"
tap_is "$T_OUT" "hello sandbox" "do: its stdout reaches the caller"

tap_run "$RUNSC" do "$H" exit 7
tap_rc 7 "do: the exit status is the program's"

tap_run "$RUNSC" do "$H" kill-self KILL
tap_rc 137 "do: killed by SIGKILL exits 137"
tap_run "$RUNSC" do "$H" kill-self SEGV
tap_rc 139 "do: killed by SIGSEGV exits 139"

tap_run "$RUNSC" do "$H" getpid
tap_is "$T_OUT" "1" "do: the program is pid 1 of the sandbox"

# A raw syscall instruction in code written at run time still traps.
tap_run "$RUNSC" do "$H" jit-syscall getpid
tap_is "$T_OUT" "1" "do: a raw syscall from a fresh executable page is served by the sentry"
tap_run "$H" jit-syscall getpid
tap_unlike "$T_OUT" '^1$' "natively the same raw getpid returns the host pid"
tap_run "$RUNSC" do "$H" jit-syscall reboot
tap_like "$T_OUT" '^-[0-9]+$' "do: a raw reboot fails inside the sandbox"

T_STDIN=/etc/hostname tap_run "$RUNSC" do "$BB" cat
tap_is "$T_OUT" "$(cat /etc/hostname)" "do: stdin is the caller's"

tap_run "$RUNSC" do "$BB" sh -c 'echo $((6*7)); exit 3'
tap_rc 3 "do: busybox sh runs a script and exits with its status"
tap_is "$T_OUT" "42" "do: busybox sh arithmetic"

tap_run "$RUNSC" do "$BB" uname -r
tap_rc 0 "do: uname runs"
tap_unlike "$T_OUT" "^$(uname -r)\$" "do: uname reports the sandbox's release, not the host's"

tap_run "$RUNSC" do "$T_TMP/does-not-exist"
tap_rc 127 "do: a missing program exits 127"
tap_like "$T_ERR" 'does-not-exist' "do: the error names the missing program"

printf 'not an executable\n' >"$T_TMP/notelf"
chmod +x "$T_TMP/notelf"
tap_run "$RUNSC" do "$T_TMP/notelf"
tap_rc 126 "do: a file that is not an executable exits 126"

tap_run "$RUNSC" --strace do "$H" echo traced
tap_rc 0 "do --strace: the program still runs"
tap_like "$T_ERR" 'write\(1, "traced' "do --strace: write is printed with its decoded arguments"

# When init exits, its orphans die with it (a pid namespace's init in Linux),
# even one blocked in a pipe read whose writer it still holds itself.
TAP_TIMEOUT=20 tap_run "$RUNSC" do "$BB" sh -c 'mkfifo /tmp/f; (exec 3<>/tmp/f; cat <&3) & echo started; exit 5'
tap_rc 5 "do: init's exit ends the sandbox although an orphan still blocks in a read"
tap_is "$T_OUT" "started" "do: the orphan had been started"

tap_run "$RUNSC" do
tap_result "$([ "$T_RC" -ne 0 ] && echo 0 || echo 1)" "do without a program fails" "$(tap_last_run)"

tap_done
