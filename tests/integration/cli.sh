#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The command line: --version, --help, help and --help of every subcommand,
# unknown commands and flags, the global flags runc/runsc clients pass, and
# error reporting to stderr and to a runc-style JSON --log file (CONTRACT.md).
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

COMMANDS=(create start run state list kill delete exec pause resume ps events wait update
    features spec checkpoint restore "do")

# --version: exactly two lines.
tap_run "$RUNSC" --version
tap_rc 0 "--version exits 0"
tap_is "$(printf '%s\n' "$T_OUT" | wc -l)" 2 "--version prints two lines"
tap_like "$(printf '%s\n' "$T_OUT" | sed -n 1p)" '^runsc-c version [0-9]+\.[0-9]+\.[0-9]+' \
    "--version line 1 is 'runsc-c version X'"
tap_like "$(printf '%s\n' "$T_OUT" | sed -n 2p)" '^spec: 1\.[0-9]+\.[0-9]+$' \
    "--version line 2 is 'spec: 1.x.y'"

# --help lists every public subcommand and the global flags.
tap_run "$RUNSC" --help
tap_rc 0 "--help exits 0"
missing=""
for c in "${COMMANDS[@]}"; do
    printf '%s\n' "$T_OUT" | grep -qE "^  $c( |$)" || missing="$missing $c"
done
tap_is "$missing" "" "--help lists every subcommand"
missing=""
for f in --root --log --log-format --debug --systemd-cgroup --rootless --criu --network \
    --platform --overlay --strace --debug-log; do
    printf '%s\n' "$T_OUT" | grep -q -- "$f" || missing="$missing $f"
done
tap_is "$missing" "" "--help lists the global flags"
tap_unlike "$T_OUT" '^  (boot|gofer) ' "--help hides the internal boot and gofer commands"

# `help CMD` and `CMD --help` print the command's usage and exit 0.
for c in "${COMMANDS[@]}"; do
    tap_run "$RUNSC" help "$c"
    tap_result "$([ "$T_RC" -eq 0 ] &&
        printf '%s\n' "$T_OUT" | grep -q "^Usage: runsc-c .*$c" && echo 0 || echo 1)" \
        "help $c prints its usage" "$(tap_last_run)"
    tap_run "$RUNSC" "$c" --help
    tap_result "$([ "$T_RC" -eq 0 ] &&
        printf '%s\n' "$T_OUT" | grep -q "^Usage: runsc-c .*$c" && echo 0 || echo 1)" \
        "$c --help prints its usage" "$(tap_last_run)"
done

# Unknown command: exit 1, the message on stderr, nothing on stdout.
tap_run "$RUNSC" frobnicate
tap_rc 1 "unknown command exits 1"
tap_like "$T_ERR" 'unknown command.*frobnicate' "unknown command is named on stderr"
tap_is "$T_OUT" "" "unknown command prints nothing on stdout"

# Unknown global flag.
tap_run "$RUNSC" --frobnicate help
tap_rc 1 "unknown global flag exits 1"
tap_like "$T_ERR" '--frobnicate' "unknown global flag is named on stderr"

# A global flag that needs a value but has none.
tap_run "$RUNSC" --root
tap_result "$([ "$T_RC" -ne 0 ] && [ -n "$T_ERR" ] && echo 0 || echo 1)" \
    "--root without a value fails with a message" "$(tap_last_run)"

# Global flags that runc, runsc, containerd, docker and podman pass are accepted.
accepted=(
    "--root $T_TMP/root"
    "--root=$T_TMP/root"
    "--systemd-cgroup"
    "--rootless=false"
    "--rootless false"
    "--criu /x"
    "--debug"
    "--log-level debug"
    "--debug-log $T_TMP/debug/"
    "--strace"
    "--platform ptrace"
    "--network none"
    "--network=sandbox"
    "--network host"
    "--overlay"
    "--overlay=none"
    "--log $T_TMP/accept.log --log-format text"
    "--root $T_TMP/root --log $T_TMP/accept.log --log-format=json --systemd-cgroup --rootless=false --criu /x --debug"
)
for flags in "${accepted[@]}"; do
    # shellcheck disable=SC2086
    tap_run "$RUNSC" $flags help
    tap_result "$([ "$T_RC" -eq 0 ] && printf '%s\n' "$T_OUT" | grep -q '^Usage:' &&
        echo 0 || echo 1)" "global flags accepted: $flags" "$(tap_last_run)"
done

# Values that are not supported are rejected, not ignored.
tap_run "$RUNSC" --network bogus help
tap_rc 1 "--network bogus is rejected"
tap_like "$T_ERR" 'network.*bogus' "--network bogus names the value on stderr"
tap_run "$RUNSC" --log-format yaml help
tap_rc 1 "--log-format yaml is rejected"

# Errors go to stderr and, as the last JSON record, to the --log file, which
# is appended to, never truncated.
log=$T_TMP/runsc.log
echo '{"level":"info","msg":"an earlier record","time":"2020-01-01T00:00:00Z"}' >"$log"
tap_run "$RUNSC" --log "$log" --log-format json frobnicate
tap_rc 1 "failing command with --log exits 1"
tap_is "$(head -n 1 "$log")" '{"level":"info","msg":"an earlier record","time":"2020-01-01T00:00:00Z"}' \
    "--log appends (the earlier record is kept)"
last=$(tail -n 1 "$log")
tap_like "$last" '^\{"level":"error","msg":"[^"]*frobnicate[^"]*","time":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[^"]+"\}$' \
    "--log-format json: the last line is {level:error, msg, time}"
if command -v jq >/dev/null; then
    msg=$(printf '%s\n' "$last" | jq -r .msg 2>&1)
    tap_result "$(printf '%s\n' "$last" | jq -e '.level == "error" and (.time | type) == "string"' \
        >/dev/null 2>&1 && echo 0 || echo 1)" "the error record is valid JSON (jq)" "$last"
else
    msg=$(printf '%s\n' "$last" | sed -n 's/.*"msg":"\([^"]*\)".*/\1/p')
    tap_fail "the error record is valid JSON (jq)" "jq is not installed: run \`make deps\`"
fi
tap_result "$(printf '%s\n' "$T_ERR" | grep -qF -- "$msg" && echo 0 || echo 1)" \
    "stderr carries the same message as the log record" "log msg: $msg" "stderr: $T_ERR"

n_before=$(wc -l <"$log")
tap_run "$RUNSC" --log-format=json --log "$log" --frobnicate help
tap_rc 1 "--log-format=json (podman's = form) with a bad flag exits 1"
tap_is "$(wc -l <"$log")" "$((n_before + 1))" "--log-format=json appends exactly one record"
tap_like "$(tail -n 1 "$log")" '^\{"level":"error","msg":"[^"]*--frobnicate[^"]*","time":"[^"]+"\}$' \
    "--log-format=json: the last line is the error record"

tlog=$T_TMP/text.log
tap_run "$RUNSC" --log "$tlog" frobnicate
tap_rc 1 "failing command with a text --log exits 1"
tap_like "$(tail -n 1 "$tlog" 2>/dev/null)" 'frobnicate' "text --log gets the error message"
tap_unlike "$(tail -n 1 "$tlog" 2>/dev/null)" '^\{' "text --log is not JSON"

tap_run "$RUNSC" --log "$T_TMP/no/such/dir/x.log" help
tap_result "$([ "$T_RC" -ne 0 ] && printf '%s\n' "$T_ERR" | grep -q 'no/such/dir' &&
    echo 0 || echo 1)" "an unopenable --log file is an error naming it" "$(tap_last_run)"

tap_done
