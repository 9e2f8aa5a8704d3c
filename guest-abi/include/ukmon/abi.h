/* ukmon guest ABI, version 1: the contract between a unikernel and the monitor.
 *
 * Plain freestanding C, shared byte for byte by the monitor (C++) and guests (C or C++).
 * Every field that crosses the boundary is a fixed-width integer; guest addresses are
 * uint64_t, never host pointers. Fields are marked IN (guest -> monitor), OUT (monitor ->
 * guest) or INOUT. Layout is fixed by the static asserts at the bottom. */
#ifndef UKMON_ABI_H
#define UKMON_ABI_H

#define UK_ABI_VERSION 1u
/* Number of hypercalls (== UK_HC_MAX); a macro so the monitor's gate assembly can use it. */
#define UK_HC_COUNT 17

#ifndef __ASSEMBLER__
#include <stdint.h>

/* The guest is a static ELF64 x86_64 executable linked at this address. */
#define UK_GUEST_LINK_BASE 0x100000ull

/* Hypercall numbers. A guest calls the gate (see uk_boot_info.hypercall_gate) as
 *   void gate(uint64_t nr, uint64_t arg)
 * where arg is the guest address of the call's argument struct below. Results come back in
 * the struct's OUT fields; `ret` is always a uk_status. Appending numbers before UK_HC_MAX
 * is the only compatible change; anything else bumps UK_ABI_VERSION. */
enum uk_hypercall {
    UK_HC_WALLTIME = 0,
    UK_HC_PUTS = 1,
    UK_HC_POLL = 2,
    UK_HC_BLKINFO = 3,
    UK_HC_BLKWRITE = 4,
    UK_HC_BLKREAD = 5,
    UK_HC_NETINFO = 6,
    UK_HC_NETWRITE = 7,
    UK_HC_NETREAD = 8,
    UK_HC_HALT = 9,
    UK_HC_BLKFLUSH = 10,  /* fsync the device now (it is also flushed at exit) */
    UK_HC_NETWRITEV = 11, /* many frames per call: one exit carries a batch */
    UK_HC_NETREADV = 12,
    UK_HC_RANDOM = 13,    /* bytes from the host kernel's random generator (getrandom(2)) */
    UK_HC_BLKRING = 14,   /* set up or wait on the blk ring (kvm): requests without exits */
    UK_HC_NETRING = 15,   /* set up or wait on the net ring (kvm): frames without exits */
    UK_HC_NETPOLL = 16,   /* the net ring's one exit: send what is queued, wait, read ahead */
    UK_HC_MAX
};

/* Result of a hypercall that the monitor accepted (a call it cannot accept at all, such as
 * an unknown number or an unreadable argument struct, ends the run instead). */
enum uk_status {
    UK_OK = 0,
    UK_EAGAIN = 1, /* would block: no frame to read */
    UK_EINVAL = 2, /* bad length, alignment, offset or flag */
    UK_EFAULT = 3, /* a data pointer is outside guest memory */
    UK_EBADF = 4,  /* no device with that handle, or not of that type */
    UK_EROFS = 5,  /* write to a read-only block device */
    UK_EIO = 6     /* the host's I/O failed */
};

enum uk_device_type { UK_DEV_NET = 1, UK_DEV_BLK = 2 };

#define UK_DEVICE_NAME_MAX 32u /* including the terminating NUL */
#define UK_MAX_DEVICES 16u
#define UK_HALT_COOKIE_MAX 256u
#define UK_NET_MAC_LEN 6u

/* ---- boot info: at a guest address passed to _start in %rdi ---------------------------- */

enum uk_backend_kind { UK_BACKEND_KVM = 1, UK_BACKEND_SECCOMP = 2 };

struct uk_device_info {
    uint32_t type;                   /* enum uk_device_type */
    uint32_t handle;                 /* pass this to the device's hypercalls */
    char name[UK_DEVICE_NAME_MAX];   /* as declared in the manifest, NUL-terminated */
};

