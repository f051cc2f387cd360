#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs each benchmark natively and under `runsc-c do` with every platform, and prints the
# results and their ratios to native.
# Usage: BUILD=build bench/run.sh   (make bench builds the programs and calls this)
#   PLATFORMS="ptrace systrap" picks the platforms (default: both; runsc-c's default is systrap).
set -eu

BUILD=${BUILD:-build}
RUNSC=${RUNSC:-$BUILD/runsc-c}
BENCH=$BUILD/bench
PLATFORMS=${PLATFORMS:-ptrace systrap}
# Calls per batch: the sandbox is ~40x slower, so it gets fewer to keep the run short.
N_NATIVE=${N_NATIVE:-2000000}
N_SANDBOX=${N_SANDBOX:-100000}

for f in "$RUNSC" "$BENCH/syscall" "$BENCH/forkexec"; do
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
native=$(printf '%s\n' "$native_out" | median)
if [ -z "$native" ]; then
	printf 'bench: could not parse the native result: %s\n' "$native_out" >&2
	exit 1
fi
# Other work on the machine inflates every number (cross-vCPU wake-ups): say how busy it is.
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) vCPUs; default platform: systrap"
echo "syscall (raw getppid round trip, median of 5 batches)"
printf '  %-8s %s\n' native: "$native_out"
summary=""
first=""
for p in $PLATFORMS; do
	out=$("$RUNSC" --platform="$p" do -- "$BENCH/syscall" "$N_SANDBOX")
	ns=$(printf '%s\n' "$out" | median)
	if [ -z "$ns" ]; then
		printf 'bench: could not parse the %s result: %s\n' "$p" "$out" >&2
		exit 1
	fi
	printf '  %-8s %s\n' "$p:" "$out"
	summary="$summary$(awk -v p="$p" -v n="$native" -v s="$ns" \
		'BEGIN { printf "  %-8s %6d ns, %6.1fx native", p, s, (n > 0 ? s / n : 0) }')"
	if [ -z "$first" ]; then
		first=$ns
		summary="$summary
"
	else
		summary="$summary$(awk -v f="$first" -v s="$ns" \
			'BEGIN { printf ", %.2fx the first platform\n", (f > 0 ? s / f : 0) }')
"
	fi
done
echo "  native   $native ns"
printf '%s' "$summary"

# fork + exec + wait of /bin/true (dynamically linked: the loader, ld.so and
# file mappings are part of the cost).
N_FORKEXEC=${N_FORKEXEC:-100}
fe_us() {
	sed -n 's/^forkexec: \([0-9][0-9]*\) us\/round.*/\1/p'
}
if [ -x "$BENCH/forkexec" ]; then
	echo "forkexec (fork+exec+wait of /bin/true, $N_FORKEXEC rounds)"
	fe_native=$("$BENCH/forkexec" "$N_FORKEXEC" | fe_us)
	printf '  %-8s %6d us\n' native "$fe_native"
	for p in $PLATFORMS; do
		us=$("$RUNSC" --platform="$p" do -- "$BENCH/forkexec" "$N_FORKEXEC" | fe_us)
		if [ -z "$us" ]; then
			printf '  %-8s failed\n' "$p:"
			continue
		fi
		awk -v p="$p" -v n="$fe_native" -v s="$us" \
			'BEGIN { printf "  %-8s %6d us, %6.1fx native\n", p, s, (n > 0 ? s / n : 0) }'
	done
fi
