// What ukmon-podnet reads of the pod's interface, and the TAP it makes beside it (ioctls only).
#pragma once
#include <cstdint>
#include <string>

namespace podnet {

// A one-line failure, said as is by main (exit status 253).
struct Failure {
    std::string what;
};

struct Iface {
    std::string name;
    int index = 0;
    std::string mac;       // "aa:bb:cc:dd:ee:ff"
    int mtu = 0;
    std::string ip;        // dotted quad
    std::string mask;      // dotted quad
    int prefix = 0;        // mask as a prefix length
    std::string gateway;   // the default route's gateway through this interface, or ""
};

// The pod interface as it is now (address, mask, MAC, MTU, default gateway).
Iface read_iface(const std::string& name);

// A persistent TAP NAME with MTU, up; returns its index. Throws Failure if it exists.
int create_tap(const std::string& name, int mtu);
// Removes the TAP (no error if it is already gone).
void delete_tap(const std::string& name);

}  // namespace podnet