struct uk_boot_info {
    uint32_t abi_version;     /* UK_ABI_VERSION */
    uint32_t backend;         /* enum uk_backend_kind, informational only */
    uint64_t mem_size;        /* guest memory is [0, mem_size); the image starts at 1 MiB */
    uint64_t heap_start;      /* first free byte after the image, page aligned */
    uint64_t heap_end;        /* heap may grow up to here; the stack lies above it */
    uint64_t tsc_hz;          /* rdtsc ticks per second; 0: use walltime's monotonic_nsecs */
    uint64_t hypercall_gate;  /* guest address of the gate function */
    uint64_t cmdline;         /* guest address: the guest arguments joined by spaces */
    uint64_t argc;            /* argv[0] is the program name */
    uint64_t argv;            /* guest address of argc+1 guest addresses (last is 0) */
    uint32_t device_count;
    uint32_t reserved;
    struct uk_device_info devices[UK_MAX_DEVICES];
    /* The guest's TSC and the host's wall clock (ns since the epoch) read at one instant by
     * the monitor (kvm), so the guest reads the wall clock without an exit:
     * wall = clock_wall_ns + (rdtsc - clock_tsc) / tsc_hz. Both 0: ask the walltime call. */
    uint64_t clock_tsc;
    uint64_t clock_wall_ns;
};

/* ---- the manifest: ELF notes the guest carries, read at bake and at boot ---------------- */

#define UK_NOTE_NAME "UKMON"          /* note owner; namesz is 6 */
#define UK_NOTE_ABI_VERSION 1u        /* desc: uint32_t version */
#define UK_NOTE_DEVICE 2u             /* desc: struct uk_note_device, one note per device */

struct uk_note_device {
    uint32_t type;                    /* enum uk_device_type */
    char name[UK_DEVICE_NAME_MAX];    /* NUL-terminated, [A-Za-z0-9_-], 1..31 chars */
};

/* ---- hypercall argument structs ------------------------------------------------------- */

struct uk_hc_walltime {
    int64_t ret;        /* OUT */
    uint64_t nsecs;     /* OUT: wall clock, nanoseconds since the UNIX epoch */
    uint64_t monotonic_nsecs; /* OUT: the host's monotonic clock (for guests without tsc_hz) */
};

struct uk_hc_puts {
    int64_t ret;        /* OUT */
    uint64_t data;      /* IN: guest address of the bytes */
    uint64_t len;       /* IN: byte count; all of them are written or ret is an error */
};

struct uk_hc_poll {
    int64_t ret;        /* OUT */
    uint64_t timeout_ns;/* IN: wait at most this long for any attached NIC to be readable */
    uint64_t ready_set; /* OUT: bit h set when the NIC with handle h is readable (or has
                           failed: its next read says how); 0 after a timeout */
};

struct uk_hc_blkinfo {
    int64_t ret;          /* OUT */
    uint64_t handle;      /* IN */
    uint64_t sector_size; /* OUT: bytes; offsets and lengths are multiples of it */
    uint64_t capacity;    /* OUT: bytes */
    uint64_t read_only;   /* OUT: 1 if writes are refused */
};

struct uk_hc_blkio {      /* UK_HC_BLKWRITE and UK_HC_BLKREAD */
    int64_t ret;          /* OUT */
    uint64_t handle;      /* IN */
    uint64_t offset;      /* IN: bytes from the start of the device, sector aligned */
    uint64_t data;        /* IN: guest address of the buffer */
    uint64_t len;         /* IN: bytes, a multiple of the sector size; many sectors per call */
};

struct uk_hc_netinfo {
    int64_t ret;          /* OUT */
    uint64_t handle;      /* IN */
    uint8_t mac[8];       /* OUT: the first UK_NET_MAC_LEN bytes */
    uint64_t mtu;         /* OUT: largest payload; a frame is at most mtu + 14 bytes */
};

