#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Container state commands on ids that do not exist (CONTRACT.md): list on an
# empty or missing root, `delete --force` of an unknown id exits 0, state and
# plain delete of one fail with a message on stderr and in the --log file.
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

root=$T_TMP/root # does not exist yet

tap_run "$RUNSC" --root "$root" list
tap_rc 0 "list on a missing root exits 0"
tap_like "$T_OUT" '^ID +PID +STATUS +BUNDLE +CREATED' "list prints the table header"
tap_is "$(printf '%s\n' "$T_OUT" | wc -l)" 1 "list on a missing root prints only the header"
tap_run "$RUNSC" --root "$root" list --format json
tap_rc 0 "list --format json exits 0"
tap_is "$T_OUT" "[]" "list --format json on a missing root prints []"
tap_run "$RUNSC" --root "$root" list -q
tap_is "$T_OUT" "" "list -q on a missing root prints nothing"

mkdir -p "$root"
tap_run "$RUNSC" --root "$root" list --format json
tap_is "$T_OUT" "[]" "list --format json on an empty root prints []"

# Podman passes no global flags to a runtime it does not know: defaults work.
tap_run "$RUNSC" list --format json
tap_rc 0 "list without --root exits 0 (default root)"
tap_like "$T_OUT" '^\[' "list without --root prints a JSON array"

tap_run "$RUNSC" --root "$root" delete --force no-such-ctr
tap_rc 0 "delete --force of an unknown id exits 0"
tap_run "$RUNSC" --root "$T_TMP/missing-root" delete --force no-such-ctr
tap_rc 0 "delete --force in a missing root exits 0"

tap_run "$RUNSC" --root "$root" delete no-such-ctr
tap_result "$([ "$T_RC" -ne 0 ] && echo 0 || echo 1)" "delete of an unknown id fails" "$(tap_last_run)"
tap_like "$T_ERR" 'no-such-ctr' "delete of an unknown id names it on stderr"

log=$T_TMP/state.log
tap_run "$RUNSC" --root "$root" --log "$log" --log-format json state no-such-ctr
tap_result "$([ "$T_RC" -ne 0 ] && echo 0 || echo 1)" "state of an unknown id fails" "$(tap_last_run)"
tap_like "$T_ERR" 'no-such-ctr' "state of an unknown id names it on stderr"
tap_like "$(tail -n 1 "$log" 2>/dev/null)" '^\{"level":"error","msg":"[^"]*no-such-ctr[^"]*","time":"[^"]+"\}$' \
    "state of an unknown id: the error is the last record of the --log file"

tap_run "$RUNSC" --root "$root" state 'a/b'
tap_result "$([ "$T_RC" -ne 0 ] && echo 0 || echo 1)" "state rejects an invalid id (a/b)" \
    "$(tap_last_run)"
tap_run "$RUNSC" --root "$root" state ..
tap_result "$([ "$T_RC" -ne 0 ] && echo 0 || echo 1)" "state rejects an invalid id (..)" \
    "$(tap_last_run)"
tap_run "$RUNSC" --root "$root" state
tap_result "$([ "$T_RC" -ne 0 ] && [ -n "$T_ERR" ] && echo 0 || echo 1)" \
    "state without an id fails with a message" "$(tap_last_run)"

tap_is "$(find "$root" -mindepth 1 2>&1)" "" "failed commands leave nothing in the root"

tap_done
