#pragma once
// Stand-in (ESPHome 2026.x signatures): since 2025.12 remote-value changes go to listeners
// (esphome#12166); add_new_remote_values_callback is gone.
#include <cstdint>
#include <vector>

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

class LightRemoteValuesListener {
 public:
  virtual void on_light_remote_values_update() = 0;
};

class LightState : public EntityBase, public Component {
 public:
  LightTraits get_traits();
  LightCall turn_on();
  LightCall turn_off();
  LightCall toggle();
  LightCall make_call();
  LightColorValues remote_values;
  void add_remote_values_listener(LightRemoteValuesListener *listener);
};
}  // namespace light
}  // namespace esphome
