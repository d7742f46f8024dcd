#include "core_messages.h"

#include <cmath>
#include <cstdio>

namespace mcp_bridge {

void Value::write(JsonWriter &json) const {
  switch (type) {
    case Type::BOOLEAN:
      json.value(boolean);
      break;
    case Type::NUMBER:
      json.value(number);
      break;
    case Type::STRING:
      json.value(text);
      break;
    default:
      json.null();
  }
}

std::string Value::to_json() const {
  JsonWriter json;
  write(json);
  return json.take();
}

size_t utf8_length(const std::string &text) {
  size_t count = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80)
      count++;
  }
  return count;
}

namespace {

bool fail(DecodeError &error, const char *code, const std::string &field, const std::string &message) {
  error.code = code;
  error.field = field;
  error.message = std::string(code) + ": " + message;
  return false;
}

bool schema_fail(DecodeError &error, const std::string &field, const std::string &message) {
  return fail(error, codes::SCHEMA, field, (field.empty() ? std::string("payload") : field) + " " + message);
}

bool is_action_name(const std::string &text) {
  if (text.empty() || text.size() > 32)
    return false;
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || c == '_'))
      return false;
  }
  return true;
}

bool check_identifier(const JsonValue &v, const std::string &field, DecodeError &error) {
  if (!v.is_string())
    return schema_fail(error, field, std::string("must be a string, got ") + v.type_name());
  if (!is_identifier(v.string))
    return schema_fail(error, field, "must match ^[A-Za-z0-9_-]{1,64}$");
  return true;
}

/** An integer property within [min, max] (ajv's "integer": finite and whole). */
bool check_integer(const JsonValue &v, const std::string &field, double min, double max, DecodeError &error) {
  if (!v.is_integer())
    return schema_fail(error, field, std::string("must be an integer, got ") + v.type_name());
  if (v.number < min || v.number > max) {
    char range[64];
    std::snprintf(range, sizeof range, "must be within %.0f..%.0f", min, max);
    return schema_fail(error, field, range);
  }
  return true;
}

bool check_timestamp(const JsonValue &v, DecodeError &error) {
  if (!v.is_number() || !std::isfinite(v.number))
    return schema_fail(error, "/timestamp", std::string("must be a number, got ") + v.type_name());
  if (v.number < 0 || v.number > 4294967295.0)
    return schema_fail(error, "/timestamp", "must be within 0..4294967295");
  return true;
}

bool require(const JsonValue &body, const char *name, DecodeError &error) {
  if (body.get(name) != nullptr)
    return true;
  return schema_fail(error, std::string("/") + name, "is required");
}

bool read_value(const JsonValue &v, Value &out, DecodeError &error) {
  switch (v.type) {
    case JsonValue::Type::NUL:
      out = Value::null();
      return true;
    case JsonValue::Type::BOOLEAN:
      out = Value::of(v.boolean);
      return true;
    case JsonValue::Type::NUMBER:
      if (!std::isfinite(v.number))
        break;
      out = Value::of(v.number);
      return true;
    case JsonValue::Type::STRING:
      if (utf8_length(v.string) > 64)
        return schema_fail(error, "/value", "must NOT have more than 64 characters");
      out = Value::of(v.string);
      return true;
    default:
      break;
  }
  return schema_fail(error, "/value", std::string("must be number, boolean, string or null, got ") + v.type_name());
}

bool read_streaming(const JsonValue &map, ConfigSet &out, DecodeError &error) {
  if (!map.is_object())
    return schema_fail(error, "/streaming", std::string("must be an object, got ") + map.type_name());
  if (map.members.size() > 128)
    return schema_fail(error, "/streaming", "must NOT have more than 128 properties");
  for (const auto &member : map.members) {
    if (!is_identifier(member.first))
      return schema_fail(error, "/streaming", "property name \"" + member.first + "\" is not an identifier");
  }
  for (const auto &member : map.members) {
    const std::string field = "/streaming/" + member.first;
    const JsonValue &entry = member.second;
    if (!entry.is_object())
      return schema_fail(error, field, std::string("must be an object, got ") + entry.type_name());
    const JsonValue *enabled = entry.get("enabled");
    if (enabled == nullptr)
      return schema_fail(error, field + "/enabled", "is required");
    if (enabled->type != JsonValue::Type::BOOLEAN)
      return schema_fail(error, field + "/enabled", std::string("must be a boolean, got ") + enabled->type_name());
    StreamingSetting setting;
    setting.sensor = member.first;
    setting.enabled = enabled->boolean;
    if (const JsonValue *interval = entry.get("interval_ms")) {
      if (!check_integer(*interval, field + "/interval_ms", 100, 86400000, error))
        return false;
      setting.interval_ms = static_cast<uint32_t>(interval->number);
    }
    // A repeated key counts once, the last one wins (JSON.parse semantics).
    bool replaced = false;
    for (auto &known : out.streaming) {
      if (known.sensor == setting.sensor) {
        known = setting;
        replaced = true;
      }
    }
    if (!replaced)
      out.streaming.push_back(setting);
  }
  out.has_streaming = true;
  return true;
}

