// recognise_personality: the one place that lists the guest ABIs this monitor speaks.
#include "monitor/personality.hpp"

#include <solo5/abi.h>

#include "monitor/abi/solo5/personality.hpp"
#include "monitor/abi/ukmon/personality.hpp"
#include "monitor/error.hpp"
#include "monitor/exit_codes.hpp"

namespace ukmon {

uint64_t Personality::max_halt_status() const { return exit_code::guest_max; }

int exit_code_by_note_owner(std::span<const std::byte> elf, int code) {
    try {
        GuestImage img = parse_guest_image(elf);
        for (const ElfNote& n : img.notes)
            if (n.owner == SOLO5_NOTE_NAME) return abi_solo5::exit_code(code, nullptr);
    } catch (const std::exception&) {
    }
    return code;
}

std::unique_ptr<Personality> recognise_personality(const GuestImage& image) {
    if (auto p = abi_ukmon::recognise(image)) return p;
    if (auto p = abi_solo5::recognise(image)) return p;
    if (!image.interp.empty()) throw UsageError("guest ELF: dynamically linked; a guest must be static");
    throw UsageError("guest ELF: no UKMON ABI version note and no Solo5 ABI note: not a ukmon or Solo5 guest "
                     "(link with libukguest)");
}

}  // namespace ukmon
