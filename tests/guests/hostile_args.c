/* hostile_args: hands the raw gate hypercall numbers and argument-struct addresses that no
 * wrapper would, one command per guest argument, and prints what came back:
 *   call:NR:WHERE      hypercall NR (strtoul base 0, up to 2^64-1) with its argument struct
 *                      at WHERE; prints "call:NR:WHERE: calling", then (if the monitor
 *                      returns to the guest) "call:NR:WHERE: RETURNED ret=N"
 *   halt:STATUS:LEN    halt with a cookie of LEN bytes from a buffer of 4096 bytes
 *   haltat:STATUS:WHERE  halt with the cookie pointer at WHERE and a length of 16
 *   spin:0:0           loop forever (for tests that look at the running monitor)
 * WHERE is a number or one of the names below (addresses relative to this guest's memory):
 *   null 0x0 | low 0x10 | private 0x80000 (monitor-private area) | bootinfo (read-only) |
 *   gate 0xFF000 | text (main) | rodata | guard (the page below the stack) |
 *   straddle (8 bytes before the end of memory) | past (end of memory) |
 *   above4g 0x100000010 | wrap (2^64-8) | misaligned (a zeroed struct at an odd address in
 *   writable data) | stack (a zeroed struct on the stack)
 * Built as is it declares no device; hostile_args_blk and hostile_args_net add some, so the
 * device calls reach their module's checks instead of "no module serves it". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ukmon/guest.h>

#ifdef HOSTILE_DEVICES
HOSTILE_DEVICES
#endif

static unsigned char scratch[4096 + 64];
static const unsigned char constant[64] = {1};

static int lookup(const char *name, uint64_t *out, void *stack_struct)
{
    const struct uk_boot_info *bi = uk_boot_info();
    const uint64_t mem = bi->mem_size;
    static const struct {
        const char *name;
        int id;
    } names[] = {{"null", 0},  {"low", 1},     {"private", 2}, {"bootinfo", 3},   {"gate", 4},
                 {"text", 5},  {"rodata", 6},  {"guard", 7},   {"straddle", 8},   {"past", 9},
                 {"above4g", 10}, {"wrap", 11}, {"misaligned", 12}, {"stack", 13}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i) {
        if (strcmp(name, names[i].name) != 0)
            continue;
        switch (names[i].id) {
        case 0: *out = 0; break;
        case 1: *out = 0x10; break;
        case 2: *out = 0x80000; break;
        case 3: *out = (uint64_t)(uintptr_t)bi; break;
        case 4: *out = 0xFF000; break;
        case 5: *out = (uint64_t)(uintptr_t)&lookup; break;
        case 6: *out = (uint64_t)(uintptr_t)constant; break;
        case 7: *out = bi->heap_end; break;
        case 8: *out = mem - 8; break;
        case 9: *out = mem; break;
        case 10: *out = 0x100000010ull; break;
        case 11: *out = UINT64_MAX - 7; break;
        case 12: memset(scratch, 0, sizeof scratch); *out = (uint64_t)(uintptr_t)(scratch + 1); break;
        case 13: *out = (uint64_t)(uintptr_t)stack_struct; break;
        }
        return 0;
    }
    char *end;
    *out = strtoul(name, &end, 0);
    return *end ? -1 : 0;
}

static void run(const char *cmd)
{
    char word[16] = {0}, where[64] = {0};
    const char *p = strchr(cmd, ':');
    const char *q = p ? strchr(p + 1, ':') : 0;
    if (!p || !q || (size_t)(p - cmd) >= sizeof word || strlen(q + 1) >= sizeof where) {
        printf("%s: BADCOMMAND\n", cmd);
        return;
    }
    memcpy(word, cmd, (size_t)(p - cmd));
    strcpy(where, q + 1);
    char *end;
    uint64_t first = strtoul(p + 1, &end, 0);
    uint64_t on_stack[8] = {0};
    uint64_t addr;
    if (end != q || lookup(where, &addr, on_stack) != 0) {
        printf("%s: BADCOMMAND\n", cmd);
        return;
    }
    if (strcmp(word, "call") == 0) {
        printf("%s: calling\n", cmd);
        uk_hypercall(first, (void *)(uintptr_t)addr);
        /* The struct's first field is always `ret` (when the monitor could write it). */
        long long ret = -1;
        if (addr == (uint64_t)(uintptr_t)on_stack || (addr >= (uint64_t)(uintptr_t)scratch &&
                                                       addr < (uint64_t)(uintptr_t)scratch + sizeof scratch))
            memcpy(&ret, (void *)(uintptr_t)addr, sizeof ret);
        printf("%s: RETURNED ret=%lld\n", cmd, ret);
    } else if (strcmp(word, "halt") == 0) {
        printf("%s: halting\n", cmd);
        memset(scratch, 'c', sizeof scratch);
        uk_halt(first, scratch, (size_t)addr);
    } else if (strcmp(word, "spin") == 0) {
        for (volatile uint64_t i = 0;; ++i) {
        }
    } else if (strcmp(word, "haltat") == 0) {
        printf("%s: halting\n", cmd);
        uk_halt(first, (const void *)(uintptr_t)addr, 16);
    } else {
        printf("%s: BADCOMMAND\n", cmd);
    }
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i)
        run(argv[i]);
    return 0;
}
