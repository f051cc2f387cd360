#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# scripts/demo.sh (`make demo`): it runs the busybox container and prints its
# output, and it never pretends: it exits 0 exactly when the container ran.
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

TAP_TIMEOUT=120 tap_run "$REPO/scripts/demo.sh" "$RUNSC"
ran=1
printf '%s\n' "$T_OUT" | grep -q '^hello from the sandbox$' && ran=0
tap_result "$([ "$T_RC" -eq 0 ] && [ "$ran" -eq 0 ] && echo 0 || echo 1)" \
    "demo runs the container: exit 0, prints 'hello from the sandbox'" "$(tap_last_run)"
tap_result "$([ "$T_RC" -eq 0 ] && [ "$ran" -eq 0 ] || { [ "$T_RC" -ne 0 ] && [ "$ran" -ne 0 ]; } &&
    echo 0 || echo 1)" "demo exits 0 exactly when the container ran" "$(tap_last_run)"
tap_result "$([ "$T_RC" -eq 0 ] || [ -n "$T_ERR" ] && echo 0 || echo 1)" \
    "a failing demo shows an error on stderr" "$(tap_last_run)"
tmpdir=$(printf '%s\n' "$T_OUT" | sed -n 's|^demo: building a busybox root filesystem in \(.*\)/rootfs$|\1|p')
tap_result "$([ -n "$tmpdir" ] && [ ! -e "$tmpdir" ] && echo 0 || echo 1)" \
    "demo removes its temporary bundle" "bundle directory: '$tmpdir'"

tap_done
