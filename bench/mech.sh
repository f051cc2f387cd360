#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds bench/mech/mech.c and measures each interception mechanism on this host.
# Not part of `make test`. Usage: BUILD=build bench/mech.sh [quick]
set -eu

BUILD=${BUILD:-build}
OUT=$BUILD/bench/mech
mkdir -p "$BUILD/bench"
${CC:-cc} -std=gnu11 -O2 -Wall -Werror -D_GNU_SOURCE -o "$OUT" bench/mech/mech.c

N=${N:-100000}
N_CROSS=${N_CROSS:-3000}
if [ "${1:-}" = quick ]; then
	N=20000
	N_CROSS=1000
fi

"$OUT" native $((N * 10)) same
for m in ptrace sigself sigsys notif notif-sync; do
	"$OUT" "$m" "$N" same
done
"$OUT" notif-sync "$N" free
"$OUT" sigsys "$N" free
"$OUT" sigsys-spin "$N" cross
"$OUT" sigsys "$N_CROSS" cross
"$OUT" copy "$N"
