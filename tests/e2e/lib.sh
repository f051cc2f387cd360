# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Shared setup of the end-to-end checks (tests/e2e/{docker,podman,containerd}.sh):
# real clients from Debian 12 drive the runtime under test. Each script installs
# the client packages it needs when missing, starts its daemon by hand with
# PRIVATE state under $T_TMP (never the host's /var/lib/docker or
# /run/containerd), registers the runtime for that daemon only, imports a
# local busybox image (images cannot be pulled here), prints TAP, and on exit
# stops only the daemons and processes it started and removes its temp dir.
#
# Environment:
#   RUNTIME        runsc-c (default), runc or crun: the runtime under test. runc
#                  and crun prove the harness itself on this host.
#   RUNSC          the runsc-c binary (default $BUILD/runsc-c).
#   E2E_TIMEOUT    seconds per client command (default 60).
#   E2E_KEEP=1     keep the temp dir and daemons' logs (the daemons still stop).

# shellcheck source=tests/lib/tap.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/tap.sh"

RUNTIME=${RUNTIME:-runsc-c}
TAP_TIMEOUT=${E2E_TIMEOUT:-60}
E2E_IMAGE=e2e-busybox:latest
# The PIDs of daemons this script started, and the private directory whose
# path marks every process of ours (shims, conmon) in its command line.
E2E_DAEMON_PIDS=()
E2E_CLEANUPS=()
export PATH=/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin

# Replaces tap.sh's EXIT trap: stop what we started, then remove T_TMP.
trap e2e_cleanup EXIT

# e2e_log MSG...: a TAP comment (not a test line).
e2e_log() {
    printf '# %s\n' "$*"
}

# e2e_on_exit CMD: runs the shell command CMD at exit, last registered first.
e2e_on_exit() {
    E2E_CLEANUPS=("$1" "${E2E_CLEANUPS[@]}")
}

