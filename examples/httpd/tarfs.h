/* A read-only file system from a tar archive on a block device (what `tar cf` makes, ustar
 * or GNU): the regular files are read into memory once, at start-up. */
#ifndef HTTPD_TARFS_H
#define HTTPD_TARFS_H
#include <stddef.h>
#include <stdint.h>

struct tar_file {
    char name[256]; /* without a leading "./" or "/" */
    const uint8_t *data;
    size_t size;
};

/* Loads the archive on block device `dev`. 0, or -1 after printing one line saying why. */
int tarfs_load(const char *dev);
/* The file of that name, or NULL. */
const struct tar_file *tarfs_find(const char *name, size_t len);
size_t tarfs_count(void);
size_t tarfs_bytes(void);

#endif
