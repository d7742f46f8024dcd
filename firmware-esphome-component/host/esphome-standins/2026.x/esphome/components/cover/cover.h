#pragma once
// Stand-in (ESPHome 2026.x signatures): Cover on the shared actuator base, with the
// COVER_OPERATION_* aliases; CoverCall, CoverTraits.
#include "esphome/components/actuator/actuator.h"

namespace esphome {
namespace cover {
using CoverOperation = actuator::ActuatorOperation;
constexpr actuator::ActuatorOperation COVER_OPERATION_IDLE = actuator::ACTUATOR_OPERATION_IDLE;
constexpr actuator::ActuatorOperation COVER_OPERATION_OPENING = actuator::ACTUATOR_OPERATION_OPENING;
constexpr actuator::ActuatorOperation COVER_OPERATION_CLOSING = actuator::ACTUATOR_OPERATION_CLOSING;
static constexpr float COVER_OPEN = actuator::ACTUATOR_OPEN;
static constexpr float COVER_CLOSED = actuator::ACTUATOR_CLOSED;

class CoverTraits {
 public:
  bool get_supports_position() const { return this->supports_position_; }
  void set_supports_position(bool v) { this->supports_position_ = v; }
  bool get_supports_tilt() const { return this->supports_tilt_; }
  void set_supports_tilt(bool v) { this->supports_tilt_ = v; }
  bool get_supports_toggle() const { return this->supports_toggle_; }
  void set_supports_toggle(bool v) { this->supports_toggle_ = v; }
  bool get_supports_stop() const { return this->supports_stop_; }
  void set_supports_stop(bool v) { this->supports_stop_ = v; }

 protected:
  bool supports_position_{false};
  bool supports_tilt_{false};
  bool supports_toggle_{false};
  bool supports_stop_{false};
};

class Cover;

class CoverCall {
 public:
  explicit CoverCall(Cover *parent) : parent_(parent) {}
  CoverCall &set_command_open() {
    this->position_ = COVER_OPEN;
    return *this;
  }
  CoverCall &set_command_close() {
    this->position_ = COVER_CLOSED;
    return *this;
  }
  CoverCall &set_command_stop() {
    this->stop_ = true;
    return *this;
  }
  CoverCall &set_command_toggle() {
    this->toggle_ = true;
    return *this;
  }
  CoverCall &set_position(float position) {
    this->position_ = position;
    return *this;
  }
  CoverCall &set_tilt(float tilt) {
    this->tilt_ = tilt;
    return *this;
  }
  void perform();

  const optional<float> &get_position() const { return this->position_; }
  bool get_stop() const { return this->stop_; }
  const optional<float> &get_tilt() const { return this->tilt_; }
  const optional<bool> &get_toggle() const { return this->toggle_; }

 protected:
  Cover *parent_;
  bool stop_{false};
  optional<float> position_;
  optional<float> tilt_;
  optional<bool> toggle_;
};

class Cover : public actuator::ActuatorBase {
 public:
  float tilt{COVER_OPEN};
  CoverCall make_call() { return CoverCall(this); }
  void publish_state(bool save = true) {
    (void) save;
    this->state_callback_.call();
  }
  virtual CoverTraits get_traits() = 0;

 protected:
  friend CoverCall;
  virtual void control(const CoverCall &call) = 0;
};

inline void CoverCall::perform() { this->parent_->control(*this); }
}  // namespace cover
}  // namespace esphome
