#pragma once
// Stand-in (ESPHome 2024.11 signatures).
#include <cstdint>
#include <functional>

#include "esphome/core/entity_base.h"

namespace esphome {
namespace sensor {
enum StateClass : uint8_t { STATE_CLASS_NONE = 0, STATE_CLASS_MEASUREMENT = 1, STATE_CLASS_TOTAL_INCREASING = 2 };

class Sensor : public EntityBase, public EntityBase_DeviceClass, public EntityBase_UnitOfMeasurement {
 public:
  int8_t get_accuracy_decimals();
  StateClass get_state_class();
  void add_on_state_callback(std::function<void(float)> &&callback);
  bool has_state() const;
  float state;
};
}  // namespace sensor
}  // namespace esphome