struct uk_hc_netio {      /* UK_HC_NETWRITE and UK_HC_NETREAD */
    int64_t ret;          /* OUT: UK_EAGAIN from netread when no frame waits; UK_EINVAL from
                             netread when the frame is longer than len: the frame is dropped
                             (size read buffers mtu + 14 bytes, from netinfo) */
    uint64_t handle;      /* IN */
    uint64_t data;        /* IN: guest address of the frame buffer */
    uint64_t len;         /* IN: frame length, 14..mtu+14 (write), or buffer size, >= 14 (read) */
    uint64_t done_len;    /* OUT: bytes written or read */
};

struct uk_hc_blkflush {
    int64_t ret;          /* OUT */
    uint64_t handle;      /* IN */
};

#define UK_NET_BATCH_MAX 256u

struct uk_net_frame {     /* one element of a netwritev/netreadv vector */
    uint64_t data;        /* IN: guest address of the frame buffer */
    uint64_t len;         /* IN: frame length (write) or buffer size (read) */
    uint64_t done_len;    /* OUT: bytes written or read */
};

struct uk_hc_netv {       /* UK_HC_NETWRITEV and UK_HC_NETREADV */
    int64_t ret;          /* OUT: status of the first frame that did not complete, or UK_OK;
                             netreadv: UK_EAGAIN when the NIC ran dry, even after some frames */
    uint64_t handle;      /* IN */
    uint64_t frames;      /* IN: guest address of `count` struct uk_net_frame */
    uint64_t count;       /* IN: 1..UK_NET_BATCH_MAX */
    uint64_t done;        /* OUT: frames written, or frames read before the NIC ran dry */
};

struct uk_hc_halt {
    int64_t ret;          /* unused: halt does not return */
    uint64_t status;      /* IN: becomes the process exit code, 0..UK_HALT_STATUS_MAX */
    uint64_t cookie;      /* IN: guest address of up to UK_HALT_COOKIE_MAX bytes, or 0 */
    uint64_t cookie_len;  /* IN */
};

/* Random bytes, as getrandom(2) with no flags gives them: never the same bytes twice. */
#define UK_RANDOM_MAX 256u

struct uk_hc_random {
    int64_t ret;          /* OUT: UK_EINVAL when len > UK_RANDOM_MAX; UK_EFAULT; UK_EIO */
    uint64_t data;        /* IN: guest address of the buffer */
    uint64_t len;         /* IN: 0..UK_RANDOM_MAX bytes; all of them are filled or ret says why */
};

/* ---- the blk ring (kvm only): requests and completions in guest memory ------------------
 * The guest library owns one ring for all blk devices. It writes a descriptor, publishes it by
 * advancing sq_tail, rings the doorbell only when the monitor says its I/O thread sleeps
 * (need_kick), and polls `done`; it exits (UK_BLKRING_WAIT) only when it has waited a while.
 * The monitor's I/O thread copies each descriptor once, checks it, acts, writes its status and
 * advances `done`. Each field says who writes it: GUEST or MONITOR; the other side only reads
 * it, and the monitor never trusts a value it reads (nor re-reads one it wrote). */
#define UK_BLKRING_VERSION 1u
#define UK_BLKRING_SLOTS 32u      /* a power of two: slot = index % UK_BLKRING_SLOTS */

enum uk_blkring_op { UK_BLKRING_READ = 1, UK_BLKRING_WRITE = 2, UK_BLKRING_FLUSH = 3 };

struct uk_blkring_desc {          /* GUEST, before it publishes the slot; copied once */
    uint32_t op;                  /* enum uk_blkring_op */
    uint32_t handle;              /* a blk device handle */
    uint64_t offset;              /* as uk_hc_blkio (unused by FLUSH) */
    uint64_t data;                /* guest address of the buffer */
    uint64_t len;                 /* bytes, a multiple of the sector size */
};

