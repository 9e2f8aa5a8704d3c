/* Guest malloc family: one uk_heap over the boot info's heap range, set up on first use. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ukmon/guest.h>

#include "heap.h"

static struct uk_heap heap;
static int heap_ready;

/* Lazy, so the heap exists whatever runs first (constructors included); guests are
 * single-threaded, so no locking. */
static struct uk_heap *the_heap(void)
{
    if (!heap_ready) {
        const struct uk_boot_info *bi = uk_boot_info();
        uk_heap_init(&heap, (void *)(uintptr_t)bi->heap_start, (void *)(uintptr_t)bi->heap_end);
        heap_ready = 1;
    }
    return &heap;
}

/* A bad free means the guest's memory is already corrupt: stop before it spreads. */
__attribute__((noreturn)) static void bad_pointer(const char *what)
{
    uk_puts(what, strlen(what));
    abort();
}

void *malloc(size_t size)
{
    return uk_heap_alloc(the_heap(), size);
}

void *calloc(size_t count, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(count, size, &total))
        return NULL;
    void *p = uk_heap_alloc(the_heap(), total);
    if (p != NULL)
        memset(p, 0, total); /* reused blocks hold old data */
    return p;
}

void *realloc(void *ptr, size_t size)
{
    struct uk_heap *h = the_heap();
    size_t bad = h->invalid_frees;
    void *p = uk_heap_realloc(h, ptr, size);
    if (h->invalid_frees != bad)
        bad_pointer("realloc(): invalid pointer\n");
    return p;
}

void free(void *ptr)
{
    struct uk_heap *h = the_heap();
    size_t bad = h->invalid_frees;
    uk_heap_free(h, ptr);
    if (h->invalid_frees != bad)
        bad_pointer("free(): invalid pointer\n");
}

char *strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}
