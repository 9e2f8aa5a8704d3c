/* blk_probe: runs block-device commands given as guest arguments and prints one line per
 * command, "<command>: <STATUS>[ detail]", so tests can drive the blk hypercalls exactly,
 * including requests the wrappers would never make. Commands (numbers: strtoul base 0):
 *   dev:NAME                 use the blk device declared as NAME (default: the first)
 *   net:NAME                 use the handle of the net device declared as NAME
 *   handle:H                 use raw handle H for the following commands
 *   info                     blkinfo: "OK sector=512 capacity=N ro=0|1"
 *   write:OFF:LEN:SEED       write the test pattern for SEED over [OFF, OFF+LEN)
 *   verify:OFF:LEN:SEED      read [OFF, OFF+LEN) and compare with the pattern ("OK" / "MISMATCH")
 *   read:OFF:LEN             read, report the status only
 *   readat:ADDR:LEN          read offset 0 into guest address ADDR
 *   writeat:ADDR:LEN         write offset 0 from guest address ADDR
 *   flush                    blkflush
 *   rawarg:NR:ADDR           hypercall NR with its argument struct at guest address ADDR
 * The pattern byte at disk offset o for seed s is blk_pattern(o, s) below; the tests compute
 * the same function on the host. Built as is, the guest declares one device, "disk". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ukmon/guest.h>

#ifndef BLK_PROBE_DEVICES
UK_DECLARE_BLK(disk);
#else
BLK_PROBE_DEVICES
#endif

#define BIG_BUFFER_MAX (8u << 20) /* larger requests use `small` (the monitor must refuse them) */

static unsigned char small[4096];

static unsigned char blk_pattern(uint64_t o, uint64_t s)
{
    return (unsigned char)((o >> 9) * 31u + (o & 511u) * 7u + s * 101u + 1u);
}

static const char *status_name(int st)
{
    static const char *names[] = {"OK", "EAGAIN", "EINVAL", "EFAULT", "EBADF", "EROFS", "EIO"};
    return st >= 0 && st <= UK_EIO ? names[st] : "UNKNOWN";
}

/* Parses "N:N:N" after the command's colon into up to 3 numbers; returns how many. */
static int numbers(const char *p, uint64_t *out, int max)
{
    int n = 0;
    while (*p == ':' && n < max) {
        char *end;
        out[n++] = strtoul(p + 1, &end, 0);
        p = end;
    }
    return *p ? -1 : n;
}

static unsigned char *buffer_for(uint64_t len)
{
    if (len == 0 || len > BIG_BUFFER_MAX)
        return small;
    unsigned char *b = malloc((size_t)len);
    return b ? b : small;
}

static void release(unsigned char *b)
{
    if (b != small)
        free(b);
}

static uint64_t first_blk_handle(void)
{
    const struct uk_boot_info *bi = uk_boot_info();
    for (uint32_t i = 0; i < bi->device_count && i < UK_MAX_DEVICES; ++i)
        if (bi->devices[i].type == UK_DEV_BLK)
            return bi->devices[i].handle;
    return ~0ull;
}

static void run(const char *cmd, uint64_t *handle)
{
    uint64_t v[3] = {0, 0, 0};
    const char *colon = strchr(cmd, ':');
    size_t name_len = colon ? (size_t)(colon - cmd) : strlen(cmd);
    const char *args = cmd + name_len;
#define IS(word) (name_len == sizeof(word) - 1 && strncmp(cmd, word, name_len) == 0)
    if (IS("dev") || IS("net")) {
        int64_t h = uk_device_handle(IS("dev") ? UK_DEV_BLK : UK_DEV_NET, args + 1);
        *handle = (uint64_t)h;
        printf("%s: %s handle=%lld\n", cmd, h < 0 ? "MISSING" : "OK", (long long)h);
    } else if (IS("handle") && numbers(args, v, 1) == 1) {
        *handle = v[0];
        printf("%s: OK\n", cmd);
    } else if (IS("info")) {
        struct uk_hc_blkinfo info;
        int st = uk_blkinfo(*handle, &info);
        printf("%s: %s sector=%llu capacity=%llu ro=%llu\n", cmd, status_name(st),
               (unsigned long long)info.sector_size, (unsigned long long)info.capacity,
               (unsigned long long)info.read_only);
    } else if ((IS("write") || IS("verify")) && numbers(args, v, 3) == 3) {
        unsigned char *b = buffer_for(v[1]);
        uint64_t fill = b == small ? 0 : v[1];
        int st;
        if (IS("write")) {
            for (uint64_t i = 0; i < fill; ++i)
                b[i] = blk_pattern(v[0] + i, v[2]);
            st = uk_blkwrite(*handle, v[0], b, (size_t)v[1]);
            printf("%s: %s\n", cmd, status_name(st));
        } else {
            st = uk_blkread(*handle, v[0], b, (size_t)v[1]);
            uint64_t bad = fill;
            for (uint64_t i = 0; st == UK_OK && i < fill && bad == fill; ++i)
                if (b[i] != blk_pattern(v[0] + i, v[2]))
                    bad = i;
            if (st == UK_OK && bad != fill)
                printf("%s: MISMATCH at offset %llu\n", cmd, (unsigned long long)(v[0] + bad));
            else
                printf("%s: %s\n", cmd, status_name(st));
        }
        release(b);
    } else if (IS("read") && numbers(args, v, 2) == 2) {
        unsigned char *b = buffer_for(v[1]);
        printf("%s: %s\n", cmd, status_name(uk_blkread(*handle, v[0], b, (size_t)v[1])));
        release(b);
    } else if ((IS("readat") || IS("writeat")) && numbers(args, v, 2) == 2) {
        struct uk_hc_blkio a = {0, *handle, 0, v[0], v[1]};
        uk_hypercall(IS("readat") ? UK_HC_BLKREAD : UK_HC_BLKWRITE, &a);
        printf("%s: %s\n", cmd, status_name((int)a.ret));
    } else if (IS("flush")) {
        printf("%s: %s\n", cmd, status_name(uk_blkflush(*handle)));
    } else if (IS("rawarg") && numbers(args, v, 2) == 2) {
        printf("%s: calling\n", cmd);
        uk_hypercall(v[0], (void *)(uintptr_t)v[1]);
        printf("%s: RETURNED\n", cmd);
    } else {
        printf("%s: BADCOMMAND\n", cmd);
    }
#undef IS
}

int main(int argc, char **argv)
{
    uint64_t handle = first_blk_handle();
    for (int i = 1; i < argc; ++i)
        run(argv[i], &handle);
    return 0;
}