struct uk_blkring {               /* 64-byte aligned, in memory the guest may write */
    uint64_t sq_tail;             /* GUEST: descriptors published (free-running) */
    uint64_t guest_pad[7];        /* its own cache line */
    uint64_t done;                /* MONITOR: descriptors completed (free-running); status of
                                     index i is valid once done > i */
    uint32_t need_kick;           /* MONITOR: 1 while the I/O thread sleeps: after publishing,
                                     `outb` to the doorbell port */
    uint32_t error;               /* MONITOR: a uk_status once the ring is broken (sq_tail
                                     moved by more than UK_BLKRING_SLOTS): nothing more is served */
    uint64_t taken;               /* MONITOR: descriptors a server has started on (free-running):
                                     a guest waiting for index i while taken <= i knows no one
                                     serves it yet, and exits to WAIT sooner */
    uint64_t monitor_pad[5];
    struct uk_blkring_desc desc[UK_BLKRING_SLOTS]; /* GUEST */
    int64_t status[UK_BLKRING_SLOTS];              /* MONITOR: uk_status of each request */
};

enum uk_blkring_call { UK_BLKRING_SETUP = 1, UK_BLKRING_WAIT = 2 };

struct uk_hc_blkring {
    int64_t ret;          /* OUT: SETUP: UK_OK, or UK_EINVAL when this backend has no ring (use
                             blkread/blkwrite) or one is set up already, UK_EFAULT for a bad
                             address. WAIT: UK_OK once done >= until, UK_EAGAIN after a while
                             without (ask again), the ring's error once it is broken */
    uint64_t op;          /* IN: enum uk_blkring_call */
    uint64_t ring;        /* IN (SETUP): guest address of a zeroed struct uk_blkring */
    uint64_t until;       /* IN (WAIT): return once this many descriptors are done */
    uint64_t doorbell;    /* OUT (SETUP): the I/O port whose 1-byte `outb` wakes the I/O thread */
};

/* ---- the net ring (kvm only): the same protocol as the blk ring, for frames ---------------
 * One ring for all NICs, owned by the guest library. A descriptor is one net call as the
 * hypercalls define it (netwrite, netread, netwritev, netreadv): its completion is exactly
 * what that hypercall would have returned. A guest need not wait for a write's completion
 * (the guest library does not, for frames it copied): the monitor serves every published
 * descriptor before it serves any net hypercall (so frames leave in the order they were
 * handed over), before a poll waits, and at exit, however the run ends; in between its I/O
 * thread takes them within UK_NETRING_DOZE_MS while it dozes. Frames are read only when a
 * READ or a UK_HC_NETPOLL asks, into the buffers it names: nothing is lost in the ring (a
 * full TAP queue drops and counts, as a NIC does). The header (sq_tail, done, need_kick,
 * error) is the blk ring's, at the same offsets. */
#define UK_NETRING_DOZE_MS 1u
#define UK_NETRING_SLOTS 32u      /* a power of two: slot = index % UK_NETRING_SLOTS */

enum uk_netring_op {
    UK_NETRING_WRITE = 1,         /* data/len: one frame, as uk_hc_netio */
    UK_NETRING_READ = 2,          /* data/len: one receive buffer, as uk_hc_netio */
    UK_NETRING_WRITEV = 3,        /* data: a struct uk_net_frame vector, len: its count */
    UK_NETRING_READV = 4          /* as uk_hc_netv; each element's done_len is written back */
};
/* Or'ed into op by a guest that will not wait for this completion (a frame it queued): served
 * the same; it only tells the I/O thread it need not keep polling for the guest's sake. */
#define UK_NETRING_QUEUED 0x80000000u

struct uk_netring_desc {          /* GUEST, before it publishes the slot; copied once */
    uint32_t op;                  /* enum uk_netring_op */
    uint32_t handle;              /* a net device handle */
    uint64_t data;                /* guest address of the frame, buffer or vector */
    uint64_t len;                 /* frame length, buffer size, or vector count */
};

struct uk_netring_completion {    /* MONITOR */
    int64_t status;               /* the uk_status the hypercall would have returned */
    uint64_t done;                /* done_len (WRITE, READ) or frames done (WRITEV, READV) */
};

