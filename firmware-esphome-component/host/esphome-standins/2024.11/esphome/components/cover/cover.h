#pragma once
// Stand-in (ESPHome 2024.11 signatures): Cover, CoverCall, CoverTraits.
#include <cstdint>
#include <functional>

#include "esphome/core/entity_base.h"

namespace esphome {
namespace cover {
const extern float COVER_OPEN;
const extern float COVER_CLOSED;

enum CoverOperation : uint8_t { COVER_OPERATION_IDLE = 0, COVER_OPERATION_OPENING, COVER_OPERATION_CLOSING };

class CoverTraits {
 public:
  bool get_supports_position() const;
  bool get_supports_tilt() const;
  bool get_supports_toggle() const;
  bool get_supports_stop() const;
};

class Cover;

class CoverCall {
 public:
  CoverCall(Cover *parent);  // NOLINT
  CoverCall &set_command_open();
  CoverCall &set_command_close();
  CoverCall &set_command_stop();
  CoverCall &set_command_toggle();
  CoverCall &set_position(float position);
  CoverCall &set_tilt(float tilt);
  void perform();

 protected:
  Cover *parent_;
};

class Cover : public EntityBase, public EntityBase_DeviceClass {
 public:
  CoverOperation current_operation{COVER_OPERATION_IDLE};
  float position;
  float tilt;
  CoverCall make_call();
  void add_on_state_callback(std::function<void()> &&f);
  virtual CoverTraits get_traits() = 0;
};
}  // namespace cover
}  // namespace esphome
