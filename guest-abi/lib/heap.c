/* The allocator core: first-fit free list with boundary sizes and coalescing of neighbours. */
#include "heap.h"

#include <stdint.h>

#define ALIGN 16u
#define HDR 16u       /* header size; payloads start here, so they keep the block's alignment */
#define MIN_BLOCK 32u /* header plus the two free-list links */
#define USED 1u       /* low bit of block.size; sizes are multiples of ALIGN */

struct block {
    size_t size;      /* whole block including the header, | USED when allocated */
    size_t prev_size; /* size of the block just below; 0 for the first block */
    /* Free blocks only, stored in what is otherwise the payload: */
    struct block *next, *prev;
};

static size_t bsize(const struct block *b) { return b->size & ~(size_t)USED; }
static int used(const struct block *b) { return (b->size & USED) != 0; }
static struct block *after(const struct block *b) { return (struct block *)((uintptr_t)b + bsize(b)); }
static struct block *before(const struct block *b) { return (struct block *)((uintptr_t)b - b->prev_size); }

/* The block size that holds size bytes, or 0 when it cannot be represented. */
static size_t block_size_for(size_t size)
{
    if (size > SIZE_MAX - HDR - (ALIGN - 1))
        return 0;
    size_t need = (size + HDR + (ALIGN - 1)) & ~(size_t)(ALIGN - 1);
    return need < MIN_BLOCK ? MIN_BLOCK : need;
}

static void list_push(struct uk_heap *h, struct block *b)
{
    b->prev = NULL;
    b->next = h->free_list;
    if (b->next != NULL)
        b->next->prev = b;
    h->free_list = b;
}

static void list_remove(struct uk_heap *h, struct block *b)
{
    if (b->prev != NULL)
        b->prev->next = b->next;
    else
        h->free_list = b->next;
    if (b->next != NULL)
        b->next->prev = b->prev;
}

/* Sets b's size and keeps the boundary size in the block above it in step. */
static void set_size(struct block *b, size_t size, unsigned flag)
{
    b->size = size | flag;
    after(b)->prev_size = size;
}

void uk_heap_init(struct uk_heap *h, void *start, void *end)
{
    h->first = h->end = h->free_list = NULL;
    h->invalid_frees = 0;
    uintptr_t lo = (uintptr_t)start, hi = (uintptr_t)end;
    if (lo > UINTPTR_MAX - (ALIGN - 1))
        return;
    lo = (lo + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);
    hi &= ~(uintptr_t)(ALIGN - 1);
    /* Room for one minimal block and the end marker, or no heap at all. */
    if (hi < lo || hi - lo < MIN_BLOCK + HDR)
        return;
    struct block *first = (struct block *)lo;
    struct block *marker = (struct block *)(hi - HDR);
    marker->size = 0 | USED; /* stops coalescing and walks at the top */
    first->prev_size = 0;
    set_size(first, (uintptr_t)marker - lo, 0);
    h->first = first;
    h->end = marker;
    list_push(h, first);
}

/* Marks a block free, merges it with free neighbours and lists the result. */
static void release(struct uk_heap *h, struct block *b)
{
    set_size(b, bsize(b), 0);
    struct block *n = after(b);
    if (!used(n)) {
        list_remove(h, n);
        set_size(b, bsize(b) + bsize(n), 0);
    }
    if (b->prev_size != 0 && !used(before(b))) {
        struct block *p = before(b);
        list_remove(h, p);
        set_size(p, bsize(p) + bsize(b), 0);
        b = p;
    }
    list_push(h, b);
}

/* Cuts a used block down to size when the tail is big enough to be a block of its own. */
static void trim(struct uk_heap *h, struct block *b, size_t size)
{
    size_t rest = bsize(b) - size;
    if (rest < MIN_BLOCK)
        return;
    set_size(b, size, USED);
    struct block *tail = after(b);
    set_size(tail, rest, USED);
    tail->prev_size = size;
    release(h, tail);
}

void *uk_heap_alloc(struct uk_heap *h, size_t size)
{
    size_t need = block_size_for(size);
    if (need == 0)
        return NULL;
    for (struct block *b = h->free_list; b != NULL; b = b->next) {
        if (bsize(b) >= need) {
            list_remove(h, b);
            set_size(b, bsize(b), USED);
            trim(h, b, need);
            return (void *)((uintptr_t)b + HDR);
        }
    }
    return NULL;
}

/* The block whose payload is p, if p really is a live block of this heap; else NULL. Catches
 * double frees and stray pointers without ever reading outside the arena. */
