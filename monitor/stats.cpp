// The --stats JSON report (see stats.hpp). No allocation: a bounded writer over the
// caller's buffer, integers only (no floating point formatting).
#include "monitor/stats.hpp"

#include <cstdarg>
#include <cstdio>
#include <ctime>

#include <ukmon/abi.h>

#include "monitor/dispatcher.hpp"

namespace ukmon::stats {
namespace {

// Appends to a fixed buffer; remembers whether anything did not fit.
class Writer {
public:
    Writer(char* buf, size_t size) : buf_(buf), size_(size) {}
    void raw(const char* s) {
        while (*s) put(*s++);
    }
    void put(char c) {
        if (len_ + 1 < size_) buf_[len_++] = c;
        else full_ = true;
    }
    void printf(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
        if (full_) return;
        va_list ap;
        va_start(ap, fmt);
        int n = std::vsnprintf(buf_ + len_, size_ - len_, fmt, ap);
        va_end(ap);
        if (n < 0 || size_t(n) >= size_ - len_) full_ = true;
        else len_ += size_t(n);
    }
    // A JSON string: quotes, backslashes and control characters escaped; stops at a newline
    // if first_line (a diagnosis's first line is its summary).
    void string(const char* s, bool first_line = false) {
        put('"');
        for (; s && *s; ++s) {
            unsigned char c = static_cast<unsigned char>(*s);
            if (first_line && c == '\n') break;
            if (c == '"' || c == '\\') {
                put('\\');
                put(char(c));
            } else if (c < 0x20 || c == 0x7F) {
                printf("\\u%04x", c);
            } else {
                put(char(c));
            }
        }
        put('"');
    }
    void u64(uint64_t v) { printf("%llu", static_cast<unsigned long long>(v)); }
    size_t finish() {
        if (full_ || len_ >= size_) return 0;
        buf_[len_] = '\0';
        return len_;
    }

private:
    char* buf_;
    size_t size_;
    size_t len_ = 0;
    bool full_ = false;
};

const char* reason_of(const RunOutcome& o) {
    if (o.diagnosis[0]) return o.diagnosis;
    if (o.kind == RunOutcome::Kind::halted) return "halt";
    return "";
}

void exit_object(Writer& w, const Report& r) {
    const RunOutcome& o = *r.outcome;
    w.raw("  \"exit\": {\"kind\": \"");
    w.raw(r.kind ? r.kind : kind_name(o.kind));
    w.raw("\", \"code\": ");
    w.u64(uint64_t(r.exit_code));
    w.raw(", \"reason\": ");
    w.string(reason_of(o), true);
    w.raw(", \"halt_status\": ");
    if (o.kind == RunOutcome::Kind::halted) w.u64(o.status);
    else w.raw("null");
    w.raw(", \"cookie_hex\": ");
    if (o.kind == RunOutcome::Kind::halted && r.ctx && r.ctx->halt) {
        w.put('"');
        for (size_t i = 0; i < r.ctx->halt->cookie_len; ++i) w.printf("%02x", unsigned(r.ctx->halt->cookie[i]));
        w.put('"');
    } else if (o.kind == RunOutcome::Kind::halted) {
        w.raw("\"\"");
    } else {
        w.raw("null");
    }
    w.raw("},\n");
}

void time_object(Writer& w, const Report& r) {
    bool started = r.guest_start_ns != 0;
    w.raw("  \"time_ns\": {\"boot\": ");
    if (started) w.u64(r.guest_start_ns - r.monitor_start_ns);
    else w.raw("null");
    w.raw(", \"run\": ");
    if (started) w.u64(r.end_ns - r.guest_start_ns);
    else w.raw("null");
    w.raw(", \"total\": ");
    w.u64(r.end_ns - r.monitor_start_ns);
    w.raw("},\n");
}

void hypercalls_object(Writer& w, const Report& r) {
    w.raw("  \"hypercalls\": {");
    for (uint64_t nr = 0; nr < UK_HC_MAX; ++nr) {
        w.raw(nr ? ",\n    \"" : "\n    \"");
        w.raw(hypercall_name(nr));
        w.raw("\": {\"count\": ");
        w.u64(r.ctx ? r.ctx->hypercall_counts[nr] : 0);
        w.raw(", \"time_ns\": ");
        w.u64(r.ctx ? r.ctx->hypercall_ns[nr] : 0);
        w.put('}');
    }
    w.raw("\n  },\n");
}

void device(Writer& w, const char* type, const char* name, uint64_t requests, uint64_t in, uint64_t out) {
    w.raw("\n    {\"type\": ");
    w.string(type);
    w.raw(", \"name\": ");
    w.string(name);
    w.raw(", \"requests\": ");
    w.u64(requests);
    w.raw(", \"bytes_in\": ");
    w.u64(in);
    w.raw(", \"bytes_out\": ");
    w.u64(out);
    w.put('}');
}

void devices_array(Writer& w, const Report& r) {
    w.raw("  \"devices\": [");
    uint64_t puts = r.ctx ? r.ctx->hypercall_counts[UK_HC_PUTS] : 0;
    device(w, "console", "console", puts, 0, r.ctx ? r.ctx->console_bytes : 0);
    for (const DeviceCounters& d : r.devices) {
        w.put(',');
        device(w, d.type, d.name, d.requests, d.bytes_in, d.bytes_out);
    }
    w.raw("\n  ],\n");
}

}  // namespace

uint64_t now_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}


const char* kind_name(RunOutcome::Kind k) {
    switch (k) {
        case RunOutcome::Kind::halted: return "halted";
        case RunOutcome::Kind::crashed: return "crashed";
        case RunOutcome::Kind::killed: return "killed";
        case RunOutcome::Kind::host_error: return "host_error";
        case RunOutcome::Kind::timeout: return "timeout";
        case RunOutcome::Kind::stopped: return "stopped";
    }
    return "unknown";
}

size_t format_json(char* buf, size_t size, const Report& r) {
    Writer w(buf, size);
    w.raw("{\n  \"ukmon_stats\": 1,\n  \"program\": ");
    w.string(r.program);
    w.raw(",\n  \"figures_from\": ");
    w.string(r.figures_from ? r.figures_from : "monitor");
    w.raw(",\n  \"backend\": ");
    if (r.backend && *r.backend) w.string(r.backend);
    else w.raw("null");
    w.raw(",\n  \"mem_bytes\": ");
    w.u64(r.mem_bytes);
    w.raw(",\n");
    if (r.outcome) exit_object(w, r);
    time_object(w, r);
    hypercalls_object(w, r);
    devices_array(w, r);
    w.raw("  \"core\": ");
    if (r.core_path) w.string(r.core_path);
    else w.raw("null");
    w.raw(",\n  \"scrub\": ");
    if (r.scrub.done) {
        w.raw("{\"pages_checked\": ");
        w.u64(r.scrub.pages_checked);
        w.raw(", \"pages_zeroed\": ");
        w.u64(r.scrub.pages_zeroed);
        w.put('}');
    } else {
        w.raw("null");
    }
    w.raw("\n}\n");
    return w.finish();
}

}  // namespace ukmon::stats
