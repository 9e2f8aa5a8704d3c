/* blkstore: a small key-value store on the blk device "storage" that survives restarts.
 *
 *   blkstore --block:storage=disk.img -- put KEY VALUE
 *   blkstore --block:storage=disk.img -- get KEY        (prints VALUE)
 *   blkstore --block:storage=disk.img -- list           (prints every key)
 *   blkstore --block:storage=disk.img -- del KEY
 *
 * Exit status: 0 done, 1 no such key, 2 corrupt disk, 3 store full or disk too small,
 * 4 I/O error or read-only disk, 64 bad usage. */
#include <stdio.h>
#include <string.h>
#include <ukmon/guest.h>

#include "store.h"

UK_DECLARE_BLK(storage);

#define EXIT_USAGE 64

static int usage(void)
{
    printf("usage: blkstore --block:storage=FILE -- put KEY VALUE | get KEY | list | del KEY\n"
           "  KEY: 1..%u bytes, VALUE: 0..%u bytes, no newlines\n",
           STORE_KEY_MAX, STORE_VALUE_MAX);
    return EXIT_USAGE;
}

static int valid(const char *what, const char *text, size_t min, size_t max)
{
    size_t len = strlen(text);
    if (len < min || len > max || strchr(text, '\n')) {
        printf("blkstore: the %s must be %u..%u bytes without newlines\n", what, (unsigned)min,
               (unsigned)max);
        return 0;
    }
    return 1;
}

static int print_key(void *ctx, uint32_t slot, const char *key, size_t key_len, const char *value,
                     size_t value_len)
{
    (void)ctx, (void)slot, (void)value, (void)value_len;
    printf("%.*s\n", (int)key_len, key);
    return 0;
}

static int not_found(const char *key)
{
    printf("blkstore: no key '%s'\n", key);
    return STORE_NOT_FOUND;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";
    int want = strcmp(cmd, "put") == 0 ? 4 : strcmp(cmd, "get") == 0 || strcmp(cmd, "del") == 0 ? 3
             : strcmp(cmd, "list") == 0 ? 2 : -1;
    if (want < 0 || argc != want)
        return usage();
    if (argc > 2 && !valid("key", argv[2], 1, STORE_KEY_MAX))
        return EXIT_USAGE;
    if (argc > 3 && !valid("value", argv[3], 0, STORE_VALUE_MAX))
        return EXIT_USAGE;

    static struct store s;
    enum store_result r = store_open(&s);
    if (r != STORE_OK)
        return (int)r;
    if (strcmp(cmd, "put") == 0)
        return (int)store_put(&s, argv[2], argv[3]);
    if (strcmp(cmd, "del") == 0) {
        r = store_del(&s, argv[2]);
        return r == STORE_NOT_FOUND ? not_found(argv[2]) : (int)r;
    }
    if (strcmp(cmd, "list") == 0)
        return (int)store_scan(&s, print_key, NULL);
    static char value[STORE_VALUE_MAX + 1];
    size_t len = 0;
    r = store_get(&s, argv[2], value, &len);
    if (r == STORE_NOT_FOUND)
        return not_found(argv[2]);
    if (r == STORE_OK)
        printf("%.*s\n", (int)len, value);
    return (int)r;
}
