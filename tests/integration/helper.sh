#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The static test helper (tests/helper/init.c) run natively: every subcommand
# the container tests rely on reports what the host kernel says, so a
# difference inside the sandbox is the sandbox's, not the helper's.
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

H=$HELPER

tap_result "$([ -x "$H" ] && echo 0 || echo 1)" "the helper is built" "missing: $H"
if command -v readelf >/dev/null; then
    tap_unlike "$(readelf -l "$H" 2>&1)" 'program interpreter' "the helper is statically linked"
else
    tap_fail "the helper is statically linked" "readelf is not installed (binutils)"
fi

tap_ok "true exits 0" "$H" true
tap_run "$H" false
tap_rc 1 "false exits 1"
tap_run "$H" exit 42
tap_rc 42 "exit 42 exits 42"
tap_run "$H" echo hello "two words"
tap_is "$T_OUT" "hello two words" "echo joins its arguments"

printf 'line1\nline2\n' >"$T_TMP/f"
tap_run "$H" cat "$T_TMP/f"
tap_is "$T_OUT" $'line1\nline2' "cat FILE"
T_STDIN=$T_TMP/f tap_run "$H" cat
tap_is "$T_OUT" $'line1\nline2' "cat reads stdin without arguments"
tap_run "$H" cat "$T_TMP/missing"
tap_rc 1 "cat of a missing file exits 1"
tap_like "$T_ERR" "^init: cat: open .*missing.*No such file or directory" "cat names the missing file"

tap_run "$H" gethostname
tap_is "$T_OUT" "$(cat /proc/sys/kernel/hostname)" "gethostname"
tap_run "$H" getdomainname
tap_is "$T_OUT" "$(cat /proc/sys/kernel/domainname)" "getdomainname"

tap_run "$H" fork-exec "$H" getppid
tap_rc 0 "fork-exec exits 0"
# The grandchild's parent is the helper's own pid; check the shape and the status line.
tap_like "$T_OUT" '^[0-9]+$' "fork-exec runs the program (getppid prints a pid)"
tap_like "$T_OUT" '^exited 0$' "fork-exec prints 'exited 0'"
tap_run "$H" fork-exec "$H" exit 7
tap_like "$T_OUT" '^exited 7$' "fork-exec prints the exit status"
tap_run "$H" fork-exec "$H" kill-self KILL
tap_is "$T_OUT" "killed by SIGKILL" "fork-exec prints the killing signal"
tap_run "$H" fork-exec /no/such/prog
tap_like "$T_OUT" '^exited 127$' "fork-exec of a missing program: exited 127"

tap_run "$H" kill-self TERM
tap_rc 143 "kill-self TERM dies of SIGTERM (143)"
tap_run "$H" kill-self 9
tap_rc 137 "kill-self 9 dies of SIGKILL (137)"
tap_run "$H" kill-self NOSUCHSIG
tap_rc 1 "kill-self with an unknown signal exits 1"

tap_run "$H" id
tap_like "$T_OUT" "^uid=$(id -u) gid=$(id -g) groups=[0-9,]*$" "id"
tap_run "$H" caps
tap_like "$T_OUT" $'^CapEff:\t[0-9a-f]{16}$' "caps prints CapEff"
tap_is "$(printf '%s\n' "$T_OUT" | grep '^CapBnd')" "$(grep '^CapBnd' /proc/self/status)" \
    "caps: CapBnd matches /proc/self/status"

tap_run "$H" isatty 0
tap_is "$T_OUT" "false" "isatty 0 on /dev/null is false"
tap_run "$H" isatty 99
tap_rc 1 "isatty of a closed fd exits 1"
if command -v script >/dev/null; then
    tap_run script -qec "$H isatty 1" /dev/null
    tap_like "$T_OUT" '^true' "isatty 1 on a pty is true"
fi

start=$(date +%s%N)
tap_ok "sleep 0.2 exits 0" "$H" sleep 0.2
elapsed=$((($(date +%s%N) - start) / 1000000))
tap_result "$([ "$elapsed" -ge 200 ] && echo 0 || echo 1)" "sleep 0.2 sleeps at least 200 ms" \
    "elapsed ${elapsed} ms"

TAP_TIMEOUT=1 tap_run "$H" pause
tap_rc 124 "pause waits until killed (timeout 1 s)"

# signals: "ready", then each signal; exits 0 on SIGTERM.
"$H" signals >"$T_TMP/sig.out" 2>&1 &
pid=$!
for _ in $(seq 50); do
    grep -q ready "$T_TMP/sig.out" && break
    sleep 0.1
done
kill -USR1 "$pid"
sleep 0.2
kill -HUP "$pid"
sleep 0.2
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
tap_is "$rc" 0 "signals exits 0 on SIGTERM"
tap_is "$(cat "$T_TMP/sig.out")" $'ready\nSIGUSR1\nSIGHUP\nSIGTERM' "signals prints each signal"

FOO=bar tap_run "$H" env
tap_like "$T_OUT" '^FOO=bar$' "env prints the environment"
T_CWD=$T_TMP tap_run "$H" cwd
tap_is "$T_OUT" "$T_TMP" "cwd"

mkdir -p "$T_TMP/d/sub"
: >"$T_TMP/d/b"
: >"$T_TMP/d/a"
tap_run "$H" ls "$T_TMP/d"
tap_is "$T_OUT" $'a\nb\nsub' "ls prints sorted names without . and .."
tap_run "$H" ls "$T_TMP/nodir"
tap_rc 1 "ls of a missing directory exits 1"

tap_ok "write FILE TEXT exits 0" "$H" write "$T_TMP/w" "some text"
tap_is "$(cat "$T_TMP/w")" "some text" "write writes TEXT"
tap_is "$(wc -c <"$T_TMP/w")" 9 "write adds no newline"

chmod 0640 "$T_TMP/w"
tap_run "$H" stat "$T_TMP/w"
tap_is "$T_OUT" "type=file mode=0640 uid=$(id -u) gid=$(id -g) size=9 nlink=1" "stat FILE"
tap_run "$H" stat "$T_TMP/d"
tap_like "$T_OUT" '^type=dir ' "stat DIR"
ln -s target "$T_TMP/link"
tap_run "$H" readlink "$T_TMP/link"
tap_is "$T_OUT" "target" "readlink"
tap_run "$H" readlink "$T_TMP/w"
tap_rc 1 "readlink of a regular file exits 1"

tap_run "$H" forkbomb 20
tap_is "$T_OUT" "forked 20 of 20" "forkbomb 20 forks 20 children"
tap_rc 0 "forkbomb exits 0 when every fork succeeds"

tap_run "$H" rlimit NOFILE
tap_is "$T_OUT" "$(ulimit -Sn) $(ulimit -Hn)" "rlimit NOFILE prints soft and hard"
tap_run bash -c "ulimit -Sc 0; exec \"$H\" rlimit RLIMIT_CORE"
tap_like "$T_OUT" '^0 ' "rlimit RLIMIT_CORE sees a lowered soft limit"
tap_run "$H" rlimit BOGUS
tap_rc 1 "rlimit with an unknown name exits 1"

tap_run bash -c "umask 0027; exec \"$H\" umask"
tap_is "$T_OUT" "0027" "umask"

tap_run "$H" no-such-command
tap_rc 1 "an unknown subcommand exits 1"
tap_like "$T_ERR" 'unknown command' "an unknown subcommand is named on stderr"

tap_done
