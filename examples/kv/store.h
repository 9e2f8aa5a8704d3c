/* kv's data: a hash table in memory, and an append-only log of every change on a block
 * device, replayed at start-up and compacted when it fills the disk. */
#ifndef KV_STORE_H
#define KV_STORE_H
#include <stddef.h>

/* Opens the log on block device `dev` (formatting an empty disk) and replays it.
 * 0, or -1 after printing one line saying why. */
int store_open(const char *dev);
/* The value of key, or NULL. */
const char *store_get(const char *key, size_t klen, size_t *vlen);
/* 0, or -1 when memory or the disk is full. */
int store_set(const char *key, size_t klen, const char *val, size_t vlen);
/* 1 when the key existed. */
int store_del(const char *key, size_t klen);
size_t store_count(void);
/* Writes the changes not yet on the disk; with sync, also asks the host to sync the disk
 * (fsync), and does so even when nothing changed since the last write. 0 or -1. */
int store_flush(int sync);

#endif
