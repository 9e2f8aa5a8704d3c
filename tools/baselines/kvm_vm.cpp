// Baseline for the kvm lines of the bench table: the least a monitor can do to run a guest
// the way ukmon's kvm backend does. Same VM set-up (one vCPU, guest memory aligned to 2 MiB
// with MADV_HUGEPAGE, ukmon's own page tables/GDT/IDT/TSS from libukmon's
// x86::build_long_mode, the same CPUID and MSRs, CPL3 entry), but no ELF, no CLI, no
// dispatcher: the "guest" is a few hand-assembled bytes.
//
//   kvm_vm boot          one `out` exit, then exit(0)          (kvm boot-to-exit baseline)
//   kvm_vm loop N        N bare port-I/O exits; prints ns/exit, the fastest of three chunks
//                        of N/3 (kvm hypercall baseline)
//
// Output: `bench: key=value` lines, like the bench guests.
#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>

#include "arch/x86_64/kvm_cpu_state.hpp"
#include "arch/x86_64/kvm_uapi.hpp"
#include "arch/x86_64/long_mode.hpp"
#include "backends/kvm/guest_ram.hpp"
#include "monitor/abi/ukmon/rights.hpp"
#include "monitor/segment_loader.hpp"
#include "monitor/guest_image.hpp"
#include "monitor/guest_memory.hpp"

#include <ukmon/abi.h>

namespace {

constexpr uint64_t mem_size = 64ull << 20;  // ukmon's default --mem
constexpr uint16_t loop_port = 0x500;       // walltime's port: what the hypercall loop uses
constexpr uint16_t done_port = 0x509;       // halt's port

// The guest, at 0x100000, entered at CPL3 with rdi = iteration count:
//   1: mov $0x500,%edx ; out %eax,(%dx) ; dec %rdi ; jnz 1b
//      mov $0x509,%edx ; out %eax,(%dx) ; ud2
// With rdi = 1 it is exactly one exit on the loop port, then the done exit.
const unsigned char loop_code[] = {
    0xBA, 0x00, 0x05, 0x00, 0x00,  // mov $0x500, %edx
    0xEF,                          // out %eax, (%dx)
    0x48, 0xFF, 0xCF,              // dec %rdi
    0x75, 0xF5,                    // jnz -11
    0xBA, 0x09, 0x05, 0x00, 0x00,  // mov $0x509, %edx
    0xEF,                          // out %eax, (%dx)
    0x0F, 0x0B,                    // ud2
};
// The boot baseline: exactly one exit.
const unsigned char boot_code[] = {
    0xBA, 0x09, 0x05, 0x00, 0x00,  // mov $0x509, %edx
    0xEF,                          // out %eax, (%dx)
    0x0F, 0x0B,                    // ud2
};

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "kvm_vm: %s: %s\n", what, std::strerror(errno));
    std::exit(2);
}

int xioctl(int fd, unsigned long req, const char* what, auto arg) {
    int r = ::ioctl(fd, req, arg);
    if (r < 0) die(what);
    return r;
}

// kvm_cpuid2 / kvm_msrs with the kernel's layout: the backend's own.
using ukmon::kvm::CpuidBuffer;
using ukmon::kvm::MsrBuffer;
using ukmon::kvm::get_supported_cpuid;
using ukmon::kvm::max_cpuid_entries;
using ukmon::kvm::set_cpuid2;
using ukmon::kvm::set_msrs;

uint64_t now_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

}  // namespace

