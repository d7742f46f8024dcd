#pragma once
// Stand-in (ESPHome 2024.11 signatures).
#include <functional>

#include "esphome/core/entity_base.h"

namespace esphome {
namespace button {
class Button : public EntityBase, public EntityBase_DeviceClass {
 public:
  void press();
  void add_on_press_callback(std::function<void()> &&callback);

 protected:
  virtual void press_action() = 0;
};
}  // namespace button
}  // namespace esphome
