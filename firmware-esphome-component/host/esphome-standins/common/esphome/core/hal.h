#pragma once
// Stand-in (ESPHome 2024.11 signature).
#include <cstdint>

namespace esphome {
uint32_t millis();
}  // namespace esphome
