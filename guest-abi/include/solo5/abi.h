/* The Solo5 guest ABI (version 2; manifest version 1) as binary facts, for the monitor's
 * Solo5 personality (monitor/abi/solo5/) and for our own Solo5-ABI test guests
 * (tests/solo5/). Written from Solo5's public headers and documentation (hvt_abi.h,
 * spt_abi.h, mft_abi.h, elf_abi.h): same layouts, our own names. Plain C, freestanding;
 * every layout is pinned by a static assertion. Guest pointers are uint64_t here: the
 * monitor never dereferences them (one door into guest memory: GuestMemory). */
#ifndef SOLO5_ABI_H
#define SOLO5_ABI_H

#include <stdint.h>

#ifdef __cplusplus
#define SOLO5_STATIC_ASSERT static_assert
#else
#define SOLO5_STATIC_ASSERT _Static_assert
#endif

/* ---- ELF notes (owner "Solo5") ----------------------------------------------------------- */
#define SOLO5_NOTE_NAME "Solo5"
#define SOLO5_NOTE_ABI 0x31494241u /* "ABI1": struct solo5_abi_info */
#define SOLO5_NOTE_MFT 0x3154464du /* "MFT1": SOLO5_MFT_NOTE_PAD bytes, then struct solo5_mft */

enum solo5_abi_target { SOLO5_TARGET_HVT = 1, SOLO5_TARGET_SPT = 2 };
#define SOLO5_ABI_VERSION 2u

struct solo5_abi_info {
    uint32_t target;  /* enum solo5_abi_target */
    uint32_t version; /* SOLO5_ABI_VERSION */
    uint32_t reserved0, reserved1;
};
SOLO5_STATIC_ASSERT(sizeof(struct solo5_abi_info) == 16, "abi info layout");

/* The manifest. Entry 0 is reserved (type SOLO5_MFT_RESERVED_FIRST, empty name); a device's
 * handle is its index. At most SOLO5_MFT_MAX_ENTRIES entries, so 63 devices. */
#define SOLO5_MFT_VERSION 1u
enum solo5_mft_type {
    SOLO5_MFT_BLOCK_BASIC = 1,
    SOLO5_MFT_NET_BASIC = 2,
    SOLO5_MFT_RESERVED_FIRST = 1u << 30
};
#define SOLO5_MFT_NAME_SIZE 68 /* bytes, including the terminating NUL */
#define SOLO5_MFT_MAX_ENTRIES 64u

struct solo5_mft_entry {
    char name[SOLO5_MFT_NAME_SIZE];
    uint32_t type; /* enum solo5_mft_type */
    union {
        struct {
            uint64_t capacity;   /* bytes */
            uint16_t block_size; /* bytes */
        } block;
        struct {
            uint8_t mac[6];
            uint16_t mtu;
        } net;
    } u;            /* filled by the monitor in the guest's copy */
    union {
        int32_t hostfd; /* spt: the host fd the guest makes its system calls on */
        uint64_t data;
    } b;
    uint8_t attached; /* 0 in the ELF; 1 in the guest's copy once attached */
};
SOLO5_STATIC_ASSERT(sizeof(struct solo5_mft_entry) == 104, "manifest entry layout");

struct solo5_mft {
    uint32_t version; /* SOLO5_MFT_VERSION */
    uint32_t entries;
    struct solo5_mft_entry e[];
};
SOLO5_STATIC_ASSERT(sizeof(struct solo5_mft) == 8, "manifest header layout");

/* The note header (12 bytes + "Solo5\0" padded to 8) is 20 bytes and the manifest is 8-byte
 * aligned, so its descriptor starts with 4 bytes of padding. */
#define SOLO5_MFT_NOTE_PAD 4u

/* ---- hvt: a KVM guest at CPL0, hypercalls by port I/O --------------------------------------- */
#define SOLO5_HVT_PIO_BASE 0x500u
enum solo5_hvt_hypercall {
    SOLO5_HVT_WALLTIME = 1,
    SOLO5_HVT_PUTS,
    SOLO5_HVT_POLL,
    SOLO5_HVT_BLOCK_WRITE,
    SOLO5_HVT_BLOCK_READ,
    SOLO5_HVT_NET_WRITE,
    SOLO5_HVT_NET_READ,
    SOLO5_HVT_HALT,
    SOLO5_HVT_MAX
};

