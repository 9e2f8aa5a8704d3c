/* bad_pointers: passes puts data pointers and lengths that leave guest memory. Each call
 * must come back with UK_EFAULT (an error return, not a kill), and the run goes on. */
#include <stdint.h>
#include <stdio.h>
#include <ukmon/guest.h>

static int failures;

static void expect_efault(const char *what, uint64_t data, uint64_t len)
{
    int ret = uk_puts((const char *)(uintptr_t)data, (size_t)len);
    if (ret == UK_EFAULT) {
        printf("%s: EFAULT\n", what);
    } else {
        printf("%s: got %d, expected EFAULT\n", what, ret);
        ++failures;
    }
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    static const char text[] = "0123456789abcdef";
    uint64_t mem_end = uk_boot_info()->mem_size;
    expect_efault("null", 0, 1);
    expect_efault("near UINT64_MAX", 0xFFFFFFFFFFFFFFF0ull, 0x20);
    expect_efault("monitor-private area", 0x1000, 16);
    expect_efault("past the end of memory", mem_end, 1);
    expect_efault("straddling the end of memory", mem_end - 8, 16);
    expect_efault("huge length", (uint64_t)(uintptr_t)text, 0xFFFFFFFFFFFFFFFFull);
    expect_efault("length wrapping to the start", (uint64_t)(uintptr_t)text,
                  0 - (uint64_t)(uintptr_t)text + 1);
    if (failures)
        return 1;
    printf("all EFAULT\n");
    return 0;
}
