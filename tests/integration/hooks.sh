#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# OCI hooks: they run at their moments with the state on stdin; the state's pid
# names the container's network namespace (Docker's prestart hook configures
# it through /proc/<pid>/ns/net); their output never reaches the --log file;
# a failing prestart hook fails create and leaves nothing behind.
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

ROOT=$T_TMP/state
ROOTFS=$T_TMP/rootfs
LOG=$T_TMP/log.json
R=("$RUNSC" --root "$ROOT" --log "$LOG" --log-format json)
ID=hk-$$

tap_ok "setup: mkrootfs.sh builds the rootfs with /init" \
    "$REPO/scripts/mkrootfs.sh" "$ROOTFS" --helper "$HELPER"
T_CWD=$T_TMP tap_run "$RUNSC" spec
trap 'timeout 30 "${R[@]}" delete --force "$ID" >/dev/null 2>&1; rm -rf "$T_TMP"' EXIT

# A hook that records its stdin, the network namespace of the state's pid, and
# says something on stdout and stderr.
cat >"$T_TMP/hook.sh" <<HOOK
#!/bin/sh
cat >"$T_TMP/\$1.state"
pid=\$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$T_TMP/\$1.state")
readlink "/proc/\$pid/ns/net" >"$T_TMP/\$1.netns" 2>&1
echo "hook \$1 on stdout"
echo "hook \$1 on stderr" >&2
exit 0
HOOK
chmod +x "$T_TMP/hook.sh"
cat >"$T_TMP/fail.sh" <<'HOOK'
#!/bin/sh
echo "the network is not ready" >&2
exit 3
HOOK
chmod +x "$T_TMP/fail.sh"

mkdir -p "$T_TMP/b" "$T_TMP/f"
hook() { printf '{"path":"%s","args":["hook.sh","%s"]}' "$T_TMP/hook.sh" "$1"; }
jq --arg rootfs "$ROOTFS" ".root.path = \$rootfs | .process.terminal = false |
    .process.args = [\"/init\", \"exit\", \"0\"] |
    .hooks = {prestart: [$(hook prestart)], createRuntime: [$(hook createRuntime)],
              poststart: [$(hook poststart)], poststop: [$(hook poststop)]}" \
    "$T_TMP/config.json" >"$T_TMP/b/config.json"

tap_run "${R[@]}" create --bundle "$T_TMP/b" "$ID"
tap_rc 0 "create with hooks exits 0"
tap_result "$([ -s "$T_TMP/prestart.state" ] && echo 0 || echo 1)" "the prestart hook ran" ""
tap_result "$([ -s "$T_TMP/createRuntime.state" ] && echo 0 || echo 1)" \
    "the createRuntime hook ran" ""
tap_like "$(cat "$T_TMP/prestart.state" 2>/dev/null)" "\"id\":\"$ID\"" \
    "the prestart hook's stdin is the state with the container's id"
tap_like "$(cat "$T_TMP/prestart.netns" 2>/dev/null)" '^net:\[[0-9]+\]$' \
    "the state's pid has a network namespace"
tap_unlike "$(cat "$T_TMP/prestart.netns" 2>/dev/null)" "^$(readlink /proc/self/ns/net | sed 's/[][]/\\&/g')\$" \
    "... and it is the sandbox's, not the host's"
tap_result "$(grep -v '^{"level":"[a-z]*","msg":.*,"time":"[^"]*"}$' "$LOG" 2>/dev/null | grep -q . && echo 1 || echo 0)" \
    "the --log file holds only JSON records (no hook output)" "$(cat "$LOG" 2>/dev/null)"
tap_result "$([ ! -e "$T_TMP/poststart.state" ] && echo 0 || echo 1)" \
    "poststart has not run before start" ""

tap_run "${R[@]}" start "$ID"
tap_rc 0 "start exits 0"
tap_result "$([ -s "$T_TMP/poststart.state" ] && echo 0 || echo 1)" "the poststart hook ran" ""
timeout 20 "${R[@]}" wait "$ID" >/dev/null 2>&1
tap_run "${R[@]}" delete "$ID"
tap_rc 0 "delete after the container stopped exits 0"
tap_result "$([ -s "$T_TMP/poststop.state" ] && echo 0 || echo 1)" "the poststop hook ran" ""

jq --arg rootfs "$ROOTFS" ".root.path = \$rootfs | .process.terminal = false |
    .hooks = {prestart: [{path: \"$T_TMP/fail.sh\"}]}" \
    "$T_TMP/config.json" >"$T_TMP/f/config.json"
tap_run "${R[@]}" create --bundle "$T_TMP/f" "$ID-f"
tap_rc 1 "a failing prestart hook fails create"
tap_like "$T_ERR" "prestart hook 0 .*fail.sh.* exited with status 3: the network is not ready" \
    "the error names the hook, its status and what it said"
tap_like "$(tail -n 1 "$LOG")" '"level":"error".*the network is not ready' \
    "the --log file's last record is that error"
tap_run "${R[@]}" state "$ID-f"
tap_rc 1 "no state is left behind"
tap_result "$(pgrep -f "$T_TMP/f" >/dev/null && echo 1 || echo 0)" "no process is left behind" \
    "$(pgrep -af "$T_TMP/f")"

tap_done
