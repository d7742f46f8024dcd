#pragma once
// Stand-in (ESPHome 2026.x signatures): Valve on the shared actuator base, with the
// VALVE_OPERATION_* aliases; ValveCall, ValveTraits.
#include "esphome/components/actuator/actuator.h"

namespace esphome {
namespace valve {
using ValveOperation = actuator::ActuatorOperation;
constexpr actuator::ActuatorOperation VALVE_OPERATION_IDLE = actuator::ACTUATOR_OPERATION_IDLE;
constexpr actuator::ActuatorOperation VALVE_OPERATION_OPENING = actuator::ACTUATOR_OPERATION_OPENING;
constexpr actuator::ActuatorOperation VALVE_OPERATION_CLOSING = actuator::ACTUATOR_OPERATION_CLOSING;

class ValveTraits {
 public:
  bool get_supports_position() const { return this->supports_position_; }
  void set_supports_position(bool v) { this->supports_position_ = v; }
  bool get_supports_toggle() const { return this->supports_toggle_; }
  void set_supports_toggle(bool v) { this->supports_toggle_ = v; }
  bool get_supports_stop() const { return this->supports_stop_; }
  void set_supports_stop(bool v) { this->supports_stop_ = v; }

 protected:
  bool supports_position_{false};
  bool supports_toggle_{false};
  bool supports_stop_{false};
};

class Valve;

class ValveCall {
 public:
  explicit ValveCall(Valve *parent) : parent_(parent) {}
  ValveCall &set_command_open() {
    this->position_ = actuator::ACTUATOR_OPEN;
    return *this;
  }
  ValveCall &set_command_close() {
    this->position_ = actuator::ACTUATOR_CLOSED;
    return *this;
  }
  ValveCall &set_command_stop() {
    this->stop_ = true;
    return *this;
  }
  ValveCall &set_command_toggle() {
    this->toggle_ = true;
    return *this;
  }
  ValveCall &set_position(float position) {
    this->position_ = position;
    return *this;
  }
  void perform();

  const optional<float> &get_position() const { return this->position_; }
  bool get_stop() const { return this->stop_; }
  const optional<bool> &get_toggle() const { return this->toggle_; }

 protected:
  Valve *parent_;
  bool stop_{false};
  optional<float> position_;
  optional<bool> toggle_;
};

class Valve : public actuator::ActuatorBase {
 public:
  ValveCall make_call() { return ValveCall(this); }
  void publish_state(bool save = true) {
    (void) save;
    this->state_callback_.call();
  }
  virtual ValveTraits get_traits() = 0;

 protected:
  friend ValveCall;
  virtual void control(const ValveCall &call) = 0;
};

inline void ValveCall::perform() { this->parent_->control(*this); }
}  // namespace valve
}  // namespace esphome
