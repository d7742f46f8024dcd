#pragma once
// Stand-in (ESPHome 2024.11 signatures): Fan, FanCall, FanTraits.
#include <functional>
#include <string>

#include "esphome/core/entity_base.h"

namespace esphome {
namespace fan {
enum class FanDirection { FORWARD = 0, REVERSE = 1 };

class FanTraits {
 public:
  bool supports_oscillation() const;
  bool supports_speed() const;
  int supported_speed_count() const;
  bool supports_direction() const;
};

class Fan;

class FanCall {
 public:
  explicit FanCall(Fan &parent) : parent_(parent) {}
  FanCall &set_state(bool binary_state);
  FanCall &set_oscillating(bool oscillating);
  FanCall &set_speed(int speed);
  FanCall &set_direction(FanDirection direction);
  void perform();

 protected:
  Fan &parent_;
};

class Fan : public EntityBase {
 public:
  bool state{false};
  bool oscillating{false};
  int speed{0};
  FanDirection direction{FanDirection::FORWARD};
  FanCall turn_on();
  FanCall turn_off();
  FanCall toggle();
  FanCall make_call();
  void add_on_state_callback(std::function<void()> &&callback);
  virtual FanTraits get_traits() = 0;
};
}  // namespace fan
}  // namespace esphome
