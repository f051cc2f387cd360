#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Containers with process.terminal: the sentry's console. tests/helper/recvtty
# takes the pty master from --console-socket and drives a busybox shell in
# the container with a script (send / expect / resize / eof): `tty` is a pty,
# consoleSize is the size, typed input is echoed, a resize reaches a WINCH
# trap, ^C / ^\ / ^Z / ^D do what a terminal does, and the init's exit status
# comes back through `run`. The same for `exec --tty`, and for `run` without
# a console socket (runsc-c keeps the master and copies to its own stdio).
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

ROOT=$T_TMP/state
ROOTFS=$T_TMP/rootfs
R=("$RUNSC" --root "$ROOT")
RECVTTY=${RECVTTY:-$BUILD/tests/helper/recvtty}

tap_ok "setup: mkrootfs.sh builds the rootfs with /init" \
    "$REPO/scripts/mkrootfs.sh" "$ROOTFS" --helper "$HELPER"
T_CWD=$T_TMP tap_run "$RUNSC" spec
BASE=$T_TMP/config.json
tap_result "$([ "$T_RC" -eq 0 ] && [ -f "$BASE" ] && command -v jq >/dev/null && [ -x "$RECVTTY" ] &&
    echo 0 || echo 1)" "setup: runsc-c spec, jq and tests/helper/recvtty" "$(tap_last_run)"

IDS=()
cleanup_containers() {
    local id
    for id in "${IDS[@]}"; do
        timeout 30 "${R[@]}" delete --force "$id" >/dev/null 2>&1
    done
}
trap 'cleanup_containers; rm -rf "$T_TMP"' EXIT

# bundle NAME JQ_EXPR: $T_TMP/NAME/config.json, a terminal shell by default.
bundle() {
    local dir=$T_TMP/$1
    mkdir -p "$dir"
    jq --arg rootfs "$ROOTFS" '.root.path = $rootfs | .process.terminal = true |
        .process.args = ["/bin/sh"] | .process.consoleSize = {"height": 24, "width": 80} | '"$2" \
        "$BASE" >"$dir/config.json"
    echo "$dir"
}

n_ids=0
new_id() {
    n_ids=$((n_ids + 1))
    ID=tty-$$-$n_ids
    IDS+=("$ID")
}

# with_console NAME SCRIPT CMD...: runs recvtty with SCRIPT (a file) on the
# console socket $SOCK (set it first: CMD names it), then CMD. Sets T_RC
# (CMD's), TTY_RC (recvtty's), TTY_OUT (what it read) and TTY_ERR.
with_console() {
    local name=$1 script=$2
    shift 2
    rm -f "$SOCK"
    timeout -k 5 60 "$RECVTTY" --timeout 15 --script "$script" "$SOCK" \
        >"$T_TMP/$name.tty" 2>"$T_TMP/$name.ttyerr" &
    local rp=$!
    for _ in $(seq 100); do
        [ -S "$SOCK" ] && break
        sleep 0.1
    done
    tap_run "$@"
    TTY_RC=0
    wait "$rp" || TTY_RC=$?
    TTY_OUT=$(tr -d '\r' <"$T_TMP/$name.tty")
    TTY_ERR=$(cat "$T_TMP/$name.ttyerr")
}

