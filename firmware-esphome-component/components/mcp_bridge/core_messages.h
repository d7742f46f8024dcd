// Messages the device receives (server -> device), decoded and checked exactly as
// protocol/src/decode.ts does with protocol/schemas/*.schema.json, with the same
// error codes and fields. The shared vectors in protocol/vectors/ test both.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core_json.h"
#include "core_topics.h"

namespace mcp_bridge {

/** A command or state value: number, boolean, string or null, or absent from the message. */
struct Value {
  enum class Type : uint8_t { ABSENT, NUL, BOOLEAN, NUMBER, STRING };
  Type type{Type::ABSENT};
  bool boolean{false};
  double number{0};
  std::string text;

  // Factories instead of brace-initialisation: C++11 (ESP-IDF 4.4) has no aggregate init of classes
  // with default member initialisers.
  static Value null() { return Value(Type::NUL); }
  static Value of(bool b) {
    Value v(Type::BOOLEAN);
    v.boolean = b;
    return v;
  }
  static Value of(double n) {
    Value v(Type::NUMBER);
    v.number = n;
    return v;
  }
  static Value of(const std::string &s) {
    Value v(Type::STRING);
    v.text = s;
    return v;
  }
  Value() = default;
  explicit Value(Type t) : type(t) {}
  bool absent() const { return type == Type::ABSENT || type == Type::NUL; }
  /** Writes the value (absent as null). */
  void write(JsonWriter &json) const;
  /** JSON text of the value, for messages. */
  std::string to_json() const;
};

/** Stable codes of protocol/src/errors.ts. */
namespace codes {
constexpr const char *BAD_TOPIC = "BAD_TOPIC";
constexpr const char *TOO_LARGE = "TOO_LARGE";
constexpr const char *BAD_JSON = "BAD_JSON";
constexpr const char *SCHEMA = "SCHEMA";
constexpr const char *ID_MISMATCH = "ID_MISMATCH";
}  // namespace codes

struct DecodeError {
  const char *code{codes::SCHEMA};
  /** JSON pointer of the offending field, "" for the whole payload, "topic" for the topic. */
  std::string field;
  /** "CODE: explanation", like the TypeScript decoder. */
  std::string message;
};

/** A message whose topic, size, encoding, JSON syntax and ids have been checked. */
struct Envelope {
  ParsedTopic topic;
  JsonValue body;
};

/**
 * First half of decode(): topic grammar, size limit, UTF-8, JSON, object shape, and the
 * topic's authority over device_id/component. Plain "online"/"offline" status is accepted.
 */
bool decode_envelope(const std::string &topic, const char *payload, size_t length, Envelope &out,
                     DecodeError &error, size_t max_payload = MAX_PAYLOAD_BYTES);

struct Command {
  std::string id;
  std::string action;
  Value value;
  /** The command carries lease_s (seconds): the device reverts the actuator when it ends. */
  bool has_lease{false};
  double lease_s{0};
};

struct StreamingSetting {
  std::string sensor;
  bool enabled{false};
  /** 0: the device's default streaming interval. */
  uint32_t interval_ms{0};
};

struct ConfigSet {
  std::string id;
  uint32_t publish_interval_ms{0};  // 0: unchanged
  uint32_t metrics_interval_ms{0};  // 0: unchanged
  bool has_streaming{false};
  std::vector<StreamingSetting> streaming;
  bool reset_metrics{false};
};

struct DiagnosticsRequest {
  std::string id;
  /** Empty: every check. */
  std::vector<std::string> checks;
};

/** Schema check of actuator_command.schema.json. */
bool decode_command(const JsonValue &body, Command &out, DecodeError &error);
/** Schema check of config_set.schema.json. */
bool decode_config_set(const JsonValue &body, ConfigSet &out, DecodeError &error);
struct AnnounceRequest {
  std::string id;
};

/** Schema check of announce_request.schema.json. */
bool decode_announce_request(const JsonValue &body, AnnounceRequest &out, DecodeError &error);

/** Schema check of diagnostics_request.schema.json. */
bool decode_diagnostics_request(const JsonValue &body, DiagnosticsRequest &out, DecodeError &error);

/** The command id when the payload has a usable one even though it failed its schema, so it can be answered. */
std::string salvage_command_id(const JsonValue &body);

/** Unicode code points in UTF-8 text (JSON Schema's maxLength counts these). */
size_t utf8_length(const std::string &text);

}  // namespace mcp_bridge
