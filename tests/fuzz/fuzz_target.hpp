// One fuzz target, two ways to build it: with clang's libFuzzer (-DUKMON_LIBFUZZER, `make
// fuzz`: LLVMFuzzerTestOneInput) or into the normal test build, where tests/fuzz/replay_test.cpp
// replays the kept corpus (tests/fuzz/corpus/<name>/) through the same function.
//
// A target returns normally for every input the code under test handles as designed
// (accepted, or refused with the documented exception); FUZZ_CHECK aborts on a broken
// invariant, which libFuzzer and the replay both report as a crash.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace ukmon_fuzz {

using RunFn = int (*)(const uint8_t* data, size_t size);
using InitFn = void (*)();

struct Target {
    const char* name;
    RunFn run;
    InitFn init;  // once, before the first input; may be null
};

// Replay build: the registry the replay test reads.
int register_target(const Target& t);
const Target* find_target(const char* name);

[[noreturn]] inline void check_failed(const char* cond, const char* file, int line) {
    std::fprintf(stderr, "fuzz invariant broken: %s (%s:%d)\n", cond, file, line);
    std::abort();
}

}  // namespace ukmon_fuzz

#define FUZZ_CHECK(cond) ((cond) ? (void)0 : ::ukmon_fuzz::check_failed(#cond, __FILE__, __LINE__))

#ifdef UKMON_LIBFUZZER
#define UKMON_FUZZ_TARGET(NAME, RUN, INIT)                                                         \
    extern "C" int LLVMFuzzerInitialize(int*, char***) {                                            \
        ::ukmon_fuzz::InitFn ukmon_fuzz_init_ = INIT;                                              \
        if (ukmon_fuzz_init_) ukmon_fuzz_init_();                                                  \
        return 0;                                                                                  \
    }                                                                                              \
    extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return RUN(data, size); }
#else
#define UKMON_FUZZ_TARGET(NAME, RUN, INIT) \
    [[maybe_unused]] static const int ukmon_fuzz_registered_##NAME = ::ukmon_fuzz::register_target({#NAME, RUN, INIT});
#endif
