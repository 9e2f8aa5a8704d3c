/* conformance_c: the C library a guest gets (newlib) against the host's (glibc). The same
 * source is built for the host and as a guest; the test wants byte-identical stdout on both
 * backends. Only standard C, no ukmon API. Where the two libraries may legitimately differ
 * (the last ulp of a transcendental function, strerror's text, rand's generator) it prints
 * what the standard fixes instead: a rounded value, a comparison, a round trip. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, on glibc too */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void integers(void)
{
    printf("[%d] [%i] [%u] [%x] [%X] [%o]\n", -42, 42, 42u, 0xbeefu, 0xbeefu, 8u);
    printf("[%#x] [%#o] [%+d] [% d] [%-6d] [%06d] [%.3d] [%*d] [%-*d]\n", 255u, 8u, 5, 5, 7, -7, 7, 5, 9, 5, 9);
    printf("[%lld] [%llu] [%lx] [%zu] [%jd] [%td]\n", LLONG_MIN, ULLONG_MAX, ULONG_MAX, (size_t)123,
           (intmax_t)-9, (ptrdiff_t)-3);
    printf("[%hhd] [%hhu] [%hd] [%hu] [%" PRId64 "] [%" PRIx32 "]\n", (signed char)-1, (unsigned char)255,
           (short)-2, (unsigned short)65535, INT64_MAX, UINT32_MAX);
    printf("[%c] [%5c] [%-3c] [%s] [%.2s] [%8s] [%-8s] [%%]\n", 'x', 'y', 'z', "str", "string", "right",
           "left");
    printf("[%d] [%.0d] [%5.0d]\n", 0, 0, 0);
}

static void floats(void)
{
    const double v[] = {0.0, -0.0, 1.0, -1.5, 0.1, 2.5, 3.14159265358979, 1e-5, 123456789.0,
                        1e21, 1e-300, 5e-324, DBL_MAX, 0.5, 1.0 / 3.0};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; ++i)
        printf("[%f] [%.3f] [%e] [%.2E] [%g] [%G] [%.10g] [%#g] [%12.4f] [%-12.2e] [%+g]\n", v[i], v[i],
               v[i], v[i], v[i], v[i], v[i], v[i], v[i], v[i], v[i]);
    printf("[%.20f] [%.17g] [%.0f] [%.0f] [%.0f] [%.1f]\n", 0.1, 0.1, 0.5, 1.5, 2.5, 0.25);
    printf("[%f] [%e] [%g] [%F] [%5.1f] [%-6g|]\n", INFINITY, -INFINITY, INFINITY, INFINITY, INFINITY,
           -INFINITY);
    printf("[%f] [%e] [%g] [%G] [%6.2f]\n", NAN, NAN, NAN, NAN, NAN);
    printf("[%Lf] [%.3Le]\n", 1.25L, 12345.678L);
    char buf[8];
    volatile size_t cap = sizeof buf; /* truncation is the point: keep the compiler from warning */
    int n = snprintf(buf, cap, "%f", 3.14159);
    printf("snprintf: %d [%s]\n", n, buf);
}

