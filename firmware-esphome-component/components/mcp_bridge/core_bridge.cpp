#include "core_bridge.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

namespace mcp_bridge {

namespace {
constexpr size_t MAX_ENTITIES = 128;
constexpr size_t MAX_BATCH_READINGS = 64;
constexpr size_t REMEMBERED_COMMANDS = 32;
constexpr size_t OUTBOX_SIZE = 16;

/** Cuts UTF-8 text to `max` code points (schema maxLength) without splitting a character. */
std::string clip(const std::string &text, size_t max) {
  size_t points = 0;
  for (size_t i = 0; i < text.size(); i++) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && points++ == max)
      return text.substr(0, i);
  }
  return text;
}

std::string lower_code(const char *code) {
  std::string out(code);
  for (char &c : out) {
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

/**
 * A description that is only the entity name the key was made from ("Water Temperature" for
 * water_temperature) is left out: the capabilities must fit ESPHome's 4 KB MQTT buffer.
 */
bool worth_describing(const std::string &description, const std::string &key) {
  return !description.empty() && slugify(description) != key;
}

/** FNV-1a, 32 bits: identifies a sensor key in the stored configuration. */
uint32_t fnv1a_32(const std::string &text) {
  uint32_t hash = 2166136261u;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

bool same_value(const Value &a, const Value &b) {
  if (a.absent() || b.absent())
    return a.absent() && b.absent();
  if (a.type != b.type)
    return false;
  switch (a.type) {
    case Value::Type::BOOLEAN:
      return a.boolean == b.boolean;
    case Value::Type::NUMBER:
      return a.number == b.number;
    case Value::Type::STRING:
      return a.text == b.text;
    default:
      return true;
  }
}

/**
 * Whether a valid command may change the actuator's state (the min_interval_ms check). Only
 * commands known to leave the state as it is are not changes: read, on/off to the state it
 * has, set/write to the current value. toggle and device-specific actions are changes.
 */
bool would_change(const ActuatorDesc &a, const Value &current, const Command &command) {
  const std::string &action = command.action;
  if (action == "read")
    return false;
  if (action == "on" || action == "off") {
    const bool on = action == "on";
    if (current.type == Value::Type::BOOLEAN)
      return current.boolean != on;
    if (current.type == Value::Type::NUMBER && (a.value_type == ValueType::NUMBER || a.value_type == ValueType::INTEGER))
      return (current.number > 0) != on;
    return true;
  }
  if (action == "set" || action == "write")
    return !same_value(current, command.value);
  return true;
}

/** The command that sets `target` (a lease's revert state); false when the actuator cannot express it. */
bool revert_command(const ActuatorDesc &a, const Value &target, Command &out) {
  out = Command();
  if (target.absent())
    return false;
  if (target.type == Value::Type::BOOLEAN && a.supports(target.boolean ? "on" : "off")) {
    out.action = target.boolean ? "on" : "off";
    return true;
  }
  if (a.supports("set")) {
    out.action = "set";
    out.value = target;
    return true;
  }
  if (target.type == Value::Type::NUMBER && target.number == 0 && a.supports("off")) {
    out.action = "off";
    return true;
  }
  return false;
}

/** Whole milliseconds of a lease, at least 1. */
uint32_t lease_millis(double seconds) {
  const double ms = std::floor(seconds * 1000.0 + 0.5);
  return ms < 1 ? 1u : ms > 86400000.0 ? 86400000u : static_cast<uint32_t>(ms);
}

void write_sensor_metadata(JsonWriter &json, const SensorDesc &s) {
  // value_type defaults to "number" for sensors (protocol/README.md), so only booleans and strings say it.
  json.key(s.key).begin_object();
  if (s.text)
    json.key("value_type").value("string");
  else if (s.binary)
    json.key("value_type").value("boolean");
  if (!s.kind.empty())
    json.key("kind").value(s.kind);
  if (s.text && s.max_length > 0 && s.max_length < MAX_STRING_READING_LENGTH)
    json.key("max_length").value(static_cast<uint32_t>(s.max_length));
  if (s.text && !s.options.empty()) {
    json.key("options").begin_array();
    for (const auto &option : s.options)
      json.value(option);
    json.end_array();
  }
  if (s.text && !s.format.empty())
    json.key("format").value(s.format);
  if (!s.unit.empty())
    json.key("unit").value(s.unit);
  if (!s.binary && s.has_min)
    json.key("min_range").value(s.min);
  if (!s.binary && s.has_max)
    json.key("max_range").value(s.max);
  if (!s.binary && s.accuracy_decimals >= 0)
    json.key("accuracy").value(std::pow(10.0, -s.accuracy_decimals));
  if (worth_describing(s.description, s.key))
    json.key("description").value(s.description);
  if (!s.device_class.empty())
    json.key("device_class").value(s.device_class);
  if (!s.state_class.empty())
    json.key("state_class").value(s.state_class);
  json.end_object();
}

void write_actuator_metadata(JsonWriter &json, const ActuatorDesc &a) {
  json.key(a.key).begin_object().key("value_type").value(value_type_name(a.value_type));
  json.key("supported_actions").begin_array();
  for (const auto &action : a.actions)
    json.value(action);
  json.end_array();
  if (worth_describing(a.description, a.key))
    json.key("description").value(a.description);
  if (!a.kind.empty())
    json.key("kind").value(a.kind);
  if (!a.group.empty())
    json.key("group").value(a.group);
  if (!a.role.empty())
    json.key("role").value(a.role);
  if (!a.unit.empty())
    json.key("unit").value(a.unit);
  if (a.has_min)
    json.key("min_range").value(a.min);
  if (a.has_max)
    json.key("max_range").value(a.max);
  if (a.step > 0)
    json.key("step").value(a.step);
  if (!a.options.empty()) {
    json.key("options").begin_array();
    for (const auto &option : a.options)
      json.value(option);
    json.end_array();
  }
  if (a.max_length > 0)
    json.key("max_length").value(static_cast<uint32_t>(a.max_length));
  if (a.value_type == ValueType::STRING && !a.format.empty())
    json.key("format").value(a.format);
  if (a.requires_confirmation)
    json.key("requires_confirmation").value(true);
  const ActuatorGuard &g = a.guard;
  if (g.max_lease_s > 0) {
    json.key("max_lease_s").value(g.max_lease_s);
    if (g.safe_state.type != Value::Type::ABSENT) {
      json.key("safe_state");
      g.safe_state.write(json);
    }
  }
  if (g.min_interval_ms > 0)
    json.key("min_interval_ms").value(g.min_interval_ms);
  if (g.max_commands_per_min > 0)
    json.key("max_commands_per_min").value(g.max_commands_per_min);
  if (g.max_reversals > 0 && g.flap_window_s > 0)
    json.key("max_reversals").value(g.max_reversals).key("flap_window_s").value(g.flap_window_s);
  json.end_object();
}

/** Whether `v` is a state the actuator can have (its value type, range, options). */
bool fits(const ActuatorDesc &a, const Value &v) {
  switch (a.value_type) {
    case ValueType::BOOLEAN:
      return v.type == Value::Type::BOOLEAN;
    case ValueType::NUMBER:
    case ValueType::INTEGER:
      return v.type == Value::Type::NUMBER && std::isfinite(v.number) && (!a.has_min || v.number >= a.min) &&
             (!a.has_max || v.number <= a.max) &&
             (a.value_type == ValueType::NUMBER || std::floor(v.number) == v.number);
    case ValueType::STRING: {
      DateTimeFields fields;
      return v.type == Value::Type::STRING && (a.format.empty() || parse_text_format(a.format, v.text, fields));
    }
    case ValueType::ENUM:
      return v.type == Value::Type::STRING && std::find(a.options.begin(), a.options.end(), v.text) != a.options.end();
    case ValueType::NONE:
      return false;
  }
  return false;
}

/** Keeps only what the schema allows and the device can enforce. */
void sanitize_guard(ActuatorDesc &a) {
  ActuatorGuard &g = a.guard;
  Command probe;
  const bool revertible = a.value_type != ValueType::NONE &&
                          (a.supports("set") || (a.supports("on") && a.supports("off")));
  if (!(g.max_lease_s > 0) || !std::isfinite(g.max_lease_s) || !revertible)
    g.max_lease_s = 0;
  g.max_lease_s = std::min(g.max_lease_s, 86400.0);
  if (g.max_lease_s == 0 ||
      (g.safe_state.type != Value::Type::ABSENT && (!fits(a, g.safe_state) || !revert_command(a, g.safe_state, probe))))
    g.safe_state = Value();
  g.min_interval_ms = std::min<uint32_t>(g.min_interval_ms, 86400000u);
  g.max_commands_per_min = std::min<uint32_t>(g.max_commands_per_min, 6000u);
  if (g.max_reversals == 0 || g.flap_window_s == 0)
    g.max_reversals = g.flap_window_s = 0;
  g.max_reversals = std::min<uint32_t>(g.max_reversals, 1000u);
  g.flap_window_s = std::min<uint32_t>(g.flap_window_s, 86400u);
}

/** Bytes of a QoS 1 MQTT 3.1.1 PUBLISH packet around a payload: fixed header, topic, packet id. */
size_t publish_overhead(size_t topic_length, size_t payload_length) {
  const size_t remaining = 2 + topic_length + 2 + payload_length;
  size_t length_bytes = 1;
  for (size_t r = remaining; r >= 128; r /= 128)
    length_bytes++;
  return 1 + length_bytes + 2 + topic_length + 2;
}

const char *worst(const char *a, const char *b) {
  auto rank = [](const char *s) { return std::string(s) == "fail" ? 2 : std::string(s) == "warn" ? 1 : 0; };
  return rank(b) > rank(a) ? b : a;
}
}  // namespace

BridgeCore::BridgeCore(DeviceInfo info, BridgeSettings settings, Transport &transport, ActuatorSink &sink,
                       Platform &platform)
    : info_(std::move(info)),
      settings_(settings),
      transport_(transport),
      sink_(sink),
      platform_(platform),
      topics_(info_.topic_root, info_.device_id),
      batch_topic_(topics_.sensor_batch()),
      metrics_topic_(topics_.metrics()) {
  // A batch stops growing past max_batch_bytes; one more reading is at most a few hundred bytes.
  reading_json_.reserve(settings_.max_batch_bytes + 1024);
  due_.reserve(MAX_ENTITIES);
  info_.firmware_version = clip(info_.firmware_version.empty() ? "unknown" : info_.firmware_version, 32);
  info_.hardware_version = clip(info_.hardware_version, 32);
  info_.platform = clip(info_.platform, 32);
  info_.device_type = clip(info_.device_type, 64);
  info_.name = clip(info_.name, 256);
  info_.location = clip(info_.location, 256);
}

// ------------------------------------------------------------------ setup

int BridgeCore::find_sensor(const std::string &key) const {
  for (size_t i = 0; i < sensors_.size(); i++) {
    if (sensors_[i].key == key)
      return static_cast<int>(i);
  }
  return -1;
}

int BridgeCore::find_actuator(const std::string &key) const {
  for (size_t i = 0; i < actuators_.size(); i++) {
    if (actuators_[i].key == key)
      return static_cast<int>(i);
  }
  return -1;
}

std::string BridgeCore::unique_key(const std::string &wanted) const {
  const std::string base = wanted.empty() ? std::string("entity") : wanted.substr(0, MAX_IDENTIFIER_LENGTH - 4);
  std::string key = wanted.empty() ? base : wanted;
  for (int n = 2; find_sensor(key) >= 0 || find_actuator(key) >= 0; n++)
    key = base + "_" + std::to_string(n);
  return key;
}

bool BridgeCore::add_sensor(SensorDesc sensor) {
  if (!is_identifier(sensor.key) || find_sensor(sensor.key) >= 0 || find_actuator(sensor.key) >= 0 ||
      sensors_.size() >= MAX_ENTITIES)
    return false;
  sensor.unit = clip(sensor.unit, 16);
  sensor.device_class = clip(sensor.device_class, 32);
  sensor.state_class = clip(sensor.state_class, 32);
  sensor.description = clip(sensor.description, 256);
  sensor_states_.emplace_back();
  sensor_states_.back().data_topic = topics_.sensor_data(sensor.key);
  sensors_.push_back(std::move(sensor));
  return true;
}

bool BridgeCore::add_actuator(ActuatorDesc actuator) {
  if (!is_identifier(actuator.key) || find_sensor(actuator.key) >= 0 || find_actuator(actuator.key) >= 0 ||
      actuators_.size() >= MAX_ENTITIES || actuator.actions.empty())
    return false;
  actuator.unit = clip(actuator.unit, 16);
  actuator.description = clip(actuator.description, 256);
  sanitize_guard(actuator);
  actuators_.push_back(std::move(actuator));
  actuator_states_.push_back(Value::null());
  apply_failures_.push_back(std::string());
  guard_states_.push_back(GuardState());
  return true;
}

bool BridgeCore::set_guard(const std::string &key, const ActuatorGuard &guard) {
  const int index = find_actuator(key);
  if (index < 0)
    return false;
  ActuatorDesc &actuator = actuators_[static_cast<size_t>(index)];
  actuator.guard = guard;
  sanitize_guard(actuator);
  return true;
}

std::vector<std::string> BridgeCore::subscriptions() const {
  return {topics_.all_commands(), topics_.config_set(), topics_.diagnostics_request(), topics_.announce(),
          topics_.announce_all()};
}

// ------------------------------------------------------------------ sending

bool BridgeCore::send(const std::string &topic, const std::string &payload, uint8_t qos, bool retain) {
  if (!transport_.connected() || !transport_.publish(topic, payload, qos, retain)) {
    counters_.publish_failures++;
    publish_failures_in_row_++;
    return false;
  }
  counters_.messages_sent++;
  publish_failures_in_row_ = 0;
  return true;
}

void BridgeCore::begin_message(JsonWriter &json) {
  json.begin_object().key("device_id").value(info_.device_id).key("seq").value(seq_++);
  const double now = platform_.unix_time();
  if (now > 0)
    json.key("timestamp").value(now, 3);
}

namespace {
/** Head of a capabilities document, up to and including `"sensors":[`. */
void begin_capabilities(JsonWriter &json, const DeviceInfo &info, size_t part, size_t parts) {
  json.key("protocol").value(PROTOCOL_VERSION).key("firmware_version").value(info.firmware_version);
  if (!info.hardware_version.empty())
    json.key("hardware_version").value(info.hardware_version);
  if (!info.device_type.empty())
    json.key("device_type").value(info.device_type);
  if (!info.name.empty())
    json.key("name").value(info.name);
  if (!info.location.empty())
    json.key("location").value(info.location);
  if (!info.platform.empty())
    json.key("platform").value(info.platform);
  if (parts > 1)
    json.key("part").value(static_cast<uint32_t>(part)).key("parts").value(static_cast<uint32_t>(parts));
}
}  // namespace

size_t BridgeCore::capabilities_budget() const {
  if (settings_.max_capabilities_bytes > 0)
    return settings_.max_capabilities_bytes;
  const size_t topic = topics_.capabilities().size();
  return 4096 - publish_overhead(topic, 4096);
}

std::string BridgeCore::build_capabilities() {
  std::vector<std::string> parts = build_capabilities_parts();
  return parts.empty() ? std::string() : parts.front();
}

std::vector<size_t> BridgeCore::plan_capabilities() {
  // Each entity costs its id twice (list and metadata key) plus its metadata; parts are filled
  // greedily, in declaration order, with a head sized for the largest seq and part numbers.
  const size_t entities = sensors_.size() + actuators_.size();
  std::vector<size_t> cost(entities);
  JsonWriter scratch;
  for (size_t i = 0; i < entities; i++) {
    scratch.clear();
    scratch.begin_object();
    if (i < sensors_.size())
      write_sensor_metadata(scratch, sensors_[i]);
    else
      write_actuator_metadata(scratch, actuators_[i - sensors_.size()]);
    const std::string &key = i < sensors_.size() ? sensors_[i].key : actuators_[i - sensors_.size()].key;
    cost[i] = scratch.str().size() - 1 /* { */ + key.size() + 3 /* "key", */ + 1 /* comma */;
  }
  JsonWriter head;
  head.begin_object().key("device_id").value(info_.device_id).key("seq").value(static_cast<uint32_t>(4294967295u));
  head.key("timestamp").value(4294967295.999, 3);
  begin_capabilities(head, info_, 999, 999);
  head.key("sensors").begin_array().end_array().key("actuators").begin_array().end_array();
  head.key("metadata").begin_object().end_object().key("config").begin_object();
  head.key("publish_interval_ms").value(static_cast<uint32_t>(4294967295u));
  head.key("metrics_interval_ms").value(static_cast<uint32_t>(4294967295u));
  head.end_object().end_object();
  const size_t budget = capabilities_budget();
  const size_t fixed = head.str().size() + 16;

  // Split points: part p holds entities [starts[p], starts[p+1]).
  std::vector<size_t> starts(1, 0);
  size_t used = fixed;
  oversized_entities_ = 0;
  for (size_t i = 0; i < entities; i++) {
    if (fixed + cost[i] > budget)
      oversized_entities_++;
    if (used + cost[i] > budget && i > starts.back()) {
      starts.push_back(i);
      used = fixed;
    }
    used += cost[i];
  }
  capabilities_parts_ = starts.size();
  starts.push_back(entities);
  return starts;
}

std::vector<std::string> BridgeCore::build_capabilities_parts() {
  const std::vector<size_t> starts = plan_capabilities();
  const size_t parts = starts.size() - 1;

  std::vector<std::string> out;
  out.reserve(parts);
  for (size_t p = 0; p < parts; p++) {
    JsonWriter json;
    begin_message(json);
    begin_capabilities(json, info_, p, parts);
    json.key("sensors").begin_array();
    for (size_t i = starts[p]; i < starts[p + 1] && i < sensors_.size(); i++)
      json.value(sensors_[i].key);
    json.end_array().key("actuators").begin_array();
    for (size_t i = starts[p]; i < starts[p + 1]; i++) {
      if (i >= sensors_.size())
        json.value(actuators_[i - sensors_.size()].key);
    }
    json.end_array().key("metadata").begin_object();
    for (size_t i = starts[p]; i < starts[p + 1]; i++) {
      if (i < sensors_.size())
        write_sensor_metadata(json, sensors_[i]);
      else
        write_actuator_metadata(json, actuators_[i - sensors_.size()]);
    }
    json.end_object().key("config").begin_object();
    json.key("publish_interval_ms").value(settings_.publish_interval_ms);
    json.key("metrics_interval_ms").value(settings_.metrics_interval_ms);
    json.end_object().end_object();
    out.push_back(json.take());
  }
  return out;
}

// ------------------------------------------------------------------ connection

void BridgeCore::loop() {
  // Leases end on the device's own clock, whether or not anyone is listening.
  expire_leases(platform_.millis());
  const bool connected = transport_.connected();
  if (connected && !was_connected_) {
    on_connected();
  } else if (!connected && was_connected_) {
    counters_.connection_failures++;
  }
  was_connected_ = connected;
  const uint32_t now = platform_.millis();
  check_heap(now);
  publish_due_readings(now);
  if (connected && now - last_metrics_ms_ >= settings_.metrics_interval_ms) {
    last_metrics_ms_ = now;
    publish_metrics();
  }
}

bool BridgeCore::announce() {
  const std::vector<std::string> parts = build_capabilities_parts();
  const size_t budget = capabilities_budget();
  bool all = true;
  for (size_t p = 0; p < parts.size(); p++) {
    // Part 0 stays on the broker (retained); later parts are live only: a server that finds a
    // retained part 0 with "parts" > 1 asks for the rest with the "capabilities" diagnostic.
    all = send(topics_.capabilities(), parts[p], 1, p == 0) && all;
    if (parts[p].size() > budget) {
      publish_error("capabilities_too_large",
                    "capabilities part " + std::to_string(p) + " is " + std::to_string(parts[p].size()) +
                        " bytes (limit " + std::to_string(budget) + "): an entity's metadata does not fit one MQTT packet",
                    2, "");
    }
  }
  return all;
}

void BridgeCore::on_connected() {
  // ESPHome's birth message has already said "online"; the broker keeps our last will.
  announce();
  // Answers missed while offline first, then the current states (retained: the last one wins).
  while (!outbox_.empty() && send(outbox_.front().topic, outbox_.front().payload, 1, outbox_.front().retain))
    outbox_.pop_front();
  for (size_t i = 0; i < actuators_.size(); i++) {
    actuator_states_[i] = sink_.state(actuators_[i]);
    publish_actuator_state(i);
  }
  publish_config_state("", nullptr, "");
  const uint32_t now = platform_.millis();
  last_interval_ms_ = now;
  last_metrics_ms_ = now;
  ever_connected_ = true;
}

void BridgeCore::handle_announce(const JsonValue &body) {
  AnnounceRequest request;
  DecodeError error;
  if (!decode_announce_request(body, request, error)) {
    report_decode_error(error, "");
    return;
  }
  // A QoS 1 redelivery of the same request re-announces once.
  if (request.id == last_announce_id_)
    return;
  last_announce_id_ = request.id;
  reannounce();
}

void BridgeCore::reannounce() {
  announce();
  // ESPHome's birth message says "online" on connect; asked, we say it ourselves (retained), so a
  // broker that restarted without its retained messages knows the device is there.
  JsonWriter json;
  json.begin_object().key("status").value("online").key("device_id").value(info_.device_id).end_object();
  send(topics_.status(), json.str(), 1, true);
  for (size_t i = 0; i < actuators_.size(); i++)
    publish_actuator_state(i);
  publish_config_state("", nullptr, "");
}

void BridgeCore::check_heap(uint32_t now) {
  if (settings_.heap_check_interval_ms == 0 || settings_.low_heap_bytes == 0 ||
      now - last_heap_check_ms_ < settings_.heap_check_interval_ms)
    return;
  last_heap_check_ms_ = now;
  const uint32_t heap = platform_.free_heap();
  if (heap == 0)
    return;  // unknown on this platform
  const uint32_t critical = settings_.critical_heap_bytes ? settings_.critical_heap_bytes : settings_.low_heap_bytes / 2;
  const int level = heap < critical ? 3 : heap < settings_.low_heap_bytes ? 2 : 0;
  if (level == 0) {
    // Re-armed once the heap has recovered by an eighth above the threshold (no alert storm at the edge).
    if (heap >= settings_.low_heap_bytes + settings_.low_heap_bytes / 8)
      heap_alert_ = 0;
    return;
  }
  if (level <= heap_alert_ || !transport_.connected())
    return;
  const uint32_t min = platform_.min_free_heap();
  const std::string message = std::to_string(heap) + " bytes of heap free (" +
                              (level == 3 ? "critical below " + std::to_string(critical)
                                          : "warning below " + std::to_string(settings_.low_heap_bytes)) +
                              (min > 0 ? ", lowest " + std::to_string(min) : std::string()) + ")";
  if (publish_error_sent("low_heap", message, level)) {
    heap_alert_ = level;
    counters_.low_heap_alerts++;
  }
}

// ------------------------------------------------------------------ readings

void BridgeCore::on_sensor(const std::string &key, float value) {
  const int index = find_sensor(key);
  if (index < 0)
    return;
  if (std::isnan(value))
    counters_.sensor_read_errors++;
  store_reading(static_cast<size_t>(index), std::isfinite(value) ? Value::of(static_cast<double>(value)) : Value::null());
}

void BridgeCore::on_binary_sensor(const std::string &key, bool value) {
  const int index = find_sensor(key);
  if (index >= 0)
    store_reading(static_cast<size_t>(index), Value::of(value));
}

void BridgeCore::on_text_sensor(const std::string &key, const std::string &value) {
  const int index = find_sensor(key);
  if (index < 0)
    return;
  const SensorDesc &sensor = sensors_[static_cast<size_t>(index)];
  // A text the declaration rules out would be refused by the server: count it here instead.
  if (!sensor.text ||
      (!sensor.options.empty() && std::find(sensor.options.begin(), sensor.options.end(), value) == sensor.options.end())) {
    counters_.sensor_read_errors++;
    return;
  }
  const size_t limit = sensor.max_length > 0 && sensor.max_length < MAX_STRING_READING_LENGTH ? sensor.max_length
                                                                                              : MAX_STRING_READING_LENGTH;
  SensorState &state = sensor_states_[static_cast<size_t>(index)];
  state.latest.type = Value::Type::STRING;
  assign_bounded_text(state.latest.text, value.data(), value.size(), limit);
  reading_taken(static_cast<size_t>(index));
}

void BridgeCore::store_reading(size_t index, const Value &reading) {
  sensor_states_[index].latest = reading;
  reading_taken(index);
}

void BridgeCore::reading_taken(size_t index) {
  SensorState &state = sensor_states_[index];
  state.taken_at = platform_.unix_time();
  state.fresh = true;
  if (state.streaming)
    publish_due_readings(platform_.millis());
}

void BridgeCore::publish_due_readings(uint32_t now) {
  for (size_t i = 0; i < sensors_.size(); i++) {
    SensorState &state = sensor_states_[i];
    if (state.streaming && state.fresh && (!state.streamed_once || now - state.last_stream_ms >= state.stream_interval_ms))
      publish_stream(i, now);
  }
  if (now - last_interval_ms_ >= settings_.publish_interval_ms) {
    last_interval_ms_ = now;
    publish_interval_readings();
  }
}

void BridgeCore::publish_stream(size_t index, uint32_t now) {
  SensorState &state = sensor_states_[index];
  state.fresh = false;
  state.last_stream_ms = now;
  state.streamed_once = true;
  publish_sensor_data(index);
}

void BridgeCore::publish_interval_readings() {
  due_.clear();
  for (size_t i = 0; i < sensors_.size(); i++) {
    if (sensor_states_[i].fresh && !sensor_states_[i].streaming) {
      sensor_states_[i].fresh = false;
      due_.push_back(i);
    }
  }
  if (due_.empty())
    return;
  if (!transport_.connected()) {
    counters_.dropped_readings += due_.size();
    return;
  }
  if (settings_.batch) {
    publish_batch();
  } else {
    for (size_t index : due_)
      publish_sensor_data(index);
  }
}

void BridgeCore::write_reading(JsonWriter &json, size_t index) const {
  const Value &latest = sensor_states_[index].latest;
  if (latest.type == Value::Type::NUMBER)
    json.value(latest.number, sensors_[index].accuracy_decimals);
  else
    latest.write(json);
}

void BridgeCore::publish_sensor_data(size_t index) {
  const SensorDesc &sensor = sensors_[index];
  const SensorState &state = sensor_states_[index];
  if (!transport_.connected()) {
    counters_.dropped_readings++;
    return;
  }
  JsonWriter &json = reading_json_;
  json.clear();
  begin_message(json);
  json.key("type").value("sensor").key("component").value(sensor.key).key("action").value("read");
  json.key("value").begin_object().key("reading");
  write_reading(json, index);
  if (!sensor.unit.empty())
    json.key("unit").value(sensor.unit);
  json.end_object();
  json.key("metrics").begin_object().key("uptime").value(platform_.millis() / 1000.0, 3);
  if (platform_.free_heap() > 0)
    json.key("free_heap").value(platform_.free_heap());
  json.end_object().end_object();
  if (!send(state.data_topic, json.str(), 0, false))
    counters_.dropped_readings++;
}

void BridgeCore::publish_batch() {
  const std::vector<size_t> &indexes = due_;
  JsonWriter &json = reading_json_;
  size_t next = 0;
  while (next < indexes.size()) {
    json.clear();
    begin_message(json);
    json.key("readings").begin_array();
    size_t count = 0;
    while (next < indexes.size() && count < MAX_BATCH_READINGS &&
           (count == 0 || json.str().size() < settings_.max_batch_bytes)) {
      const SensorDesc &sensor = sensors_[indexes[next]];
      const SensorState &state = sensor_states_[indexes[next]];
      json.begin_object().key("sensor").value(sensor.key).key("reading");
      write_reading(json, indexes[next]);
      if (!sensor.unit.empty())
        json.key("unit").value(sensor.unit);
      if (state.taken_at > 0)
        json.key("timestamp").value(state.taken_at, 3);
      json.end_object();
      next++;
      count++;
    }
    json.end_array().end_object();
    if (!send(batch_topic_, json.str(), 0, false))
      counters_.dropped_readings += count;
  }
}

// ------------------------------------------------------------------ actuators

void BridgeCore::on_actuator_state(const std::string &key, const Value &state) {
  const int index = find_actuator(key);
  if (index < 0)
    return;
  const size_t slot = static_cast<size_t>(index);
  if (!actuator_states_[slot].absent() && !same_value(actuator_states_[slot], state))
    note_change(slot, platform_.millis());
  actuator_states_[slot] = state;
  // During a command the answer carries the new state; connecting republishes every state.
  if (index != applying_ && transport_.connected() && was_connected_)
    publish_actuator_state(static_cast<size_t>(index));
}

void BridgeCore::write_state(JsonWriter &json, size_t index) {
  json.key("state");
  actuator_states_[index].write(json);
  std::vector<std::pair<std::string, Value>> attributes;
  sink_.attributes(actuators_[index], attributes);
  if (attributes.empty())
    return;
  json.key("attributes").begin_object();
  for (size_t i = 0; i < attributes.size() && i < 16; i++) {
    json.key(attributes[i].first);
    attributes[i].second.write(json);
  }
  json.end_object();
}

void BridgeCore::write_lease(JsonWriter &json, size_t index) {
  const GuardState &g = guard_states_[index];
  if (!g.lease_active)
    return;
  const uint32_t remaining = lease_wait_ms(index, platform_.millis());
  json.key("lease_command_id").value(g.lease_command_id).key("lease_remaining_ms").value(remaining);
  const double now = platform_.unix_time();
  if (now > 0)
    json.key("lease_until").value(now + remaining / 1000.0, 3);
  json.key("lease_reverts_to");
  g.lease_revert.write(json);
}

void BridgeCore::note_change(size_t index, uint32_t now) {
  guard_states_[index].changed_once = true;
  guard_states_[index].last_change_ms = now;
}

uint32_t BridgeCore::change_wait_ms(size_t index, uint32_t now) const {
  const GuardState &g = guard_states_[index];
  const uint32_t min = actuators_[index].guard.min_interval_ms;
  if (min == 0 || !g.changed_once)
    return 0;
  const uint32_t elapsed = now - g.last_change_ms;
  return elapsed >= min ? 0 : min - elapsed;
}

uint32_t BridgeCore::lease_wait_ms(size_t index, uint32_t now) const {
  const GuardState &g = guard_states_[index];
  const uint32_t elapsed = now - g.lease_start_ms;
  const uint32_t lease = elapsed >= g.lease_ms ? 0 : g.lease_ms - elapsed;
  const uint32_t interval = change_wait_ms(index, now);
  return lease > interval ? lease : interval;
}

bool BridgeCore::lease_remaining(const std::string &key, uint32_t &ms) {
  const int index = find_actuator(key);
  if (index < 0 || !guard_states_[static_cast<size_t>(index)].lease_active)
    return false;
  ms = lease_wait_ms(static_cast<size_t>(index), platform_.millis());
  return true;
}

void BridgeCore::expire_leases(uint32_t now) {
  for (size_t i = 0; i < actuators_.size(); i++) {
    GuardState &g = guard_states_[i];
    if (!g.lease_active || lease_wait_ms(i, now) > 0)
      continue;
    g.lease_active = false;
    const std::string lease_id = g.lease_command_id;
    const ActuatorDesc &actuator = actuators_[i];
    const Value before = sink_.state(actuator);
    Command revert;
    ApplyResult result = ApplyResult::refused("the revert state cannot be set by any action of this actuator");
    if (revert_command(actuator, g.lease_revert, revert)) {
      revert.id = lease_id;
      applying_ = static_cast<int>(i);
      result = sink_.apply(actuator, revert);
      applying_ = -1;
    }
    actuator_states_[i] = sink_.state(actuator);
    if (!same_value(before, actuator_states_[i]))
      note_change(i, now);
    counters_.leases_expired++;
    JsonWriter json;
    begin_message(json);
    write_state(json, i);
    json.key("reason").value(result.applied ? "lease_expired" : "lease_revert_failed");
    json.key("lease_command_id").value(lease_id).end_object();
    // Offline, it waits in the outbox and goes out on reconnect, before the state snapshot.
    send_answer(Answer{topics_.actuator_status(actuator.key), json.take(), true});
    if (!result.applied) {
      counters_.lease_revert_failures++;
      apply_failures_[i] = "lease revert to " + g.lease_revert.to_json() + " failed: " + result.reason;
      publish_error("lease_revert_failed",
                    "lease of command \"" + lease_id + "\" ended but \"" + actuator.key + "\" could not be set to " +
                        g.lease_revert.to_json() + ": " + result.reason,
                    2, actuator.key);
    }
  }
}

void BridgeCore::publish_actuator_state(size_t index) {
  JsonWriter json;
  begin_message(json);
  write_state(json, index);
  write_lease(json, index);
  json.end_object();
  send(topics_.actuator_status(actuators_[index].key), json.str(), 1, true);
}

const BridgeCore::Handled *BridgeCore::handled(const std::string &id) const {
  for (const auto &earlier : recent_commands_) {
    if (earlier.id == id)
      return &earlier;
  }
  return nullptr;
}

void BridgeCore::remember(const std::string &id, const std::string &target, const char *code,
                          const std::string &reason, uint32_t retry_after_ms) {
  if (id.empty() || handled(id) != nullptr)
    return;
  recent_commands_.push_back(Handled{id, target, code, reason, retry_after_ms});
  if (recent_commands_.size() > REMEMBERED_COMMANDS)
    recent_commands_.pop_front();
}

void BridgeCore::repeat_answer(const Handled &earlier) {
  counters_.duplicate_commands++;
  const Handled copy = earlier;  // answering may rotate the ring
  if (copy.target.empty()) {
    publish_config_state(copy.id, copy.code ? "rejected" : "applied", copy.reason);
    return;
  }
  const int index = find_actuator(copy.target);
  if (index >= 0)
    answer_command(static_cast<size_t>(index), copy.id, copy.code, copy.reason, copy.retry_after_ms);
  else
    answer_unknown_actuator(copy.target, copy.id);
}

void BridgeCore::handle_command(const std::string &actuator, const JsonValue &body) {
  Command command;
  DecodeError decode_error;
  const bool decoded = decode_command(body, command, decode_error);
  const std::string id = decoded ? command.id : salvage_command_id(body);
  if (const Handled *earlier = handled(id)) {
    repeat_answer(*earlier);
    return;
  }
  counters_.commands_received++;
  const int index = find_actuator(actuator);
  if (index < 0) {
    counters_.commands_rejected++;
    publish_error("unknown_actuator",
                  "command " + (id.empty() ? std::string("without id") : "\"" + id + "\"") +
                      " for unknown actuator \"" + actuator + "\" rejected (UNKNOWN_ACTUATOR)",
                  1, actuator);
    if (!id.empty())
      answer_unknown_actuator(actuator, id);
    return;
  }
  const size_t slot = static_cast<size_t>(index);
  if (!decoded) {
    counters_.commands_rejected++;
    if (id.empty()) {
      report_decode_error(decode_error, actuator);
      return;
    }
    answer_command(slot, id, decode_error.code, decode_error.message);
    return;
  }
  CommandError invalid;
  if (!validate_command(&actuators_[slot], actuator, command, true, invalid)) {
    counters_.commands_rejected++;
    answer_command(slot, id, invalid.code, invalid.message);
    return;
  }
  const ActuatorDesc &desc = actuators_[slot];
  GuardState &guard = guard_states_[slot];
  const uint32_t now = platform_.millis();
  const Value before = sink_.state(desc);
  // The device's own loop guard: no state change sooner than min_interval_ms after the last one.
  const uint32_t wait = would_change(desc, before, command) ? change_wait_ms(slot, now) : 0;
  if (wait > 0) {
    counters_.commands_rejected++;
    counters_.rate_limited++;
    answer_command(slot, id, codes::RATE_LIMITED,
                   std::string("RATE_LIMITED: \"") + desc.key + "\" changed state " +
                       std::to_string(now - guard.last_change_ms) + " ms ago (min_interval_ms " +
                       std::to_string(desc.guard.min_interval_ms) + "); retry in " + std::to_string(wait) + " ms",
                   wait);
    return;
  }
  // What a lease would revert to: a renewed lease keeps the running one's target.
  Value revert_to;
  if (command.has_lease) {
    revert_to = guard.lease_active ? guard.lease_revert
                : desc.guard.safe_state.type != Value::Type::ABSENT ? desc.guard.safe_state
                                                                    : before;
    Command probe;
    if (!revert_command(desc, revert_to, probe)) {
      counters_.commands_rejected++;
      answer_command(slot, id, codes::LEASE_NOT_SUPPORTED,
                     "LEASE_NOT_SUPPORTED: the state to revert \"" + desc.key + "\" to (" + revert_to.to_json() +
                         ") is unknown or cannot be set");
      return;
    }
  }
  applying_ = index;
  const ApplyResult result = sink_.apply(desc, command);
  applying_ = -1;
  if (!result.applied) {
    counters_.commands_rejected++;
    apply_failures_[slot] = "\"" + command.action + "\" failed: " +
                            (result.reason.empty() ? std::string("the device could not apply it") : result.reason);
    answer_command(slot, id, codes::APPLY_FAILED,
                   result.reason.empty() ? "the device could not apply it" : result.reason);
    return;
  }
  apply_failures_[slot].clear();
  if (!same_value(before, sink_.state(desc)))
    note_change(slot, now);
  if (command.action != "read") {
    // Any applied command ends the running lease without reverting; a leased one starts a new one.
    guard.lease_active = command.has_lease;
    if (command.has_lease) {
      guard.lease_start_ms = now;
      guard.lease_ms = lease_millis(command.lease_s);
      guard.lease_revert = revert_to;
      guard.lease_command_id = id;
    }
  }
  answer_command(slot, id, nullptr, "");
}

void BridgeCore::answer_command(size_t index, const std::string &command_id, const char *code,
                                const std::string &reason, uint32_t retry_after_ms) {
  const std::string clipped = clip(reason, 256);
  remember(command_id, actuators_[index].key, code, clipped, retry_after_ms);
  actuator_states_[index] = sink_.state(actuators_[index]);
  JsonWriter json;
  begin_message(json);
  write_state(json, index);
  json.key("command_id").value(command_id).key("result").value(code ? "rejected" : "applied");
  if (code != nullptr)
    json.key("reason").value(clipped).key("code").value(code);
  if (code != nullptr && std::strcmp(code, codes::RATE_LIMITED) == 0)
    json.key("retry_after_ms").value(retry_after_ms);
  write_lease(json, index);
  json.end_object();
  send_answer(Answer{topics_.actuator_status(actuators_[index].key), json.take(), true});
}

void BridgeCore::answer_unknown_actuator(const std::string &actuator, const std::string &command_id) {
  // The topic segment was checked by parse_topic; a retained message here would invent an actuator.
  const std::string reason = "UNKNOWN_ACTUATOR: this device has no actuator \"" + actuator + "\"";
  remember(command_id, actuator, codes::UNKNOWN_ACTUATOR, reason);
  JsonWriter json;
  begin_message(json);
  json.key("state").null().key("command_id").value(command_id).key("result").value("rejected");
  json.key("reason").value(clip(reason, 256)).key("code").value(codes::UNKNOWN_ACTUATOR).end_object();
  send_answer(Answer{topics_.actuator_status(actuator), json.take(), false});
}

void BridgeCore::send_answer(Answer answer) {
  if (send(answer.topic, answer.payload, 1, answer.retain))
    return;
  if (outbox_.size() >= OUTBOX_SIZE)
    outbox_.pop_front();
  outbox_.push_back(std::move(answer));
}

// ------------------------------------------------------------------ inbound

void BridgeCore::on_message(const std::string &topic, const char *payload, size_t length) {
  counters_.messages_received++;
  Envelope envelope;
  DecodeError error;
  if (!decode_envelope(topic, payload, length, envelope, error)) {
    // A command whose id is readable gets its answer even when the payload is bad.
    std::string actuator;
    if (envelope.topic.kind == MessageKind::ACTUATOR_COMMAND && envelope.topic.device_id == info_.device_id)
      actuator = envelope.topic.component;
    const std::string id = envelope.body.is_object() ? salvage_command_id(envelope.body) : std::string();
    if (!id.empty() && !actuator.empty()) {
      if (const Handled *earlier = handled(id)) {
        repeat_answer(*earlier);
        return;
      }
      counters_.commands_received++;
      counters_.commands_rejected++;
      const int index = find_actuator(actuator);
      if (index >= 0) {
        answer_command(static_cast<size_t>(index), id, error.code, error.message);
        return;
      }
      answer_unknown_actuator(actuator, id);  // the actuator is the first thing wrong; /error says the rest
    }
    report_decode_error(error, actuator);
    return;
  }
  if (envelope.topic.kind == MessageKind::ANNOUNCE_REQUEST && envelope.topic.device_id == ALL_DEVICES_ID) {
    handle_announce(envelope.body);  // the broadcast every device answers
    return;
  }
  if (envelope.topic.device_id != info_.device_id) {
    error.code = codes::BAD_TOPIC;
    error.field = "topic";
    error.message = "BAD_TOPIC: topic names device \"" + envelope.topic.device_id + "\", this is \"" +
                    info_.device_id + "\"";
    report_decode_error(error, "");
    return;
  }
  switch (envelope.topic.kind) {
    case MessageKind::ACTUATOR_COMMAND:
      handle_command(envelope.topic.component, envelope.body);
      break;
    case MessageKind::CONFIG_SET:
      handle_config_set(envelope.body);
      break;
    case MessageKind::DIAGNOSTICS_REQUEST:
      handle_diagnostics(envelope.body);
      break;
    case MessageKind::ANNOUNCE_REQUEST:
      handle_announce(envelope.body);
      break;
    default:
      break;  // our own device -> server messages (a broad subscription): nothing to do
  }
}

void BridgeCore::report_decode_error(const DecodeError &error, const std::string &component) {
  counters_.decode_errors++;
  publish_error(lower_code(error.code).c_str(), error.message, 1, component);
}

void BridgeCore::publish_error(const char *error_type, const std::string &message, int severity,
                               const std::string &component) {
  JsonWriter json;
  begin_message(json);
  json.key("error_type").value(error_type).key("message").value(clip(message, 512)).key("severity").value(severity);
  if (is_identifier(component))
    json.key("component").value(component);
  json.end_object();
  send(topics_.error(), json.str(), settings_.error_qos, false);
}

bool BridgeCore::publish_error_sent(const char *error_type, const std::string &message, int severity) {
  JsonWriter json;
  begin_message(json);
  json.key("error_type").value(error_type).key("message").value(clip(message, 512)).key("severity").value(severity);
  json.end_object();
  return send(topics_.error(), json.str(), settings_.error_qos, false);
}

// ------------------------------------------------------------------ configuration

void BridgeCore::handle_config_set(const JsonValue &body) {
  ConfigSet config;
  DecodeError error;
  if (!decode_config_set(body, config, error)) {
    const std::string id = salvage_command_id(body);
    if (id.empty())
      report_decode_error(error, "");
    else if (const Handled *earlier = handled(id))
      repeat_answer(*earlier);
    else
      publish_config_state(id, "rejected", error.message);
    return;
  }
  if (const Handled *earlier = handled(config.id)) {
    repeat_answer(*earlier);
    return;
  }
  for (const auto &setting : config.streaming) {
    if (find_sensor(setting.sensor) < 0) {
      publish_config_state(config.id, "rejected", "unknown sensor \"" + setting.sensor + "\"");
      return;
    }
  }
  // Valid as a whole: apply all of it.
  if (config.publish_interval_ms)
    settings_.publish_interval_ms = config.publish_interval_ms;
  if (config.metrics_interval_ms)
    settings_.metrics_interval_ms = config.metrics_interval_ms;
  for (const auto &setting : config.streaming) {
    SensorState &state = sensor_states_[static_cast<size_t>(find_sensor(setting.sensor))];
    state.streaming = setting.enabled;
    state.stream_interval_ms = setting.interval_ms ? setting.interval_ms : settings_.default_stream_interval_ms;
    state.streamed_once = false;
  }
  if (config.reset_metrics)
    counters_ = Counters{};
  if (config.publish_interval_ms || config.metrics_interval_ms || config.has_streaming)
    save_config();
  publish_config_state(config.id, "applied", "");
}

void BridgeCore::save_config() {
  if (config_store_ == nullptr)
    return;
  StoredConfig stored;
  std::memset(&stored, 0, sizeof stored);
  stored.magic = StoredConfig::MAGIC;
  stored.publish_interval_ms = settings_.publish_interval_ms;
  stored.metrics_interval_ms = settings_.metrics_interval_ms;
  for (size_t i = 0; i < sensors_.size(); i++) {
    if (!sensor_states_[i].streaming)
      continue;
    if (stored.stream_count >= StoredConfig::MAX_STREAMS) {
      publish_error("config_not_saved",
                    "only " + std::to_string(StoredConfig::MAX_STREAMS) +
                        " streaming sensors survive a reboot; \"" + sensors_[i].key + "\" will not",
                    1, sensors_[i].key);
      continue;
    }
    stored.streams[stored.stream_count].key_hash = fnv1a_32(sensors_[i].key);
    stored.streams[stored.stream_count].interval_ms = sensor_states_[i].stream_interval_ms;
    stored.stream_count++;
  }
  if (!config_store_->save(stored))
    publish_error("config_not_saved", "the runtime configuration could not be stored", 1, "");
}

bool BridgeCore::use_config_store(ConfigStore *store) {
  config_store_ = store;
  StoredConfig stored;
  std::memset(&stored, 0, sizeof stored);
  if (store == nullptr || !store->load(stored) || stored.magic != StoredConfig::MAGIC)
    return false;
  // Only values a config/set could have set are taken (the schema's ranges).
  if (stored.publish_interval_ms >= 100 && stored.publish_interval_ms <= 86400000)
    settings_.publish_interval_ms = stored.publish_interval_ms;
  if (stored.metrics_interval_ms >= 1000 && stored.metrics_interval_ms <= 86400000)
    settings_.metrics_interval_ms = stored.metrics_interval_ms;
  const uint32_t count = stored.stream_count < StoredConfig::MAX_STREAMS ? stored.stream_count
                                                                          : static_cast<uint32_t>(StoredConfig::MAX_STREAMS);
  for (uint32_t s = 0; s < count; s++) {
    for (size_t i = 0; i < sensors_.size(); i++) {
      if (fnv1a_32(sensors_[i].key) != stored.streams[s].key_hash)
        continue;
      const uint32_t interval = stored.streams[s].interval_ms;
      sensor_states_[i].streaming = true;
      sensor_states_[i].stream_interval_ms =
          interval >= 100 && interval <= 86400000 ? interval : settings_.default_stream_interval_ms;
      sensor_states_[i].streamed_once = false;
    }
  }
  return true;
}

void BridgeCore::publish_config_state(const std::string &command_id, const char *result, const std::string &reason) {
  const std::string clipped = clip(reason, 256);
  if (result != nullptr)
    remember(command_id, "", std::string(result) == "applied" ? nullptr : "REJECTED", clipped);
  JsonWriter json;
  begin_message(json);
  if (result != nullptr) {
    json.key("command_id").value(command_id).key("result").value(result);
    if (!clipped.empty())
      json.key("reason").value(clipped);
  }
  json.key("config").begin_object();
  json.key("publish_interval_ms").value(settings_.publish_interval_ms);
  json.key("metrics_interval_ms").value(settings_.metrics_interval_ms);
  bool any = false;
  for (size_t i = 0; i < sensors_.size(); i++) {
    const SensorState &state = sensor_states_[i];
    if (!state.streaming)
      continue;
    if (!any)
      json.key("streaming").begin_object();
    any = true;
    json.key(sensors_[i].key).begin_object().key("enabled").value(true);
    json.key("interval_ms").value(state.stream_interval_ms).end_object();
  }
  if (any)
    json.end_object();
  json.end_object().end_object();
  send(topics_.config_state(), json.str(), 1, true);
}

// ------------------------------------------------------------------ metrics and diagnostics

void BridgeCore::publish_metrics() {
  JsonWriter &json = reading_json_;
  json.clear();
  begin_message(json);
  json.key("messages_sent").value(counters_.messages_sent);
  json.key("messages_received").value(counters_.messages_received);
  json.key("connection_failures").value(counters_.connection_failures);
  json.key("publish_failures").value(counters_.publish_failures);
  json.key("dropped_readings").value(counters_.dropped_readings);
  json.key("commands_received").value(counters_.commands_received);
  json.key("commands_rejected").value(counters_.commands_rejected);
  json.key("sensor_read_errors").value(counters_.sensor_read_errors);
  json.key("uptime_s").value(platform_.millis() / 1000.0, 3);
  json.key("free_heap").value(platform_.free_heap());
  if (platform_.min_free_heap() > 0)
    json.key("min_free_heap").value(platform_.min_free_heap());
  float rssi;
  if (platform_.rssi(rssi) && rssi >= -150 && rssi <= 0)
    json.key("rssi").value(static_cast<double>(rssi), 0);
  json.end_object();
  send(metrics_topic_, json.str(), 0, false);
}

void BridgeCore::handle_diagnostics(const JsonValue &body) {
  DiagnosticsRequest request;
  DecodeError error;
  if (!decode_diagnostics_request(body, request, error)) {
    report_decode_error(error, "");
    return;
  }
  float rssi = 0;
  const bool has_rssi = platform_.rssi(rssi) && rssi >= -150 && rssi <= 0;
  bool reannounce = false;
  if (request.checks.empty()) {
    static const char *const ALL[] = {"memory", "mqtt", "sensors", "actuators", "capabilities"};
    request.checks.assign(std::begin(ALL), std::end(ALL));
    if (has_rssi)
      request.checks.push_back("wifi");
  } else {
    // Asking for the capabilities check by name also re-announces them (all parts): how a server
    // that found only a retained part 0 gets the rest.
    for (const auto &name : request.checks)
      reannounce = reannounce || name == "capabilities";
  }
  if (reannounce)
    announce();  // before the result takes its seq, so that seq stays in publishing order

  JsonWriter json;
  begin_message(json);
  json.key("command_id").value(request.id).key("checks").begin_array();
  const char *overall = "ok";
  for (const auto &name : request.checks) {
    const char *status = "ok";
    std::string detail;
    json.begin_object().key("name").value(name);
    if (name == "memory") {
      const uint32_t heap = platform_.free_heap();
      const uint32_t critical =
          settings_.critical_heap_bytes ? settings_.critical_heap_bytes : settings_.low_heap_bytes / 2;
      if (heap == 0) {
        status = "warn";
        detail = "free heap unknown on this platform";
      } else {
        status = heap < critical ? "fail" : heap < settings_.low_heap_bytes ? "warn" : "ok";
        detail = std::to_string(heap) + " bytes free (warn below " + std::to_string(settings_.low_heap_bytes) +
                 ", fail below " + std::to_string(critical) + ")";
      }
      json.key("value").value(heap);
    } else if (name == "mqtt") {
      if (publish_failures_in_row_ >= settings_.failing_publishes || !outbox_.empty()) {
        status = "fail";
        detail = std::to_string(publish_failures_in_row_) + " publishes failed in a row, " +
                 std::to_string(outbox_.size()) + " command answers waiting";
      } else {
        status = counters_.publish_failures > 0 ? "warn" : "ok";
        detail = std::to_string(counters_.publish_failures) + " publish failures, " +
                 std::to_string(counters_.connection_failures) + " disconnects";
      }
      json.key("value").value(counters_.publish_failures);
    } else if (name == "sensors") {
      uint32_t silent = 0;
      std::string first;
      for (size_t i = 0; i < sensor_states_.size(); i++) {
        if (sensor_states_[i].latest.absent()) {
          if (silent++ == 0)
            first = sensors_[i].key;
        }
      }
      status = silent == 0 ? "ok" : silent == sensors_.size() ? "fail" : "warn";
      detail = std::to_string(silent) + " of " + std::to_string(sensors_.size()) + " sensors without a valid reading" +
               (silent > 0 ? " (first: " + first + ")" : std::string());
      json.key("value").value(silent);
    } else if (name == "actuators") {
      uint32_t failed = 0, unknown = 0;
      std::string failure;
      for (size_t i = 0; i < actuators_.size(); i++) {
        if (!apply_failures_[i].empty() && failed++ == 0)
          failure = actuators_[i].key + ": " + apply_failures_[i];
        if (actuators_[i].value_type != ValueType::NONE && actuator_states_[i].absent())
          unknown++;
      }
      status = failed > 0 ? "fail" : unknown > 0 ? "warn" : "ok";
      detail = failed > 0 ? std::to_string(failed) + " actuators refused their last command (" + failure + ")"
                          : std::to_string(actuators_.size()) + " actuators, " + std::to_string(unknown) +
                                " without a known state, " + std::to_string(counters_.commands_rejected) +
                                " commands rejected";
      json.key("value").value(failed);
    } else if (name == "capabilities") {
      plan_capabilities();  // measures only: no message, no seq
      status = oversized_entities_ > 0 ? "fail" : "ok";
      detail = std::to_string(sensors_.size() + actuators_.size()) + " entities in " +
               std::to_string(capabilities_parts_) + " part(s) of at most " + std::to_string(capabilities_budget()) +
               " bytes" +
               (oversized_entities_ > 0 ? ", " + std::to_string(oversized_entities_) + " larger than one part" : "");
      json.key("value").value(static_cast<uint32_t>(capabilities_parts_));
    } else if (name == "wifi") {
      if (!has_rssi) {
        status = "warn";
        detail = "no Wi-Fi signal to report (not connected, or not on Wi-Fi)";
      } else {
        status = rssi < -85 ? "fail" : rssi < -75 ? "warn" : "ok";
        detail = "RSSI " + std::to_string(static_cast<int>(rssi)) + " dBm";
        json.key("value").value(static_cast<double>(rssi), 0);
      }
    } else {
      status = "warn";
      detail = "unknown check";
    }
    json.key("status").value(status).key("detail").value(clip(detail, 256)).end_object();
    overall = worst(overall, status);
  }
  json.end_array();
  json.key("overall").value(std::string(overall) == "fail" ? "failed" : std::string(overall) == "warn" ? "degraded" : "ok");
  if (platform_.free_heap() > 0)
    json.key("free_heap").value(platform_.free_heap());
  if (platform_.min_free_heap() > 0)
    json.key("min_free_heap").value(platform_.min_free_heap());
  json.key("uptime_s").value(platform_.millis() / 1000.0, 3);
  if (has_rssi)
    json.key("rssi").value(static_cast<double>(rssi), 0);
  const std::string reset = platform_.reset_reason();
  if (!reset.empty())
    json.key("reset_reason").value(clip(reset, 64));
  json.end_object();
  send(topics_.diagnostics_result(), json.str(), 1, false);
}

}  // namespace mcp_bridge