struct uk_netring {               /* 64-byte aligned, in memory the guest may write */
    uint64_t sq_tail;             /* GUEST: descriptors published (free-running) */
    uint64_t guest_pad[7];        /* its own cache line */
    uint64_t done;                /* MONITOR: descriptors completed (free-running); the
                                     completion of index i is valid once done > i */
    uint32_t need_kick;           /* MONITOR: 0 while the I/O thread polls; UK_NETRING_DOZING
                                     while it looks every UK_NETRING_DOZE_MS (a guest about to
                                     wait for a completion kicks: `outb` to the doorbell port;
                                     one that only queues frames need not); UK_NETRING_ASLEEP
                                     once it sleeps until kicked (kick after publishing) */
    uint32_t error;               /* MONITOR: a uk_status once the ring is broken: nothing more
                                     is served */
    uint64_t taken;               /* MONITOR: as the blk ring's */
    uint64_t monitor_pad[5];
    struct uk_netring_desc desc[UK_NETRING_SLOTS];         /* GUEST */
    struct uk_netring_completion comp[UK_NETRING_SLOTS];   /* MONITOR */
};

enum uk_netring_kick { UK_NETRING_POLLING = 0, UK_NETRING_DOZING = 1, UK_NETRING_ASLEEP = 2 };

enum uk_netring_call { UK_NETRING_SETUP = 1, UK_NETRING_WAIT = 2 };

struct uk_hc_netring {    /* as uk_hc_blkring, for the net ring */
    int64_t ret;          /* OUT: SETUP: UK_OK, UK_EINVAL (no ring on this backend, or one is
                             set up already), UK_EFAULT. WAIT: UK_OK once done >= until,
                             UK_EAGAIN after a while without, the ring's error once broken */
    uint64_t op;          /* IN: enum uk_netring_call */
    uint64_t ring;        /* IN (SETUP): guest address of a zeroed struct uk_netring */
    uint64_t until;       /* IN (WAIT) */
    uint64_t doorbell;    /* OUT (SETUP): the I/O port whose 1-byte `outb` wakes the I/O thread */
};

/* UK_HC_NETPOLL: one exit for a guest with nothing to do (kvm, net ring set up): the monitor
 * serves what is published on the net ring, waits as UK_HC_POLL does, then, when the NIC
 * `handle` is readable and count > 0, reads into `frames` as UK_HC_NETREADV does. The
 * guest library reads ahead this way and hands the frames to the next uk_netread(v). */
struct uk_hc_netpoll {
    int64_t ret;          /* OUT: as uk_hc_poll's */
    uint64_t timeout_ns;  /* IN: as uk_hc_poll's */
    uint64_t ready_set;   /* OUT: as uk_hc_poll's */
    uint64_t handle;      /* IN: the NIC to read from once readable */
    uint64_t frames;      /* IN: guest address of `count` struct uk_net_frame (receive buffers) */
    uint64_t count;       /* IN: 0 (no read) ..UK_NET_BATCH_MAX */
    uint64_t got;         /* OUT: frames read */
    int64_t read_ret;     /* OUT: the read's status as uk_hc_netv's (UK_EAGAIN: the NIC ran
                             dry; UK_OK: every buffer filled, more may wait); UK_EAGAIN
                             when no read was made */
};

/* Exit statuses above this are reserved by the monitor (see docs/exit-codes). */
#define UK_HALT_STATUS_MAX 247u

