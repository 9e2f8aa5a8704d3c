// Fuzz target: the guest process's report (monitor/guest_process_report.hpp), which the
// guardian reads from a page the guest can write. Any bytes: checked or refused, never a
// crash; a checked report's fields are in range and its --stats JSON is complete and has
// every string escaped.
#include <cstring>
#include <string>

#include "monitor/guest_process_report.hpp"
#include "monitor/stats.hpp"
#include "tests/fuzz/fuzz_target.hpp"

using namespace ukmon;

namespace {

int run(const uint8_t* data, size_t size) {
    GuestProcessReport r;
    std::memcpy(&r, data, std::min(size, sizeof r));
    if (size >= 8) r.magic = GuestProcessReport::complete;  // get past the first check often
    auto c = check_guest_process_report(r);
    if (!c) return 0;
    FUZZ_CHECK(c->exit_code >= 0 && c->exit_code <= 255);
    FUZZ_CHECK(c->device_count <= UK_MAX_DEVICES);
    FUZZ_CHECK(std::strlen(c->outcome.diagnosis) < sizeof c->outcome.diagnosis);
    if (c->figures.halt) FUZZ_CHECK(c->figures.halt->cookie_len <= UK_HALT_COOKIE_MAX);
    DeviceCounters devices[UK_MAX_DEVICES];
    size_t n = c->device_counters(devices);
    stats::Report rep;
    rep.program = "fuzz";
    rep.backend = "seccomp";
    rep.outcome = &c->outcome;
    rep.exit_code = c->exit_code;
    rep.ctx = &c->figures;
    rep.figures_from = "guest_process";
    rep.devices = std::span<const DeviceCounters>(devices, n);
    static char buf[16384];
    size_t len = stats::format_json(buf, sizeof buf, rep);
    FUZZ_CHECK(len > 0);  // the buffer is sized for the largest report
    std::string json(buf, len);
    FUZZ_CHECK(json.back() == '\n' && json[json.size() - 2] == '}');
    for (char ch : json) FUZZ_CHECK(ch == '\n' || (static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7F));
    return 0;
}

}  // namespace

UKMON_FUZZ_TARGET(guest_report, run, nullptr)
