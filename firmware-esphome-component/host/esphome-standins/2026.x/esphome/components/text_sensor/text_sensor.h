#pragma once
// Stand-in (ESPHome 2026.x signatures): TextSensor. raw_state was deprecated in 2025.12 (removal
// 2026.6) and is gone here; callbacks are kept in a LazyCallbackManager and get the state by
// const reference. publish_state() fires them, as the host glue test needs.
#include <string>
#include <utility>

#include "esphome/core/entity_base.h"
#include "esphome/core/helpers.h"

namespace esphome {
namespace text_sensor {
class TextSensor : public EntityBase, public EntityBase_DeviceClass {
 public:
  std::string state;
  const std::string &get_state() const { return this->state; }
  bool has_state() const { return this->has_state_; }
  template<typename F> void add_on_state_callback(F &&callback) { this->callback_.add(std::forward<F>(callback)); }
  void publish_state(const std::string &state) {
    this->state = state;
    this->has_state_ = true;
    this->callback_.call(this->state);
  }

 protected:
  LazyCallbackManager<void(const std::string &)> callback_;
  bool has_state_{false};
};
}  // namespace text_sensor
}  // namespace esphome
