#!/usr/bin/env bash
# make install into a staging directory, moved elsewhere after the install, then guests
# compiled, linked and baked from the installed files only: a C guest with a block device
# built with the installed ukmon-cc (through a symlink) and again with pkg-config ukmon-guest
# and plain gcc, and a C++ guest (std::map, std::string) with ukmon-c++ and with pkg-config
# ukmon-guest-c++ and plain g++; no installed text file names the source or build tree. The
# baked executables run, ukbake --oci works from the install, the man pages render without
# warnings, and make help lists the targets.
#   tests/deploy/install.sh BUILD
. "$(dirname "$0")/lib.sh" "$@"
need_static hello
need_cmd make pkg-config gcc g++ man
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -C "$ROOT" BUILD="$BUILD" "$@"; }

mk install PREFIX=/opt/ukmon DESTDIR="$T/stage" >"$T/install.log" 2>&1 || { tail "$T/install.log"; fail "make install"; }
# Installed files are found relative to each other: move the tree somewhere else entirely.
mv "$T/stage/opt/ukmon" "$T/moved"
p=$T/moved
for f in bin/ukbake bin/ukmon-cc bin/ukmon-c++ lib/ukmon/libukmon.a lib/ukmon/modules/blk.o \
         lib/ukmon/guest/guest.ld lib/ukmon/guest/crt0.o lib/ukmon/guest/libukguest.a \
         lib/ukmon/guest/libc.a lib/ukmon/guest/libm.a lib/ukmon/guest/libukstdcxx.a \
         lib/ukmon/guest/libukcxxrt.a include/ukmon-guest/ukmon/guest.h include/ukmon-guest/newlib/stdio.h \
         include/ukmon-guest/c++/bits/c++config.h include/ukmon-guest/c++/bits/os_defines.h \
         include/ukmon-guest/c++/ukmon_cxx_math.h share/man/man1/ukbake.1 share/man/man1/ukmon.1 \
         lib/pkgconfig/ukmon-guest.pc lib/pkgconfig/ukmon-guest-c++.pc; do
    [ -f "$p/$f" ] || fail "make install did not install $f"
done
[ ! -e "$p/include/ukmon-guest/libc" ] || fail "make install still installs the old guest libc headers"
# Neither the source tree nor its build may be named by an installed text file (wrappers,
# .pc files, headers): the tree must work where it lies, alone.
named=$(grep -rlI -e "$ROOT" -e "$BUILD" "$p" || true)
[ -z "$named" ] || fail "installed files name the source or build tree: $named"

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
ln -s "$p/bin/ukmon-cc" cc-link
./cc-link -O2 -Wall -Wextra -Werror -o app.elf app.c || fail "installed ukmon-cc (through a symlink)"
export PKG_CONFIG_PATH=$p/lib/pkgconfig
cflags=$(pkg-config --cflags ukmon-guest) libs=$(pkg-config --libs ukmon-guest)
case "$cflags $libs" in *"$ROOT"*|*"$BUILD"*) fail "pkg-config points into the source tree: $cflags $libs" ;; esac
gcc $cflags -isystem "$(gcc -print-file-name=include)" -Wall -Wextra -Werror -c app.c -o app.o ||
    fail "compile with pkg-config --cflags ukmon-guest"
gcc -o app-pc.elf app.o $libs || fail "link with pkg-config --libs ukmon-guest"
"$p/bin/ukbake" app.elf -o app || fail "installed ukbake"
"$p/bin/ukbake" app-pc.elf -o app-pc || fail "installed ukbake (pkg-config guest)"
"$p/bin/ukbake" --inspect app.elf | grep -q 'blk data' || fail "installed ukbake --inspect does not show the device"
nm app 2>/dev/null | grep -q . && fail "the baked executable is not stripped"
truncate -s 64K disk.img
for a in app app-pc; do
    rc=0
    ./$a --backend=seccomp --block:data=disk.img -- seven77 >out 2>&1 || rc=$?
    grep -qx "installed guest: seven77" out && [ "$rc" = 7 ] || { cat out; fail "baked $a: status $rc"; }
done
say "C guest compiled, linked and baked from the install only (ukmon-cc, pkg-config); it runs (status $rc)"

# A C++ guest: containers, strings, an exception; with ukmon-c++, then pkg-config and g++.
cat >"$T/app/words.cpp" <<'EOF'
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
int main(int argc, char **argv)
{
    std::map<std::string, int> count;
    for (int i = 1; i < argc; i++) count[argv[i]]++;
    std::string out;
    for (const auto &[w, n] : count) out += w + "=" + std::to_string(n) + " ";
    try {
        throw std::runtime_error("caught");
    } catch (const std::exception &e) {
        out += e.what();
    }
    std::printf("words: %s\n", out.c_str());
    return static_cast<int>(count.size());
}
EOF
"$p/bin/ukmon-c++" -O2 -Wall -Wextra -Werror -o words.elf words.cpp || fail "installed ukmon-c++"
cxxflags=$(pkg-config --cflags ukmon-guest-c++) cxxlibs=$(pkg-config --libs ukmon-guest-c++)
case "$cxxflags $cxxlibs" in *"$ROOT"*|*"$BUILD"*) fail "pkg-config points into the source tree: $cxxflags $cxxlibs" ;; esac
g++ -std=c++20 -O2 $cxxflags -isystem "$(g++ -print-file-name=include)" -Wall -Wextra -Werror -c words.cpp -o words.o ||
    fail "compile with pkg-config --cflags ukmon-guest-c++"
g++ -o words-pc.elf words.o $cxxlibs || fail "link with pkg-config --libs ukmon-guest-c++"
for w in words words-pc; do
    "$p/bin/ukbake" $w.elf -o $w || fail "installed ukbake ($w)"
    rc=0
    ./$w --backend=seccomp -- b a b >out 2>&1 || rc=$?
    grep -qx "words: a=1 b=2 caught" out && [ "$rc" = 2 ] || { cat out; fail "baked C++ guest $w: status $rc"; }
done
say "C++ guest (std::map, std::string, an exception) built with ukmon-c++ and with pkg-config; it runs"
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
