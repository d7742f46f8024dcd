#pragma once
// Stand-in (ESPHome 2024.11 signatures).
#include <functional>

#include "esphome/core/entity_base.h"

namespace esphome {
namespace binary_sensor {
class BinarySensor : public EntityBase, public EntityBase_DeviceClass {
 public:
  void add_on_state_callback(std::function<void(bool)> &&callback);
  bool has_state() const;
  bool state;
};
}  // namespace binary_sensor
}  // namespace esphome
