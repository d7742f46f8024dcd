#include "core_topics.h"

#include <vector>

namespace mcp_bridge {

namespace {
const char *const ROOT = "devices";

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

std::vector<std::string> split(const std::string &topic) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    const size_t slash = topic.find('/', start);
    parts.push_back(topic.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos)
      return parts;
    start = slash + 1;
  }
}

struct FixedSuffix {
  const char *suffix;
  MessageKind kind;
};

const FixedSuffix FIXED_SUFFIXES[] = {
    {"capabilities", MessageKind::CAPABILITIES},
    {"status", MessageKind::STATUS},
    {"error", MessageKind::ERROR},
    {"metrics", MessageKind::METRICS},
    {"sensors/batch", MessageKind::SENSOR_BATCH},
    {"config", MessageKind::CONFIG_STATE},
    {"config/set", MessageKind::CONFIG_SET},
    {"diagnostics/request", MessageKind::DIAGNOSTICS_REQUEST},
    {"diagnostics/result", MessageKind::DIAGNOSTICS_RESULT},
    {"announce", MessageKind::ANNOUNCE_REQUEST},
};
}  // namespace

const char *kind_name(MessageKind kind) {
  switch (kind) {
    case MessageKind::CAPABILITIES:
      return "capabilities";
    case MessageKind::STATUS:
      return "status";
    case MessageKind::SENSOR_DATA:
      return "sensor_data";
    case MessageKind::SENSOR_BATCH:
      return "sensor_batch";
    case MessageKind::ACTUATOR_COMMAND:
      return "actuator_command";
    case MessageKind::ACTUATOR_STATUS:
      return "actuator_status";
    case MessageKind::ERROR:
      return "error";
    case MessageKind::METRICS:
      return "metrics";
    case MessageKind::CONFIG_SET:
      return "config_set";
    case MessageKind::CONFIG_STATE:
      return "config_state";
    case MessageKind::DIAGNOSTICS_REQUEST:
      return "diagnostics_request";
    case MessageKind::DIAGNOSTICS_RESULT:
      return "diagnostics_result";
    case MessageKind::ANNOUNCE_REQUEST:
      return "announce_request";
  }
  return "?";
}

bool is_identifier(const std::string &value) {
  if (value.empty() || value.size() > MAX_IDENTIFIER_LENGTH)
    return false;
  for (char c : value) {
    if (!is_identifier_char(c))
      return false;
  }
  return true;
}

std::string describe_bad_identifier(const char *what, const std::string &value) {
  const std::string name(what);
  if (value.empty())
    return name + " is empty";
  if (value.find_first_of("+#") != std::string::npos)
    return name + " \"" + value + "\" contains an MQTT wildcard";
  if (value.size() > MAX_IDENTIFIER_LENGTH)
    return name + " is " + std::to_string(value.size()) + " characters long (max 64)";
  return name + " \"" + value + "\" may only contain A-Z a-z 0-9 _ -";
}

bool parse_topic(const std::string &topic, ParsedTopic &out, std::string &error) {
  out = ParsedTopic{};
  if (topic.size() > MAX_TOPIC_LENGTH) {
    error = "topic is " + std::to_string(topic.size()) + " characters long (max 256)";
    return false;
  }
  const std::vector<std::string> parts = split(topic);
  if (parts[0] != ROOT) {
    error = "topic must start with \"devices/\"";
    return false;
  }
  if (parts.size() < 3) {
    error = "topic has no message kind after the device id";
    return false;
  }
  if (!is_identifier(parts[1])) {
    error = describe_bad_identifier("device id", parts[1]);
    return false;
  }
  out.device_id = parts[1];
  std::string rest = parts[2];
  for (size_t i = 3; i < parts.size(); i++)
    rest += "/" + parts[i];
  for (const auto &fixed : FIXED_SUFFIXES) {
    if (rest == fixed.suffix) {
      out.kind = fixed.kind;
      return true;
    }
  }
  const bool sensor = parts.size() == 5 && parts[2] == "sensors" && parts[4] == "data";
  const bool actuator = parts.size() == 5 && parts[2] == "actuators" && (parts[4] == "cmd" || parts[4] == "status");
  if (sensor || actuator) {
    if (!is_identifier(parts[3])) {
      error = describe_bad_identifier(sensor ? "sensor id" : "actuator id", parts[3]);
      return false;
    }
    out.component = parts[3];
    out.kind = sensor              ? MessageKind::SENSOR_DATA
               : parts[4] == "cmd" ? MessageKind::ACTUATOR_COMMAND
                                   : MessageKind::ACTUATOR_STATUS;
    return true;
  }
  error = "unknown topic \"" + rest + "\" under devices/" + out.device_id + "/";
  return false;
}

std::string slugify(const std::string &name) {
  std::string out;
  for (char c : name) {
    if (out.size() == MAX_IDENTIFIER_LENGTH)
      break;
    if (c >= 'A' && c <= 'Z')
      out += static_cast<char>(c - 'A' + 'a');
    else if (c == ' ')
      out += '_';
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')
      out += c;
  }
  return out;
}

}  // namespace mcp_bridge
