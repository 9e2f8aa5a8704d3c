/* blkstore's on-disk format: a header sector, then fixed-size record slots, one sector each.
 *
 *   sector 0        header: magic "UKMONKV1", version, slot count, CRC-32 of the sector
 *   sector 1 + i    slot i: all zero when free, else a record with its own CRC-32
 *
 * A zeroed disk is formatted on first use. Anything else that does not check out (a bad
 * magic, a bad checksum, an impossible length) is reported as corruption, never read. */
#ifndef BLKSTORE_STORE_H
#define BLKSTORE_STORE_H
#include <stddef.h>
#include <stdint.h>

#define STORE_SECTOR 512u
#define STORE_KEY_MAX 64u     /* bytes; keys are stored without a NUL */
#define STORE_VALUE_MAX 432u  /* what is left of a sector after the record's fields */
#define STORE_MAX_SLOTS 4096u /* caps the scan (and the format) at 2 MiB of a large disk */

/* Results; main() turns them into exit statuses. */
enum store_result {
    STORE_OK = 0,
    STORE_NOT_FOUND = 1,
    STORE_CORRUPT = 2,
    STORE_FULL = 3,   /* also: disk too small to hold one record */
    STORE_IO = 4,     /* a blk hypercall failed, incl. writing to a read-only disk */
};

struct store {
    uint64_t handle;
    uint64_t capacity;
    int read_only;
    uint32_t slot_count;  /* 0 for a zeroed read-only disk: an empty store */
};

/* Finds the "storage" device, reads and checks the header, formats a zeroed disk. On an
 * error, prints why and returns its result. */
enum store_result store_open(struct store *s);

/* Calls fn for every record in slot order; stops early when fn returns non-zero. */
typedef int (*store_visit_fn)(void *ctx, uint32_t slot, const char *key, size_t key_len,
                              const char *value, size_t value_len);
enum store_result store_scan(struct store *s, store_visit_fn fn, void *ctx);

enum store_result store_get(struct store *s, const char *key, char *value, size_t *value_len);
enum store_result store_put(struct store *s, const char *key, const char *value);
enum store_result store_del(struct store *s, const char *key);

uint32_t crc32(const void *data, size_t len);

#endif
