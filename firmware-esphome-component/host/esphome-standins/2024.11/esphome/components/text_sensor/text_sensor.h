#pragma once
// Stand-in (ESPHome 2024.11 signatures): TextSensor, its state string and std::function callbacks
// taking the new state by value.
#include <functional>
#include <string>

#include "esphome/core/entity_base.h"

namespace esphome {
namespace text_sensor {
class TextSensor : public EntityBase, public EntityBase_DeviceClass {
 public:
  std::string state;
  std::string get_state() const;
  bool has_state();
  void add_on_state_callback(std::function<void(std::string)> callback);
};
}  // namespace text_sensor
}  // namespace esphome
