/* The little of Solo5's guest API our test guests need (names after solo5.h), implemented
 * for each target by spt.c (raw system calls) and hvt.c (hypercalls). The ABI and manifest
 * notes are declared with SOLO5_TEST_MANIFEST in each guest. */
#ifndef SOLO5_GUEST_H
#define SOLO5_GUEST_H

#include <stddef.h>
#include <stdint.h>

#include <solo5/abi.h>

#ifndef SOLO5_TEST_TARGET
#error "build with -DSOLO5_TEST_TARGET=SOLO5_TARGET_SPT or SOLO5_TARGET_HVT"
#endif

/* The guest's entry point, called with the command line. */
int solo5_app_main(const char *cmdline);

void solo5_console_write(const char *buf, size_t len);
void solo5_puts(const char *s);
void solo5_exit(int status) __attribute__((noreturn));
void solo5_abort(void) __attribute__((noreturn));
uint64_t solo5_clock_monotonic(void);
uint64_t solo5_clock_wall(void);
/* Waits until `deadline` (monotonic ns) or a NIC is readable; returns the ready set. */
uint64_t solo5_yield(uint64_t deadline);

/* Devices: handle = manifest index; 0 and a result code. */
const struct solo5_mft_entry *solo5_device(const char *name, uint32_t type, uint64_t *handle);
int solo5_block_write(uint64_t handle, uint64_t offset, const void *buf, size_t len);
int solo5_block_read(uint64_t handle, uint64_t offset, void *buf, size_t len);
int solo5_net_write(uint64_t handle, const void *buf, size_t len);
int solo5_net_read(uint64_t handle, void *buf, size_t size, size_t *read_size);

/* Tiny freestanding helpers. */
size_t t_strlen(const char *s);
int t_strcmp(const char *a, const char *b);
void *t_memset(void *d, int c, size_t n);
void *t_memcpy(void *d, const void *s, size_t n);
void t_print_u64(uint64_t v);

/* The notes. N = number of devices; then N initialisers {"name", SOLO5_MFT_...}. */
struct solo5_test_device { const char *name; uint32_t type; };

#define SOLO5_NOTE_HEADER(type_, descsz_) \
    uint32_t namesz, descsz, type; char name[8]

#define SOLO5_TEST_ABI_NOTE                                                                  \
    __attribute__((section(".note.solo5.abi"), aligned(4), used)) static const struct {     \
        SOLO5_NOTE_HEADER(0, 0);                                                            \
        struct solo5_abi_info info;                                                         \
    } solo5_test_abi_note = {6, 16, SOLO5_NOTE_ABI, "Solo5", {SOLO5_TEST_TARGET, SOLO5_ABI_VERSION, 0, 0}};

#define SOLO5_TEST_MANIFEST(N, ...)                                                          \
    SOLO5_TEST_ABI_NOTE                                                                       \
    __attribute__((section(".note.solo5.manifest"), aligned(8), used)) static const struct { \
        SOLO5_NOTE_HEADER(0, 0);                                                            \
        uint32_t pad;                                                                       \
        uint32_t version, entries;                                                          \
        struct solo5_mft_entry e[(N) + 1];                                                  \
    } solo5_test_mft_note = {6, SOLO5_MFT_NOTE_PAD + 8 + ((N) + 1) * 104, SOLO5_NOTE_MFT, "Solo5", 0,     \
                             SOLO5_MFT_VERSION, (N) + 1, {{"", SOLO5_MFT_RESERVED_FIRST, {{0, 0}}, {0}, 0}, __VA_ARGS__}};

#define SOLO5_BLOCK(n) {n, SOLO5_MFT_BLOCK_BASIC, {{0, 0}}, {0}, 0}
#define SOLO5_NET(n) {n, SOLO5_MFT_NET_BASIC, {{0, 0}}, {0}, 0}

#endif
