#pragma once
// Stand-in (ESPHome 2024.11 signatures): Number, NumberCall, NumberTraits.
#include <functional>

#include "esphome/core/entity_base.h"

namespace esphome {
namespace number {
class Number;

class NumberCall {
 public:
  explicit NumberCall(Number *parent) : parent_(parent) {}
  void perform();
  NumberCall &set_value(float value);

 protected:
  Number *const parent_;
};

class NumberTraits : public EntityBase_DeviceClass, public EntityBase_UnitOfMeasurement {
 public:
  float get_min_value() const;
  float get_max_value() const;
  float get_step() const;
};

class Number : public EntityBase {
 public:
  float state;
  NumberCall make_call() { return NumberCall(this); }
  void add_on_state_callback(std::function<void(float)> &&callback);
  NumberTraits traits;
};
}  // namespace number
}  // namespace esphome
