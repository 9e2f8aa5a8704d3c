// printable(): the one escaping function for text the monitor did not write (user input,
// guest symbol names). Its output is one line of plain ASCII whatever the input.
#include <doctest/doctest.h>

#include <string>

#include "monitor/printable.hpp"

using ukmon::printable;

TEST_CASE("printable: plain ASCII passes unchanged") {
    CHECK(printable("main+0x10 /path/to disk.img ~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./") ==
          "main+0x10 /path/to disk.img ~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./");
    CHECK(printable("") == "");
}

TEST_CASE("printable: line ends, escape sequences, DEL, NUL and C1 controls become \\xNN") {
    CHECK(printable("a\nb") == "a\\x0ab");
    CHECK(printable("a\rb\tc") == "a\\x0db\\x09c");
    CHECK(printable("\x1b[31mred\x1b]0;title\x07") == "\\x1b[31mred\\x1b]0;title\\x07");
    CHECK(printable(std::string("x\0y", 3)) == "x\\x00y");
    CHECK(printable("\x7f") == "\\x7f");
    CHECK(printable("\x9b" "31m") == "\\x9b31m");  // the 8-bit CSI
    CHECK(printable("caf\xc3\xa9") == "caf\\xc3\\xa9");
}

TEST_CASE("printable: every byte value gives only printable ASCII") {
    for (int c = 0; c < 256; ++c) {
        std::string out = printable(std::string(1, char(c)));
        for (unsigned char o : out) CHECK((o >= 0x20 && o < 0x7f));
    }
}
