#!/usr/bin/env bash
# make install into a staging directory, then a guest compiled, linked and baked from the
# installed files only (pkg-config ukmon-guest, PREFIX/bin/ukbake), with the source and
# build trees moved out of reach; the baked executable runs, ukbake --oci works from the
# install, the man pages render without warnings, and make help lists the targets.
#   tests/deploy/install.sh BUILD
. "$(dirname "$0")/lib.sh" "$@"
need_static hello
need_cmd make pkg-config gcc man
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -C "$ROOT" BUILD="$BUILD" "$@"; }

mk install PREFIX=/opt/ukmon DESTDIR="$T/stage" >"$T/install.log" 2>&1 || { tail "$T/install.log"; fail "make install"; }
# Installed files are found relative to each other: move the tree somewhere else entirely.
mv "$T/stage/opt/ukmon" "$T/moved"
p=$T/moved
for f in bin/ukbake lib/ukmon/libukmon.a lib/ukmon/modules/blk.o lib/ukmon/guest/guest.ld \
         lib/ukmon/guest/libukguest.a include/ukmon-guest/ukmon/guest.h share/man/man1/ukbake.1 \
         share/man/man1/ukmon.1 lib/pkgconfig/ukmon-guest.pc; do
    [ -f "$p/$f" ] || fail "make install did not install $f"
done

# A guest of our own, with a block device, built with nothing but the installed files.
mkdir "$T/app"
cat >"$T/app/app.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include <ukmon/guest.h>
UK_DECLARE_BLK(data);
int main(int argc, char **argv)
{
    printf("installed guest: %s\n", argc > 1 ? argv[1] : "(none)");
    return argc > 1 ? (int)strlen(argv[1]) : 0;
}
EOF
cd "$T/app"
export PKG_CONFIG_PATH=$p/lib/pkgconfig
# Neither the source tree's headers nor its build may be reachable from here.
cflags=$(pkg-config --cflags ukmon-guest) libs=$(pkg-config --libs ukmon-guest)
case "$cflags $libs" in *"$ROOT"*|*"$BUILD"*) fail "pkg-config points into the source tree: $cflags $libs" ;; esac
gcc $cflags -isystem "$(gcc -print-file-name=include)" -c app.c -o app.o || fail "compile with pkg-config --cflags"
gcc -o app.elf app.o $libs || fail "link with pkg-config --libs"
"$p/bin/ukbake" app.elf -o app || fail "installed ukbake"
"$p/bin/ukbake" --inspect app.elf | grep -q 'blk data' || fail "installed ukbake --inspect does not show the device"
nm app 2>/dev/null | grep -q . && fail "the baked executable is not stripped"
truncate -s 64K disk.img
rc=0
./app --backend=seccomp --block:data=disk.img -- seven77 >out 2>&1 || rc=$?
grep -qx "installed guest: seven77" out && [ "$rc" = 7 ] || { cat out; fail "baked app: status $rc"; }
say "guest compiled, linked and baked from the install only; it runs (status $rc)"
if command -v umoci >/dev/null; then
    "$p/bin/ukbake" --oci img app >/dev/null || fail "installed ukbake --oci"
    say "installed ukbake --oci writes an image"
else
    echo "SKIP: $TEST: ukbake --oci from the install: no umoci"
fi

for m in ukbake ukmon; do
    w=$(MANWIDTH=80 man --warnings -l "$p/share/man/man1/$m.1" 2>&1 >/dev/null)
    [ -z "$w" ] || fail "man $m: $w"
    MANWIDTH=80 man -l "$p/share/man/man1/$m.1" 2>/dev/null | grep -q EXIT || fail "man $m has no EXIT STATUS"
done
say "man pages ukbake(1) and ukmon(1) render without warnings"
mk help >"$T/help"
for t in all test install deb help clean; do grep -q "^make $t\|^make \[$t\]" "$T/help" || fail "make help does not list $t"; done
echo "PASS: $TEST"
