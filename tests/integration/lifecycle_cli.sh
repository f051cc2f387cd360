#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The lifecycle commands without running a program: create (sandbox, gofer,
# waiter, pid file, cgroup), kill of a created container, wait, delete, and the
# error paths (unknown ids, wrong states, bad flags, broken bundles, races).
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

ROOT=$T_TMP/state
ROOTFS=$T_TMP/rootfs
R=("$RUNSC" --root "$ROOT")
IDS=()
cleanup() {
    local id
    for id in "${IDS[@]}"; do
        timeout 30 "${R[@]}" delete --force "$id" >/dev/null 2>&1
    done
    rm -rf "$T_TMP"
}
trap cleanup EXIT

"$REPO/scripts/mkrootfs.sh" "$ROOTFS" --helper "$HELPER" >/dev/null 2>&1
B=$T_TMP/bundle
mkdir -p "$B"
(cd "$B" && "$RUNSC" spec)
jq --arg r "$ROOTFS" '.root.path = $r | .process.terminal = false | .process.args = ["/init", "pause"]' \
    "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"

create() { # create ID: T_RC
    IDS+=("$1")
    T_RC=0
    timeout -k 5 30 "${R[@]}" create --bundle "$B" --pid-file "$T_TMP/$1.pid" "$1" \
        </dev/null >/dev/null 2>"$T_TMP/$1.err" || T_RC=$?
}
status_of() { "${R[@]}" state "$1" 2>/dev/null | jq -r .status 2>/dev/null; }

create c1
tap_result "$T_RC" "create exits 0" "$(cat "$T_TMP/c1.err")"
pid=$(cat "$T_TMP/c1.pid" 2>/dev/null)
tap_like "$pid" '^[0-9]+$' "create writes the pid file"
tap_result "$(kill -0 "$pid" 2>/dev/null && echo 0 || echo 1)" "the pid file's process is alive"
tap_is "$(status_of c1)" created "state: created"
tap_is "$("${R[@]}" state c1 | jq -r .pid)" "$pid" "state's pid is the pid file's"
tap_is "$("${R[@]}" list -q)" c1 "list -q shows it"
tap_like "$("${R[@]}" events --stats c1 2>&1)" '^\{"type":"stats","id":"c1","data":\{"cpu":' \
    "events --stats prints runc's stats shape"
tap_ok "update --memory writes a limit" "${R[@]}" update --memory 256m c1
mem=$(find /sys/fs/cgroup/memory -path "*runsc-c/c1/memory.limit_in_bytes" 2>/dev/null | head -1)
if [ -n "$mem" ]; then
    tap_is "$(cat "$mem")" 268435456 "the memory cgroup has the new limit"
else
    tap_pass "the memory cgroup has the new limit # SKIP no v1 memory hierarchy"
fi
echo '{"pids":{"limit":50}}' >"$T_TMP/res.json"
T_STDIN=$T_TMP/res.json tap_run "${R[@]}" update --resources - c1
tap_rc 0 "update --resources - reads JSON from stdin"

create c1
tap_result "$([ "$T_RC" -ne 0 ] && echo 0 || echo 1)" "create of an existing id fails"
tap_like "$(cat "$T_TMP/c1.err")" "already exists" "and says the id exists"
unset 'IDS[${#IDS[@]}-1]'

tap_run "${R[@]}" kill c1 NOSUCHSIG
tap_result "$([ "$T_RC" -ne 0 ] && echo 0 || echo 1)" "kill with an unknown signal fails"
tap_ok "kill ID KILL of a created container exits 0" "${R[@]}" kill c1 KILL
for _ in $(seq 50); do [ "$(status_of c1)" = stopped ] && break; sleep 0.1; done
tap_is "$(status_of c1)" stopped "it is stopped"
tap_is "$("${R[@]}" wait c1)" '{"id":"c1","exitStatus":137}' "wait reports 137"
# Not our child (create's, re-parented): gone or a zombie both mean it exited.
st=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)
tap_result "$([ -z "$st" ] || [ "$st" = Z ] && echo 0 || echo 1)" "the waiter exited" "state $st"
tap_ok "kill --all ID 9 after exit exits 0" "${R[@]}" kill --all c1 9
tap_run "${R[@]}" kill c1 9
tap_result "$([ "$T_RC" -ne 0 ] && echo 0 || echo 1)" "kill ID 9 (no --all) after exit fails"
tap_run "${R[@]}" start c1
tap_result "$([ "$T_RC" -ne 0 ] && echo 0 || echo 1)" "start of a stopped container fails"
tap_ok "delete of a stopped container exits 0" "${R[@]}" delete c1
tap_run "${R[@]}" state c1
tap_result "$([ "$T_RC" -ne 0 ] && echo 0 || echo 1)" "state after delete fails"
tap_ok "delete --force of a deleted id exits 0" "${R[@]}" delete --force c1
tap_run "${R[@]}" delete nosuch
tap_result "$([ "$T_RC" -ne 0 ] && echo 0 || echo 1)" "delete of an unknown id fails"
for cmd in start kill wait ps events pause resume; do
    tap_run "${R[@]}" $cmd nosuch
    tap_result "$([ "$T_RC" -ne 0 ] && echo 0 || echo 1)" "$cmd of an unknown id fails"
done
tap_run "${R[@]}" create --bogus x
tap_result "$([ "$T_RC" -ne 0 ] && echo 0 || echo 1)" "create with an unknown flag fails"
tap_run "${R[@]}" create --bundle "$T_TMP/nobundle" x1
tap_result "$([ "$T_RC" -ne 0 ] && [ ! -e "$ROOT/x1" ] && echo 0 || echo 1)" \
    "create of a missing bundle fails and leaves no state" "$(tap_last_run)"
mkdir -p "$T_TMP/broken" && echo '{"ociVersion": 7' >"$T_TMP/broken/config.json"
tap_run "${R[@]}" create --bundle "$T_TMP/broken" x2
tap_result "$([ "$T_RC" -ne 0 ] && [ ! -e "$ROOT/x2" ] && echo 0 || echo 1)" \
    "create of a broken config.json fails and leaves no state" "$(tap_last_run)"

# A created container with a live waiter: killing the waiter kills the container.
create c2
pid=$(cat "$T_TMP/c2.pid" 2>/dev/null)
kill -9 "$pid" 2>/dev/null
for _ in $(seq 50); do [ "$(status_of c2)" = stopped ] && break; sleep 0.1; done
tap_is "$(status_of c2)" stopped "the waiter's death stops its container"
tap_ok "delete --force after the waiter died" "${R[@]}" delete --force c2

# 10 parallel creates of one id: exactly one wins.
for i in $(seq 10); do
    (timeout 30 "${R[@]}" create --bundle "$B" race </dev/null >/dev/null 2>&1 && echo ok) &
done >"$T_TMP/race" 2>/dev/null
wait
IDS+=(race)
tap_is "$(grep -c ok "$T_TMP/race")" 1 "10 parallel creates of one id: exactly one succeeds"

# 20 parallel create + delete of distinct ids.
for i in $(seq 20); do
    (timeout 60 "${R[@]}" create --bundle "$B" "p$i" </dev/null >/dev/null 2>&1 &&
        timeout 60 "${R[@]}" delete --force "p$i" >/dev/null 2>&1 && echo ok) &
done >"$T_TMP/par" 2>/dev/null
wait
tap_is "$(grep -c ok "$T_TMP/par")" 20 "20 parallel create/delete of distinct ids all succeed"
tap_is "$("${R[@]}" list -q | grep -c '^p')" 0 "and none is left"

tap_done
