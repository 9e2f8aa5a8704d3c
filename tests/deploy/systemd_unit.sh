#!/usr/bin/env bash
# deploy/systemd/ukmon@.service passes `systemd-analyze verify` without a single remark (an
# instance of it running build/hello), keeps the sandboxing the issue asks for (no new
# privileges, read-only system, private /tmp, /dev/kvm as the only device, restart on
# failure), and `systemd-analyze security` rates its exposure below 5 ("OK" or better).
#   tests/deploy/systemd_unit.sh BUILD
. "$(dirname "$0")/lib.sh" "$@"
need_static hello
need_cmd systemd-analyze
unit=$ROOT/deploy/systemd/ukmon@.service
for d in NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes DevicePolicy=closed \
         "DeviceAllow=/dev/kvm rw" Restart=on-failure RestartPreventExitStatus=252 SuccessExitStatus=250 \
         DynamicUser=yes; do
    grep -qxF "$d" "$unit" || fail "the unit lacks '$d'"
done
# verify wants the executable to exist: the same unit, its app directory pointed at ours.
mkdir "$T/apps" "$T/units"
cp "$BUILD/hello" "$T/apps/hello"
sed "s|/usr/local/lib/ukmon/apps/|$T/apps/|" "$unit" >"$T/units/ukmon@.service"
grep -q "ExecStart=$T/apps/%i " "$T/units/ukmon@.service" || fail "ExecStart is not under /usr/local/lib/ukmon/apps/"
ln -s ukmon@.service "$T/units/ukmon@hello.service"
rc=0
systemd-analyze verify --man=no "$T/units/ukmon@hello.service" >"$T/verify" 2>&1 || rc=$?
[ "$rc" = 0 ] && [ ! -s "$T/verify" ] || { cat "$T/verify"; fail "systemd-analyze verify: status $rc"; }
say "systemd-analyze verify: no remarks"
systemd-analyze security --offline=yes "$T/units/ukmon@hello.service" >"$T/security" 2>&1 || true
score=$(sed -nE 's/.*Overall exposure level for [^:]*: ([0-9.]+).*/\1/p' "$T/security")
[ -n "$score" ] || { tail -n 3 "$T/security"; fail "systemd-analyze security gave no exposure level"; }
awk -v s="$score" 'BEGIN {exit !(s < 5)}' || fail "exposure level $score, want below 5"
say "systemd-analyze security: exposure $score"
echo "PASS: $TEST"
