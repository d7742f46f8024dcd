// BridgeCore: the device side of the protocol, independent of ESPHome.
// Publishes capabilities, readings (batched or streamed), actuator states, errors,
// metrics, configuration and diagnostics; answers every command exactly once.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "core_entities.h"
#include "core_messages.h"
#include "core_ports.h"
#include "core_topics.h"
#include "core_validate.h"

namespace mcp_bridge {

struct DeviceInfo {
  std::string device_id;
  std::string topic_root{"devices"};
  std::string name;
  std::string firmware_version{"0.0.0"};
  std::string hardware_version;
  std::string device_type{"esphome"};
  std::string platform{"esphome"};
  std::string location;
};

struct BridgeSettings {
  /** Readings of non-streaming sensors are published this often (latest value of each). */
  uint32_t publish_interval_ms{10000};
  uint32_t metrics_interval_ms{60000};
  /** One sensors/batch message per interval instead of one sensors/<s>/data per sensor. */
  bool batch{true};
  /** Streaming interval when a config/set enables streaming without interval_ms. */
  uint32_t default_stream_interval_ms{1000};
  uint8_t error_qos{1};
  /** A batch is split before it grows past this (ESPHome's ESP32 MQTT buffer is 4096 bytes). */
  size_t max_batch_bytes{3072};
  /** Free heap below this makes the memory diagnostic warn and (when connected) raises a `low_heap` error, severity 2. */
  uint32_t low_heap_bytes{16384};
  /** Free heap below this fails the memory diagnostic; the `low_heap` error has severity 3. 0: low_heap_bytes / 2. */
  uint32_t critical_heap_bytes{0};
  /** How often the low-heap watchdog looks at the free heap (0: never). */
  uint32_t heap_check_interval_ms{1000};
  /**
   * Largest capabilities payload per message. ESPHome's ESP32 MQTT buffer holds 4096 bytes for the
   * whole PUBLISH packet; 0: 4096 minus the packet's header, topic and packet id.
   */
  size_t max_capabilities_bytes{0};
  /** Consecutive failed publishes after which the mqtt diagnostic fails. */
  uint32_t failing_publishes{3};
};

struct Counters {
  uint64_t messages_sent{0};
  uint64_t messages_received{0};
  uint64_t connection_failures{0};
  uint64_t publish_failures{0};
  uint64_t dropped_readings{0};
  uint64_t commands_received{0};
  uint64_t commands_rejected{0};
  uint64_t sensor_read_errors{0};
  /** Inbound messages that failed to decode (also reported on /error). */
  uint64_t decode_errors{0};
  /** QoS 1 redeliveries of a command id already answered: not applied twice. */
  uint64_t duplicate_commands{0};
  /** Commands refused because they came sooner than the actuator's min_interval_ms (RATE_LIMITED). */
  uint64_t rate_limited{0};
  /** Leases that ended and reverted their actuator (whether connected or not). */
  uint64_t leases_expired{0};
  /** Lease reverts the entity refused. */
  uint64_t lease_revert_failures{0};
  /** low_heap errors raised by the watchdog. */
  uint64_t low_heap_alerts{0};
};

class BridgeCore {
 public:
  BridgeCore(DeviceInfo info, BridgeSettings settings, Transport &transport, ActuatorSink &sink, Platform &platform);

  // ---- setup (before the first loop)
  /** A key not yet used by any sensor or actuator: `wanted`, or `wanted_2`, `wanted_3`, ... */
  std::string unique_key(const std::string &wanted) const;
  /** False (and nothing added) for an invalid or taken key or past 128 entries. */
  bool add_sensor(SensorDesc sensor);
  bool add_actuator(ActuatorDesc actuator);
  /**
   * Declares leases and the loop guard of an actuator already added (before the first connect:
   * they are part of the capabilities). A lease is dropped (max_lease_s 0) when the actuator has
   * no action that can set a revert state (on/off, set). False for an unknown key.
   */
  bool set_guard(const std::string &key, const ActuatorGuard &guard);
  /** Topics to subscribe to at QoS 1. */
  std::vector<std::string> subscriptions() const;
  /**
   * Keeps runtime configuration (intervals, streaming) in `store` and applies what it holds now.
   * Call after the sensors are added. Returns true when a stored configuration was applied.
   */
  bool use_config_store(ConfigStore *store);

