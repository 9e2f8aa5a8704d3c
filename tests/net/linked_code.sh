#!/usr/bin/env bash
# Only the modules a guest declares are linked: a baked hello carries no net code, a baked
# ping does. Bakes both again with the monitor's symbols kept, then looks with nm.
#   tests/net/linked_code.sh BUILD
set -u
BUILD=${1:?usage: $0 BUILD}
command -v nm >/dev/null || { echo "SKIP: no nm"; exit 77; }
tmp=$(mktemp -d /tmp/ukmon-nm-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
for g in hello ping; do
    "$BUILD/bin/ukbake" --keep-symbols "$BUILD/examples/$g.elf" -o "$tmp/$g" || fail "ukbake $g"
done
# Net code: the module's namespace, and anything naming a TAP. (glibc's SystemTap probe
# anchor _.stapsdt.base matches "tap" in every static executable: not ours.)
net_symbols() { nm -C "$1" | grep -iE 'ukmon::net::|tap' | grep -v 'stapsdt'; }
n_hello=$(net_symbols "$tmp/hello" | wc -l)
n_ping=$(net_symbols "$tmp/ping" | wc -l)
echo "# net symbols: hello $n_hello, ping $n_ping"
[ "$n_hello" = 0 ] || { net_symbols "$tmp/hello" | head; fail "hello carries net code"; }
[ "$n_ping" -gt 0 ] || fail "ping carries no net code"
nm -C "$tmp/ping" | grep -q 'ukmon::net::open_tap' || fail "ping lacks ukmon::net::open_tap"
echo "ok - hello has no net symbols; ping has ukmon::net::open_tap and $((n_ping - 1)) more"
echo PASS
