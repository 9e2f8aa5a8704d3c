// Guest printf engine (guest-abi/lib/format.c): agrees with the host's snprintf and never
// writes past the buffer.
#include <doctest/doctest.h>

#include <algorithm>
#include <climits>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "format.h"

namespace {

// Formats are built at run time from tables, so the literal-format warnings do not apply.
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"

int uk_format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = uk_vformat(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

struct Result {
    int ret;
    std::string text;
    bool operator==(const Result &) const = default;
};

template <typename... A> Result host(const char *fmt, A... args)
{
    char buf[512];
    int n = std::snprintf(buf, sizeof buf, fmt, args...);
    return {n, buf};
}

template <typename... A> Result ours(const char *fmt, A... args)
{
    char buf[512];
    int n = uk_format(buf, sizeof buf, fmt, args...);
    return {n, buf};
}

// Runs one format through both and records a mismatch (the first few are reported in full).
struct Comparer {
    size_t checked = 0, mismatches = 0;

    template <typename... A> void operator()(const std::string &fmt, A... args)
    {
        checked++;
        Result want = host(fmt.c_str(), args...), got = ours(fmt.c_str(), args...);
        if (want == got)
            return;
        if (++mismatches <= 10) {
            INFO("format \"", fmt, "\": host ", want.ret, " \"", want.text, "\", ours ", got.ret,
                 " \"", got.text, "\"");
            CHECK(got == want);
        }
    }
};

// Calls cmp with the value converted to the type that length modifier `len` reads.
template <typename Signed, typename Unsigned>
void with_type(Comparer &cmp, const std::string &fmt, bool is_signed, int nstars, int64_t seed)
{
    auto go = [&](auto v) {
        if (nstars == 0) cmp(fmt, v);
        else if (nstars == 1) cmp(fmt, -9, v); // a negative '*' width means '-' and 9
        else cmp(fmt, 11, 4, v);
    };
    if (is_signed)
        go(static_cast<Signed>(seed));
    else
        go(static_cast<Unsigned>(seed));
}

void run_integer(Comparer &cmp, const std::string &fmt, const std::string &len, bool is_signed,
                 int nstars, int64_t seed)
{
    if (len == "" || len == "hh" || len == "h")
        with_type<int, unsigned>(cmp, fmt, is_signed, nstars, seed);
    else if (len == "l")
        with_type<long, unsigned long>(cmp, fmt, is_signed, nstars, seed);
    else if (len == "ll")
        with_type<long long, unsigned long long>(cmp, fmt, is_signed, nstars, seed);
    else if (len == "z")
        with_type<ptrdiff_t, size_t>(cmp, fmt, is_signed, nstars, seed);
    else if (len == "j")
        with_type<intmax_t, uintmax_t>(cmp, fmt, is_signed, nstars, seed);
    else
        with_type<ptrdiff_t, size_t>(cmp, fmt, is_signed, nstars, seed);
}

} // namespace

TEST_CASE("every integer conversion, flag, width, precision and length matches the host")
{
    const std::vector<int64_t> seeds = {0,          1,         -1,      7,      -42,    127,
                                        -128,       200,       255,     256,    -32768, 40000,
                                        65535,      INT_MAX,   INT_MIN, UINT_MAX,
                                        1234567890123LL,       INT64_MAX, INT64_MIN};
    const char *widths[] = {"", "1", "8", "25", "*"};
    const char *precs[] = {"", ".", ".0", ".3", ".12", ".*"};
    const char *lens[] = {"hh", "h", "", "l", "ll", "z", "j", "t"};
    const char *flag_chars = "-0+ #";
    Comparer cmp;
    for (char conv : std::string("diuoxX")) {
        bool is_signed = conv == 'd' || conv == 'i';
        for (unsigned mask = 0; mask < 32; mask++) {
            std::string flags;
            for (unsigned b = 0; b < 5; b++)
                if (mask & (1u << b))
                    flags += flag_chars[b];
            // '#' is undefined for d, i and u in C; the host and we may differ there.
            if ((mask & 16) && (is_signed || conv == 'u'))
                continue;
            for (const char *w : widths)
                for (const char *p : precs)
                    for (const char *len : lens) {
                        std::string fmt = "[%" + flags + w + p + len + conv + "]";
                        int nstars = (*w == '*') + (std::string(p) == ".*");
                        // With one star the test passes -9 as the width; a lone ".*"
                        // precision gets -9 too, which C treats as no precision.
                        for (int64_t seed : seeds)
                            run_integer(cmp, fmt, len, is_signed, nstars, seed);
                    }
        }
    }
    INFO(cmp.checked, " formats checked");
    CHECK(cmp.checked > 100000);
    CHECK(cmp.mismatches == 0);
}

TEST_CASE("strings, characters, pointers and %% match the host")
{
    Comparer cmp;
    const char *strs[] = {"", "a", "hello", "a longer string than the widths"};
    const char *specs[] = {"%s", "%10s", "%-10s", "%.0s", "%.3s", "%8.3s", "%-8.3s", "%*s", "%.*s"};
    for (const char *s : strs)
        for (const char *spec : specs) {
            std::string fmt = std::string("<") + spec + ">";
            if (std::strchr(spec, '*'))
                cmp(fmt, 7, s);
            else
                cmp(fmt, s);
        }
    for (int c : {int{'x'}, int{' '}, int{'%'}, 0xe9, 0})
        for (const char *spec : {"%c", "%5c", "%-5c", "%*c"}) {
            std::string fmt = std::string("<") + spec + ">";
            if (std::strchr(spec, '*'))
                cmp(fmt, -4, c);
            else
                cmp(fmt, c);
        }
    int local = 0;
    for (const void *p : {static_cast<const void *>(&local), static_cast<const void *>(nullptr),
                          reinterpret_cast<const void *>(uintptr_t{1}),
                          reinterpret_cast<const void *>(UINTPTR_MAX)})
        for (const char *spec : {"%p", "%20p", "%-20p", "%020p"}) {
            if (p == nullptr && std::strcmp(spec, "%020p") == 0)
                continue; // '0' on "(nil)" is not C
            cmp(std::string("<") + spec + ">", p);
        }
    cmp("100%% sure, %d%%", 5);
    cmp("no conversions at all");
    cmp("%s=%d (%#x) %c%c %-6s|%5.1s|", "key", -17, 255u, 'o', 'k', "left", "right");
    CHECK(cmp.mismatches == 0);
}

TEST_CASE("%s of NULL prints (null), cut by the precision like any string")
{
    CHECK(ours("%s", static_cast<const char *>(nullptr)) == Result{6, "(null)"});
    CHECK(ours("[%8s]", static_cast<const char *>(nullptr)) == Result{10, "[  (null)]"});
    CHECK(ours("%.3s", static_cast<const char *>(nullptr)) == Result{3, "(nu"});
}

TEST_CASE("the most negative 64-bit value prints its full magnitude")
{
    CHECK(ours("%lld", static_cast<long long>(INT64_MIN)) == Result{20, "-9223372036854775808"});
    CHECK(ours("%jd", static_cast<intmax_t>(INT64_MIN)) == Result{20, "-9223372036854775808"});
    CHECK(ours("%ld", static_cast<long>(INT64_MIN)) == Result{20, "-9223372036854775808"});
    CHECK(ours("%td", static_cast<ptrdiff_t>(INT64_MIN)) == Result{20, "-9223372036854775808"});
    CHECK(ours("%d", INT_MIN) == Result{11, "-2147483648"});
    CHECK(ours("%llx", static_cast<unsigned long long>(INT64_MIN)) ==
          Result{16, "8000000000000000"});
}

TEST_CASE("a small buffer gets the host's prefix, a NUL, the full length, and nothing past size")
{
    const char *fmt = "%s|%08.3d|%-6x|%c";
    const char *arg = "truncate me";
    char want_full[128];
    int full = std::snprintf(want_full, sizeof want_full, fmt, arg, 42, 0xbeefu, 'z');
    REQUIRE(full > 0);
    for (size_t size = 0; size <= static_cast<size_t>(full) + 2; size++) {
        char want[128], got[128];
        std::memset(want, 0x5a, sizeof want);
        std::memset(got, 0x5a, sizeof got);
        int wn = std::snprintf(want, size, fmt, arg, 42, 0xbeefu, 'z');
        int gn = uk_format(got, size, fmt, arg, 42, 0xbeefu, 'z');
        INFO("size ", size);
        CHECK(gn == wn);
        CHECK(gn == full);
        CHECK(std::memcmp(got, want, sizeof got) == 0); // same bytes, same untouched tail
        for (size_t i = size; i < sizeof got; i++)
            CHECK(static_cast<unsigned char>(got[i]) == 0x5a);
        if (size > 0)
            CHECK(std::memchr(got, '\0', size) != nullptr);
    }
}

TEST_CASE("size 0 writes nothing, accepts a NULL buffer and returns the needed length")
{
    CHECK(uk_format(nullptr, 0, "%d-%s", 12345, "abc") == 9);
    char c = 'q';
    CHECK(uk_format(&c, 0, "%d", 7) == 1);
    CHECK(c == 'q');
    char one = 'q';
    CHECK(uk_format(&one, 1, "%d", 7) == 1);
    CHECK(one == '\0');
}

TEST_CASE("a width far beyond the buffer is counted without being written")
{
    char buf[8];
    CHECK(uk_format(buf, sizeof buf, "%1000000000d", 5) == 1000000000);
    CHECK(std::string(buf) == "       ");
    CHECK(uk_format(buf, sizeof buf, "%.1000000000d", 5) == 1000000000);
    CHECK(std::string(buf) == "0000000");
}

TEST_CASE("output longer than INT_MAX returns -1 and still terminates the buffer")
{
    char buf[4];
    CHECK(uk_format(buf, sizeof buf, "%2000000000d%2000000000d", 1, 2) == -1);
    CHECK(std::string(buf) == "   ");
    // Widths in the format beyond INT_MAX clamp rather than wrap.
    CHECK(uk_format(nullptr, 0, "%99999999999999999999d", 1) == INT_MAX);
}

TEST_CASE("unsupported and unfinished conversions are copied literally, not dropped")
{
    CHECK(ours("a%yb") == Result{4, "a%yb"});
    CHECK(ours("%-5.2q!") == Result{7, "%-5.2q!"});
    CHECK(ours("%n") == Result{2, "%n"}); // never writes through an argument
    CHECK(ours("tail%") == Result{5, "tail%"});
    CHECK(ours("tail%-08.") == Result{9, "tail%-08."});
    CHECK(ours("%ls") == Result{3, "%ls"});
}

namespace {

struct Collected {
    std::string text;
    size_t pieces = 0;
    size_t largest = 0;
};

void collect(void *ctx, const char *data, size_t len)
{
    auto *c = static_cast<Collected *>(ctx);
    c->text.append(data, len);
    c->pieces++;
    c->largest = std::max(c->largest, len);
}

int stream(char *buf, size_t size, Collected *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = uk_vformat_stream(buf, size, collect, c, fmt, ap);
    va_end(ap);
    return n;
}

} // namespace

TEST_CASE("streaming through any buffer size delivers exactly the whole output, in order")
{
    const char *fmt = "%s and %-30d|%#o|%050x|%c|%%|%.2s";
    char want[256];
    int full = std::snprintf(want, sizeof want, fmt, "start", -99, 8u, 0xabcu, '!', "xyz");
    for (size_t size = 1; size <= 70; size++) {
        std::vector<char> buf(size);
        Collected c;
        int n = stream(buf.data(), size, &c, fmt, "start", -99, 8u, 0xabcu, '!', "xyz");
        INFO("buffer size ", size);
        CHECK(n == full);
        CHECK(c.text == want);
        CHECK(c.largest <= size);
    }
    Collected empty;
    char b[4];
    CHECK(stream(b, sizeof b, &empty, "%s", "") == 0);
    CHECK(empty.pieces == 0);
}
