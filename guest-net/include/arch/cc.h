/* lwIP's platform header for ukmon guests: newlib's C library, one thread, x86-64. */
#ifndef UKMON_LWIP_ARCH_CC_H
#define UKMON_LWIP_ARCH_CC_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define LWIP_TIMEVAL_PRIVATE 0
#define SSIZE_MAX __LONG_MAX__ /* newlib has ssize_t; this stops lwIP defining its own */
#define LWIP_NO_CTYPE_H 0
#ifndef BYTE_ORDER /* newlib defines it only for _DEFAULT_SOURCE */
#define BYTE_ORDER LITTLE_ENDIAN
#endif

/* Diagnostics go to the console; a failed lwIP assertion ends the guest, as assert() does. */
#define LWIP_PLATFORM_DIAG(x) do { printf x; } while (0)
#define LWIP_PLATFORM_ASSERT(x)                                                            \
    do {                                                                                   \
        printf("lwip: assertion \"%s\" failed at %s:%d\n", x, __FILE__, __LINE__);        \
        fflush(stdout);                                                                    \
        abort();                                                                           \
    } while (0)

/* Initial sequence numbers, ephemeral ports: from the host kernel's generator (random
 * hypercall, through newlib's arc4random). */
uint32_t uknet_rand(void);
#define LWIP_RAND() uknet_rand()

#endif