/** Distinct member names (a repeated key counts once, as after JSON.parse). */
size_t distinct_members(const JsonValue &body) {
  size_t count = 0;
  for (size_t i = 0; i < body.members.size(); i++) {
    bool seen = false;
    for (size_t j = 0; j < i && !seen; j++)
      seen = body.members[j].first == body.members[i].first;
    if (!seen)
      count++;
  }
  return count;
}

}  // namespace

bool decode_envelope(const std::string &topic, const char *payload, size_t length, Envelope &out,
                     DecodeError &error, size_t max_payload) {
  std::string why;
  if (!parse_topic(topic, out.topic, why))
    return fail(error, codes::BAD_TOPIC, "topic", why);
  if (length > max_payload) {
    return fail(error, codes::TOO_LARGE, "",
                "payload is " + std::to_string(length) + " bytes (max " + std::to_string(max_payload) + ")");
  }
  if (!is_valid_utf8(payload, length))
    return fail(error, codes::BAD_JSON, "", "payload is not valid UTF-8");
  if (out.topic.kind == MessageKind::STATUS) {
    // decode.ts trims JS whitespace; ASCII whitespace is what devices send.
    size_t begin = 0, end = length;
    while (begin < end && (payload[begin] == ' ' || (payload[begin] >= '\t' && payload[begin] <= '\r')))
      begin++;
    while (end > begin && (payload[end - 1] == ' ' || (payload[end - 1] >= '\t' && payload[end - 1] <= '\r')))
      end--;
    const std::string plain(payload + begin, end - begin);
    if (plain == "online" || plain == "offline") {
      out.body = JsonValue{};
      out.body.type = JsonValue::Type::OBJECT;
      JsonValue status;
      status.type = JsonValue::Type::STRING;
      status.string = plain;
      out.body.members.emplace_back("status", status);
      return true;
    }
  }
  if (!parse_json(payload, length, out.body, why)) {
    out.body = JsonValue{};  // nothing from a broken payload (not even its id) is trusted
    return fail(error, codes::BAD_JSON, "", "payload is not JSON: " + why);
  }
  if (!out.body.is_object())
    return fail(error, codes::SCHEMA, "", std::string("payload must be a JSON object, got ") + out.body.type_name());
  const JsonValue *device_id = out.body.get("device_id");
  if (device_id != nullptr && device_id->is_string() && device_id->string != out.topic.device_id) {
    return fail(error, codes::ID_MISMATCH, "/device_id",
                "/device_id \"" + device_id->string + "\" does not match the topic's device \"" +
                    out.topic.device_id + "\"");
  }
  const JsonValue *component = out.body.get("component");
  if (!out.topic.component.empty() && component != nullptr && component->is_string() &&
      component->string != out.topic.component) {
    return fail(error, codes::ID_MISMATCH, "/component",
                "/component \"" + component->string + "\" does not match the topic's \"" + out.topic.component +
                    "\"");
  }
  return true;
}

