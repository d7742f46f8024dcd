// What the core needs from its host (ESPHome glue, or the libmosquitto simulator).
// Small interfaces so that the core builds and is tested on any machine.
#pragma once

#include <cstdint>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

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
  static ApplyResult ok() { return ApplyResult(); }
  static ApplyResult refused(const std::string &why) {
    ApplyResult result;
    result.applied = false;
    result.reason = why;
    return result;
  }
};

/** Carries validated commands to the real entities and reads their state back. */
class ActuatorSink {
 public:
  virtual ~ActuatorSink() = default;
  virtual ApplyResult apply(const ActuatorDesc &actuator, const Command &command) = 0;
  virtual Value state(const ActuatorDesc &actuator) = 0;
  /**
   * Secondary read-only fields of the state (a climate's current temperature and action), written
   * as `attributes` beside `state`. Names match ^[a-z_]{1,32}$; at most 16.
   */
  virtual void attributes(const ActuatorDesc &actuator, std::vector<std::pair<std::string, Value>> &out) {
    (void) actuator;
    (void) out;
  }
};

/** Runtime configuration as it is kept across reboots (ESPHome preferences: a fixed-size POD). */
struct StoredConfig {
  static constexpr uint32_t MAGIC = 0x4D435031;  // "MCP1"
  static constexpr size_t MAX_STREAMS = 16;
  uint32_t magic;
  uint32_t publish_interval_ms;
  uint32_t metrics_interval_ms;
  uint32_t stream_count;
  struct Stream {
    /** fnv1a_32 of the sensor key: a renamed sensor simply loses its setting. */
    uint32_t key_hash;
    uint32_t interval_ms;
  } streams[MAX_STREAMS];
};

/** Where the runtime configuration survives a reboot. */
class ConfigStore {
 public:
  virtual ~ConfigStore() = default;
  /** False when nothing was stored yet (or it cannot be read). */
  virtual bool load(StoredConfig &config) = 0;
  virtual bool save(const StoredConfig &config) = 0;
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
