#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `runsc-c ps`: the table of the container's processes (sandbox pids), and
# `--format json` with the HOST pids of their stub processes, which docker top
# hands to the host's `ps -ef` (as with runc), on both platforms; the host's ps
# shows them with the app's names and command lines.
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
# Three processes: the shell, a background sleep and a foreground one.
jq --arg r "$ROOTFS" '.root.path = $r | .process.terminal = false |
    .process.args = ["/bin/sh", "-c", "sleep 100 & sleep 101; wait"]' \
    "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"

# pid_ns PID: the pid namespace of host process PID (empty if unreadable).
pid_ns() {
    readlink "/proc/$1/ns/pid" 2>/dev/null
}

for plat in systrap ptrace; do
    id=ps-$$-$plat
    IDS+=("$id")
    tap_ok "$plat: create" "${R[@]}" --platform=$plat create --bundle "$B" "$id"
    tap_ok "$plat: start" "${R[@]}" start "$id"
    # Wait until the shell has forked both sleeps (and exec'd them).
    for _ in $(seq 1 50); do
        tap_run "${R[@]}" ps "$id"
        [ "$(printf '%s\n' "$T_OUT" | grep -c ' sleep$')" -ge 2 ] && break
        sleep 0.1
    done
    tap_rc 0 "$plat: ps exits 0"
    tap_like "$T_OUT" '^UID PID PPID STIME TTY TIME CMD$' "$plat: the table's header"
    tap_like "$T_OUT" '^0 1 0 [0-9]+ \? [0-9]{2}:[0-9]{2}:[0-9]{2} sh$' "$plat: init is sh, pid 1"
    tap_is "$(printf '%s\n' "$T_OUT" | grep -cE '^0 [0-9]+ 1 [0-9]+ \? .* sleep$')" 2 \
        "$plat: two sleeps, children of pid 1"
    rows=$(($(printf '%s\n' "$T_OUT" | wc -l) - 1))

    tap_run "${R[@]}" ps --format json "$id"
    tap_rc 0 "$plat: ps --format json exits 0"
    tap_like "$T_OUT" '^\[[0-9]+(,[0-9]+)*\]$' "$plat: a JSON array of pids"
    tap_is "$(jq length <<<"$T_OUT")" "$rows" "$plat: one pid per process"
    mapfile -t pids < <(jq '.[]' <<<"$T_OUT")
    sandbox=$(jq .sandboxPid "$ROOT/$id/meta.json")
    want_ns=$(pid_ns "$sandbox")
    bad=
    for p in "${pids[@]}"; do
        # A host pid: /proc/PID/status exists in our namespace and the process
        # lives in the sandbox's pid namespace (a stub, not pid 1 there).
        if [ ! -e "/proc/$p/status" ] || [ -z "$want_ns" ] || [ "$(pid_ns "$p")" != "$want_ns" ]; then
            bad="$bad $p"
        elif [ "$p" = "$sandbox" ]; then
            bad="$bad $p(sandbox)"
        fi
    done
    tap_is "$bad" "" "$plat: every pid is a host process in the sandbox's pid namespace"
    tap_is "$(printf '%s\n' "${pids[@]}" | sort -u | wc -l)" "${#pids[@]}" "$plat: no pid twice"
    # docker top: the host's ps keeps the rows whose PID is in the array.
    tap_run ps -o pid= -p "$(IFS=,; echo "${pids[*]}")"
    tap_is "$(printf '%s\n' "$T_OUT" | grep -c .)" "${#pids[@]}" "$plat: the host's ps finds them all"
    # docker top's CMD column: the stubs carry the app's names (comm), not the runtime's.
    tap_run ps -o comm= -p "$(IFS=,; echo "${pids[*]}")"
    tap_is "$(printf '%s\n' "$T_OUT" | sort | tr '\n' ' ')" "sh sleep sleep " \
        "$plat: the host's ps shows the app's names"
    # ... and ps -ef's CMD: the app's argv (each stub's /proc/PID/cmdline).
    tap_run ps -o args= -p "$(IFS=,; echo "${pids[*]}")"
    tap_is "$(printf '%s\n' "$T_OUT" | sort | tr '\n' '|')" \
        "/bin/sh -c sleep 100 & sleep 101; wait|sleep 100|sleep 101|" \
        "$plat: the host's ps shows the app's command lines"

    tap_ok "$plat: delete --force" "${R[@]}" delete --force "$id"
done

tap_done
