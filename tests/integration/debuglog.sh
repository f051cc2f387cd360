#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# --debug and --debug-log (runsc's flags): with a directory (a path ending in
# '/'), one file per command and per sandbox process (boot, gofer), named
# runsc-c.<id>.<YYYYmmdd-HHMMSS.uuuuuu>.<command>.log; otherwise one file
# appended by all (%ID%, %COMMAND%, %TIMESTAMP% expanded). --debug gives
# debug records, --log-format json JSON records, in every process's file.
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

ROOT=$T_TMP/state
BUNDLE=$T_TMP/bundle
R=("$RUNSC" --root "$ROOT")

mkdir -p "$BUNDLE"
tap_ok "setup: mkrootfs.sh builds the rootfs with /init" \
    "$REPO/scripts/mkrootfs.sh" "$BUNDLE/rootfs" --helper "$HELPER"
T_CWD=$T_TMP tap_run "$RUNSC" spec
if [ "$T_RC" -eq 0 ] && command -v jq >/dev/null; then
    jq '.process.terminal = false | .process.args = ["/init", "sleep", "100"]' \
        "$T_TMP/config.json" >"$BUNDLE/config.json"
fi
tap_result "$([ -s "$BUNDLE/config.json" ] && echo 0 || echo 1)" \
    "setup: a bundle running /init sleep 100 (jq is installed)" "$(tap_last_run)"

IDS=()
trap 'for i in "${IDS[@]}"; do timeout 30 "${R[@]}" delete --force "$i" >/dev/null 2>&1; done
      rm -rf "$T_TMP"' EXIT

# lifecycle ID FLAGS...: create, start, state, delete --force of ID with the global FLAGS.
lifecycle() {
    local id=$1
    shift
    IDS+=("$id")
    tap_run "${R[@]}" "$@" create --bundle "$BUNDLE" "$id"
    tap_rc 0 "create $id with $*"
    tap_run "${R[@]}" "$@" start "$id"
    tap_rc 0 "start $id"
    tap_run "${R[@]}" "$@" state "$id"
    tap_rc 0 "state $id"
    STATE_ERR=$T_ERR
    tap_run "${R[@]}" "$@" delete --force "$id"
    tap_rc 0 "delete --force $id"
}

# the_file DIR ID COMMAND: the one file of COMMAND for ID in DIR (empty when not exactly one).
the_file() {
    local files
    mapfile -t files < <(compgen -G "$1/runsc-c.$2.*.$3.log")
    [ "${#files[@]}" -eq 1 ] && echo "${files[0]}"
}

# A directory: one file per command and per sandbox process, debug records in each.
DIR=$T_TMP/logs/nested/
lifecycle dbg1 --debug --debug-log "$DIR"
stamp='[0-9]{8}-[0-9]{6}\.[0-9]{6}'
for cmd in create start state delete boot gofer; do
    f=$(the_file "$DIR" dbg1 "$cmd")
    tap_result "$([ -n "$f" ] && echo 0 || echo 1)" \
        "--debug-log DIR/: one file for $cmd (runsc-c.dbg1.<timestamp>.$cmd.log)" \
        "files: $(ls "$DIR" 2>&1)"
    tap_like "$(basename "$f")" "^runsc-c\.dbg1\.$stamp\.$cmd\.log\$" \
        "--debug-log DIR/: the $cmd file's name has runsc's timestamp"
done
tap_like "$(cat "$(the_file "$DIR" dbg1 create)")" '^[^ ]+ runsc-c\[[0-9]+\]: debug: ' \
    "--debug: create's file has debug records"
tap_like "$(cat "$(the_file "$DIR" dbg1 create)")" 'debug: sandbox `dbg1`: boot process [0-9]+ is ready' \
    "create's file says when the sandbox is ready"
tap_like "$(cat "$(the_file "$DIR" dbg1 boot)")" '^[^ ]+ runsc-c boot\[1\]: debug: ' \
    "--debug: the sandbox (boot) logs debug records into its own file"
tap_unlike "$(cat "$(the_file "$DIR" dbg1 create)")" 'runsc-c boot' \
    "the sandbox's records are not in create's file"
tap_unlike "$STATE_ERR" 'debug:' "--debug with --debug-log: no debug records on stderr"

# Without --debug: info and above only.
DIR2=$T_TMP/logs2/
lifecycle dbg2 --debug-log "$DIR2"
tap_unlike "$(cat "$DIR2"/* 2>/dev/null)" ': debug: ' "without --debug: no debug records"
tap_like "$(cat "$(the_file "$DIR2" dbg2 boot)")" ': info: ' \
    "without --debug: the sandbox's info records are there"

# --log-format json: every record of every process is a JSON object.
DIR3=$T_TMP/logs3/
lifecycle dbg3 --debug --log-format json --debug-log "$DIR3"
bad=0 n=0
for f in "$DIR3"/*; do
    while IFS= read -r line; do
        n=$((n + 1))
        printf '%s' "$line" | jq -e 'has("level") and has("msg") and has("time")' >/dev/null 2>&1 ||
            bad=$((bad + 1))
    done <"$f"
done
tap_result "$([ "$bad" -eq 0 ] && [ "$n" -gt 3 ] && echo 0 || echo 1)" \
    "--log-format json: all $n records (create, boot, ...) are {level, msg, time}" "$bad bad"
tap_like "$(cat "$(the_file "$DIR3" dbg3 boot)")" '^\{"level":"debug"' \
    "--log-format json reaches the sandbox's file"

# A file: appended by every command and process.
FILE=$T_TMP/one.log
echo "an earlier line" >"$FILE"
lifecycle dbg4 --debug --debug-log "$FILE"
tap_is "$(head -n 1 "$FILE")" "an earlier line" "--debug-log FILE appends"
for who in 'runsc-c\[[0-9]+\]: debug: command: create' 'runsc-c\[[0-9]+\]: debug: command: delete' \
    'runsc-c boot\[1\]: '; do
    tap_like "$(cat "$FILE")" "$who" "--debug-log FILE: records of every process ($who)"
done

# runsc's variables in a file name.
lifecycle dbg5 --debug-log "$T_TMP/v/%ID%-%COMMAND%.log"
for cmd in create start boot gofer; do
    tap_result "$([ -e "$T_TMP/v/dbg5-$cmd.log" ] && echo 0 || echo 1)" \
        "--debug-log with %ID% and %COMMAND%: dbg5-$cmd.log" "files: $(ls "$T_TMP/v" 2>&1)"
done

# A failing command's error lands in its debug log too.
tap_run "${R[@]}" --debug-log "$T_TMP/err/" state no-such-container
tap_rc 1 "state of a missing container fails"
tap_like "$(cat "$T_TMP"/err/runsc-c.no-such-container.*.state.log 2>/dev/null)" \
    'error: .*no-such-container' "the error is in the command's debug log"
tap_done
