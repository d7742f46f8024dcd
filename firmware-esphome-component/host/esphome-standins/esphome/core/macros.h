#pragma once
// Stand-in (ESPHome 2024.11 signature): version numbers as one comparable integer.
#define VERSION_CODE(major, minor, patch) ((major) << 16 | (minor) << 8 | (patch))
