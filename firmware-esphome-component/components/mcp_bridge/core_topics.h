// Topic grammar of the devices/<id>/... protocol (mirrors protocol/src/topics.ts and limits.ts).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace mcp_bridge {

constexpr size_t MAX_IDENTIFIER_LENGTH = 64;
constexpr size_t MAX_TOPIC_LENGTH = 256;
constexpr size_t MAX_PAYLOAD_BYTES = 16384;
/** Longest string reading in characters (protocol/src/limits.ts MAX_STRING_READING_LENGTH). */
constexpr size_t MAX_STRING_READING_LENGTH = 255;
constexpr int PROTOCOL_VERSION = 1;

enum class MessageKind : uint8_t {
  CAPABILITIES,
  STATUS,
  SENSOR_DATA,
  SENSOR_BATCH,
  ACTUATOR_COMMAND,
  ACTUATOR_STATUS,
  ERROR,
  METRICS,
  CONFIG_SET,
  CONFIG_STATE,
  DIAGNOSTICS_REQUEST,
  DIAGNOSTICS_RESULT,
  ANNOUNCE_REQUEST,
};

/** The device id of a broadcast (devices/_all/announce); never a device's own id. */
constexpr const char *ALL_DEVICES_ID = "_all";

/** snake_case name of a kind, as in protocol/src/topics.ts MESSAGE_KINDS. */
const char *kind_name(MessageKind kind);

/** [A-Za-z0-9_-]{1,64}: a topic segment, and a command id. */
bool is_identifier(const std::string &value);

/** Why `value` is not an identifier, naming `what` ("device id"). */
std::string describe_bad_identifier(const char *what, const std::string &value);

struct ParsedTopic {
  MessageKind kind{MessageKind::STATUS};
  std::string device_id;
  /** Sensor (sensor_data) or actuator (actuator_command/status) id; empty otherwise. */
  std::string component;
};

/** Parses devices/<id>/...; on failure returns false and explains in `error` (device_id set when readable). */
bool parse_topic(const std::string &topic, ParsedTopic &out, std::string &error);

/** Builds the topics of one device; ids must already be identifiers. */
class Topics {
 public:
  Topics(const std::string &root, const std::string &device_id)
      : base_(root + "/" + device_id), all_(root + "/" + ALL_DEVICES_ID) {}
  const std::string &base() const { return base_; }
  std::string capabilities() const { return base_ + "/capabilities"; }
  std::string status() const { return base_ + "/status"; }
  std::string error() const { return base_ + "/error"; }
  std::string metrics() const { return base_ + "/metrics"; }
  std::string sensor_data(const std::string &sensor) const { return base_ + "/sensors/" + sensor + "/data"; }
  std::string sensor_batch() const { return base_ + "/sensors/batch"; }
  std::string actuator_command(const std::string &actuator) const { return base_ + "/actuators/" + actuator + "/cmd"; }
  std::string actuator_status(const std::string &actuator) const {
    return base_ + "/actuators/" + actuator + "/status";
  }
  /** One subscription for the commands of every actuator. */
  std::string all_commands() const { return base_ + "/actuators/+/cmd"; }
  std::string config_state() const { return base_ + "/config"; }
  std::string config_set() const { return base_ + "/config/set"; }
  std::string diagnostics_request() const { return base_ + "/diagnostics/request"; }
  std::string diagnostics_result() const { return base_ + "/diagnostics/result"; }
  /** This device's announce request, and the broadcast one every device answers. */
  std::string announce() const { return base_ + "/announce"; }
  std::string announce_all() const { return all_ + "/announce"; }

 private:
  std::string base_;
  std::string all_;
};

/**
 * Turns an entity name into an identifier: lower case, spaces to '_', other characters
 * outside [a-z0-9_-] dropped, cut to 64. Empty when nothing is left.
 */
std::string slugify(const std::string &name);

}  // namespace mcp_bridge
