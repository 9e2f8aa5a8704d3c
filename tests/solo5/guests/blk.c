/* Block device "storage": writes the first and last blocks, reads them back, compares.
 * With argument "oob" it then writes one block past the end; with "badlen" it reads two
 * blocks at once. Both must be refused (spt: the filter kills the guest; hvt: an error). */
#include "solo5_guest.h"

SOLO5_TEST_MANIFEST(1, SOLO5_BLOCK("storage"))

static uint8_t wbuf[32768], rbuf[2 * 32768];

static int check(uint64_t h, uint64_t off, uint64_t bs, uint8_t seed) {
    for (uint64_t i = 0; i < bs; i++) wbuf[i] = (uint8_t)(seed + i * 7);
    if (solo5_block_write(h, off, wbuf, bs) != SOLO5_R_OK) return 0;
    t_memset(rbuf, 0, bs);
    if (solo5_block_read(h, off, rbuf, bs) != SOLO5_R_OK) return 0;
    for (uint64_t i = 0; i < bs; i++)
        if (rbuf[i] != wbuf[i]) return 0;
    return 1;
}

int solo5_app_main(const char *cmdline) {
    uint64_t h;
    const struct solo5_mft_entry *e = solo5_device("storage", SOLO5_MFT_BLOCK_BASIC, &h);
    if (!e) {
        solo5_puts("blk: no device 'storage'\n");
        return 2;
    }
    uint64_t bs = e->u.block.block_size, cap = e->u.block.capacity;
    solo5_puts("blk: block size ");
    t_print_u64(bs);
    solo5_puts(", capacity ");
    t_print_u64(cap);
    solo5_puts("\n");
    if (bs == 0 || bs > sizeof wbuf || cap < bs || !check(h, 0, bs, 1) || !check(h, cap - bs, bs, 9)) {
        solo5_puts("blk: write/read back FAILED\n");
        return 1;
    }
    solo5_puts("blk: write/read back ok\n");
    if (t_strcmp(cmdline, "oob") == 0) {
        int r = solo5_block_write(h, cap, wbuf, bs);
        solo5_puts(r == SOLO5_R_OK ? "blk: write past the end ACCEPTED\n" : "blk: write past the end refused\n");
        return r == SOLO5_R_OK ? 1 : 0;
    }
    if (t_strcmp(cmdline, "badlen") == 0) {
        int r = solo5_block_read(h, 0, rbuf, 2 * bs);
        solo5_puts(r == SOLO5_R_OK ? "blk: two-block read ACCEPTED\n" : "blk: two-block read refused\n");
        return r == SOLO5_R_OK ? 1 : 0;
    }
    return 0;
}
