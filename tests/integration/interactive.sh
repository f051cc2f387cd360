#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Interactive use in a real terminal: tmux (a private server, -L) runs
# `runsc-c do bash` and `runsc-c run` of a container with process.terminal in
# a detached session; keys go in with send-keys, the screen is read with
# capture-pane (which drops trailing blanks). bash's line editing, ^C to a running sleep, ^Z then fg, vi
# editing and saving a file, less drawing a screen and quitting with q, a
# window resize, the exit status, and the caller's terminal restored.
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

BB=/usr/bin/busybox
TMUX_NAME=runsc-c-inter-$$
TM=(tmux -L "$TMUX_NAME")
ROOT=$T_TMP/state
R=("$RUNSC" --root "$ROOT")
IDS=()
cleanup() {
    local id
    for id in "${IDS[@]}"; do
        timeout 30 "${R[@]}" delete --force "$id" >/dev/null 2>&1
    done
    "${TM[@]}" kill-server >/dev/null 2>&1
    rm -rf "$T_TMP"
}
trap cleanup EXIT

tap_result "$(command -v tmux >/dev/null && [ -x "$BB" ] && echo 0 || echo 1)" \
    "setup: tmux and busybox are installed"

# screen: the pane's visible text.
screen() {
    "${TM[@]}" capture-pane -p -t t 2>/dev/null
}

# wait_screen REGEX [SECONDS]: waits until a line of the pane matches REGEX (grep -E).
wait_screen() {
    local deadline=$((SECONDS + ${2:-20}))
    while [ $SECONDS -lt "$deadline" ]; do
        screen | grep -qE -- "$1" && return 0
        sleep 0.2
    done
    return 1
}

# expect_screen REGEX NAME [SECONDS]: one test: the pane shows REGEX in time.
expect_screen() {
    local r=1
    wait_screen "$1" "${3:-20}" && r=0
    tap_result "$r" "$2" "want a line matching: $1" "screen:" "$(screen)"
}

keys() {
    "${TM[@]}" send-keys -t t "$@"
}

# start CMD: a new tmux session (100x30) running CMD through bash; after CMD
# it prints CMD's status and whether the terminal has isig again.
start() {
    "${TM[@]}" kill-session -t t >/dev/null 2>&1
    "${TM[@]}" -f /dev/null new-session -d -x 100 -y 30 -s t \
        "$1; echo EXITED-\$?; stty -a | tr ' ' '\\n' | grep -qx isig && echo TERMINAL-RESTORED; sleep 600"
}

# ---- runsc-c do bash: the sentry's console over the tmux terminal ----
mkdir -p "$T_TMP/work"
seq 1 200 | sed 's/^/less-line-/' >"$T_TMP/work/long.txt"
start "cd $T_TMP/work && env -i PATH=/usr/bin:/bin TERM=xterm PS1='PROMPT\$ ' $RUNSC do /bin/bash --norc --noprofile"
expect_screen '^PROMPT\$ ?$' "do bash: the prompt shows" 30

keys 'tty; echo ab' Left Left 'X' Enter
expect_screen '^Xab$' "do bash: line editing (move left, insert) before Enter"
expect_screen '^/dev/pts/[0-9]+$' "do bash: tty is a sentry pty"

keys '(echo F$((1+1)); exec sleep 100)' Enter
wait_screen '^F2$'
keys C-c
keys 'echo rc=$?' Enter
expect_screen '^rc=130$' "do bash: ^C kills the foreground sleep and bash answers"

keys '(echo Z$((1+1)); exec sleep 100)' Enter
wait_screen '^Z2$'
keys C-z
expect_screen 'Stopped' "do bash: ^Z stops the foreground job"
keys 'fg' Enter
wait_screen '^\(echo Z.*\)$'
sleep 1
keys C-c
keys 'echo fg-rc=$?' Enter
expect_screen '^fg-rc=130$' "do bash: fg resumes the job in the foreground (^C then ends it)"

keys "$BB vi edited.txt" Enter
expect_screen '^~' "do bash: busybox vi draws its screen"
keys i 'hello from vi' Escape
sleep 0.5
keys ':wq' Enter
expect_screen '^PROMPT\$ ?$' "do bash: vi quits after :wq"
tap_is "$(cat "$T_TMP/work/edited.txt" 2>/dev/null)" "hello from vi" "do bash: vi saved the file"

keys 'clear; less long.txt' Enter
expect_screen '^less-line-29$' "do bash: less draws a screen of the file"
keys q
expect_screen '^PROMPT\$ ?$' "do bash: less quits with q"

keys 'exit 7' Enter
expect_screen '^EXITED-7$' "do bash: runsc-c do exits with bash's status"
expect_screen '^TERMINAL-RESTORED$' "do bash: the caller's terminal settings are restored"

# ---- runsc-c run attached, process.terminal, no console socket ----
ROOTFS=$T_TMP/rootfs
"$REPO/scripts/mkrootfs.sh" "$ROOTFS" --helper "$HELPER" >/dev/null 2>&1
(cd "$T_TMP" && "$RUNSC" spec)
mkdir -p "$T_TMP/bundle"
jq --arg r "$ROOTFS" '.root.path = $r | .process.terminal = true | .process.args = ["/bin/sh"] |
    .process.env += ["PS1=CTR# "]' "$T_TMP/config.json" >"$T_TMP/bundle/config.json"
ID=inter-$$
IDS+=("$ID")
start "${R[*]} run --bundle $T_TMP/bundle $ID"
expect_screen '^CTR#' "run: the container's shell prompt shows" 30
keys 'tty; stty size' Enter
expect_screen '^/dev/pts/[0-9]+$' "run: the container's stdio is a pty"
expect_screen '^30 100$' "run: the container's terminal has the window's size"
"${TM[@]}" resize-window -t t -x 90 -y 25
sleep 1
keys 'stty size' Enter
expect_screen '^25 90$' "run: a window resize reaches the container's terminal"
keys '(echo F$((1+1)); exec sleep 100)' Enter
wait_screen '^F2$'
keys C-c
keys 'echo rc=$?' Enter
expect_screen '^rc=130$' "run: ^C kills the foreground sleep in the container"
keys 'top' Enter
expect_screen 'PID +PPID' "run: busybox top draws its screen"
keys q
expect_screen '^CTR# ?$' "run: top quits with q"
keys 'exit 9' Enter
expect_screen '^EXITED-9$' "run: exits with the container's status"
expect_screen '^TERMINAL-RESTORED$' "run: the caller's terminal settings are restored"

tap_done
