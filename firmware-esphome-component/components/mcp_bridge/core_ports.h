// What the core needs from its host (ESPHome glue, or the libmosquitto simulator).
// Small interfaces so that the core builds and is tested on any machine.
#pragma once

#include <cstdint>
#include <string>

#include "core_entities.h"
#include "core_messages.h"

namespace mcp_bridge {

/** An MQTT client. publish() returns false when the message was not handed to the client. */
class Transport {
 public:
  virtual ~Transport() = default;
  virtual bool connected() const = 0;
  virtual bool publish(const std::string &topic, const std::string &payload, uint8_t qos, bool retain) = 0;
};

struct ApplyResult {
  bool applied{true};
  /** Why the device refused a valid command (hardware fault, busy, ...). */
  std::string reason;
  static ApplyResult ok() { return {}; }
  static ApplyResult refused(const std::string &why) { return ApplyResult{false, why}; }
};

/** Carries validated commands to the real entities and reads their state back. */
class ActuatorSink {
 public:
  virtual ~ActuatorSink() = default;
  virtual ApplyResult apply(const ActuatorDesc &actuator, const Command &command) = 0;
  virtual Value state(const ActuatorDesc &actuator) = 0;
};

/** Clock and health figures. Zero means "unknown" and is reported as such. */
class Platform {
 public:
  virtual ~Platform() = default;
  /** Milliseconds since boot; wraps after 49 days (differences stay correct). */
  virtual uint32_t millis() = 0;
  /** Unix seconds, 0 while the device has no clock (SNTP not synced). */
  virtual double unix_time() { return 0; }
  virtual uint32_t free_heap() { return 0; }
  virtual uint32_t min_free_heap() { return 0; }
  /** False when there is no Wi-Fi signal to report. */
  virtual bool rssi(float &dbm) {
    (void) dbm;
    return false;
  }
  virtual std::string reset_reason() { return {}; }
};

}  // namespace mcp_bridge