static struct block *live_block(const struct uk_heap *h, const void *p)
{
    uintptr_t a = (uintptr_t)p, lo = (uintptr_t)h->first, hi = (uintptr_t)h->end;
    if (h->first == NULL || a % ALIGN != 0 || a < lo + HDR || a >= hi)
        return NULL;
    struct block *b = (struct block *)(a - HDR);
    size_t s = bsize(b);
    if (!used(b) || s < MIN_BLOCK || s % ALIGN != 0 || s > hi - (uintptr_t)b)
        return NULL;
    if (after(b)->prev_size != s)
        return NULL;
    if (b->prev_size != 0 && (b->prev_size > (uintptr_t)b - lo || bsize(before(b)) != b->prev_size))
        return NULL;
    if (b->prev_size == 0 && b != h->first)
        return NULL;
    return b;
}

void uk_heap_free(struct uk_heap *h, void *p)
{
    if (p == NULL)
        return;
    struct block *b = live_block(h, p);
    if (b == NULL) {
        h->invalid_frees++;
        return;
    }
    release(h, b);
}

void *uk_heap_realloc(struct uk_heap *h, void *p, size_t size)
{
    if (p == NULL)
        return uk_heap_alloc(h, size);
    struct block *b = live_block(h, p);
    if (b == NULL) {
        h->invalid_frees++;
        return NULL;
    }
    size_t need = block_size_for(size);
    if (need == 0)
        return NULL;
    size_t cur = bsize(b);
    if (need <= cur) {
        trim(h, b, need);
        return p;
    }
    /* Grow in place into a free block above: no copy, and no need for a second block. */
    struct block *n = after(b);
    if (!used(n) && cur + bsize(n) >= need) {
        list_remove(h, n);
        set_size(b, cur + bsize(n), USED);
        trim(h, b, need);
        return p;
    }
    void *q = uk_heap_alloc(h, size);
    if (q == NULL)
        return NULL;
    __builtin_memcpy(q, p, cur - HDR);
    release(h, b);
    return q;
}

/* Codes returned by uk_heap_check. */
enum {
    CHECK_OK = 0,
    CHECK_EMPTY_HEAP_HAS_LIST = 1, /* a heap with no arena has a free list */
    CHECK_BAD_SIZE = 2,            /* a block size is too small, unaligned or runs past the end */
    CHECK_BAD_PREV_SIZE = 3,       /* a boundary size does not match the block below */
    CHECK_ADJACENT_FREE = 4,       /* two free blocks touch: coalescing was missed */
    CHECK_BAD_END_MARKER = 5,      /* the end marker was overwritten */
    CHECK_BAD_LIST_NODE = 6,       /* a listed block is outside the arena, in use or mislinked */
    CHECK_LIST_COUNT = 7           /* the list and the walk disagree on the number of free blocks */
};

int uk_heap_check(const struct uk_heap *h)
{
    if (h->first == NULL)
        return h->free_list == NULL ? CHECK_OK : CHECK_EMPTY_HEAP_HAS_LIST;
    uintptr_t lo = (uintptr_t)h->first, hi = (uintptr_t)h->end;

    size_t nfree = 0, prev = 0;
    int prev_free = 0;
    const struct block *b = h->first;
    while ((uintptr_t)b != hi) {
        size_t s = bsize(b);
        if (s < MIN_BLOCK || s % ALIGN != 0 || s > hi - (uintptr_t)b)
            return CHECK_BAD_SIZE;
        if (b->prev_size != prev)
            return CHECK_BAD_PREV_SIZE;
        if (!used(b)) {
            if (prev_free)
                return CHECK_ADJACENT_FREE;
            nfree++;
        }
        prev_free = !used(b);
        prev = s;
        b = after(b);
    }
    const struct block *marker = h->end;
    if (marker->size != (0 | USED) || marker->prev_size != prev)
        return CHECK_BAD_END_MARKER;

    size_t listed = 0;
    const struct block *last = NULL;
    for (const struct block *f = h->free_list; f != NULL; f = f->next) {
        uintptr_t a = (uintptr_t)f;
        if (a < lo || a >= hi || a % ALIGN != 0 || used(f) || f->prev != last)
            return CHECK_BAD_LIST_NODE;
        if (++listed > nfree)
            return CHECK_LIST_COUNT; /* also stops on a cycle */
        last = f;
    }
    return listed == nfree ? CHECK_OK : CHECK_LIST_COUNT;
}