  // ---- events from the host
  void on_sensor(const std::string &key, float value);
  void on_binary_sensor(const std::string &key, bool value);
  /**
   * A string reading of a sensor declared `text` (text sensor state, event type, ISO 8601 date or
   * time): cut to its max_length (or the protocol limit) at a character boundary, invalid UTF-8
   * replaced. A text outside the sensor's options, or a sensor not declared text, is counted as a
   * sensor read error and not published.
   */
  void on_text_sensor(const std::string &key, const std::string &value);
  void on_actuator_state(const std::string &key, const Value &state);
  void on_message(const std::string &topic, const char *payload, size_t length);
  /** Call often: notices (re)connection, publishes due readings and metrics. */
  void loop();

  // ---- inspection
  const Counters &counters() const { return counters_; }
  /** Milliseconds until the actuator's running lease reverts it; false when none runs. */
  bool lease_remaining(const std::string &key, uint32_t &ms);
  const Topics &topics() const { return topics_; }
  const BridgeSettings &settings() const { return settings_; }
  uint32_t next_seq() const { return seq_; }
  const std::vector<SensorDesc> &sensors() const { return sensors_; }
  const std::vector<ActuatorDesc> &actuators() const { return actuators_; }
  /** The capabilities document (consumes a seq); a device too big for one message gets several parts. */
  std::string build_capabilities();
  /**
   * The capabilities announcement as it is published: one document when it fits
   * max_capabilities_bytes, otherwise parts (each a valid capabilities document with `part`
   * and `parts`, consecutive seq). Consumes one seq per part.
   */
  std::vector<std::string> build_capabilities_parts();
  /** Entities whose metadata alone exceeds a capabilities part (announced anyway, reported as errors). */
  size_t oversized_entities() const { return oversized_entities_; }
  /** The payload limit of one capabilities message. */
  size_t capabilities_budget() const;

 private:
  struct SensorState {
    Value latest;
    double taken_at{0};
    bool fresh{false};
    bool streaming{false};
    uint32_t stream_interval_ms{0};
    uint32_t last_stream_ms{0};
    bool streamed_once{false};
    /** devices/<id>/sensors/<key>/data, built once so that publishing a reading allocates nothing. */
    std::string data_topic;
  };
  struct Answer {
    std::string topic;
    std::string payload;
    bool retain{true};
    Answer() = default;
    Answer(std::string t, std::string p, bool r) : topic(std::move(t)), payload(std::move(p)), retain(r) {}
  };
  /** A command or config/set already answered: a redelivery gets the same answer, and is not executed again. */
  struct Handled {
    std::string id;
    /** Actuator key, or "" for a config/set. */
    std::string target;
    /** nullptr: applied; otherwise the rejection code. */
    const char *code{nullptr};
    std::string reason;
    /** With RATE_LIMITED: the retry_after_ms of the first answer. */
    uint32_t retry_after_ms{0};
    Handled() = default;
    Handled(std::string i, std::string t, const char *c, std::string r, uint32_t retry)
        : id(std::move(i)), target(std::move(t)), code(c), reason(std::move(r)), retry_after_ms(retry) {}
  };
  /** Per actuator: the loop guard's memory and the running lease. */
  struct GuardState {
    bool changed_once{false};
    uint32_t last_change_ms{0};
    bool lease_active{false};
    uint32_t lease_start_ms{0};
    uint32_t lease_ms{0};
    Value lease_revert;
    std::string lease_command_id;
  };