int main(int argc, char** argv) {
    bool loop = argc >= 2 && std::strcmp(argv[1], "loop") == 0;
    if (argc < 2 || (!loop && std::strcmp(argv[1], "boot") != 0)) {
        std::fprintf(stderr, "usage: kvm_vm boot | kvm_vm loop N\n");
        return 2;
    }
    uint64_t n = loop && argc >= 3 ? std::strtoull(argv[2], nullptr, 10) : 1;
    if (n == 0) n = 1;

    int kvm = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) die("open /dev/kvm");
    if (xioctl(kvm, KVM_GET_API_VERSION, "KVM_GET_API_VERSION", 0) != KVM_API_VERSION) die("API version");
    int vm = xioctl(kvm, KVM_CREATE_VM, "KVM_CREATE_VM", 0);

    // Guest memory exactly as the backend maps and advises it (the same functions).
    ukmon::Mapping ram = ukmon::kvm::map_guest_ram(mem_size);
    auto* host = static_cast<std::byte*>(ram.data());

    kvm_userspace_memory_region region{};
    region.memory_size = mem_size;
    region.userspace_addr = reinterpret_cast<uint64_t>(host);
    xioctl(vm, KVM_SET_USER_MEMORY_REGION, "KVM_SET_USER_MEMORY_REGION", &region);
    int vcpu = xioctl(vm, KVM_CREATE_VCPU, "KVM_CREATE_VCPU", 0);
    int run_size = xioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, "KVM_GET_VCPU_MMAP_SIZE", 0);
    auto* run = static_cast<kvm_run*>(::mmap(nullptr, size_t(run_size), PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0));
    if (run == MAP_FAILED) die("mmap kvm_run");

    // ukmon's own long-mode layout, for a one-page "image" holding the code above.
    const unsigned char* code = loop ? loop_code : boot_code;
    size_t code_len = loop ? sizeof loop_code : sizeof boot_code;
    ukmon::GuestImage img;
    img.bytes = std::span<const std::byte>(reinterpret_cast<const std::byte*>(code), code_len);
    img.entry = UK_GUEST_LINK_BASE;
    img.segments.push_back({UK_GUEST_LINK_BASE, 4096, 0, code_len, true, false, true});
    img.image_end = UK_GUEST_LINK_BASE + 4096;
    ukmon::GuestMemory full(host, 0, mem_size);
    ukmon::load_segments(full, img);
    ukmon::GuestRights rights = ukmon::abi_ukmon::guest_rights(img, mem_size, true);
    auto c = ukmon::x86::build_long_mode(full, rights, mem_size, false);
    ukmon::kvm::advise_huge_pages(ram, [&](uint64_t base) { return ukmon::x86::maps_large_page(base, rights); });
    (void)::ioctl(vcpu, KVM_GET_TSC_KHZ, 0);  // the backend asks too (boot info tsc_hz)

    auto cpuid = std::make_unique<CpuidBuffer>();
    cpuid->nent = max_cpuid_entries;
    xioctl(kvm, get_supported_cpuid, "KVM_GET_SUPPORTED_CPUID", cpuid.get());
    ukmon::kvm::hide_nested_virtualization(*cpuid);
    xioctl(vcpu, set_cpuid2, "KVM_SET_CPUID2", cpuid.get());

    kvm_sregs s{};
    xioctl(vcpu, KVM_GET_SREGS, "KVM_GET_SREGS", &s);
    ukmon::kvm::apply_cpu_setup(s, c);
    xioctl(vcpu, KVM_SET_SREGS, "KVM_SET_SREGS", &s);
    MsrBuffer msrs = ukmon::kvm::syscall_msrs(c);
    xioctl(vcpu, set_msrs, "KVM_SET_MSRS", &msrs);
    kvm_regs r{};
    r.rip = img.entry;
    r.rsp = mem_size;
    r.rdi = n;
    r.rflags = c.rflags;
    xioctl(vcpu, KVM_SET_REGS, "KVM_SET_REGS", &r);

    // The run loop: only what ukmon's loop does for an `out`. In loop mode the exits are
    // timed in three chunks and the fastest chunk is reported, like the guests' passes.
    uint64_t exits = 0, chunk = n / 3 ? n / 3 : 1, t_chunk = 0;
    double best = 0;
    for (;;) {
        if (::ioctl(vcpu, KVM_RUN, 0) < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            die("KVM_RUN");
        }
        if (run->exit_reason != KVM_EXIT_IO) {
            std::fprintf(stderr, "kvm_vm: unexpected exit reason %u\n", run->exit_reason);
            return 3;
        }
        if (run->io.port == done_port) break;
        if (run->io.port != loop_port) {
            std::fprintf(stderr, "kvm_vm: unexpected port 0x%x\n", run->io.port);
            return 3;
        }
        if (!loop) continue;
        if (exits % chunk == 0) {  // a chunk of `chunk` round trips ends here
            uint64_t t = now_ns();
            double per = double(t - t_chunk) / double(chunk);
            if (exits > 0 && (best == 0 || per < best)) best = per;
            t_chunk = t;
        }
        ++exits;
    }
    if (loop)
        std::printf("bench: kvm_bare_exit_loop n=%llu ns_per_exit=%.1f\n", (unsigned long long)exits, best);
    return 0;
}
