#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Real, unmodified programs from the host's Debian (dynamically linked) run on
# the sentry through `runsc-c do`: shells with pipes, subshells, traps and
# jobs, coreutils, python3 and perl. Each output is compared with what the
# same command prints natively.
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

W=$T_TMP/work
mkdir -p "$W/src/sub"
printf 'b\na\nc\n' >"$W/src/sub/f"
printf 'x' >"$W/src/g"

# same NAME CMD...: the command's stdout and exit status inside the sandbox
# equal the native ones.
same() {
    local name=$1 nout nrc
    shift
    nout=$(cd "$W" && timeout 60 "$@" 2>/dev/null)
    nrc=$?
    T_CWD=$W tap_run "$RUNSC" do "$@"
    tap_result "$([ "$T_RC" -eq "$nrc" ] && [ "$T_OUT" = "$nout" ] && echo 0 || echo 1)" "$name" \
        "native (exit $nrc): $nout" "$(tap_last_run)"
}

BB=/usr/bin/busybox
same "busybox sh: pipes and subshells" $BB sh -c \
    'echo one two three | $0 tr " " "\n" | $0 sort -r; (cd /; $0 pwd); echo $(( $(echo 20) + 22 ))' $BB
same "busybox sh: traps" $BB sh -c 'trap "echo trapped; exit 5" USR1; kill -USR1 $$; echo not reached'
same "busybox sh: background jobs and wait" $BB sh -c \
    'for i in 3 1 2; do (sleep 0.$i; echo job $i) & done; wait; echo all done'
same "dash: a script with a function, a loop and a here-doc" /bin/sh -c \
    'f() { echo "f:$1"; }; for x in a b; do f $x; done; cat <<E
here $((3*3))
E'
same "bash: arrays, [[ ]], process substitution" /bin/bash -c \
    'a=(x y z); [[ ${#a[@]} -eq 3 ]] && echo ok; while read l; do echo "<$l>"; done < <(printf "1\n2\n")'
same "bash: pipeline exit status with pipefail" /bin/bash -c 'set -o pipefail; false | true; echo $?'
same "coreutils: sort" /usr/bin/sort src/sub/f
same "coreutils: ls -la" /bin/ls -la src
same "coreutils: cp -a then diff -r" /bin/sh -c 'rm -rf dst && cp -a src dst && diff -r src dst && echo same'
same "coreutils: find" /usr/bin/find src -type f
same "coreutils: du" /usr/bin/du -a src
same "tar: create and list" /bin/sh -c 'tar cf t.tar src && tar tf t.tar | sort'
same "python3: os, time" /usr/bin/python3 -c \
    'import os, time; t = time.monotonic(); print(sorted(os.listdir("src")), os.getcwd() != "", time.monotonic() >= t)'
same "python3: threading" /usr/bin/python3 -c \
    'import threading; r = []; ts = [threading.Thread(target=r.append, args=(i,)) for i in range(8)]; [t.start() for t in ts]; [t.join() for t in ts]; print(sorted(r))'
same "python3: subprocess" /usr/bin/python3 -c \
    'import subprocess; print(subprocess.run(["/bin/echo", "child"], capture_output=True).stdout.decode().strip()); print(subprocess.call(["/bin/sh", "-c", "exit 3"]))'
same "python3: signal" /usr/bin/python3 -c \
    'import signal, os; signal.signal(signal.SIGUSR1, lambda s, f: print("got", s)); os.kill(os.getpid(), signal.SIGUSR1); print("after")'
same "perl: arithmetic, regex, hashes" /usr/bin/perl -e \
    'my %h = (a => 1, b => 2); print join(",", map { "$_=$h{$_}" } sort keys %h), " ", ("abc" =~ /b(c)/)[0], " ", 6*7, "\n"'

tap_done
