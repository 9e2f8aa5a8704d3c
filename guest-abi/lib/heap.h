/* Internal: the allocator core behind malloc, over an explicit arena. Pure, host-testable. */
#ifndef UKMON_GUEST_HEAP_H
#define UKMON_GUEST_HEAP_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Blocks carry a 16-byte header (size, size of the block before) and are laid out back to
 * back from the arena's start to an end marker; free blocks are also on a first-fit list and
 * never sit next to each other (freeing merges neighbours). Single-threaded. */
struct uk_heap {
    void *first;          /* first block header; NULL when the arena holds no block */
    void *end;            /* the end marker header */
    void *free_list;      /* first free block */
    size_t invalid_frees; /* free/realloc calls refused: not a live block (e.g. double free) */
};

/* Takes [start, end) as the arena (trimmed to 16-byte alignment). An arena too small for one
 * block gives a heap on which every allocation returns NULL. */
void uk_heap_init(struct uk_heap *h, void *start, void *end);

/* A 16-byte aligned block of at least size bytes, or NULL when no free block is big enough
 * (sizes near SIZE_MAX included). size 0 gives a unique minimal block. */
void *uk_heap_alloc(struct uk_heap *h, size_t size);

/* Returns p's block to the heap. NULL is ignored. A pointer that is not a live block (double
 * free, interior pointer, foreign memory) is not touched: invalid_frees is incremented. */
void uk_heap_free(struct uk_heap *h, void *p);

/* C's realloc: NULL p allocates; otherwise resizes in place when possible, else moves the
 * contents (up to the smaller size) to a new block. On failure returns NULL and p is intact.
 * size 0 shrinks p to a minimal block (it is not freed). An invalid p counts as an invalid
 * free and returns NULL. */
void *uk_heap_realloc(struct uk_heap *h, void *p, size_t size);

/* Walks every block and the free list. Returns 0 when all invariants hold, otherwise a
 * positive code naming the first broken one (see heap.c). */
int uk_heap_check(const struct uk_heap *h);

#ifdef __cplusplus
}
#endif
#endif