bool decode_command(const JsonValue &body, Command &out, DecodeError &error) {
  if (!require(body, "id", error) || !require(body, "action", error))
    return false;
  if (!check_identifier(*body.get("id"), "/id", error))
    return false;
  const JsonValue &action = *body.get("action");
  if (!action.is_string())
    return schema_fail(error, "/action", std::string("must be a string, got ") + action.type_name());
  if (!is_action_name(action.string))
    return schema_fail(error, "/action", "must match ^[a-z_]{1,32}$");
  out = Command{};
  if (const JsonValue *value = body.get("value")) {
    if (!read_value(*value, out.value, error))
      return false;
  }
  if (const JsonValue *timestamp = body.get("timestamp")) {
    if (!check_timestamp(*timestamp, error))
      return false;
  }
  if (const JsonValue *lease = body.get("lease_s")) {
    if (lease->type != JsonValue::Type::NUMBER)
      return schema_fail(error, "/lease_s", std::string("must be a number, got ") + lease->type_name());
    if (!(lease->number > 0) || lease->number > 86400)
      return schema_fail(error, "/lease_s", "must be > 0 and <= 86400");
    out.has_lease = true;
    out.lease_s = lease->number;
  }
  out.id = body.get("id")->string;
  out.action = action.string;
  return true;
}

bool decode_config_set(const JsonValue &body, ConfigSet &out, DecodeError &error) {
  if (distinct_members(body) < 2)
    return schema_fail(error, "", "must NOT have fewer than 2 properties");
  if (!require(body, "id", error) || !check_identifier(*body.get("id"), "/id", error))
    return false;
  out = ConfigSet{};
  out.id = body.get("id")->string;
  if (const JsonValue *v = body.get("publish_interval_ms")) {
    if (!check_integer(*v, "/publish_interval_ms", 100, 86400000, error))
      return false;
    out.publish_interval_ms = static_cast<uint32_t>(v->number);
  }
  if (const JsonValue *v = body.get("metrics_interval_ms")) {
    if (!check_integer(*v, "/metrics_interval_ms", 1000, 86400000, error))
      return false;
    out.metrics_interval_ms = static_cast<uint32_t>(v->number);
  }
  if (const JsonValue *v = body.get("streaming")) {
    if (!read_streaming(*v, out, error))
      return false;
  }
  if (const JsonValue *v = body.get("reset_metrics")) {
    if (v->type != JsonValue::Type::BOOLEAN)
      return schema_fail(error, "/reset_metrics", std::string("must be a boolean, got ") + v->type_name());
    out.reset_metrics = v->boolean;
  }
  return true;
}

bool decode_announce_request(const JsonValue &body, AnnounceRequest &out, DecodeError &error) {
  if (!require(body, "id", error) || !check_identifier(*body.get("id"), "/id", error))
    return false;
  const JsonValue *reason = body.get("reason");
  if (reason != nullptr) {
    if (!reason->is_string())
      return schema_fail(error, "/reason", std::string("must be string, got ") + reason->type_name());
    size_t code_points = 0;  // JSON Schema's maxLength counts characters, not bytes
    for (unsigned char c : reason->string)
      code_points += (c & 0xC0) != 0x80;
    if (code_points > 64)
      return schema_fail(error, "/reason", "must NOT have more than 64 characters");
  }
  out = AnnounceRequest{};
  out.id = body.get("id")->string;
  return true;
}

bool decode_diagnostics_request(const JsonValue &body, DiagnosticsRequest &out, DecodeError &error) {
  if (!require(body, "id", error) || !check_identifier(*body.get("id"), "/id", error))
    return false;
  out = DiagnosticsRequest{};
  out.id = body.get("id")->string;
  const JsonValue *checks = body.get("checks");
  if (checks == nullptr)
    return true;
  if (checks->type != JsonValue::Type::ARRAY)
    return schema_fail(error, "/checks", std::string("must be an array, got ") + checks->type_name());
  if (checks->items.size() > 16)
    return schema_fail(error, "/checks", "must NOT have more than 16 items");
  for (size_t i = 0; i < checks->items.size(); i++) {
    const JsonValue &item = checks->items[i];
    for (size_t j = 0; j < i; j++) {
      if (item.is_string() && checks->items[j].is_string() && checks->items[j].string == item.string)
        return schema_fail(error, "/checks", "must NOT have duplicate items");
    }
  }
  for (size_t i = 0; i < checks->items.size(); i++) {
    const JsonValue &item = checks->items[i];
    const std::string field = "/checks/" + std::to_string(i);
    if (!item.is_string() || !is_action_name(item.string))
      return schema_fail(error, field, "must be a string matching ^[a-z_]{1,32}$");
    out.checks.push_back(item.string);
  }
  return true;
}

std::string salvage_command_id(const JsonValue &body) {
  const JsonValue *id = body.get("id");
  return (id != nullptr && id->is_string() && is_identifier(id->string)) ? id->string : std::string();
}

}  // namespace mcp_bridge