static void libm(void)
{
    printf("sqrt %.17g %.17g %.17g\n", sqrt(2.0), sqrt(1e-300), sqrt(0.25));
    printf("exact %g %g %g %g %g %g %g\n", floor(-2.5), ceil(-2.5), round(-2.5), trunc(-2.5), fmod(7.5, 2.0),
           fabs(-3.0), ldexp(0.75, 4));
    int e;
    double m = frexp(48.0, &e), whole;
    double frac = modf(3.75, &whole);
    printf("frexp %g %d modf %g %g\n", m, e, frac, whole);
    printf("rint %g %g nearbyint %g lround %ld\n", rint(2.5), rint(3.5), nearbyint(-0.5), lround(-2.5));
    const double x[] = {0.5, 1.0, 2.0, 10.0};
    for (size_t i = 0; i < sizeof x / sizeof x[0]; ++i)
        printf("x=%g sin %.12g cos %.12g tan %.12g exp %.12g log %.12g log10 %.12g pow %.12g atan2 %.12g "
               "sinh %.12g tanh %.12g cbrt %.12g hypot %.12g\n",
               x[i], sin(x[i]), cos(x[i]), tan(x[i]), exp(x[i]), log(x[i]), log10(x[i]), pow(x[i], 1.5),
               atan2(x[i], 3.0), sinh(x[i]), tanh(x[i]), cbrt(x[i]), hypot(x[i], 4.0));
    printf("float %.6g %.6g %.6g\n", (double)sqrtf(2.0f), (double)sinf(1.0f), (double)expf(1.0f));
    printf("special %g %g %d %d %d %d\n", log(0.0), sqrt(-1.0) != sqrt(-1.0) ? 1.0 : 0.0, isnan(NAN),
           isinf(-INFINITY), isfinite(1.0), signbit(-0.0) != 0);
    printf("fpclassify %d %d %d\n", fpclassify(0.0) == FP_ZERO, fpclassify(5e-324) == FP_SUBNORMAL,
           fpclassify(1.0) == FP_NORMAL);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void sorting(void)
{
    int v[] = {42, -7, 13, 0, 99, -100, 5, 8, 21, 3, 1, 77, -1, 64, 2};
    size_t n = sizeof v / sizeof v[0];
    qsort(v, n, sizeof v[0], cmp_int);
    printf("qsort:");
    for (size_t i = 0; i < n; ++i)
        printf(" %d", v[i]);
    const char *w[] = {"pear", "apple", "fig", "banana", "cherry"};
    qsort(w, 5, sizeof w[0], cmp_str);
    printf(" | %s %s %s %s %s\n", w[0], w[1], w[2], w[3], w[4]);
    for (int key = -8; key <= 100; key += 27) {
        int *hit = bsearch(&key, v, n, sizeof v[0], cmp_int);
        printf("bsearch %d: %s\n", key, hit ? "found" : "absent");
    }
    int k = 77;
    printf("bsearch 77 at %td\n", (int *)bsearch(&k, v, n, sizeof v[0], cmp_int) - v);
}

static void numbers(void)
{
    const char *in[] = {"0", "-0", "1.5", "0.1", "1e-320", "123456789012345678", "2.2250738585072014e-308",
                        "0x1.8p3", "inf", "-Infinity", "3.14159265358979323846", "  +42.5xyz", "1e400"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; ++i) {
        errno = 0;
        char *end;
        double d = strtod(in[i], &end);
        /* ERANGE on overflow is fixed by C; on underflow it is implementation-defined */
        int range = isinf(d) ? errno == ERANGE : 0;
        char back[40];
        snprintf(back, sizeof back, "%.17g", d);
        double again = strtod(back, NULL);
        printf("strtod \"%s\" -> %.17g rest \"%s\" erange %d roundtrip %s\n", in[i], d, end, range,
               (again == d || (again != again && d != d)) ? "ok" : "BAD");
    }
    printf("strtod nan: %d\n", isnan(strtod("nan", NULL)));
    errno = 0;
    printf("strtol %ld %ld %ld %lu erange %d\n", strtol("-0x1f", NULL, 16), strtol("0777", NULL, 0),
           strtol("z", NULL, 36), strtoul("4294967296", NULL, 10), errno == ERANGE);
    errno = 0;
    long big = strtol("99999999999999999999", NULL, 10);
    printf("strtol overflow %d erange %d\n", big == LONG_MAX, errno == ERANGE);
    printf("atoi %d atol %ld atof %g strtoll %lld strtoull %llu\n", atoi("  -17x"), atol("123"), atof("2.5e3"),
           strtoll("-9223372036854775808", NULL, 10), strtoull("18446744073709551615", NULL, 10));
    div_t q = div(-7, 2);
    ldiv_t lq = ldiv(7L, -2L);
    printf("div %d %d ldiv %ld %ld abs %d labs %ld\n", q.quot, q.rem, lq.quot, lq.rem, abs(-4), labs(-5L));
    int a, b;
    double f;
    char word[16], rest[16];
    int got = sscanf("12 0x1f 6.25e-1 hello [x]", "%d %i %lf %15s %15s", &a, &b, &f, word, rest);
    printf("sscanf %d: %d %d %g %s %s\n", got, a, b, f, word, rest);
    got = sscanf("abc123def", "%[a-z]%d%n", word, &a, &b);
    printf("sscanf %d: %s %d %d\n", got, word, a, b);
}

static void text(void)
{
    int classes[8] = {0};
    for (int c = 0; c < 128; ++c) {
        classes[0] += isalpha(c) != 0;
        classes[1] += isdigit(c) != 0;
        classes[2] += isspace(c) != 0;
        classes[3] += ispunct(c) != 0;
        classes[4] += isprint(c) != 0;
        classes[5] += iscntrl(c) != 0;
        classes[6] += isxdigit(c) != 0;
        classes[7] += isupper(toupper(c)) != 0;
    }
    printf("ctype %d %d %d %d %d %d %d %d %c%c\n", classes[0], classes[1], classes[2], classes[3], classes[4],
           classes[5], classes[6], classes[7], toupper('q'), tolower('Q'));
    char s[] = "a,b;;c,d";
    printf("strtok:");
    for (char *t = strtok(s, ",;"); t; t = strtok(NULL, ",;"))
        printf(" %s", t);
    char dst[6];
    strncpy(dst, "hello world", sizeof dst - 1);
    dst[5] = 0;
    printf(" | strstr %s strchr %s strrchr %s strncpy %s strspn %zu strcspn %zu memcmp %d\n",
           strstr("haystack", "st"), strchr("a.b.c", '.'), strrchr("a.b.c", '.'), dst, strspn("aabc", "ab"),
           strcspn("xyz;", ";"), memcmp("abc", "abd", 3) < 0);
}

static void dates(void)
{
    const time_t at[] = {0, 951782400, 1234567890, 2147483647, 4102444800};
    char buf[128];
    for (size_t i = 0; i < sizeof at / sizeof at[0]; ++i) {
        struct tm *tm = gmtime(&at[i]);
        strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %a %A %b %B %j %U %W %u %w %y %C %e %D %T %p %I %%", tm);
        printf("%lld: %s | %d %d\n", (long long)at[i], buf, tm->tm_yday, tm->tm_wday);
        strftime(buf, sizeof buf, "%c|%x|%X|%F|%R|%h|%n|%t|%G-%V-%g", tm);
        printf("  %s\n", buf);
    }
    printf("strftime too small: %zu\n", strftime(buf, 4, "%Y-%m-%d", gmtime(&at[1])));
    time_t now = time(NULL);
    struct timespec ts;
    printf("clocks: time %s, clock_gettime %d, later than 2020 %d\n", now > 0 ? "ok" : "BAD",
           clock_gettime(CLOCK_REALTIME, &ts), ts.tv_sec > 1577836800);
}

static jmp_buf jump;

static void deepest(int v) { longjmp(jump, v); }

static void middle(int v)
{
    deepest(v * 10);
    puts("not reached");
}

static void control(void)
{
    int r = setjmp(jump);
    if (r == 0)
        middle(3);
    printf("longjmp brought %d\n", r);
    assert(r == 30);
    printf("errno values: ERANGE %d EDOM %d EINVAL %d\n", ERANGE, EDOM, EINVAL);
}

int main(void)
{
    integers();
    floats();
    libm();
    sorting();
    numbers();
    text();
    dates();
    control();
    puts("conformance: done");
    /* Last: a guest's stderr shares the console with stdout, the host's is another pipe. */
    fflush(stdout);
    fprintf(stderr, "conformance: stderr works\n");
    return 0;
}