# Stops our daemons (TERM, then KILL after 30 s), kills any process left whose
# command line names our temp dir (shims, conmon: ours by construction),
# unmounts what is left below T_TMP and removes it without crossing into any
# other file system.
e2e_cleanup() {
    local c pid i mnt
    for c in "${E2E_CLEANUPS[@]}"; do
        eval "$c" >/dev/null 2>&1 || true
    done
    for pid in "${E2E_DAEMON_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || continue
        for ((i = 0; i < 150; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    for pid in $(e2e_our_pids); do
        kill -KILL "$pid" 2>/dev/null || true
    done
    # Deepest mounts first.
    while read -r mnt; do
        umount -l "$mnt" 2>/dev/null || true
    done < <(awk -v t="$T_TMP" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
    if [ "${E2E_KEEP:-0}" = 1 ]; then
        echo "# kept $T_TMP" >&2
    else
        rm -rf --one-file-system "$T_TMP"
    fi
}

# Prints the PIDs of processes (other than us) whose command line mentions T_TMP.
e2e_our_pids() {
    local d pid
    for d in /proc/[0-9]*; do
        pid=${d#/proc/}
        [ "$pid" = $$ ] && continue
        [ "$pid" = "$BASHPID" ] && continue
        tr '\0' ' ' 2>/dev/null <"$d/cmdline" | grep -qF -- "$T_TMP" && echo "$pid"
    done
}

# e2e_need_pkgs PKG...: installs the Debian packages that are missing
# (apt-get install -y --no-install-recommends). Exits with a failed TAP test
# when that fails: the checks cannot run without their client.
e2e_need_pkgs() {
    local p missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    e2e_log "installing ${missing[*]}"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        "${missing[@]}" >"$T_TMP/apt.log" 2>&1; then
        tap_fail "client packages installed: ${missing[*]}" "$(tail -n 20 "$T_TMP/apt.log")"
        tap_done
    fi
}

# e2e_runtime_path: prints the absolute path of the runtime under test, or
# fails the script when it is missing.
e2e_runtime_path() {
    local p
    case $RUNTIME in
    runsc-c) p=$RUNSC ;;
    /*) p=$RUNTIME ;;
    *) p=$(command -v "$RUNTIME" || true) ;;
    esac
    if [ -z "$p" ] || [ ! -x "$p" ]; then
        tap_fail "runtime $RUNTIME is built/installed" "not found: ${p:-$RUNTIME}" \
            "(runsc-c: run \`make BUILD=$BUILD\`; runc, crun: apt-get install runc crun)"
        tap_done
    fi
    realpath "$p"
}

# e2e_rootfs DIR: a busybox-static root filesystem (scripts/mkrootfs.sh), with
# the static test helper as /init when it is built.
e2e_rootfs() {
    local args=("$1")
    [ -x "$HELPER" ] && args+=(--helper "$HELPER")
    if ! "$REPO/scripts/mkrootfs.sh" "${args[@]}" >"$T_TMP/mkrootfs.log" 2>&1; then
        tap_fail "root filesystem built" "$(cat "$T_TMP/mkrootfs.log")"
        tap_done
    fi
}

# e2e_rootfs_tar FILE: the rootfs as a plain tarball (docker/podman import).
e2e_rootfs_tar() {
    e2e_rootfs "$T_TMP/rootfs"
    tar -C "$T_TMP/rootfs" --numeric-owner -cf "$1" .
}

# e2e_image_archive FILE NAME: the rootfs as a docker-archive (manifest.json,
# config, one layer) that `ctr images import` understands.
e2e_image_archive() {
    local out=$1 name=$2 dir=$T_TMP/archive layer_sha cfg_sha
    mkdir -p "$dir"
    e2e_rootfs_tar "$dir/layer.tar"
    layer_sha=$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)
    jq -nc --arg d "sha256:$layer_sha" '{
        architecture: "amd64", os: "linux",
        config: {Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                 Cmd: ["/bin/sh"]},
        rootfs: {type: "layers", diff_ids: [$d]}}' >"$dir/config.json"
    cfg_sha=$(sha256sum "$dir/config.json" | cut -d' ' -f1)
    mv "$dir/config.json" "$dir/$cfg_sha.json"
    jq -nc --arg c "$cfg_sha.json" --arg n "$name" \
        '[{Config: $c, RepoTags: [$n], Layers: ["layer.tar"]}]' >"$dir/manifest.json"
    tar -C "$dir" -cf "$out" manifest.json "$cfg_sha.json" layer.tar
}

# e2e_wait SECS CMD [ARGS...]: polls CMD every 0.2 s until it succeeds.
# Returns 1 when it never did.
e2e_wait() {
    local secs=$1 i
    shift
    for ((i = 0; i < secs * 5; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    return 1
}

# e2e_start_daemon NAME LOG CMD [ARGS...]: starts a daemon in the background
# (its own process group, output to LOG) and records its PID.
e2e_start_daemon() {
    local name=$1 log=$2
    shift 2
    setsid "$@" </dev/null >"$log" 2>&1 &
    E2E_DAEMON_PIDS+=("$!")
    e2e_log "started $name (pid $!)"
}

# e2e_daemon_failed NAME LOG: the daemon did not come up: fail and stop.
e2e_daemon_failed() {
    tap_fail "$1 starts" "$(tail -n 30 "$2")"
    tap_done
}

# e2e_cgroup_file CONTROLLER CGROUP_PATH FILE: prints the host cgroup v1 file
# (or its cgroup2 equivalent at /sys/fs/cgroup/unified) of a container cgroup.
e2e_cgroup_file() {
    local f
    for f in "/sys/fs/cgroup/$1/$2/$3" "/sys/fs/cgroup/$1$2/$3"; do
        [ -e "$f" ] && {
            cat "$f"
            return 0
        }
    done
    echo "(no $1 cgroup $2/$3)"
    return 1
}

# e2e_pids_max_check CGROUP_PATH LIMIT: one check of the host pids.max of a
# container started with --pids-limit LIMIT. runc and crun write LIMIT; runsc-c
# enforces the limit in the sentry (clone fails with EAGAIN, as the pids
# cgroup does) and gives the host cgroup a backstop of 2 x LIMIT + 256 for the
# sandbox's own threads.
e2e_pids_max_check() {
    local got want=$2
    got=$(e2e_cgroup_file pids "$1" pids.max)
    [ "$RUNTIME" = runsc-c ] && want=$((2 * $2 + 256))
    tap_is "$got" "$want" "--pids-limit $2: pids.max is $2 (runsc-c: its backstop)"
}
