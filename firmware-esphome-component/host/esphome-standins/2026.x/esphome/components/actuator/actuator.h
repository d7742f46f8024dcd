#pragma once
// Stand-in (ESPHome 2026.x signatures): the base that cover and valve share since 2026.
#include <cstdint>
#include <utility>

#include "esphome/core/entity_base.h"
#include "esphome/core/helpers.h"

namespace esphome {
namespace actuator {
enum ActuatorOperation : uint8_t {
  ACTUATOR_OPERATION_IDLE = 0,
  ACTUATOR_OPERATION_OPENING,
  ACTUATOR_OPERATION_CLOSING,
};
static constexpr float ACTUATOR_OPEN = 1.0f;
static constexpr float ACTUATOR_CLOSED = 0.0f;

class ActuatorBase : public EntityBase {
 public:
  float position{ACTUATOR_CLOSED};
  ActuatorOperation current_operation{ACTUATOR_OPERATION_IDLE};
  template<typename F> void add_on_state_callback(F &&f) { this->state_callback_.add(std::forward<F>(f)); }

 protected:
  LazyCallbackManager<void()> state_callback_;
};
}  // namespace actuator
}  // namespace esphome
