#pragma once
// Stand-in (ESPHome 2024.11 signatures): the Component lifecycle the glue overrides.
#include <cstdint>

namespace esphome {
namespace setup_priority {
extern const float AFTER_CONNECTION;
}  // namespace setup_priority

class Component {
 public:
  virtual ~Component() = default;
  virtual void setup();
  virtual void loop();
  virtual void dump_config();
  virtual float get_setup_priority() const;
  virtual void mark_failed();
};
}  // namespace esphome
