#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# qemu-ip.sh DIST_DIR: the arm64 and arm builds of kroot's `ip` must print what
# the native x86_64 build prints for `ip -o link`, `ip addr` and `ip route`
# (NETLINK_ROUTE through qemu-user). Unpacks DIST_DIR/k3s-root-{amd64,arm64,arm}.tar,
# builds one fresh network namespace (unshare -n) with a veth pair, addresses and
# routes set up by the system `ip`, runs the three commands with each build in that
# same namespace, and diffs. Exits non-zero with the diff on any mismatch.
# QEMU_IP_SHOW=1 also prints the native output.
set -euo pipefail

DIST=${1:?usage: scripts/qemu-ip.sh DIST_DIR}
DIST=$(cd "$DIST" && pwd)
for a in amd64 arm64 arm; do
  [ -f "$DIST/k3s-root-$a.tar" ] || { echo "qemu-ip: missing $DIST/k3s-root-$a.tar" >&2; exit 2; }
done
QEMU_AARCH64=${QEMU_AARCH64:-$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)}
QEMU_ARM=${QEMU_ARM:-$(command -v qemu-arm-static || command -v qemu-arm || true)}
[ -n "$QEMU_AARCH64" ] && [ -n "$QEMU_ARM" ] || { echo "qemu-ip: qemu-aarch64-static and qemu-arm-static are needed" >&2; exit 2; }
SYSIP=$(command -v ip || true)
for p in /usr/sbin/ip /sbin/ip /usr/bin/ip; do [ -x "$p" ] && SYSIP=$p && break; done
[ -n "$SYSIP" ] || { echo "qemu-ip: the system ip (iproute2) is needed for the setup" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for a in amd64 arm64 arm; do
  mkdir -p "$WORK/$a"
  tar -xf "$DIST/k3s-root-$a.tar" -C "$WORK/$a"
  [ -e "$WORK/$a/bin/ip" ] || { echo "qemu-ip: k3s-root-$a.tar has no bin/ip" >&2; exit 2; }
done

export WORK SYSIP QEMU_AARCH64 QEMU_ARM
unshare -n bash -c '
  set -eu
  sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 2>/dev/null || true
  $SYSIP link set lo up
  $SYSIP link add q0 address 02:00:0a:4d:00:01 type veth peer name q1 address 02:00:0a:4d:00:02
  $SYSIP link add qbr0 address 02:00:0a:4e:00:01 mtu 1450 type bridge
  $SYSIP link set q1 master qbr0
  $SYSIP addr add 10.77.0.1/24 dev q0
  $SYSIP addr add fd77::1/64 dev q0
  $SYSIP addr add 10.78.0.1/24 brd + dev qbr0
  for d in q0 q1 qbr0; do $SYSIP link set $d up; done
  $SYSIP route add default via 10.77.0.2 dev q0
  $SYSIP route add 10.79.0.0/16 via 10.77.0.254 metric 100 proto static
  $SYSIP route add blackhole 192.0.2.0/24
  for i in $(seq 1 50); do
    [ "$(cat /sys/class/net/q0/operstate 2>/dev/null)" = up ] && break; sleep 0.1
  done
  sleep 0.3
  run() { # name runner...
    local name=$1; shift
    for c in "-o link" "addr" "route"; do
      echo "== ip $c"
      "$@" $c 2>&1 || echo "rc=$?"
    done > "$WORK/out.$name"
  }
  run amd64 "$WORK/amd64/bin/ip"
  run arm64 "$QEMU_AARCH64" "$WORK/arm64/bin/ip"
  run arm "$QEMU_ARM" "$WORK/arm/bin/ip"
'

status=0
[ -n "${QEMU_IP_SHOW:-}" ] && cat "$WORK/out.amd64"
[ -s "$WORK/out.amd64" ] && grep -q "10.77.0.1/24" "$WORK/out.amd64" || { echo "qemu-ip: native run printed nothing useful:"; cat "$WORK/out.amd64"; exit 1; }
for a in arm64 arm; do
  if diff -u "$WORK/out.amd64" "$WORK/out.$a" > "$WORK/diff.$a"; then
    echo "qemu-ip: $a matches native ($(wc -l < "$WORK/out.$a") lines)"
  else
    echo "qemu-ip: $a differs from native:"
    cat "$WORK/diff.$a"
    status=1
  fi
done
exit $status
