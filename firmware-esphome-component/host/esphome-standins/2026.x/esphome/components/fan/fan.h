#pragma once
// Stand-in (ESPHome 2026.x signatures): Fan, FanCall, FanTraits.
#include <utility>

#include "esphome/core/entity_base.h"
#include "esphome/core/helpers.h"

namespace esphome {
namespace fan {
enum class FanDirection { FORWARD = 0, REVERSE = 1 };

class FanTraits {
 public:
  FanTraits() = default;
  FanTraits(bool oscillation, bool speed, bool direction, int speed_count)
      : oscillation_(oscillation), speed_(speed), direction_(direction), speed_count_(speed_count) {}
  bool supports_oscillation() const { return this->oscillation_; }
  bool supports_speed() const { return this->speed_; }
  int supported_speed_count() const { return this->speed_count_; }
  bool supports_direction() const { return this->direction_; }

 protected:
  bool oscillation_{false};
  bool speed_{false};
  bool direction_{false};
  int speed_count_{0};
};

class Fan;

class FanCall {
 public:
  explicit FanCall(Fan &parent) : parent_(parent) {}
  FanCall &set_state(bool binary_state) {
    this->binary_state_ = binary_state;
    return *this;
  }
  FanCall &set_oscillating(bool oscillating) {
    this->oscillating_ = oscillating;
    return *this;
  }
  FanCall &set_speed(int speed) {
    this->speed_ = speed;
    return *this;
  }
  FanCall &set_direction(FanDirection direction) {
    this->direction_ = direction;
    return *this;
  }
  void perform();

  optional<bool> get_state() const { return this->binary_state_; }
  optional<bool> get_oscillating() const { return this->oscillating_; }
  optional<int> get_speed() const { return this->speed_; }
  optional<FanDirection> get_direction() const { return this->direction_; }

 protected:
  Fan &parent_;
  optional<bool> binary_state_;
  optional<bool> oscillating_;
  optional<int> speed_;
  optional<FanDirection> direction_;
};

class Fan : public EntityBase {
 public:
  bool state{false};
  bool oscillating{false};
  int speed{0};
  FanDirection direction{FanDirection::FORWARD};
  FanCall turn_on() { return this->make_call().set_state(true); }
  FanCall turn_off() { return this->make_call().set_state(false); }
  FanCall toggle() { return this->make_call().set_state(!this->state); }
  FanCall make_call() { return FanCall(*this); }
  template<typename F> void add_on_state_callback(F &&callback) { this->state_callback_.add(std::forward<F>(callback)); }
  void publish_state() { this->state_callback_.call(); }
  virtual FanTraits get_traits() = 0;

 protected:
  friend FanCall;
  virtual void control(const FanCall &call) = 0;
  LazyCallbackManager<void()> state_callback_;
};

inline void FanCall::perform() { this->parent_.control(*this); }
}  // namespace fan
}  // namespace esphome
