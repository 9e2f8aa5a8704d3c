/* store: chained hash table; log records are [op][klen u32][vlen u32][key][value] after a
 * one-sector header holding a magic and the log's length. The whole log is mirrored in
 * memory so a flush writes only the sectors that changed. */
#include "store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ukmon/guest.h>

#define SECTOR 512u
#define BUCKETS (1u << 16)
#define MAGIC "ukmon-kv log v1"

struct entry {
    struct entry *next;
    size_t klen, vlen;
    char *val;
    char key[];
};

static struct entry *table[BUCKETS];
static size_t count;
static uint64_t dev;
static uint64_t capacity;           /* bytes available to the log (disk minus header) */
static uint8_t *log_buf;            /* the log, sector-padded */
static size_t log_len, log_cap, dirty_from;

static uint32_t hash(const char *k, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; ++i)
        h = (h ^ (uint8_t)k[i]) * 16777619u;
    return h & (BUCKETS - 1);
}

static struct entry **find(const char *key, size_t klen)
{
    struct entry **e = &table[hash(key, klen)];
    while (*e && !((*e)->klen == klen && !memcmp((*e)->key, key, klen)))
        e = &(*e)->next;
    return e;
}

static int table_set(const char *key, size_t klen, const char *val, size_t vlen)
{
    struct entry **slot = find(key, klen);
    char *v = malloc(vlen + 1);
    if (!v)
        return -1;
    memcpy(v, val, vlen);
    v[vlen] = 0;
    if (!*slot) {
        struct entry *e = malloc(sizeof *e + klen + 1);
        if (!e) {
            free(v);
            return -1;
        }
        memcpy(e->key, key, klen);
        e->key[klen] = 0;
        e->klen = klen;
        e->val = NULL;
        e->next = NULL;
        *slot = e;
        ++count;
    }
    free((*slot)->val);
    (*slot)->val = v;
    (*slot)->vlen = vlen;
    return 0;
}

static int table_del(const char *key, size_t klen)
{
    struct entry **slot = find(key, klen), *e = *slot;
    if (!e)
        return 0;
    *slot = e->next;
    free(e->val);
    free(e);
    --count;
    return 1;
}

static int log_reserve(size_t more)
{
    size_t need = (log_len + more + SECTOR - 1) / SECTOR * SECTOR;
    if (need > capacity)
        return -1;
    if (need > log_cap) {
        size_t cap = log_cap ? log_cap : 65536;
        while (cap < need)
            cap *= 2;
        uint8_t *b = realloc(log_buf, cap);
        if (!b)
            return -1;
        memset(b + log_cap, 0, cap - log_cap);
        log_buf = b;
        log_cap = cap;
    }
    return 0;
}

static void log_put(char op, const char *key, size_t klen, const char *val, size_t vlen)
{
    uint32_t k = (uint32_t)klen, v = (uint32_t)vlen;
    uint8_t *p = log_buf + log_len;
    p[0] = (uint8_t)op;
    memcpy(p + 1, &k, 4);
    memcpy(p + 5, &v, 4);
    memcpy(p + 9, key, klen);
    memcpy(p + 9 + klen, val, vlen);
    if (log_len < dirty_from)
        dirty_from = log_len;
    log_len += 9 + klen + vlen;
}

/* Rewrites the log as one SET per key: the disk then holds the table and nothing else. */
static int compact(void)
{
    size_t need = 0;
    for (size_t b = 0; b < BUCKETS; ++b)
        for (struct entry *e = table[b]; e; e = e->next)
            need += 9 + e->klen + e->vlen;
    log_len = 0;
    dirty_from = 0;
    if (log_reserve(need) != 0)
        return -1;
    memset(log_buf, 0, log_cap);
    for (size_t b = 0; b < BUCKETS; ++b)
        for (struct entry *e = table[b]; e; e = e->next)
            log_put('S', e->key, e->klen, e->val, e->vlen);
    return 0;
}

static int log_append(char op, const char *key, size_t klen, const char *val, size_t vlen)
{
    size_t n = 9 + klen + vlen;
    if (log_reserve(n) != 0 && (compact() != 0 || log_reserve(n) != 0))
        return -1;
    log_put(op, key, klen, val, vlen);
    return 0;
}

