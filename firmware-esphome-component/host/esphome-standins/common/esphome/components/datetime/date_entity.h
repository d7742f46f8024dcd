#pragma once
// Stand-in (ESPHome 2024.11 signatures, unchanged through 2026.x; USE_DATETIME_DATE): the state
// is read through public const references to the protected fields.
#include <cstdint>

#include "esphome/components/datetime/datetime_base.h"

namespace esphome {
namespace datetime {
class DateEntity : public DateTimeBase {
 protected:
  uint16_t year_{0};
  uint8_t month_{0};
  uint8_t day_{0};

 public:
  const uint16_t &year = year_;
  const uint8_t &month = month_;
  const uint8_t &day = day_;
  void publish_state() { this->publish_state_(); }
};
}  // namespace datetime
}  // namespace esphome
