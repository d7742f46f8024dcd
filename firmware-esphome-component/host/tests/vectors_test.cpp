// The shared vectors of protocol/vectors/*.json, the same ones the TypeScript decoder passes.
#include <dirent.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "check.h"
#include "core_messages.h"
#include "core_topics.h"
#include "core_validate.h"

using namespace mcp_bridge;
using nlohmann::json;

namespace {

std::vector<std::string> vector_files() {
  std::vector<std::string> files;
  DIR *dir = opendir(PROTOCOL_DIR "/vectors");
  if (dir == nullptr)
    return files;
  while (dirent *entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (name.size() > 5 && name.substr(name.size() - 5) == ".json")
      files.push_back(std::string(PROTOCOL_DIR "/vectors/") + name);
  }
  closedir(dir);
  return files;
}

json load(const std::string &path) {
  std::ifstream in(path);
  return json::parse(in);
}

std::string payload_of(const json &c) {
  if (!c.contains("payload_hex"))
    return c["payload"].get<std::string>();
  const std::string hex = c["payload_hex"].get<std::string>();
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return bytes;
}

bool is_inbound(MessageKind kind) {
  return kind == MessageKind::ACTUATOR_COMMAND || kind == MessageKind::CONFIG_SET ||
         kind == MessageKind::DIAGNOSTICS_REQUEST || kind == MessageKind::ANNOUNCE_REQUEST;
}

/** Runs the device's decoder for an inbound kind; returns the id it read. */
bool decode_inbound(const Envelope &envelope, std::string &id, DecodeError &error) {
  switch (envelope.topic.kind) {
    case MessageKind::ACTUATOR_COMMAND: {
      Command command;
      if (!decode_command(envelope.body, command, error))
        return false;
      id = command.id;
      return true;
    }
    case MessageKind::CONFIG_SET: {
      ConfigSet config;
      if (!decode_config_set(envelope.body, config, error))
        return false;
      id = config.id;
      return true;
    }
    case MessageKind::ANNOUNCE_REQUEST: {
      AnnounceRequest request;
      if (!decode_announce_request(envelope.body, request, error))
        return false;
      id = request.id;
      return true;
    }
    default: {
      DiagnosticsRequest request;
      if (!decode_diagnostics_request(envelope.body, request, error))
        return false;
      id = request.id;
      return true;
    }
  }
}

Value value_of(const json &v) {
  if (v.is_boolean())
    return Value::of(v.get<bool>());
  if (v.is_number())
    return Value::of(v.get<double>());
  if (v.is_string())
    return Value::of(v.get<std::string>());
  return Value::null();
}

ActuatorDesc actuator_of(const std::string &key, const json &meta) {
  static const std::map<std::string, ValueType> TYPES = {
      {"boolean", ValueType::BOOLEAN}, {"number", ValueType::NUMBER}, {"integer", ValueType::INTEGER},
      {"string", ValueType::STRING},   {"enum", ValueType::ENUM},     {"none", ValueType::NONE}};
  ActuatorDesc a;
  a.key = key;
  a.value_type = TYPES.at(meta["value_type"].get<std::string>());
  a.actions = meta["supported_actions"].get<std::vector<std::string>>();
  a.unit = meta.value("unit", "");
  a.has_min = meta.contains("min_range");
  a.min = meta.value("min_range", 0.0);
  a.has_max = meta.contains("max_range");
  a.max = meta.value("max_range", 0.0);
  a.step = meta.value("step", 0.0);
  if (meta.contains("options"))
    a.options = meta["options"].get<std::vector<std::string>>();
  a.max_length = meta.value("max_length", 0u);
  a.format = meta.value("format", "");
  a.requires_confirmation = meta.value("requires_confirmation", false);
  a.guard.max_lease_s = meta.value("max_lease_s", 0.0);
  if (meta.contains("safe_state"))
    a.guard.safe_state = value_of(meta["safe_state"]);
  a.guard.min_interval_ms = meta.value("min_interval_ms", 0u);
  return a;
}

}  // namespace

TEST("decode vectors: topic, size, UTF-8, JSON, ids and inbound schemas agree with decode.ts") {
  int checked = 0, inbound = 0, device_side = 0;
  for (const auto &file : vector_files()) {
    const json doc = load(file);
    if (doc["type"] != "decode")
      continue;
    for (const auto &c : doc["cases"]) {
      const std::string name = file.substr(file.rfind('/') + 1) + ": " + c["name"].get<std::string>();
      const std::string payload = payload_of(c);
      const json &expect = c["expect"];
      const std::string code = expect.value("error", "");
      Envelope envelope;
      DecodeError error;
      const bool ok = decode_envelope(c["topic"].get<std::string>(), payload.data(), payload.size(), envelope, error);
      checked++;
      const bool envelope_error = code == "BAD_TOPIC" || code == "TOO_LARGE" || code == "BAD_JSON" ||
                                  code == "ID_MISMATCH" || (code == "SCHEMA" && expect.value("field", "x").empty() &&
                                                            !json::parse(payload, nullptr, false).is_object());
      if (envelope_error) {
        CHECK_CONTEXT(!ok && code == error.code, name << ": expected " << code << ", got " << (ok ? "ok" : error.code));
        if (expect.contains("field") && !ok)
          CHECK_CONTEXT(error.field == expect["field"].get<std::string>(), name << ": field " << error.field);
        continue;
      }
      CHECK_CONTEXT(ok, name << ": envelope failed: " << error.message);
      if (!ok)
        continue;
      if (!is_inbound(envelope.topic.kind)) {
        device_side++;  // schemas of what the device sends are checked by mocha against its output
        continue;
      }
      inbound++;
      std::string id;
      DecodeError schema_error;
      const bool decoded = decode_inbound(envelope, id, schema_error);
      if (code.empty()) {
        CHECK_CONTEXT(decoded, name << ": rejected: " << schema_error.message);
        if (expect.contains("id"))
          CHECK_EQ(id, expect["id"].get<std::string>());
      } else {
        CHECK_CONTEXT(!decoded && code == schema_error.code, name << ": expected " << code);
        if (expect.contains("field"))
          CHECK_CONTEXT(schema_error.field == expect["field"].get<std::string>(),
                        name << ": field " << schema_error.field << " expected " << expect["field"]);
        CHECK_CONTEXT(schema_error.message.rfind(code + ": ", 0) == 0, name << ": message " << schema_error.message);
      }
    }
  }
  std::cout << "  decode vectors: " << checked << " checked, " << inbound << " inbound schema cases, " << device_side
            << " device-side kinds (envelope only)\n";
  CHECK(checked > 100);
  CHECK(inbound >= 15);
}

