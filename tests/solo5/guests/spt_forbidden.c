/* Makes a system call the spt device model does not allow (getpid): the filter kills it.
 * With "tls" it first sets its own FS base, which the monitor's handler must undo. */
#include "solo5_guest.h"

SOLO5_TEST_MANIFEST(0)

long spt_syscall(long n, long a, long b, long c, long d);

static uint64_t tls_block[8];

int solo5_app_main(const char *cmdline) {
    if (t_strcmp(cmdline, "tls") == 0) {  /* as Solo5's bindings do: the guest's own FS base */
        tls_block[0] = (uint64_t)tls_block;
        spt_syscall(158 /* arch_prctl */, 0x1002 /* ARCH_SET_FS */, (long)tls_block, 0, 0);
        uint64_t self;
        __asm__ volatile("mov %%fs:0, %0" : "=r"(self));
        solo5_puts(self == (uint64_t)tls_block ? "FS base set\n" : "FS base NOT set\n");
    }
    solo5_puts("calling getpid\n");
    spt_syscall(39 /* getpid */, 0, 0, 0, 0);
    solo5_puts("getpid returned: the filter let it through\n");
    return 3;
}
