/* ukmon guest API: what a C or C++ unikernel calls. Implemented by libukguest (guest-abi/lib).
 *
 * A guest defines `int main(int argc, char **argv)`; returning from it halts with that status.
 * Devices are declared once, at file scope, with UK_DECLARE_NET / UK_DECLARE_BLK. */
#ifndef UKMON_GUEST_H
#define UKMON_GUEST_H

#include <stddef.h>
#include <stdint.h>
#include <ukmon/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- manifest: one ELF note per declared device ---------------------------------------- */
struct uk_note_device_record {
    uint32_t namesz, descsz, type;
    char owner[8];                 /* "UKMON" padded to 4 bytes */
    struct uk_note_device desc;
};

#define UK_DECLARE_DEVICE_(kind, name)                                                          \
    __attribute__((section(".note.ukmon"), used, aligned(4)))                                  \
    static const struct uk_note_device_record uk_manifest_##name = {                           \
        6, sizeof(struct uk_note_device), UK_NOTE_DEVICE, UK_NOTE_NAME, {kind, #name}}
/* Declare a network interface / block device by name (an identifier, e.g. service).
 * Handles are positions in the manifest, i.e. the order the notes land in the ELF, which
 * the compiler may reverse: look them up by name with uk_device_handle(). */
#define UK_DECLARE_NET(name) UK_DECLARE_DEVICE_(UK_DEV_NET, name)
#define UK_DECLARE_BLK(name) UK_DECLARE_DEVICE_(UK_DEV_BLK, name)

/* ---- boot info and devices ------------------------------------------------------------- */
const struct uk_boot_info *uk_boot_info(void);
/* The handle of the declared device of this type and name, or -1. */
int64_t uk_device_handle(uint32_t type, const char *name);

/* ---- hypercall wrappers: return an enum uk_status ---------------------------------------- */
uint64_t uk_walltime_ns(void);              /* wall clock, ns since the UNIX epoch */
uint64_t uk_monotonic_ns(void);             /* from rdtsc; 0 at boot */
int uk_puts(const char *data, size_t len);  /* console output, exactly len bytes */
int uk_poll(uint64_t timeout_ns, uint64_t *ready_set);
int uk_blkinfo(uint64_t handle, struct uk_hc_blkinfo *info);
int uk_blkread(uint64_t handle, uint64_t offset, void *buf, size_t len);
int uk_blkwrite(uint64_t handle, uint64_t offset, const void *buf, size_t len);
int uk_blkflush(uint64_t handle);
int uk_netinfo(uint64_t handle, struct uk_hc_netinfo *info);
int uk_netwrite(uint64_t handle, const void *frame, size_t len);
int uk_netread(uint64_t handle, void *buf, size_t size, size_t *got);
/* Batches: one hypercall (one VM exit under kvm) for up to UK_NET_BATCH_MAX frames.
 * *done gets the number of frames written / read. */
int uk_netwritev(uint64_t handle, struct uk_net_frame *frames, size_t count, size_t *done);
int uk_netreadv(uint64_t handle, struct uk_net_frame *frames, size_t count, size_t *done);
/* Under kvm the net calls above go through the net ring (abi.h): frames to send are copied
 * and queued (the call returns at once, as a NIC's send does; a frame the TAP then refuses
 * is dropped, as a NIC drops it), and uk_poll reads ahead. Nothing to ask for: this call is
 * kept, doing nothing, for guests written when the ring had to be asked for. */
void uk_net_ring_enable(void);
/* len (at most UK_RANDOM_MAX) bytes from the host kernel's random generator. getentropy and
 * arc4random (newlib) are built on it. */
int uk_random(void *buf, size_t len);
__attribute__((noreturn)) void uk_halt(uint64_t status, const void *cookie, size_t cookie_len);

/* The raw gate, for tests that must pass what the wrappers never would. */
void uk_hypercall(uint64_t nr, void *arg);

#ifdef __cplusplus
}
#endif
#endif
