#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `runsc-c spec` (writes a default config.json, refuses to overwrite one,
# --bundle, --rootless) and `runsc-c features` (JSON with ociVersionMax).
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

# json_check FILE FILTER NAME: passes when jq -e FILTER is true for FILE.
json_check() {
    local out
    if ! command -v jq >/dev/null; then
        tap_fail "$3" "jq is not installed: run \`make deps\`"
        return
    fi
    if ! grep -q '[^[:space:]]' "$1" 2>/dev/null; then
        tap_fail "$3" "$1 is missing or empty"
        return
    fi
    if out=$(jq -e "$2" "$1" 2>&1); then
        tap_pass "$3"
    else
        tap_fail "$3" "jq -e '$2' gave: $out" "file: $(head -c 2000 "$1" 2>/dev/null)"
    fi
}

spec_version=$("$RUNSC" --version | sed -n 's/^spec: //p')

# spec in an empty directory writes config.json.
dir=$T_TMP/spec
mkdir -p "$dir"
T_CWD=$dir tap_run "$RUNSC" spec
tap_rc 0 "spec exits 0 in an empty directory"
cfg=$dir/config.json
tap_result "$([ -f "$cfg" ] && echo 0 || echo 1)" "spec writes ./config.json"
json_check "$cfg" '.' "config.json is valid JSON"
json_check "$cfg" ".ociVersion == \"$spec_version\"" "ociVersion is the 'spec:' version of --version"
json_check "$cfg" '.root.path == "rootfs"' "root.path is rootfs"
json_check "$cfg" '(.process.args | type) == "array" and (.process.args | length) > 0' \
    "process.args is a non-empty array"
json_check "$cfg" '.process.cwd == "/"' "process.cwd is /"
json_check "$cfg" '[.linux.namespaces[].type] | contains(["pid", "mount", "ipc", "uts", "network"])' \
    "linux.namespaces has pid, mount, ipc, uts, network"
json_check "$cfg" '[.linux.namespaces[].type] | index("user") == null' \
    "the default spec has no user namespace"
json_check "$cfg" '[.mounts[].destination] | contains(["/proc", "/dev"])' "mounts include /proc and /dev"

# A second spec refuses to overwrite (a config.json of our own).
printf '{"mine": true}\n' >"$cfg"
T_CWD=$dir tap_run "$RUNSC" spec
tap_result "$([ "$T_RC" -ne 0 ] && echo 0 || echo 1)" "spec refuses to overwrite config.json" \
    "$(tap_last_run)"
tap_like "$T_ERR" 'config.json' "the refusal names config.json on stderr"
tap_is "$(cat "$cfg")" '{"mine": true}' "the existing config.json is unchanged"

# spec --bundle DIR writes DIR/config.json, nothing in the cwd.
bundle=$T_TMP/bundle
cwd=$T_TMP/cwd
mkdir -p "$bundle" "$cwd"
T_CWD=$cwd tap_run "$RUNSC" spec --bundle "$bundle"
tap_rc 0 "spec --bundle DIR exits 0"
tap_result "$([ -f "$bundle/config.json" ] && echo 0 || echo 1)" "spec --bundle writes DIR/config.json"
tap_result "$([ ! -e "$cwd/config.json" ] && echo 0 || echo 1)" "spec --bundle writes nothing in the cwd"
json_check "$bundle/config.json" '.root.path == "rootfs"' "spec --bundle writes a valid config"

# spec --rootless adds a user namespace and maps root to the caller.
rl=$T_TMP/rootless
mkdir -p "$rl"
T_CWD=$rl tap_run "$RUNSC" spec --rootless
tap_rc 0 "spec --rootless exits 0"
json_check "$rl/config.json" '[.linux.namespaces[].type] | index("user") != null' \
    "spec --rootless has a user namespace"
json_check "$rl/config.json" \
    "(.linux.uidMappings[0] | .containerID == 0 and .hostID == $(id -u) and .size >= 1) and
     (.linux.gidMappings[0] | .containerID == 0 and .hostID == $(id -g) and .size >= 1)" \
    "spec --rootless maps container root to the caller's uid and gid"

# features prints JSON with the supported OCI versions.
tap_run "$RUNSC" features
tap_rc 0 "features exits 0"
printf '%s\n' "$T_OUT" >"$T_TMP/features.json"
json_check "$T_TMP/features.json" '.' "features prints valid JSON"
json_check "$T_TMP/features.json" '.ociVersionMax | test("^1\\.[0-9]+\\.[0-9]+$")' \
    "features has ociVersionMax 1.x.y"
json_check "$T_TMP/features.json" ".ociVersionMax == \"$spec_version\"" \
    "ociVersionMax is the 'spec:' version of --version"
json_check "$T_TMP/features.json" '(.ociVersionMin | type) == "string"' "features has ociVersionMin"

tap_done