/* Guest-physical memory map below the image (the guest sets up its own GDT/IDT/TSS). */
#define SOLO5_HVT_GDT_BASE 0x1000u
#define SOLO5_HVT_PML4_BASE 0x2000u
#define SOLO5_HVT_PDPTE_BASE 0x3000u
#define SOLO5_HVT_PDE_BASE 0x4000u
#define SOLO5_HVT_BOOT_INFO_BASE 0x5000u /* boot info, then the manifest, then the command line */
#define SOLO5_HVT_GUEST_MIN_BASE 0x100000u
#define SOLO5_HVT_CMDLINE_SIZE 8192u
#define SOLO5_HVT_HALT_COOKIE_MAX 512u

struct solo5_hvt_boot_info {
    uint64_t mem_size;
    uint64_t kernel_end;
    uint64_t cpu_cycle_freq; /* TSC Hz */
    uint64_t cmdline;        /* guest address of a C string */
    uint64_t mft;            /* guest address of the manifest */
};
SOLO5_STATIC_ASSERT(sizeof(struct solo5_hvt_boot_info) == 40, "hvt boot info layout");

struct solo5_hvt_walltime { uint64_t nsecs; /* OUT */ };
struct solo5_hvt_puts { uint64_t data; uint64_t len; /* IN */ };
struct solo5_hvt_block_write {
    uint64_t handle, offset, data, len; /* IN */
    int32_t ret;                        /* OUT: 0 or a solo5_result */
};
struct solo5_hvt_block_read {
    uint64_t handle, offset, data; /* IN */
    uint64_t len;                  /* IN/OUT */
    int32_t ret;                   /* OUT */
};
struct solo5_hvt_net_write {
    uint64_t handle, data, len; /* IN */
    int32_t ret;                /* OUT */
};
struct solo5_hvt_net_read {
    uint64_t handle, data; /* IN */
    uint64_t len;          /* IN/OUT */
    int32_t ret;           /* OUT */
};
struct solo5_hvt_poll {
    uint64_t timeout_nsecs; /* IN: relative */
    uint64_t ready_set;     /* OUT: bit n = handle n readable */
    int32_t ret;            /* OUT */
};
struct solo5_hvt_halt {
    uint64_t cookie;     /* IN: guest address of up to SOLO5_HVT_HALT_COOKIE_MAX bytes, or 0 */
    int32_t exit_status; /* IN */
};
SOLO5_STATIC_ASSERT(sizeof(struct solo5_hvt_block_write) == 40, "hvt block write layout");
SOLO5_STATIC_ASSERT(sizeof(struct solo5_hvt_block_read) == 40, "hvt block read layout");
SOLO5_STATIC_ASSERT(sizeof(struct solo5_hvt_net_write) == 32, "hvt net write layout");
SOLO5_STATIC_ASSERT(sizeof(struct solo5_hvt_net_read) == 32, "hvt net read layout");
SOLO5_STATIC_ASSERT(sizeof(struct solo5_hvt_poll) == 24, "hvt poll layout");
SOLO5_STATIC_ASSERT(sizeof(struct solo5_hvt_halt) == 16, "hvt halt layout");

/* solo5_result_t, as the hypercalls' ret fields carry it. */
enum solo5_result { SOLO5_R_OK = 0, SOLO5_R_AGAIN = 1, SOLO5_R_EINVAL = 2, SOLO5_R_EUNSPEC = 3 };
/* solo5_exit / solo5_abort statuses. */
#define SOLO5_EXIT_SUCCESS 0
#define SOLO5_EXIT_FAILURE 1
#define SOLO5_EXIT_ABORT 255

/* ---- spt: a process behind a seccomp filter, raw Linux system calls ------------------------- */
#define SOLO5_SPT_HOST_MEM_BASE 0x10000u  /* guest memory starts here (vm.mmap_min_addr) */
#define SOLO5_SPT_BOOT_INFO_BASE 0x11000u /* boot info, then the manifest, then the command line */
#define SOLO5_SPT_GUEST_MIN_BASE 0x100000u
#define SOLO5_SPT_CMDLINE_SIZE 8192u
#define SOLO5_SPT_TIMERFD_ID 0xfffffffeu /* epoll data of the internal timerfd */

struct solo5_spt_boot_info {
    uint64_t mem_size;
    uint64_t kernel_end;
    uint64_t cmdline; /* address of a C string */
    uint64_t mft;     /* address of the manifest (attached, with host fds) */
    int32_t epollfd;  /* epoll set: the NICs (data = handle) and the timerfd */
    int32_t timerfd;  /* the guest arms it (timerfd_settime) to bound an epoll_pwait */
};
SOLO5_STATIC_ASSERT(sizeof(struct solo5_spt_boot_info) == 40, "spt boot info layout");

#endif /* SOLO5_ABI_H */
