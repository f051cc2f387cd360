#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Builds a minimal root filesystem in DIR: a static busybox with its applet
# symlinks in /bin, the test helper as /init (with --helper), /etc/passwd,
# /etc/group, /etc/hostname and empty /proc /sys /dev /tmp. Idempotent; needs
# no network (busybox comes from the busybox-static Debian package).
#
#   scripts/mkrootfs.sh DIR [--helper PATH]
set -euo pipefail

usage() {
    echo "usage: $0 DIR [--helper PATH]" >&2
    exit 2
}

dir=""
helper=""
while [ $# -gt 0 ]; do
    case $1 in
    --helper)
        [ $# -ge 2 ] || usage
        helper=$2
        shift 2
        ;;
    --helper=*)
        helper=${1#--helper=}
        shift
        ;;
    -h | --help) usage ;;
    -*)
        echo "$0: unknown option $1" >&2
        usage
        ;;
    *)
        [ -z "$dir" ] || usage
        dir=$1
        shift
        ;;
    esac
done
[ -n "$dir" ] || usage

# busybox-static installs /bin/busybox (/usr/bin/busybox on merged-/usr systems).
busybox=""
for b in /usr/bin/busybox /bin/busybox; do
    if [ -x "$b" ]; then
        busybox=$b
        break
    fi
done
if [ -z "$busybox" ]; then
    echo "$0: busybox not found; install the busybox-static package (make deps)" >&2
    exit 1
fi
if command -v readelf >/dev/null && readelf -l "$busybox" 2>/dev/null | grep -q 'program interpreter'; then
    echo "$0: $busybox is dynamically linked; install busybox-static instead of busybox" >&2
    exit 1
fi
if [ -n "$helper" ] && [ ! -x "$helper" ]; then
    echo "$0: helper $helper is not an executable file" >&2
    exit 1
fi
[ -n "$helper" ] && helper=$(cd "$(dirname "$helper")" && pwd)/$(basename "$helper")

mkdir -p "$dir"
cd "$dir"
mkdir -p bin etc proc sys dev tmp root usr/bin
chmod 0755 bin etc usr usr/bin
chmod 0555 proc sys
chmod 0700 root
chmod 1777 tmp

install -m 0755 "$busybox" bin/busybox
for applet in $("$busybox" --list); do
    [ "$applet" = busybox ] && continue
    ln -sfn busybox "bin/$applet"
done
# Scripts often start with #!/usr/bin/env.
ln -sfn ../../bin/busybox usr/bin/env

if [ -n "$helper" ]; then
    install -m 0755 "$helper" init
fi

cat >etc/passwd <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >etc/group <<'GROUP'
root:x:0:
nogroup:x:65534:
GROUP
echo runsc-c >etc/hostname
chmod 0644 etc/passwd etc/group etc/hostname
