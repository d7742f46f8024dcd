#pragma once
// Stand-in (ESPHome 2024.11 signatures): ESPTime and the clock's now().
#include <ctime>

#include "esphome/core/component.h"

namespace esphome {
struct ESPTime {
  time_t timestamp;
  bool is_valid() const;
};

namespace time {
class RealTimeClock : public Component {
 public:
  ESPTime now();
};
}  // namespace time
}  // namespace esphome
