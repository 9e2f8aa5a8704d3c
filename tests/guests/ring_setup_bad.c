/* ring_setup_bad: blk ring set-ups a hostile guest might try, each refused with a status:
 * a ring at the null page, in the monitor's pages, straddling the end of memory, in its own
 * text (read-only to it), misaligned. Halts with the number of failures. Declares blk "disk". */
#include <stdio.h>
#include <ukmon/guest.h>

UK_DECLARE_BLK(disk);

static uint8_t space[2 * sizeof(struct uk_blkring)] __attribute__((aligned(64)));

int main(void)
{
    uint64_t mem = uk_boot_info()->mem_size;
    struct { const char *what; uint64_t addr; int64_t want; } cases[] = {
        {"ring at 0", 0, UK_EFAULT},
        {"ring in the monitor's pages", 0x80000, UK_EFAULT},
        {"ring straddling the end of memory", (mem - 64) & ~63ull, UK_EFAULT},
        {"ring at a wrapping address", UINT64_MAX - 63, UK_EFAULT},
        {"ring in the guest's text", ((uint64_t)(uintptr_t)&main + 63) & ~63ull, UK_EFAULT},
        {"misaligned ring", (uint64_t)(uintptr_t)space + 8, UK_EINVAL},
    };
    int failures = 0, kvm = uk_boot_info()->backend == UK_BACKEND_KVM;
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        struct uk_hc_blkring a = {0, UK_BLKRING_SETUP, cases[i].addr, 0, 0};
        uk_hypercall(UK_HC_BLKRING, &a);
        int64_t want = kvm ? cases[i].want : UK_EINVAL; /* no ring at all under seccomp */
        printf("%s - %s (got %lld)\n", a.ret == want ? "ok" : "not ok", cases[i].what, (long long)a.ret);
        failures += a.ret != want;
    }
    uk_halt((uint64_t)failures, 0, 0);
}
