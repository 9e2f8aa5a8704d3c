/* getentropy for newlib's arc4random (and for guests): the host kernel's random bytes through
 * the random hypercall, on both backends. No CPU instruction (rdrand) the host may hide. */
#include <errno.h>
#include <stddef.h>
#include <ukmon/guest.h>

int uk_random(void *buf, size_t len)
{
    struct uk_hc_random a = {0, (uint64_t)(uintptr_t)buf, len};
    uk_hypercall(UK_HC_RANDOM, &a);
    return (int)a.ret;
}

/* As on OpenBSD and glibc: at most 256 bytes a call, else EIO. */
int getentropy(void *buf, size_t len)
{
    if (len > UK_RANDOM_MAX) {
        errno = EIO;
        return -1;
    }
    if (uk_random(buf, len) != UK_OK) {
        errno = len == 0 ? EIO : EFAULT;
        return -1;
    }
    return 0;
}
