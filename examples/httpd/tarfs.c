/* tarfs: reads a tar archive from a block device; every header is checked (checksum, octal
 * size, bounds) before anything in it is trusted. */
#include "tarfs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ukmon/guest.h>

#define BLOCK 512u
#define MAX_FILES 4096u
#define MAX_BYTES (32u << 20) /* all files together, in guest memory */

static struct tar_file *files;
static size_t nfiles, total_bytes;

static int field_octal(const uint8_t *f, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    while (i < len && f[i] == ' ')
        ++i;
    size_t digits = 0;
    for (; i < len && f[i] >= '0' && f[i] <= '7'; ++i, ++digits) {
        if (v >> 60)
            return -1;
        v = v << 3 | (uint64_t)(f[i] - '0');
    }
    if (digits == 0 || (i < len && f[i] != 0 && f[i] != ' '))
        return -1;
    *out = v;
    return 0;
}

static int header_ok(const uint8_t *h)
{
    uint64_t want, sum = 0;
    if (field_octal(h + 148, 8, &want) != 0)
        return 0;
    for (size_t i = 0; i < BLOCK; ++i)
        sum += (i >= 148 && i < 156) ? ' ' : h[i];
    return sum == want;
}

static int is_zero(const uint8_t *h)
{
    for (size_t i = 0; i < BLOCK; ++i)
        if (h[i])
            return 0;
    return 1;
}

/* ustar: prefix "/" name; both NUL-padded, not always NUL-terminated. */
static int header_name(const uint8_t *h, char *out, size_t cap)
{
    char name[101] = {0}, prefix[156] = {0};
    memcpy(name, h, 100);
    if (!memcmp(h + 257, "ustar", 5))
        memcpy(prefix, h + 345, 155);
    int n = prefix[0] ? snprintf(out, cap, "%s/%s", prefix, name) : snprintf(out, cap, "%s", name);
    if (n < 0 || (size_t)n >= cap)
        return -1;
    char *p = out;
    while (p[0] == '.' && p[1] == '/')
        p += 2;
    while (*p == '/')
        ++p;
    memmove(out, p, strlen(p) + 1);
    return 0;
}

int tarfs_load(const char *dev)
{
    int64_t h = uk_device_handle(UK_DEV_BLK, dev);
    struct uk_hc_blkinfo info;
    if (h < 0 || uk_blkinfo((uint64_t)h, &info) != UK_OK) {
        printf("httpd: no disk '%s' attached (run with --block-ro:%s=SITE.tar)\n", dev, dev);
        return -1;
    }
    if (info.sector_size != BLOCK) {
        printf("httpd: disk '%s' has %llu-byte sectors, tar needs 512\n", dev, (unsigned long long)info.sector_size);
        return -1;
    }
    files = calloc(MAX_FILES, sizeof *files);
    uint8_t *hdr = malloc(BLOCK);
    if (!files || !hdr) {
        printf("httpd: out of memory\n");
        return -1;
    }
    uint64_t off = 0;
    while (off + BLOCK <= info.capacity) {
        if (uk_blkread((uint64_t)h, off, hdr, BLOCK) != UK_OK) {
            printf("httpd: disk '%s': read error at byte %llu\n", dev, (unsigned long long)off);
            return -1;
        }
        if (is_zero(hdr))
            break; /* end of archive */
        uint64_t size;
        if (!header_ok(hdr) || field_octal(hdr + 124, 12, &size) != 0) {
            printf("httpd: disk '%s' is not a tar archive (bad header at byte %llu)\n", dev, (unsigned long long)off);
            return -1;
        }
        off += BLOCK;
        uint64_t padded = (size + BLOCK - 1) / BLOCK * BLOCK;
        if (padded > info.capacity - off) {
            printf("httpd: disk '%s': a file runs past the end of the disk\n", dev);
            return -1;
        }
        char type = (char)hdr[156];
        if ((type == '0' || type == 0) && size > 0) {
            struct tar_file *f = &files[nfiles];
            if (nfiles == MAX_FILES || size > MAX_BYTES - total_bytes) {
                printf("httpd: disk '%s' holds more than %u files or %u MiB\n", dev, MAX_FILES, MAX_BYTES >> 20);
                return -1;
            }
            uint8_t *data = malloc(padded);
            if (!data || header_name(hdr, f->name, sizeof f->name) != 0 ||
                uk_blkread((uint64_t)h, off, data, padded) != UK_OK) {
                printf("httpd: disk '%s': cannot load a file at byte %llu\n", dev, (unsigned long long)off);
                return -1;
            }
            f->data = data;
            f->size = size;
            total_bytes += size;
            ++nfiles;
        }
        off += padded;
    }
    free(hdr);
    return 0;
}

const struct tar_file *tarfs_find(const char *name, size_t len)
{
    for (size_t i = 0; i < nfiles; ++i)
        if (strlen(files[i].name) == len && !memcmp(files[i].name, name, len))
            return &files[i];
    return NULL;
}

size_t tarfs_count(void) { return nfiles; }
size_t tarfs_bytes(void) { return total_bytes; }