# The init is an interactive shell on the console.
cat >"$T_TMP/init.script" <<'EOF'
expect #
send tty\n
expect /dev/pts/
expect #
send stty size\n
expect 24 80
send echo typed-''input\n
expect typed-input
send sh -c 'trap "stty size" WINCH; echo W$((1+1)); while :; do sleep 0.1; done'\n
expect W2
resize 33 99
expect 33 99
send \x03
expect #
send (echo F$((1+1)); exec sleep 100)\n
expect F2
send \x03
expect #
send echo alive $?\n
expect alive 130
send (echo Q$((1+1)); exec sleep 100)\n
expect Q2
send \x1c
expect #
send echo quit $?\n
expect quit 131
send (echo Z$((1+1)); exec sleep 100)\n
expect Z2
send \x1a
expect Stopped
send kill -9 %1; echo killed-$((2+3))\n
expect killed-5
send cat\n
sleep 500
send line-to-cat\n
expect line-to-cat
send \x04
expect #
send echo after-eof\n
expect after-eof
send exit 3\n
eof
EOF
b=$(bundle init '.')
new_id
SOCK=$T_TMP/init.sock
with_console init "$T_TMP/init.script" "${R[@]}" run --console-socket "$SOCK" --bundle "$b" "$ID"
diag="recvtty: rc $TTY_RC, $TTY_ERR
$TTY_OUT"
tap_result "$TTY_RC" "console: the scripted session ran to the end" "$diag"
tap_like "$TTY_OUT" '^/dev/pts/[0-9]+$' "console: tty prints a pty path"
tap_like "$TTY_OUT" '^24 80$' "console: stty size is process.consoleSize"
tap_like "$TTY_OUT" 'echo typed-..input$' "console: typed input is echoed"
tap_like "$TTY_OUT" '^33 99$' "console: a resize on the master reaches a WINCH trap"
tap_like "$TTY_OUT" '^alive 130$' "console: ^C kills the foreground sleep, the shell answers"
tap_like "$TTY_OUT" '^quit 131$' "console: ^\\ sends SIGQUIT to the foreground job"
tap_like "$TTY_OUT" 'Stopped' "console: ^Z stops the foreground job"
tap_like "$TTY_OUT" '^after-eof$' "console: ^D ends cat's input, the shell goes on"
tap_rc 3 "console: run exits with the init's status (exit 3 typed on the terminal)"
tap_result "$(printf '%s' "$TTY_OUT" | grep -c '^line-to-cat$' | grep -qx 2 && echo 0 || echo 1)" \
    "console: cat echoes the line once typed (echo) and once written" "$TTY_OUT"

# exec --tty: its own console, size from the process's consoleSize.
b=$(bundle pause '.process.terminal = false | .process.args = ["/init", "pause"]')
new_id
PAUSE=$ID
tap_run "${R[@]}" run --detach --bundle "$b" "$PAUSE"
tap_rc 0 "exec: a detached container to exec into"
jq '.process | .terminal = true | .args = ["/bin/sh"] | .consoleSize = {"height": 30, "width": 90}' \
    "$b/config.json" >"$T_TMP/proc.json"
cat >"$T_TMP/exec.script" <<'EOF'
expect #
send tty; stty size\n
expect 30 90
send (echo F$((1+1)); exec sleep 100)\n
expect F2
send \x03
expect #
send echo alive $?\n
expect alive 130
send exit 6\n
eof
EOF
SOCK=$T_TMP/exec.sock
with_console exec "$T_TMP/exec.script" "${R[@]}" exec --console-socket "$SOCK" \
    --process "$T_TMP/proc.json" "$PAUSE"
diag="recvtty: rc $TTY_RC, $TTY_ERR
$TTY_OUT"
tap_result "$TTY_RC" "exec --tty: the scripted session ran to the end" "$diag"
tap_like "$TTY_OUT" '^/dev/pts/[0-9]+$' "exec --tty: tty prints a pty path"
tap_like "$TTY_OUT" '^30 90$' "exec --tty: stty size is the process's consoleSize"
tap_like "$TTY_OUT" '^alive 130$' "exec --tty: ^C kills the foreground sleep, the shell answers"
tap_rc 6 "exec --tty: exec exits with the process's status"
tap_run "${R[@]}" exec "$PAUSE" /init echo still-here
tap_is "$T_OUT" "still-here" "exec --tty: the container's init is unharmed"

# run without --console-socket: runsc-c takes the master and copies it to its stdio.
printf 'tty\nexit 5\n' >"$T_TMP/attached.in"
b=$(bundle attached '.')
new_id
T_STDIN=$T_TMP/attached.in tap_run "${R[@]}" run --bundle "$b" "$ID"
tap_rc 5 "run attached: exits with the init's status"
tap_like "$(printf '%s' "$T_OUT" | tr -d '\r')" '^/dev/pts/[0-9]+$' \
    "run attached: the container's output comes through runsc-c's stdout"

# exec -t without --console-socket, the same.
printf 'stty size; exit 4\n' >"$T_TMP/exec-attached.in"
T_STDIN=$T_TMP/exec-attached.in tap_run "${R[@]}" exec -t "$PAUSE" /bin/sh
tap_rc 4 "exec -t attached: exits with the process's status"
tap_like "$(printf '%s' "$T_OUT" | tr -d '\r')" 'stty size; exit 4' \
    "exec -t attached: the typed line is echoed by the container's terminal"

tap_done
