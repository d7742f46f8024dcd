#pragma once
// Stand-in (ESPHome 2024.11 signatures): LightState with its call, traits and values.
#include <cstdint>
#include <functional>

#include "esphome/core/component.h"
#include "esphome/core/entity_base.h"

namespace esphome {
namespace light {
enum class ColorCapability : uint8_t {
  ON_OFF = 1 << 0,
  BRIGHTNESS = 1 << 1,
  WHITE = 1 << 2,
  COLOR_TEMPERATURE = 1 << 3,
  COLD_WARM_WHITE = 1 << 4,
  RGB = 1 << 5,
};

class LightTraits {
 public:
  bool supports_color_capability(ColorCapability color_capability) const;
};

class LightColorValues {
 public:
  bool is_on() const;
  float get_brightness() const;
};

class LightState;

class LightCall {
 public:
  explicit LightCall(LightState *parent) : parent_(parent) {}
  LightCall &set_state(bool state);
  LightCall &set_brightness(float brightness);
  void perform();

 protected:
  LightState *parent_;
};

class LightState : public EntityBase, public Component {
 public:
  LightTraits get_traits();
  LightCall turn_on();
  LightCall turn_off();
  LightCall toggle();
  LightCall make_call();
  LightColorValues remote_values;
  void add_new_remote_values_callback(std::function<void()> &&send_callback);
};
}  // namespace light
}  // namespace esphome