/* ---- layout checks: these sizes are the ABI ------------------------------------------- */
#ifdef __cplusplus
#define UK_STATIC_ASSERT static_assert
#else
#define UK_STATIC_ASSERT _Static_assert
#endif
UK_STATIC_ASSERT(sizeof(struct uk_device_info) == 40, "uk_device_info layout");
UK_STATIC_ASSERT(sizeof(struct uk_boot_info) == 80 + 16 * 40 + 16, "uk_boot_info layout");
UK_STATIC_ASSERT(__builtin_offsetof(struct uk_boot_info, devices) == 80, "devices offset");
UK_STATIC_ASSERT(sizeof(struct uk_note_device) == 36, "uk_note_device layout");
UK_STATIC_ASSERT(sizeof(struct uk_hc_walltime) == 24, "walltime layout");
UK_STATIC_ASSERT(sizeof(struct uk_hc_puts) == 24, "puts layout");
UK_STATIC_ASSERT(sizeof(struct uk_hc_poll) == 24, "poll layout");
UK_STATIC_ASSERT(sizeof(struct uk_hc_blkinfo) == 40, "blkinfo layout");
UK_STATIC_ASSERT(sizeof(struct uk_hc_blkio) == 40, "blkio layout");
UK_STATIC_ASSERT(sizeof(struct uk_hc_netinfo) == 32, "netinfo layout");
UK_STATIC_ASSERT(sizeof(struct uk_hc_netio) == 40, "netio layout");
UK_STATIC_ASSERT(sizeof(struct uk_hc_halt) == 32, "halt layout");
UK_STATIC_ASSERT(sizeof(struct uk_hc_blkflush) == 16, "blkflush layout");
UK_STATIC_ASSERT(sizeof(struct uk_net_frame) == 24, "net frame layout");
UK_STATIC_ASSERT(sizeof(struct uk_hc_netv) == 40, "netv layout");
UK_STATIC_ASSERT(sizeof(struct uk_hc_random) == 24, "random layout");
UK_STATIC_ASSERT(__builtin_offsetof(struct uk_hc_random, len) == 16, "random len offset");
UK_STATIC_ASSERT(sizeof(struct uk_blkring_desc) == 32, "blkring desc layout");
UK_STATIC_ASSERT(__builtin_offsetof(struct uk_blkring, done) == 64, "blkring done offset");
UK_STATIC_ASSERT(__builtin_offsetof(struct uk_blkring, desc) == 128, "blkring desc offset");
UK_STATIC_ASSERT(__builtin_offsetof(struct uk_blkring, status) == 128 + 32 * UK_BLKRING_SLOTS, "blkring status");
UK_STATIC_ASSERT(sizeof(struct uk_blkring) == 128 + 40 * UK_BLKRING_SLOTS, "blkring layout");
UK_STATIC_ASSERT((UK_BLKRING_SLOTS & (UK_BLKRING_SLOTS - 1)) == 0, "blkring slots: a power of two");
UK_STATIC_ASSERT(sizeof(struct uk_hc_blkring) == 40, "blkring call layout");
UK_STATIC_ASSERT(sizeof(struct uk_netring_desc) == 24, "netring desc layout");
UK_STATIC_ASSERT(sizeof(struct uk_netring_completion) == 16, "netring completion layout");
UK_STATIC_ASSERT(__builtin_offsetof(struct uk_netring, done) == __builtin_offsetof(struct uk_blkring, done), "ring header");
UK_STATIC_ASSERT(__builtin_offsetof(struct uk_netring, need_kick) == __builtin_offsetof(struct uk_blkring, need_kick), "ring header");
UK_STATIC_ASSERT(__builtin_offsetof(struct uk_netring, error) == __builtin_offsetof(struct uk_blkring, error), "ring header");
UK_STATIC_ASSERT(__builtin_offsetof(struct uk_blkring, taken) == 80, "blkring taken offset");
UK_STATIC_ASSERT(__builtin_offsetof(struct uk_netring, taken) == __builtin_offsetof(struct uk_blkring, taken), "ring header");
UK_STATIC_ASSERT(__builtin_offsetof(struct uk_netring, desc) == 128, "netring desc offset");
UK_STATIC_ASSERT(__builtin_offsetof(struct uk_netring, comp) == 128 + 24 * UK_NETRING_SLOTS, "netring comp offset");
UK_STATIC_ASSERT(sizeof(struct uk_netring) == 128 + 40 * UK_NETRING_SLOTS, "netring layout");
UK_STATIC_ASSERT((UK_NETRING_SLOTS & (UK_NETRING_SLOTS - 1)) == 0, "netring slots: a power of two");
UK_STATIC_ASSERT(sizeof(struct uk_hc_netring) == 40, "netring call layout");
UK_STATIC_ASSERT(sizeof(struct uk_hc_netpoll) == 64, "netpoll layout");
UK_STATIC_ASSERT(UK_HC_MAX == UK_HC_COUNT, "UK_HC_COUNT must follow the enum");
#undef UK_STATIC_ASSERT

#endif /* __ASSEMBLER__ */
#endif
