#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `runsc-c install` / `uninstall` on a throw-away daemon.json (--config-file):
# missing, empty and populated files, other keys and runtimes preserved,
# replacement, runtime args, file mode kept, uninstall, broken JSON untouched.
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

self=$(realpath "$RUNSC")
if ! command -v jq >/dev/null; then
    tap_fail "jq is installed" "jq is not installed: run \`make deps\`"
    tap_done
fi

# jq_is FILE FILTER WANT NAME: jq -c FILTER FILE prints WANT.
jq_is() {
    local got
    got=$(jq -c "$2" "$1" 2>&1)
    tap_is "$got" "$3" "$4"
}

# A missing file (in a missing directory) is created with just our runtime.
cfg=$T_TMP/etc/docker/daemon.json
tap_run "$RUNSC" install --config-file "$cfg"
tap_rc 0 "install into a missing file exits 0"
tap_like "$T_OUT" "Added runtime \"runsc-c\"" "install says it added the runtime"
jq_is "$cfg" . "{\"runtimes\":{\"runsc-c\":{\"path\":\"$self\"}}}" \
    "the new file holds runtimes.runsc-c with this binary's absolute path"
tap_is "$(stat -c %a "$cfg")" 644 "a new file is mode 0644"

# An empty file counts as {}.
cfg=$T_TMP/empty.json
: >"$cfg"
tap_run "$RUNSC" install --config-file "$cfg"
tap_rc 0 "install into an empty file exits 0"
jq_is "$cfg" '.runtimes | keys' '["runsc-c"]' "the empty file now has the runtime"

# Other keys and runtimes are preserved; the mode is kept.
cfg=$T_TMP/full.json
cat >"$cfg" <<'JSON'
{
    "data-root": "/var/lib/docker-x",
    "iptables": false,
    "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 20000, "Soft": 20000}},
    "log-opts": {"max-size": "10m"},
    "runtimes": {
        "runsc": {"path": "/usr/local/bin/runsc", "runtimeArgs": ["--platform=ptrace"]},
        "crun": {"path": "/usr/bin/crun"}
    },
    "debug": true
}
JSON
chmod 0640 "$cfg"
before=$(jq -S 'del(.runtimes["runsc-c"])' "$cfg")
tap_run "$RUNSC" install --config-file "$cfg"
tap_rc 0 "install into a file with other keys exits 0"
tap_is "$(jq -S 'del(.runtimes["runsc-c"])' "$cfg")" "$before" \
    "every other key and runtime is unchanged"
jq_is "$cfg" '.runtimes["runsc-c"]' "{\"path\":\"$self\"}" "runtimes.runsc-c was added"
jq_is "$cfg" 'keys_unsorted' '["data-root","iptables","default-ulimits","log-opts","runtimes","debug"]' \
    "the key order is kept"
tap_is "$(stat -c %a "$cfg")" 640 "the file mode 0640 is kept"

# Runtime args after --, under another name.
tap_run "$RUNSC" install --config-file "$cfg" --runtime runsc-c-debug -- --debug --strace
tap_rc 0 "install --runtime NAME -- ARGS exits 0"
jq_is "$cfg" '.runtimes["runsc-c-debug"]' \
    "{\"path\":\"$self\",\"runtimeArgs\":[\"--debug\",\"--strace\"]}" \
    "the named runtime has the runtimeArgs"
jq_is "$cfg" '.runtimes | keys_unsorted' '["runsc","crun","runsc-c","runsc-c-debug"]' \
    "both runsc-c runtimes sit beside the others"

# Replacing an existing entry (here: a stale path with args) replaces it whole.
tmp=$T_TMP/stale.json
jq '.runtimes["runsc-c"] = {"path": "/old/runsc-c", "runtimeArgs": ["--old"]}' "$cfg" >"$tmp"
cat "$tmp" >"$cfg"
tap_run "$RUNSC" install --config-file "$cfg" -- --network=none
tap_rc 0 "install over an existing entry exits 0"
tap_like "$T_OUT" "Replaced runtime \"runsc-c\"" "install says it replaced the runtime"
jq_is "$cfg" '.runtimes["runsc-c"]' "{\"path\":\"$self\",\"runtimeArgs\":[\"--network=none\"]}" \
    "the entry is replaced, not merged"
jq_is "$cfg" '.runtimes | keys_unsorted' '["runsc","crun","runsc-c","runsc-c-debug"]' \
    "the replaced entry keeps its place"

