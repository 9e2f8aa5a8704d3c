/* blkstore's disk format on the "storage" block device: open/format, scan, get, put, del.
 * Records are read many sectors per hypercall (a chunk of slots at a time). */
#include <stdio.h>
#include <string.h>
#include <ukmon/guest.h>

#include "store.h"

static const char header_magic[8] = {'U', 'K', 'M', 'O', 'N', 'K', 'V', '1'};
#define HEADER_VERSION 1u
#define RECORD_MAGIC 0x4b56524bu /* "KRVK" */
#define CHUNK_SLOTS 32u          /* slots per read: 16 KiB */

struct header {
    char magic[8];
    uint32_t version;
    uint32_t slot_count;
    uint32_t slot_size;
    uint32_t checksum; /* CRC-32 of the sector with this field zero */
    uint8_t zero[STORE_SECTOR - 24];
};

struct record {
    uint32_t magic;
    uint32_t key_len;
    uint32_t value_len;
    uint32_t checksum; /* CRC-32 of the sector with this field zero */
    char key[STORE_KEY_MAX];
    char value[STORE_VALUE_MAX];
};

_Static_assert(sizeof(struct header) == STORE_SECTOR, "header is one sector");
_Static_assert(sizeof(struct record) == STORE_SECTOR, "record is one sector");

static struct record chunk[CHUNK_SLOTS];

static uint64_t slot_offset(uint32_t slot) { return (uint64_t)(slot + 1) * STORE_SECTOR; }

static int all_zero(const void *p, size_t len)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < len; ++i)
        if (b[i])
            return 0;
    return 1;
}

static const char *status_name(int st)
{
    static const char *names[] = {"ok", "would block", "invalid request", "bad address",
                                  "bad handle", "read-only disk", "I/O error"};
    return st >= 0 && st <= UK_EIO ? names[st] : "unknown status";
}

static enum store_result io_failed(const char *what, int st)
{
    printf("blkstore: %s failed: %s\n", what, status_name(st));
    return STORE_IO;
}

static uint32_t header_checksum(struct header h)
{
    h.checksum = 0;
    return crc32(&h, sizeof h);
}

static uint32_t record_checksum(struct record r)
{
    r.checksum = 0;
    return crc32(&r, sizeof r);
}

static enum store_result format(struct store *s)
{
    uint64_t slots = s->capacity / STORE_SECTOR - 1;
    s->slot_count = slots > STORE_MAX_SLOTS ? STORE_MAX_SLOTS : (uint32_t)slots;
    memset(chunk, 0, sizeof chunk);
    for (uint32_t base = 0; base < s->slot_count; base += CHUNK_SLOTS) {
        uint32_t n = s->slot_count - base < CHUNK_SLOTS ? s->slot_count - base : CHUNK_SLOTS;
        int st = uk_blkwrite(s->handle, slot_offset(base), chunk, (size_t)n * STORE_SECTOR);
        if (st != UK_OK)
            return io_failed("formatting the disk", st);
    }
    static struct header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, header_magic, sizeof h.magic);
    h.version = HEADER_VERSION;
    h.slot_count = s->slot_count;
    h.slot_size = STORE_SECTOR;
    h.checksum = header_checksum(h);
    int st = uk_blkwrite(s->handle, 0, &h, sizeof h);
    if (st == UK_OK)
        st = uk_blkflush(s->handle);
    return st == UK_OK ? STORE_OK : io_failed("writing the header", st);
}

static enum store_result corrupt(const char *why)
{
    printf("blkstore: the disk is corrupt or not a blkstore disk: %s\n", why);
    return STORE_CORRUPT;
}

enum store_result store_open(struct store *s)
{
    memset(s, 0, sizeof *s);
    int64_t h = uk_device_handle(UK_DEV_BLK, "storage");
    if (h < 0) {
        printf("blkstore: no blk device named 'storage'\n");
        return STORE_IO;
    }
    s->handle = (uint64_t)h;
    struct uk_hc_blkinfo info;
    int st = uk_blkinfo(s->handle, &info);
    if (st != UK_OK)
        return io_failed("blkinfo", st);
    if (info.sector_size != STORE_SECTOR) {
        printf("blkstore: the disk has %llu-byte sectors; blkstore needs %u\n",
               (unsigned long long)info.sector_size, STORE_SECTOR);
        return STORE_IO;
    }
    s->capacity = info.capacity;
    s->read_only = info.read_only != 0;
    if (s->capacity < 2 * STORE_SECTOR) {
        printf("blkstore: the disk (%llu bytes) is too small: it needs at least 2 sectors\n",
               (unsigned long long)s->capacity);
        return STORE_FULL;
    }

    static struct header hd;
    st = uk_blkread(s->handle, 0, &hd, sizeof hd);
    if (st != UK_OK)
        return io_failed("reading the header", st);
    if (all_zero(&hd, sizeof hd))
        return s->read_only ? STORE_OK /* an empty store we may not format */ : format(s);
    if (memcmp(hd.magic, header_magic, sizeof hd.magic) != 0)
        return corrupt("bad magic in the header");
    if (hd.checksum != header_checksum(hd))
        return corrupt("header checksum mismatch");
    if (hd.version != HEADER_VERSION)
        return corrupt("unknown format version");
    if (hd.slot_size != STORE_SECTOR || hd.slot_count == 0 || hd.slot_count > STORE_MAX_SLOTS ||
        hd.slot_count > s->capacity / STORE_SECTOR - 1)
        return corrupt("impossible slot layout in the header");
    s->slot_count = hd.slot_count;
    return STORE_OK;
}

