#pragma once
// Stand-in (ESPHome 2024.11 signatures, unchanged through 2026.x; USE_DATETIME_DATETIME).
#include <cstdint>

#include "esphome/components/datetime/datetime_base.h"

namespace esphome {
namespace datetime {
class DateTimeEntity : public DateTimeBase {
 protected:
  uint16_t year_{0};
  uint8_t month_{0};
  uint8_t day_{0};
  uint8_t hour_{0};
  uint8_t minute_{0};
  uint8_t second_{0};

 public:
  const uint16_t &year = year_;
  const uint8_t &month = month_;
  const uint8_t &day = day_;
  const uint8_t &hour = hour_;
  const uint8_t &minute = minute_;
  const uint8_t &second = second_;
  void publish_state() { this->publish_state_(); }
};
}  // namespace datetime
}  // namespace esphome
