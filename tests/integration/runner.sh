#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tests/run.sh itself, on a fake tree: TAP lines become PASS/FAIL lines,
# crashes, plan mismatches and bad exit statuses fail the binary,
# known_failures.cfg gives XFAIL, and a listed test that passes, a stale
# entry or an unsorted file fails; the summary counts all of it.
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

F=$T_TMP/repo
mkdir -p "$F/tests/unit" "$F/b/tests/unit"
cp "$REPO/tests/run.sh" "$F/tests/run.sh"

# unit_prog NAME BODY: a fake unit test tests/unit/NAME.c built as a shell script.
unit_prog() {
    : >"$F/tests/unit/$1.c"
    printf '#!/bin/sh\n%s\n' "$2" >"$F/b/tests/unit/$1"
    chmod +x "$F/b/tests/unit/$1"
}
unit_prog test_a 'echo "ok 1 - first"; echo "not ok 2 - second"; echo "# why it failed"; echo "1..2"; exit 1'
unit_prog test_b 'echo "ok 1 - fine"; echo "not ok 2 - known bad"; echo "1..2"; exit 1'
unit_prog test_c 'echo "ok 1 - before the crash"; kill -SEGV $$'
unit_prog test_d 'echo "ok 1 - only one"; echo "1..3"'
unit_prog test_e 'echo "ok 1 - fine"; echo "1..1"; exit 3'
unit_prog test_f 'echo "ok 1 - listed but passes"; echo "1..1"'
: >"$F/tests/unit/test_g.c" # never built

cat >"$F/tests/known_failures.cfg" <<'KF'
# comment
unit/test_b/2 a known failure
unit/test_f/1 fixed since
unit/test_z/1 stale: no such test
KF

run_fake() {
    tap_run env BUILD="$F/b" KNOWN_FAILURES="$F/tests/known_failures.cfg" "$F/tests/run.sh" "$@"
}

run_fake unit
out=$T_OUT
tap_rc 1 "a run with failures exits 1"
tap_like "$out" '^PASS meta/known_failures_sorted$' "a sorted known_failures.cfg passes the meta test"
tap_like "$out" '^PASS unit/test_a/1 - first$' "an ok TAP line is PASS tier/binary/N - name"
tap_like "$out" '^FAIL unit/test_a/2 - second$' "a not ok TAP line is FAIL"
tap_result "$(printf '%s\n' "$out" | grep -A1 '^FAIL unit/test_a/2' | grep -q '^    # why it failed$' &&
    echo 0 || echo 1)" "the failing output is indented below the FAIL line" "$out"
tap_like "$out" '^XFAIL unit/test_b/2 - known bad \(a known failure\)$' "a listed failing test is XFAIL (reason)"
tap_like "$out" '^FAIL unit/test_c$' "a crashing binary fails"
tap_like "$out" 'killed by signal 11' "the crash names the signal"
tap_like "$out" 'plan mismatch: planned 3 tests, ran 1' "a plan mismatch fails the binary"
tap_like "$out" 'exited with status 3 although every test passed' "a bad exit status fails the binary"
tap_like "$out" '^FAIL unit/test_f/1 - listed but passes$' "a listed test that passes fails"
tap_like "$out" 'now passes: remove it from tests/known_failures.cfg' "... saying to remove it"
tap_like "$out" '^FAIL unit/test_g$' "a test that was not built fails"
tap_like "$out" '^FAIL unit/test_z/1$' "a stale known-failure entry fails"
tap_is "$(printf '%s\n' "$out" | tail -n 1)" "6 passed, 7 failed, 1 skipped" "the summary line counts everything"

# Unsorted or malformed known_failures.cfg.
printf 'unit/test_b/2 reason\nunit/test_a/2 reason\nunit/test_a/1\n' >"$F/tests/known_failures.cfg"
run_fake unit
tap_like "$T_OUT" '^FAIL meta/known_failures_sorted$' "an unsorted known_failures.cfg fails"
tap_like "$T_OUT" 'has no reason' "an entry without a reason is reported"

# Tiers that did not run make no entry stale; unknown tiers are refused.
printf 'integration/x/1 not run in a unit-only run\n' >"$F/tests/known_failures.cfg"
run_fake unit
tap_unlike "$T_OUT" 'integration/x/1' "entries of tiers that did not run are not stale"
run_fake bogus
tap_rc 2 "an unknown tier is a usage error"

# A hung test times out instead of hanging the run.
rm -f "$F/b/tests/unit/"* "$F/tests/unit/"*
unit_prog test_hang 'echo "ok 1 - then hangs"; sleep 100'
: >"$F/tests/known_failures.cfg"
TAP_TIMEOUT=60 tap_run env BUILD="$F/b" KNOWN_FAILURES="$F/tests/known_failures.cfg" UNIT_TIMEOUT=1 \
    "$F/tests/run.sh" unit
tap_like "$T_OUT" 'timed out' "a hung unit test times out"
tap_is "$(printf '%s\n' "$T_OUT" | tail -n 1)" "2 passed, 1 failed, 0 skipped" "... and the run still ends with the summary"

tap_done