/* Visits every slot: rec is NULL for a free one. A slot that is neither free nor a valid
 * record is corruption. fn returns non-zero to stop. */
typedef int (*slot_fn)(void *ctx, uint32_t slot, const struct record *rec);

static enum store_result scan_slots(struct store *s, slot_fn fn, void *ctx)
{
    for (uint32_t base = 0; base < s->slot_count; base += CHUNK_SLOTS) {
        uint32_t n = s->slot_count - base < CHUNK_SLOTS ? s->slot_count - base : CHUNK_SLOTS;
        int st = uk_blkread(s->handle, slot_offset(base), chunk, (size_t)n * STORE_SECTOR);
        if (st != UK_OK)
            return io_failed("reading records", st);
        for (uint32_t i = 0; i < n; ++i) {
            const struct record *r = &chunk[i];
            if (all_zero(r, sizeof *r)) {
                if (fn(ctx, base + i, NULL))
                    return STORE_OK;
                continue;
            }
            if (r->magic != RECORD_MAGIC || r->key_len == 0 || r->key_len > STORE_KEY_MAX ||
                r->value_len > STORE_VALUE_MAX || r->checksum != record_checksum(*r)) {
                printf("blkstore: the disk is corrupt: record slot %u does not check out\n",
                       (unsigned)(base + i));
                return STORE_CORRUPT;
            }
            if (fn(ctx, base + i, r))
                return STORE_OK;
        }
    }
    return STORE_OK;
}

struct visit_ctx {
    store_visit_fn fn;
    void *ctx;
};

static int visit_used(void *ctx, uint32_t slot, const struct record *r)
{
    struct visit_ctx *v = ctx;
    return r ? v->fn(v->ctx, slot, r->key, r->key_len, r->value, r->value_len) : 0;
}

enum store_result store_scan(struct store *s, store_visit_fn fn, void *ctx)
{
    struct visit_ctx v = {fn, ctx};
    return scan_slots(s, visit_used, &v);
}

/* Finds the slot holding key and the first free slot. */
struct find_ctx {
    const char *key;
    size_t key_len;
    int64_t found;
    int64_t free_slot;
    struct record rec;
};

static int find_key(void *ctx, uint32_t slot, const struct record *r)
{
    struct find_ctx *f = ctx;
    if (!r) {
        if (f->free_slot < 0)
            f->free_slot = slot;
        return 0;
    }
    if (r->key_len == f->key_len && memcmp(r->key, f->key, f->key_len) == 0) {
        f->found = slot;
        f->rec = *r;
        return 1;
    }
    return 0;
}

static enum store_result find(struct store *s, const char *key, struct find_ctx *f)
{
    memset(f, 0, sizeof *f);
    f->key = key;
    f->key_len = strlen(key);
    f->found = f->free_slot = -1;
    return scan_slots(s, find_key, f);
}

enum store_result store_get(struct store *s, const char *key, char *value, size_t *value_len)
{
    static struct find_ctx f;
    enum store_result r = find(s, key, &f);
    if (r != STORE_OK)
        return r;
    if (f.found < 0)
        return STORE_NOT_FOUND;
    memcpy(value, f.rec.value, f.rec.value_len);
    *value_len = f.rec.value_len;
    return STORE_OK;
}

static enum store_result write_slot(struct store *s, uint32_t slot, const struct record *rec)
{
    int st = uk_blkwrite(s->handle, slot_offset(slot), rec, sizeof *rec);
    if (st == UK_OK)
        st = uk_blkflush(s->handle);
    return st == UK_OK ? STORE_OK : io_failed("writing a record", st);
}

enum store_result store_put(struct store *s, const char *key, const char *value)
{
    if (s->read_only)
        return io_failed("put", UK_EROFS);
    static struct find_ctx f;
    enum store_result r = find(s, key, &f);
    if (r != STORE_OK)
        return r;
    int64_t slot = f.found >= 0 ? f.found : f.free_slot;
    if (slot < 0) {
        printf("blkstore: the store is full (%u records)\n", (unsigned)s->slot_count);
        return STORE_FULL;
    }
    static struct record rec;
    memset(&rec, 0, sizeof rec);
    rec.magic = RECORD_MAGIC;
    rec.key_len = (uint32_t)strlen(key);
    rec.value_len = (uint32_t)strlen(value);
    memcpy(rec.key, key, rec.key_len);
    memcpy(rec.value, value, rec.value_len);
    rec.checksum = record_checksum(rec);
    return write_slot(s, (uint32_t)slot, &rec);
}

enum store_result store_del(struct store *s, const char *key)
{
    if (s->read_only)
        return io_failed("del", UK_EROFS);
    static struct find_ctx f;
    enum store_result r = find(s, key, &f);
    if (r != STORE_OK)
        return r;
    if (f.found < 0)
        return STORE_NOT_FOUND;
    static struct record zero;
    return write_slot(s, (uint32_t)f.found, &zero);
}
