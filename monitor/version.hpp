// The monitor's version string.
#pragma once
namespace ukmon {
inline constexpr const char* version_string = "0.1.0";
}
