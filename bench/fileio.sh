#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# File system throughput, native against a runsc-c container in one run:
#  - metadata: create (100 bytes each) + stat + unlink of N small files;
#  - sequential I/O: write (then fsync) and read back a 256 MiB file in 1 MiB calls;
# in the container both on its overlay root (new files go to the sentry's
# tmpfs) and on a bind mount (host files through the gofer), natively in a
# host directory on the same file system as the bind. Prints files/s or MB/s
# and the container/native ratio (targets: metadata within 3x of native,
# sequential I/O at least 0.8x).
# Usage: BUILD=build bench/fileio.sh [N [MB]]   (PLATFORM=ptrace|systrap: the sandbox's platform)
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$REPO/$BUILD ;; esac
RUNSC=$BUILD/runsc-c
FILEIO=$BUILD/bench/fileio
N=${1:-10000}
MB=${2:-256}

for f in "$RUNSC" "$FILEIO"; do
    [ -x "$f" ] || { echo "fileio: $f is missing; run \`make BUILD=$BUILD bench\`" >&2; exit 1; }
done
T=$(mktemp -d "${TMPDIR:-/tmp}/fileio.XXXXXX")
ID=fileio-$$
trap 'for i in 1 2 3 4; do timeout 20 "$RUNSC" --root "$T/state" delete --force $ID-$i \
      >/dev/null 2>&1; done; rm -rf "$T"' EXIT

"$REPO/scripts/mkrootfs.sh" "$T/rootfs" >/dev/null
cp "$FILEIO" "$T/rootfs/fileio"
mkdir -p "$T/rootfs/work" "$T/bind" "$T/native"
(cd "$T" && "$RUNSC" spec)
plat=()
[ -n "${PLATFORM:-}" ] && plat=(--platform="$PLATFORM")

# in_container DIR ARGS...: runs /fileio DIR ARGS in a container of its own (a
# sandbox that dies takes only its own numbers along).
K=0
in_container() {
    local rc=0
    K=$((K + 1))
    mkdir -p "$T/b$K"
    jq --arg r "$T/rootfs" --arg b "$T/bind" --argjson a "$(printf '%s\n' "$@" | jq -R . | jq -s .)" \
        '.root.path = $r | .root.readonly = false | .process.terminal = false |
        .process.args = ["/fileio"] + $a |
        .mounts += [{destination: "/bind", type: "bind", source: $b, options: ["rbind", "rw"]}]' \
        "$T/config.json" >"$T/b$K/config.json"
    "$RUNSC" --root "$T/state" "${plat[@]}" run --bundle "$T/b$K" "$ID-$K" || rc=$?
    [ $rc = 0 ] || echo "fileio: the container for \`$*' exited with status $rc" >&2
}

native=$("$FILEIO" "$T/native" meta "$N" && "$FILEIO" "$T/native" seq "$MB")
sandbox=$(echo "[overlay]"; in_container /work meta "$N"; in_container /work seq "$MB"
    echo "[bind]"; in_container /bind meta "$N"; in_container /bind seq "$MB")

# value NAME TEXT: the number on the line "NAME: <number> unit" of TEXT.
value() { sed -n "s/^$1: \([0-9.]*\) .*/\1/p" <<<"$2" | head -n 1; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) vCPUs; N=$N files, $MB MiB;" \
    "platform: ${PLATFORM:-default}"
printf '%-10s %-8s %12s %12s %8s\n' where what native runsc-c ratio
for where in overlay bind; do
    part=$(sed -n "/^\[$where\]/,/^\[/p" <<<"$sandbox")
    for what in create stat unlink meta seqwrite seqread; do
        nat=$(value "$what" "$native")
        box=$(value "$what" "$part")
        unit=files/s
        case $what in seq*) unit=MB/s ;; esac
        ratio=$(awk -v a="$box" -v b="$nat" \
            'BEGIN { if (a != "" && b > 0) printf "%.2fx", a / b; else print "-" }')
        printf '%-10s %-8s %12s %12s %8s  %s\n' "$where" "$what" "$nat" "${box:--}" "$ratio" "$unit"
    done
done
