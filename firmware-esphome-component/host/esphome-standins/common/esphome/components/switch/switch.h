#pragma once
// Stand-in (ESPHome 2024.11 signatures). The state callback fires on changes only.
#include <functional>

#include "esphome/core/entity_base.h"

namespace esphome {
namespace switch_ {
class Switch : public EntityBase, public EntityBase_DeviceClass {
 public:
  void turn_on();
  void turn_off();
  void toggle();
  void add_on_state_callback(std::function<void(bool)> &&callback);
  bool state;

 protected:
  virtual void write_state(bool state) = 0;
};
}  // namespace switch_
}  // namespace esphome