TEST("command-validation vectors agree with validateCommand()") {
  const json doc = load(PROTOCOL_DIR "/vectors/command-validation.json");
  const json &caps = doc["capabilities"];
  std::map<std::string, ActuatorDesc> actuators;
  for (const auto &key : caps["actuators"]) {
    const json &meta = caps["metadata"][key.get<std::string>()];
    if (meta.contains("supported_actions"))
      actuators[key] = actuator_of(key, meta);
  }
  int cases = 0;
  for (const auto &c : doc["cases"]) {
    const std::string name = c["name"];
    const std::string key = c["actuator"];
    Command command;
    command.id = "v";
    command.action = c["command"]["action"];
    if (c["command"].contains("value"))
      command.value = value_of(c["command"]["value"]);
    if (c["command"].contains("lease_s")) {
      command.has_lease = true;
      command.lease_s = c["command"]["lease_s"].get<double>();
    }
    const bool confirmed = c["command"].value("confirmed", false);
    const auto found = actuators.find(key);
    CommandError error;
    const bool ok =
        validate_command(found == actuators.end() ? nullptr : &found->second, key, command, confirmed, error);
    const std::string expected = c["expect"].value("error", "");
    if (expected.empty())
      CHECK_CONTEXT(ok, name << ": rejected " << error.message);
    else
      CHECK_CONTEXT(!ok && expected == error.code, name << ": expected " << expected << " got " << (ok ? "ok" : error.code));
    cases++;
  }
  CHECK(cases >= 20);
}

TEST("string readings: what the core publishes for a text sensor always passes the vectors' limits") {
  // decode vectors: a string reading the server accepts goes out unchanged; one it refuses as too
  // long is cut by the core to a length it accepts.
  int strings = 0;
  for (const auto &file : vector_files()) {
    const json doc = load(file);
    if (doc["type"] != "decode")
      continue;
    for (const auto &c : doc["cases"]) {
      const json payload = json::parse(payload_of(c), nullptr, false);
      if (!payload.is_object())
        continue;
      std::vector<json> readings;
      if (payload.contains("value") && payload["value"].is_object() && payload["value"].contains("reading"))
        readings.push_back(payload["value"]["reading"]);
      if (payload.contains("readings") && payload["readings"].is_array())
        for (const auto &r : payload["readings"])
          if (r.is_object() && r.contains("reading"))
            readings.push_back(r["reading"]);
      for (const auto &reading : readings) {
        if (!reading.is_string())
          continue;
        const std::string text = reading.get<std::string>();
        std::string sent;
        const size_t chars = assign_bounded_text(sent, text.data(), text.size(), MAX_STRING_READING_LENGTH);
        const std::string name = c["name"].get<std::string>();
        CHECK_CONTEXT(chars <= MAX_STRING_READING_LENGTH && is_valid_utf8(sent.data(), sent.size()), name);
        if (!c["expect"].contains("error"))
          CHECK_CONTEXT(sent == text, name << ": a reading the server accepts was changed");
        else
          CHECK_CONTEXT(chars == MAX_STRING_READING_LENGTH, name << ": cut to " << chars);
        strings++;
      }
    }
  }
  // reading-validation vectors: a string sensor's max_length cuts what would be TOO_LONG.
  const json doc = load(PROTOCOL_DIR "/vectors/reading-validation.json");
  for (const auto &c : doc["cases"]) {
    const json &meta = doc["capabilities"]["metadata"].value(c["sensor"].get<std::string>(), json::object());
    if (meta.value("value_type", "") != "string" || !c["reading"].is_string() || !meta.contains("max_length"))
      continue;
    const std::string text = c["reading"].get<std::string>();
    std::string sent;
    const size_t chars = assign_bounded_text(sent, text.data(), text.size(), meta["max_length"].get<size_t>());
    if (c["expect"].value("error", "") == "TOO_LONG")
      CHECK_CONTEXT(chars == meta["max_length"].get<size_t>() && sent != text, c["name"]);
    else
      CHECK_CONTEXT(sent == text, c["name"]);
    strings++;
  }
  std::cout << "  string readings: " << strings << " vector texts through the core's bound\n";
  CHECK(strings >= 12);
}
