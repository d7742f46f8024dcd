#pragma once
// Stand-in (ESPHome 2024.11 signatures, unchanged through 2026.x; USE_DATETIME_TIME).
#include <cstdint>

#include "esphome/components/datetime/datetime_base.h"

namespace esphome {
namespace datetime {
class TimeEntity : public DateTimeBase {
 protected:
  uint8_t hour_{0};
  uint8_t minute_{0};
  uint8_t second_{0};

 public:
  const uint8_t &hour = hour_;
  const uint8_t &minute = minute_;
  const uint8_t &second = second_;
  void publish_state() { this->publish_state_(); }
};
}  // namespace datetime
}  // namespace esphome
