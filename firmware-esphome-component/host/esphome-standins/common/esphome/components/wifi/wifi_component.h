#pragma once
// Stand-in (ESPHome 2024.11 signatures).
#include <cstdint>

#include "esphome/core/component.h"

namespace esphome {
namespace wifi {
class WiFiComponent : public Component {
 public:
  bool is_connected();
  int8_t wifi_rssi();
};

extern WiFiComponent *global_wifi_component;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
}  // namespace wifi
}  // namespace esphome
