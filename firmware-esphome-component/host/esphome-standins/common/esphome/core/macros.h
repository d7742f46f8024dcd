#pragma once
// Stand-in (same in 2024.11 and 2026.x): version numbers as one comparable integer, and the
// deprecation marker ESPHome puts on API it is about to remove.
#define VERSION_CODE(major, minor, patch) ((major) << 16 | (minor) << 8 | (patch))
#define ESPDEPRECATED(msg, when) __attribute__((deprecated(msg)))
