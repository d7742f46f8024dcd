#pragma once
// Stand-in (ESPHome 2024.11 signatures): Valve, ValveCall, ValveTraits.
#include <cstdint>
#include <functional>

#include "esphome/core/entity_base.h"

namespace esphome {
namespace valve {
enum ValveOperation : uint8_t { VALVE_OPERATION_IDLE = 0, VALVE_OPERATION_OPENING, VALVE_OPERATION_CLOSING };

class ValveTraits {
 public:
  bool get_supports_position() const;
  bool get_supports_toggle() const;
  bool get_supports_stop() const;
};

class Valve;

class ValveCall {
 public:
  ValveCall(Valve *parent);  // NOLINT
  ValveCall &set_command_open();
  ValveCall &set_command_close();
  ValveCall &set_command_stop();
  ValveCall &set_command_toggle();
  ValveCall &set_position(float position);
  void perform();

 protected:
  Valve *parent_;
};

class Valve : public EntityBase, public EntityBase_DeviceClass {
 public:
  ValveOperation current_operation{VALVE_OPERATION_IDLE};
  float position;
  ValveCall make_call();
  void add_on_state_callback(std::function<void()> &&f);
  virtual ValveTraits get_traits() = 0;
};
}  // namespace valve
}  // namespace esphome