static int unsynced;

int store_flush(int sync)
{
    if (dirty_from == SIZE_MAX)
        return sync && unsynced ? (unsynced = 0, uk_blkflush(dev) == UK_OK ? 0 : -1) : 0;
    size_t from = dirty_from / SECTOR * SECTOR, to = (log_len + SECTOR - 1) / SECTOR * SECTOR;
    if (to > from && uk_blkwrite(dev, SECTOR + from, log_buf + from, to - from) != UK_OK)
        return -1;
    uint8_t hdr[SECTOR] = {0};
    uint64_t len = log_len;
    memcpy(hdr, MAGIC, sizeof MAGIC);
    memcpy(hdr + 32, &len, 8);
    if (uk_blkwrite(dev, 0, hdr, SECTOR) != UK_OK || (sync && uk_blkflush(dev) != UK_OK))
        return -1;
    unsynced = !sync;
    dirty_from = SIZE_MAX;
    return 0;
}

static int replay(uint64_t len)
{
    if (len > capacity || log_reserve(len) != 0)
        return -1;
    size_t padded = (len + SECTOR - 1) / SECTOR * SECTOR;
    if (padded && uk_blkread(dev, SECTOR, log_buf, padded) != UK_OK)
        return -1;
    for (size_t off = 0; off < len;) {
        uint32_t k, v;
        if (len - off < 9)
            return -1;
        memcpy(&k, log_buf + off + 1, 4);
        memcpy(&v, log_buf + off + 5, 4);
        if ((uint64_t)k + v > len - off - 9)
            return -1;
        const char *key = (const char *)log_buf + off + 9;
        char op = (char)log_buf[off];
        if (op == 'S' ? table_set(key, k, key + k, v) != 0 : op == 'D' ? (table_del(key, k), 0) : 1)
            return -1;
        off += 9 + k + v;
    }
    log_len = len;
    return 0;
}

int store_open(const char *name)
{
    int64_t h = uk_device_handle(UK_DEV_BLK, name);
    struct uk_hc_blkinfo info;
    if (h < 0 || uk_blkinfo((uint64_t)h, &info) != UK_OK) {
        printf("kv: no disk '%s' attached (run with --block:%s=FILE, e.g. truncate -s 16M FILE)\n", name, name);
        return -1;
    }
    if (info.sector_size != SECTOR || info.read_only || info.capacity < 2 * SECTOR) {
        printf("kv: disk '%s' must be writable, with 512-byte sectors and at least 1 KiB\n", name);
        return -1;
    }
    dev = (uint64_t)h;
    capacity = info.capacity - SECTOR;
    dirty_from = SIZE_MAX;
    uint8_t hdr[SECTOR];
    if (uk_blkread(dev, 0, hdr, SECTOR) != UK_OK) {
        printf("kv: disk '%s': read error\n", name);
        return -1;
    }
    uint64_t len;
    memcpy(&len, hdr + 32, 8);
    if (!memcmp(hdr, MAGIC, sizeof MAGIC)) {
        if (replay(len) != 0) {
            printf("kv: disk '%s': the log is damaged\n", name);
            return -1;
        }
        return 0;
    }
    for (size_t i = 0; i < SECTOR; ++i)
        if (hdr[i]) {
            printf("kv: disk '%s' holds something else (no kv log, not empty): refusing to format it\n", name);
            return -1;
        }
    dirty_from = 0; /* a new, empty log: the flush writes its header */
    return log_reserve(0) == 0 && store_flush(1) == 0 ? 0 : -1;
}

const char *store_get(const char *key, size_t klen, size_t *vlen)
{
    struct entry *e = *find(key, klen);
    if (!e)
        return NULL;
    *vlen = e->vlen;
    return e->val;
}

int store_set(const char *key, size_t klen, const char *val, size_t vlen)
{
    if (log_append('S', key, klen, val, vlen) != 0)
        return -1;
    return table_set(key, klen, val, vlen);
}

int store_del(const char *key, size_t klen)
{
    if (!*find(key, klen))
        return 0;
    if (log_append('D', key, klen, "", 0) != 0)
        return 0;
    return table_del(key, klen);
}

size_t store_count(void) { return count; }
