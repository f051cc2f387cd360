#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs each benchmark natively and under `runsc-c do`, and prints both and their ratio.
# Usage: BUILD=build bench/run.sh   (make bench builds the programs and calls this)
set -eu

BUILD=${BUILD:-build}
RUNSC=${RUNSC:-$BUILD/runsc-c}
BENCH=$BUILD/bench
# Calls per batch: the sandbox is ~40x slower, so it gets fewer to keep the run short.
N_NATIVE=${N_NATIVE:-2000000}
N_SANDBOX=${N_SANDBOX:-100000}

for f in "$RUNSC" "$BENCH/syscall"; do
	if [ ! -x "$f" ]; then
		echo "bench: $f is missing; run \`make BUILD=$BUILD bench\`" >&2
		exit 1
	fi
done

# The median in ns from a line like "getppid: 85 ns/call (min ...)".
median() {
	sed -n 's/^[a-z_]*: \([0-9][0-9]*\) ns\/call.*/\1/p'
}

native_out=$("$BENCH/syscall" "$N_NATIVE")
sandbox_out=$("$RUNSC" do -- "$BENCH/syscall" "$N_SANDBOX")
native=$(printf '%s\n' "$native_out" | median)
sandbox=$(printf '%s\n' "$sandbox_out" | median)
if [ -z "$native" ] || [ -z "$sandbox" ]; then
	echo "bench: could not parse results:" >&2
	printf 'native:  %s\nsandbox: %s\n' "$native_out" "$sandbox_out" >&2
	exit 1
fi

echo "syscall (raw getppid round trip, median of 5 batches)"
echo "  native:  $native_out"
echo "  sandbox: $sandbox_out"
awk -v n="$native" -v s="$sandbox" \
	'BEGIN { printf "  native %d ns, sandbox %d ns, ratio %.1fx\n", n, s, (n > 0 ? s / n : 0) }'
