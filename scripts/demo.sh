#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `make demo`: builds a throw-away busybox bundle, writes its config.json with
# `RUNSC spec`, runs `sh -c "echo hello from the sandbox; uname -a"` in the
# sandbox with `RUNSC run`, says what happened and cleans up. Exits with the
# failing step's status when something fails.
#
#   scripts/demo.sh RUNSC
set -uo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 RUNSC (the runsc-c binary)" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
runsc=$1
case $runsc in */*) runsc=$(cd "$(dirname "$runsc")" && pwd)/$(basename "$runsc") ;; esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/runsc-c-demo.XXXXXX")
id=demo-$$
root=$tmp/state
ran=0
cleanup() {
    if [ "$ran" = 1 ]; then
        echo "demo: cleaning up: runsc-c delete --force $id"
        "$runsc" --root "$root" delete --force "$id" || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

step() {
    echo "demo: $*"
}

# fail STATUS WHAT: reports a failed step honestly and exits with its status.
fail() {
    echo "demo: FAILED: $2 exited with status $1 (its error is above)" >&2
    exit "$1"
}

step "building a busybox root filesystem in $tmp/rootfs"
"$here/mkrootfs.sh" "$tmp/rootfs" || fail $? "scripts/mkrootfs.sh"

step "writing $tmp/config.json with: runsc-c spec"
(cd "$tmp" && "$runsc" spec) || fail $? "runsc-c spec"
[ -f "$tmp/config.json" ] || {
    echo "demo: FAILED: runsc-c spec did not write config.json" >&2
    exit 1
}

# Replace the whole "args" array (it may span lines: sed -z reads the file as
# one record) and turn the terminal off so the demo works without a tty.
sed -z -i \
    -e 's/"args"[[:space:]]*:[[:space:]]*\[[^]]*\]/"args": ["\/bin\/sh", "-c", "echo hello from the sandbox; uname -a"]/' \
    -e 's/"terminal"[[:space:]]*:[[:space:]]*true/"terminal": false/' \
    "$tmp/config.json"
if ! grep -q 'hello from the sandbox' "$tmp/config.json"; then
    echo "demo: FAILED: could not set process.args in config.json" >&2
    exit 1
fi

step "running: runsc-c --root $root run --bundle $tmp $id"
echo "----"
ran=1
rc=0
"$runsc" --root "$root" run --bundle "$tmp" "$id" </dev/null || rc=$?
echo "----"
if [ "$rc" -ne 0 ]; then
    fail "$rc" "runsc-c run"
fi
step "the container exited with status 0"
