#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Runs the end-to-end checks (docker, podman, containerd, or the ones named)
# against $RUNTIME (runsc-c by default; RUNTIME=runc proves the harness) and
# prints one TAP stream: each check once, named "<client>: <check>". A client
# script that dies or prints a wrong plan is one more failed test.
#
#   tests/e2e/run.sh [docker] [podman] [containerd]
#   RUNTIME=runc tests/e2e/run.sh docker
set -uo pipefail

DIR=$(cd "$(dirname "$0")" && pwd)
CLIENTS=(docker podman containerd)
E2E_SCRIPT_TIMEOUT=${E2E_SCRIPT_TIMEOUT:-1200}
[ $# -gt 0 ] && CLIENTS=("$@")

n=0
failed=0
out=$(mktemp "${TMPDIR:-/tmp}/runsc-c-e2e.XXXXXX")
trap 'rm -f "$out"' EXIT
echo "# runtime: ${RUNTIME:-runsc-c}"
for c in "${CLIENTS[@]}"; do
    if [ ! -f "$DIR/$c.sh" ]; then
        n=$((n + 1))
        failed=$((failed + 1))
        echo "not ok $n - $c: no such client script ($DIR/$c.sh)"
        continue
    fi
    start=$(date +%s)
    rc=0
    timeout -k 30 "$E2E_SCRIPT_TIMEOUT" bash "$DIR/$c.sh" </dev/null >"$out" 2>&1 || rc=$?
    plan=-1
    ran=0
    while IFS= read -r line; do
        if [[ $line =~ ^1\.\.([0-9]+) ]]; then
            plan=${BASH_REMATCH[1]}
        elif [[ $line =~ ^(not\ )?ok\ [0-9]+\ -\ (.*)$ ]]; then
            n=$((n + 1))
            ran=$((ran + 1))
            [ -n "${BASH_REMATCH[1]}" ] && failed=$((failed + 1))
            echo "${BASH_REMATCH[1]}ok $n - $c: ${BASH_REMATCH[2]}"
        else
            echo "$line"
        fi
    done <"$out"
    echo "# $c: $ran checks in $(($(date +%s) - start)) s (exit status $rc)"
    if [ "$plan" -ne "$ran" ] || { [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; }; then
        n=$((n + 1))
        failed=$((failed + 1))
        echo "not ok $n - $c: the script finished cleanly"
        echo "#   exit status $rc, planned $plan, ran $ran"
    fi
done
echo "1..$n"
[ "$failed" -eq 0 ]
