#!/usr/bin/env bash
# make deb builds a package that lintian passes without errors, whose dependencies this
# host satisfies, and that dpkg -i installs into a throw-away root (its own dpkg database:
# the host's packages are never touched), where its ukmon-cc (and its pkg-config file) build
# a guest that its ukbake bakes and that runs; dpkg -r
# then removes every file it installed.
#   tests/deploy/deb.sh BUILD
. "$(dirname "$0")/lib.sh" "$@"
need_static hello
need_cmd make dpkg dpkg-deb dpkg-shlibdeps lintian gcc pkg-config
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -C "$ROOT" BUILD="$BUILD" "$@"; }

mk deb >"$T/deb.log" 2>&1 || { tail "$T/deb.log"; fail "make deb"; }
deb=$(sed -n 's/^mkdeb: //p' "$T/deb.log")
[ -f "$deb" ] || fail "make deb named no package: $(tail -n 1 "$T/deb.log")"
[ "$(dpkg-deb -f "$deb" Package)" = ukmon ] || fail "package name"

# lintian: no E: line (W:/I:/N: are advice; an override with its reason is shown as O:).
lintian "$deb" >"$T/lintian" 2>&1 || true
grep -q '^E: ' "$T/lintian" && { cat "$T/lintian"; fail "lintian reports errors"; }
say "lintian: $(grep -c '^E: ' "$T/lintian") errors, $(grep -c '^W: ' "$T/lintian") warnings"

# Every dependency is a package this host has (the test set-up installed them).
for dep in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed -E 's/\(.*\)//; s/ //g'); do
    dpkg-query -W -f='${Status}' "$dep" 2>/dev/null | grep -q "install ok installed" || fail "dependency $dep is not installed here"
done

# dpkg -i into a throw-away root. --force-depends: that root has no other packages (the
# check above is the one on dependencies); --force-script-chrootless: none to run anyway.
r=$T/root
mkdir -p "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates"
: >"$r/var/lib/dpkg/status"
dpkg --root="$r" --force-depends --force-script-chrootless --log=/dev/null -i "$deb" >"$T/dpkg.log" 2>&1 ||
    { cat "$T/dpkg.log"; fail "dpkg -i"; }
dpkg --root="$r" -s ukmon 2>/dev/null | grep -q '^Status: install ok installed' || fail "dpkg -s: not installed"
[ -x "$r/usr/bin/ukbake" ] && [ -f "$r/usr/share/man/man1/ukbake.1.gz" ] && [ -f "$r/usr/share/doc/ukmon/copyright" ] ||
    fail "the package lacks ukbake, its man page or the copyright file"

# Its toolchain builds an example guest (with its ukmon-cc, and with pkg-config and gcc),
# and its ukbake bakes it into an executable that runs.
export PKG_CONFIG_PATH=$r/usr/lib/pkgconfig
cd "$T"
"$r/usr/bin/ukmon-cc" -O2 -o hello.elf "$ROOT/examples/hello/hello.c" || fail "the package's ukmon-cc: building hello"
gcc $(pkg-config --cflags ukmon-guest) -isystem "$(gcc -print-file-name=include)" -c "$ROOT/examples/hello/hello.c" -o hello.o &&
    gcc -o hello-pc.elf hello.o $(pkg-config --libs ukmon-guest) || fail "building hello against the package with pkg-config"
for h in hello hello-pc; do
    "$r/usr/bin/ukbake" $h.elf -o $h || fail "the package's ukbake ($h)"
    rc=0; ./$h --backend=seccomp -- --status=3 >out 2>&1 || rc=$?
    [ "$rc" = 3 ] && grep -q "Hello from a ukmon unikernel!" out || { cat out; fail "$h baked by the package: status $rc"; }
done
say "dpkg -i into a throw-away root; its ukmon-cc and pkg-config build hello, its ukbake bakes it, it runs"

dpkg --root="$r" --force-script-chrootless --log=/dev/null --purge ukmon >"$T/dpkg.log" 2>&1 || { cat "$T/dpkg.log"; fail "dpkg --purge"; }
left=$(cd "$r" && find . -path ./var -prune -o -type f -print)
[ -z "$left" ] || fail "dpkg --purge left files: $left"
say "dpkg --purge removes every file"
echo "PASS: $TEST"
