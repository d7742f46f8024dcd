#pragma once
// Stand-in (ESPHome 2026.x signatures): state callbacks take any callable (LazyCallbackManager).
#include <cmath>
#include <cstdint>
#include <utility>

#include "esphome/core/entity_base.h"
#include "esphome/core/helpers.h"

namespace esphome {
namespace sensor {
class Sensor : public EntityBase {
 public:
  float state{NAN};
  bool has_state() const { return this->has_state_; }
  int8_t get_accuracy_decimals() { return this->accuracy_decimals_; }
  void set_accuracy_decimals(int8_t decimals) { this->accuracy_decimals_ = decimals; }
  template<typename F> void add_on_state_callback(F &&callback) { this->callback_.add(std::forward<F>(callback)); }
  void publish_state(float state) {
    this->state = state;
    this->has_state_ = true;
    this->callback_.call(state);
  }

 protected:
  int8_t accuracy_decimals_{-1};
  LazyCallbackManager<void(float)> callback_;
  bool has_state_{false};
};
}  // namespace sensor
}  // namespace esphome
