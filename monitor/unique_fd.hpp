// RAII for file descriptors and memory mappings.
#pragma once
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <utility>

namespace ukmon {

class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& o) noexcept {
        if (this != &o) { reset(); fd_ = std::exchange(o.fd_, -1); }
        return *this;
    }
    ~UniqueFd() { reset(); }
    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    void reset() { if (fd_ >= 0) ::close(fd_); fd_ = -1; }

private:
    int fd_ = -1;
};

class Mapping {
public:
    Mapping() = default;
    Mapping(void* addr, size_t len) : addr_(addr), len_(len) {}
    Mapping(Mapping&& o) noexcept : addr_(std::exchange(o.addr_, nullptr)), len_(std::exchange(o.len_, 0)) {}
    Mapping& operator=(Mapping&& o) noexcept {
        if (this != &o) { reset(); addr_ = std::exchange(o.addr_, nullptr); len_ = std::exchange(o.len_, 0); }
        return *this;
    }
    ~Mapping() { reset(); }
    std::byte* data() const { return static_cast<std::byte*>(addr_); }
    size_t size() const { return len_; }
    void reset() { if (addr_) ::munmap(addr_, len_); addr_ = nullptr; len_ = 0; }

private:
    void* addr_ = nullptr;
    size_t len_ = 0;
};

}  // namespace ukmon
