// The --print-filter table.
#include "monitor/sandbox/policy_print.hpp"

namespace ukmon {

namespace {

void print_rules(std::FILE* out, const SyscallPolicy& policy) {
    for (const SyscallRule& r : policy.rules()) {
        char args[160] = "any arguments";
        int n = 0;
        for (size_t i = 0; i < r.args.size(); ++i) {
            const ArgEquals& a = r.args[i];
            char value[48];
            if (a.label) std::snprintf(value, sizeof value, "%s", a.label);
            else std::snprintf(value, sizeof value, "%llu", (unsigned long long)a.value);
            n += std::snprintf(args + n, sizeof args - size_t(n), "%sarg%u%s %s %s", i ? " && " : "", a.index,
                               a.mask == ~0ull || a.at_most ? "" : " & mask", a.at_most ? "<=" : "==", value);
            if (n >= int(sizeof args)) break;
        }
        std::fprintf(out, "%-16s %-42s %-8s %s\n", syscall_name(r.nr), args, r.owner.c_str(), r.why.c_str());
    }
}

}  // namespace

void print_policy(std::FILE* out, const SyscallPolicy& policy, const char* backend) {
    std::fprintf(out, "# ukmon %s backend: system calls allowed once the guest runs (%zu distinct);\n"
                      "# anything else kills the process.\n", backend, policy.distinct_syscalls().size());
    print_rules(out, policy);
}

void print_thread_policy(std::FILE* out, const SyscallPolicy& policy, const char* thread) {
    std::fprintf(out, "\n# the %s: its own filter, installed by itself before the guest starts (%zu distinct);\n"
                      "# anything else kills the process.\n", thread, policy.distinct_syscalls().size());
    print_rules(out, policy);
}

}  // namespace ukmon
