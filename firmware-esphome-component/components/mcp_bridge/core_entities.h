// What the device declares about its sensors and actuators (the capabilities metadata).
// The glue fills these from ESPHome entities and traits once, at setup.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core_messages.h"

namespace mcp_bridge {

enum class ValueType : uint8_t { BOOLEAN, NUMBER, INTEGER, STRING, ENUM, NONE };

const char *value_type_name(ValueType type);

struct SensorDesc {
  /** Topic segment (an identifier). */
  std::string key;
  std::string description;
  std::string unit;
  std::string device_class;
  std::string state_class;
  /** Measuring range, when the hardware has one (optional metadata). */
  bool has_min{false};
  double min{0};
  bool has_max{false};
  double max{0};
  /** Binary sensors report booleans. */
  bool binary{false};
  /**
   * Text sensors, events, dates and times report strings (capabilities value_type "string"),
   * at most MAX_STRING_READING_LENGTH characters.
   */
  bool text{false};
  /** ESPHome domain it comes from ("text_sensor", "event", "date", ...); "" leaves it out of the capabilities. */
  std::string kind;
  /** Text sensors: the longest reading in characters (longer texts are cut); 0: the protocol limit. */
  unsigned max_length{0};
  /** Text sensors: the only readings it sends (an event's event types); empty: any text. */
  std::vector<std::string> options;
  /** Text sensors: "date", "time" or "date-time" (ISO 8601), "" for free text. */
  std::string format;
  /** Decimals to publish (ESPHome accuracy_decimals); -1: as measured. */
  int accuracy_decimals{-1};
};

/**
 * Safe actuation declared by the device (capabilities metadata, protocol/README.md "Leases and
 * the loop guard"). The device enforces leases and min_interval_ms itself; the server enforces
 * the rest. Zero / absent: not declared.
 */
struct ActuatorGuard {
  /** Leases supported: the longest lease_s a command may carry (seconds); 0: no leases. */
  double max_lease_s{0};
  /** The state a lease reverts to; ABSENT: the state before the leased command. */
  Value safe_state;
  /** Minimum time between two state changes; sooner commands are answered RATE_LIMITED. */
  uint32_t min_interval_ms{0};
  /** Declared for the server: commands per minute the actuator tolerates. */
  uint32_t max_commands_per_min{0};
  /** Declared for the server: at most max_reversals reversals within flap_window_s (both or neither). */
  uint32_t max_reversals{0};
  uint32_t flap_window_s{0};
};

struct ActuatorDesc {
  std::string key;
  std::string description;
  /** ESPHome domain it comes from ("climate", "cover", ...); "" leaves it out of the capabilities. */
  std::string kind;
  /**
   * Key of the entity this actuator is one control of (a climate's mode, target temperature and fan
   * mode are three actuators of one group); "" when the actuator is the whole entity.
   */
  std::string group;
  /** What the control sets within its group ("mode", "target_temperature", "position", ...). */
  std::string role;
  ValueType value_type{ValueType::BOOLEAN};
  std::vector<std::string> actions;
  std::string unit;
  bool has_min{false};
  double min{0};
  bool has_max{false};
  double max{0};
  /** 0: no step. */
  double step{0};
  std::vector<std::string> options;
  /** For string actuators; 0: the protocol default (64). */
  unsigned max_length{0};
  /** String actuators: "date", "time" or "date-time" (ISO 8601; commands must match it), "" for free text. */
  std::string format;
  bool requires_confirmation{false};
  ActuatorGuard guard;

  bool supports(const std::string &action) const;
};

}  // namespace mcp_bridge