# A symlinked config is written through, the link stays a link.
real=$T_TMP/real.json
link=$T_TMP/link.json
echo '{"debug": false}' >"$real"
ln -s "$real" "$link"
tap_run "$RUNSC" install --config-file "$link"
tap_rc 0 "install through a symlink exits 0"
tap_result "$([ -L "$link" ] && echo 0 || echo 1)" "the symlink is still a symlink"
jq_is "$real" '[.debug, (.runtimes | keys)]' '[false,["runsc-c"]]' "the link's target was updated"

# uninstall removes only our entry.
tap_run "$RUNSC" uninstall --config-file "$cfg" --runtime runsc-c-debug
tap_rc 0 "uninstall --runtime NAME exits 0"
tap_like "$T_OUT" 'Removed runtime "runsc-c-debug"' "uninstall says what it removed"
tap_run "$RUNSC" uninstall --config-file "$cfg"
tap_rc 0 "uninstall exits 0"
tap_is "$(jq -S . "$cfg")" "$before" "after uninstalling both, the file equals the original"
tap_is "$(stat -c %a "$cfg")" 640 "uninstall keeps the mode"

# uninstall of a missing entry or a missing file says so and succeeds.
sum=$(md5sum <"$cfg")
tap_run "$RUNSC" uninstall --config-file "$cfg"
tap_rc 0 "uninstall of a missing entry exits 0"
tap_like "$T_OUT" 'not installed' "uninstall of a missing entry says it is not installed"
tap_is "$(md5sum <"$cfg")" "$sum" "uninstall of a missing entry leaves the file alone"
tap_run "$RUNSC" uninstall --config-file "$T_TMP/nope/daemon.json"
tap_rc 0 "uninstall with a missing file exits 0"
tap_like "$T_OUT" 'does not exist' "uninstall with a missing file says so"
tap_result "$([ ! -e "$T_TMP/nope" ] && echo 0 || echo 1)" "uninstall creates nothing"

# Broken JSON is an error naming the file, and the file is untouched.
bad=$T_TMP/bad.json
printf '{"runtimes": {"runc": {"path": "runc"},}\n' >"$bad"
sum=$(md5sum <"$bad")
tap_run "$RUNSC" install --config-file "$bad"
tap_result "$([ "$T_RC" -ne 0 ] && echo 0 || echo 1)" "install into broken JSON fails" \
    "$(tap_last_run)"
tap_like "$T_ERR" "bad.json.*not valid JSON.*line 1" "the error names the file and the line"
tap_is "$(md5sum <"$bad")" "$sum" "the broken file is unchanged by install"
tap_run "$RUNSC" uninstall --config-file "$bad"
tap_result "$([ "$T_RC" -ne 0 ] && echo 0 || echo 1)" "uninstall of broken JSON fails"
tap_is "$(md5sum <"$bad")" "$sum" "the broken file is unchanged by uninstall"
tap_is "$(find "$T_TMP" -maxdepth 1 -name 'bad.json?*' | wc -l)" 0 "no temp file is left behind"

# Valid JSON of the wrong shape is refused too.
echo '[1, 2]' >"$bad"
tap_run "$RUNSC" install --config-file "$bad"
tap_like "$T_ERR" 'not a JSON object' "a top-level array is refused"
echo '{"runtimes": []}' >"$bad"
tap_run "$RUNSC" install --config-file "$bad"
tap_like "$T_ERR" '"runtimes" is not a JSON object' "runtimes that is not an object is refused"
tap_is "$(cat "$bad")" '{"runtimes": []}' "the refused file is unchanged"

# Usage.
tap_run "$RUNSC" install --help
tap_rc 0 "install --help exits 0"
tap_like "$T_OUT" '--runtime NAME' "install --help shows --runtime"
tap_like "$T_OUT" '--config-file' "install --help shows --config-file"
tap_run "$RUNSC" uninstall --help
tap_rc 0 "uninstall --help exits 0"
tap_run "$RUNSC" install --config-file "$cfg" --bogus
tap_result "$([ "$T_RC" -ne 0 ] && echo 0 || echo 1)" "an unknown option fails"
tap_like "$T_ERR" 'unknown option' "an unknown option is named"
tap_run "$RUNSC" install --config-file "$cfg" stray
tap_like "$T_ERR" 'unexpected argument' "a stray argument before -- is refused"

tap_done