  void store_reading(size_t index, const Value &reading);
  /** Stamps a sensor's new latest value and publishes it now when the sensor streams. */
  void reading_taken(size_t index);
  void on_connected();
  /** Publishes every capabilities part (part 0 retained); false when one could not be sent. */
  bool announce();
  /** Where the capabilities split: part p holds entities [starts[p], starts[p+1]) (sensors first). */
  std::vector<size_t> plan_capabilities();
  void check_heap(uint32_t now);
  void save_config();
  void write_state(JsonWriter &json, size_t index);
  void publish_due_readings(uint32_t now);
  void publish_stream(size_t index, uint32_t now);
  void publish_interval_readings();
  void publish_batch();
  /** Writes one sensor's latest reading (number with its decimals, or boolean/null). */
  void write_reading(JsonWriter &json, size_t index) const;
  void publish_sensor_data(size_t index);
  void publish_actuator_state(size_t index);
  void publish_metrics();
  void publish_config_state(const std::string &command_id, const char *result, const std::string &reason);
  void publish_error(const char *error_type, const std::string &message, int severity, const std::string &component);
  /** publish_error without a component; true when it went out. */
  bool publish_error_sent(const char *error_type, const std::string &message, int severity);
  void report_decode_error(const DecodeError &error, const std::string &component);
  void handle_command(const std::string &actuator, const JsonValue &body);
  void handle_config_set(const JsonValue &body);
  void handle_diagnostics(const JsonValue &body);
  void handle_announce(const JsonValue &body);
  /** Capabilities, online status, actuator states and config, all retained (seq continues). */
  void reannounce();
  void answer_command(size_t index, const std::string &command_id, const char *code, const std::string &reason,
                      uint32_t retry_after_ms = 0);
  /** The state changed now (command, lease revert or local change): starts the min_interval_ms. */
  void note_change(size_t index, uint32_t now);
  /** Milliseconds until a state change is allowed again (0: now). */
  uint32_t change_wait_ms(size_t index, uint32_t now) const;
  /** Milliseconds until the running lease reverts (min_interval_ms included). */
  uint32_t lease_wait_ms(size_t index, uint32_t now) const;
  /** Reverts the actuators whose lease has ended, connected or not. */
  void expire_leases(uint32_t now);
  /** lease_* fields of an actuator status while a lease runs. */
  void write_lease(JsonWriter &json, size_t index);
  /** The answer to a command for an actuator this device does not have: state null, NOT retained. */
  void answer_unknown_actuator(const std::string &actuator, const std::string &command_id);
  void send_answer(Answer answer);
  /** The earlier answer to `id`, or nullptr. */
  const Handled *handled(const std::string &id) const;
  void remember(const std::string &id, const std::string &target, const char *code, const std::string &reason,
                uint32_t retry_after_ms = 0);
  /** Answers a redelivered id again, the same way, without executing anything. */
  void repeat_answer(const Handled &earlier);
  bool send(const std::string &topic, const std::string &payload, uint8_t qos, bool retain);
  /** Writes device_id, seq and (when known) timestamp: the head of every device message. */
  void begin_message(JsonWriter &json);
  int find_sensor(const std::string &key) const;
  int find_actuator(const std::string &key) const;

  DeviceInfo info_;
  BridgeSettings settings_;
  Transport &transport_;
  ActuatorSink &sink_;
  Platform &platform_;
  Topics topics_;
  Counters counters_;
  uint32_t seq_{0};
  bool was_connected_{false};
  bool ever_connected_{false};
  uint32_t last_interval_ms_{0};
  uint32_t last_metrics_ms_{0};
  std::vector<SensorDesc> sensors_;
  std::vector<SensorState> sensor_states_;
  std::vector<ActuatorDesc> actuators_;
  std::vector<Value> actuator_states_;
  /** Actuator being commanded: its state callback is folded into the answer. */
  int applying_{-1};
  std::deque<Handled> recent_commands_;
  /** Answers that could not be sent while disconnected; sent on reconnect. */
  std::deque<Answer> outbox_;
  /** Per actuator: the last command the entity refused (APPLY_FAILED), "" when it applied. */
  std::vector<std::string> apply_failures_;
  std::vector<GuardState> guard_states_;
  uint32_t publish_failures_in_row_{0};
  size_t oversized_entities_{0};
  size_t capabilities_parts_{0};
  ConfigStore *config_store_{nullptr};
  /** 0 none, 2 warning, 3 critical: the severity of the low_heap error last raised. */
  int heap_alert_{0};
  uint32_t last_heap_check_ms_{0};
  // Readings and metrics reuse these (reserved at construction): nothing is allocated per reading.
  JsonWriter reading_json_;
  std::vector<size_t> due_;
  std::string batch_topic_;
  std::string metrics_topic_;
  /** Id of the last announce request answered (a QoS 1 redelivery answers once). */
  std::string last_announce_id_;
};

}  // namespace mcp_bridge
