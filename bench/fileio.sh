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
# Usage: BUILD=build bench/fileio.sh [N [MB]]
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
trap 'timeout 20 "$RUNSC" --root "$T/state" delete --force $ID >/dev/null 2>&1; rm -rf "$T"' EXIT

"$REPO/scripts/mkrootfs.sh" "$T/rootfs" >/dev/null
cp "$FILEIO" "$T/rootfs/fileio"
mkdir -p "$T/rootfs/work" "$T/bind" "$T/native" "$T/b"
(cd "$T" && "$RUNSC" spec)
jq --arg r "$T/rootfs" --arg b "$T/bind" --arg n "$N" --arg mb "$MB" '.root.path = $r |
    .root.readonly = false | .process.terminal = false |
    .process.args = ["/bin/sh", "-c", "echo [overlay]; /fileio /work meta \($n) &&
        /fileio /work seq \($mb) && echo [bind] && /fileio /bind meta \($n) &&
        /fileio /bind seq \($mb)"] |
    .mounts += [{destination: "/bind", type: "bind", source: $b, options: ["rbind", "rw"]}]' \
    "$T/config.json" >"$T/b/config.json"

native=$("$FILEIO" "$T/native" meta "$N" && "$FILEIO" "$T/native" seq "$MB")
sandbox=$("$RUNSC" --root "$T/state" run --bundle "$T/b" $ID)

# value NAME TEXT: the number on the line "NAME: <number> unit" of TEXT.
value() { sed -n "s/^$1: \([0-9.]*\) .*/\1/p" <<<"$2" | head -n 1; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) vCPUs; N=$N files, $MB MiB"
printf '%-10s %-8s %12s %12s %8s\n' where what native runsc-c ratio
for where in overlay bind; do
    part=$(sed -n "/^\[$where\]/,/^\[/p" <<<"$sandbox")
    for what in create stat unlink meta seqwrite seqread; do
        nat=$(value "$what" "$native")
        box=$(value "$what" "$part")
        unit=files/s
        case $what in seq*) unit=MB/s ;; esac
        ratio=$(awk -v a="$box" -v b="$nat" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
        printf '%-10s %-8s %12s %12s %8s  %s\n' "$where" "$what" "$nat" "$box" "${ratio}x" "$unit"
    done
done
