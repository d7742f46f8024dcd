// BridgeCore against fakes of its three ports (the real MQTT path is tested end to end by
// test/firmware with libmosquitto and Mosquitto).
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "check.h"
#include "core_bridge.h"

using namespace mcp_bridge;
using nlohmann::json;

namespace {

struct Published {
  std::string topic;
  json body;
  uint8_t qos;
  bool retain;
};

class FakeTransport : public Transport {
 public:
  bool online{false};
  /** The client refuses every publish while connected (esp-mqtt outbox full). */
  bool refuse{false};
  std::vector<Published> sent;
  /** Every call, even refused ones: none may happen while the link is down. */
  int publish_calls{0};
  int publish_calls_offline{0};
  bool connected() const override { return online; }
  bool publish(const std::string &topic, const std::string &payload, uint8_t qos, bool retain) override {
    publish_calls++;
    if (!online)
      publish_calls_offline++;
    if (refuse)
      return false;
    json body = json::parse(payload, nullptr, false);
    if (body.is_discarded())
      body = payload;  // still recorded, and the test comparing it fails
    sent.push_back({topic, body, qos, retain});
    return true;
  }
  std::vector<Published> on(const std::string &suffix) const {
    std::vector<Published> out;
    for (const auto &p : sent) {
      if (p.topic.size() >= suffix.size() && p.topic.compare(p.topic.size() - suffix.size(), suffix.size(), suffix) == 0)
        out.push_back(p);
    }
    return out;
  }
};

/** Applies commands like ESPHome entities do: the state callback fires synchronously. */
class FakeSink : public ActuatorSink {
 public:
  BridgeCore *core{nullptr};
  std::map<std::string, Value> states;
  int applied{0};
  bool refuse{false};
  ApplyResult apply(const ActuatorDesc &a, const Command &c) override {
    if (refuse)
      return ApplyResult::refused("relay driver not responding");
    applied++;
    Value next = states[a.key];
    if (c.action == "on" || c.action == "off")
      next = Value::of(c.action == "on");
    else if (c.action == "toggle")
      next = Value::of(!(next.type == Value::Type::BOOLEAN && next.boolean));
    else if (c.action == "set")
      next = c.value;
    states[a.key] = next;
    core->on_actuator_state(a.key, next);
    return ApplyResult::ok();
  }
  Value state(const ActuatorDesc &a) override { return states.count(a.key) ? states[a.key] : Value::null(); }
};

class FakePlatform : public Platform {
 public:
  uint32_t now{1000};
  uint32_t heap{150000};
  float signal{0};
  bool has_signal{false};
  double unix_now{0};
  uint32_t millis() override { return now; }
  double unix_time() override { return unix_now; }
  uint32_t free_heap() override { return heap; }
  bool rssi(float &dbm) override {
    dbm = signal;
    return has_signal;
  }
};

struct Rig {
  FakeTransport transport;
  FakeSink sink;
  FakePlatform platform;
  BridgeCore core;

  explicit Rig(BridgeSettings settings = {})
      : core(DeviceInfo{"dev1", "devices", "Test device", "1.2.3", "", "esphome", "host", ""}, settings, transport,
             sink, platform) {
    sink.core = &core;
    SensorDesc temp;
    temp.key = "temperature";
    temp.unit = "°C";
    temp.accuracy_decimals = 1;
    temp.device_class = "temperature";
    core.add_sensor(temp);
    SensorDesc motion;
    motion.key = "motion";
    motion.binary = true;
    core.add_sensor(motion);
    ActuatorDesc led;
    led.key = "led";
    led.actions = {"on", "off", "toggle"};
    core.add_actuator(led);
    ActuatorDesc dimmer;
    dimmer.key = "dimmer";
    dimmer.value_type = ValueType::NUMBER;
    dimmer.actions = {"set"};
    dimmer.has_min = dimmer.has_max = true;
    dimmer.max = 100;
    dimmer.step = 1;
    dimmer.unit = "%";
    core.add_actuator(dimmer);
    sink.states["led"] = Value::of(false);
    sink.states["dimmer"] = Value::of(0.0);
  }
  void connect() {
    transport.online = true;
    core.loop();
  }
  void message(const std::string &suffix, const std::string &payload) {
    core.on_message("devices/dev1/" + suffix, payload.data(), payload.size());
  }
  void raw(const std::string &topic, const std::string &payload) {
    core.on_message(topic, payload.data(), payload.size());
  }
};

}  // namespace

TEST("bridge: on connect, retained capabilities first, then every actuator state and the config") {
  Rig rig;
  rig.connect();
  const auto &sent = rig.transport.sent;
  CHECK(sent.size() == 4);
  CHECK_EQ(sent[0].topic, std::string("devices/dev1/capabilities"));
  CHECK(sent[0].qos == 1 && sent[0].retain);
  const json &caps = sent[0].body;
  CHECK_EQ(caps["device_id"], "dev1");
  CHECK_EQ(caps["firmware_version"], "1.2.3");
  CHECK_EQ(caps["sensors"], json({"temperature", "motion"}));
  CHECK_EQ(caps["actuators"], json({"led", "dimmer"}));
  CHECK_EQ(caps["metadata"]["temperature"]["unit"], "°C");
  CHECK_EQ(caps["metadata"]["temperature"]["accuracy"].get<double>(), 0.1);
  CHECK_EQ(caps["metadata"]["motion"]["value_type"], "boolean");
  CHECK_EQ(caps["metadata"]["dimmer"]["max_range"].get<double>(), 100.0);
  CHECK_EQ(caps["metadata"]["led"]["supported_actions"], json({"on", "off", "toggle"}));
  CHECK_EQ(sent[1].topic, std::string("devices/dev1/actuators/led/status"));
  CHECK(sent[1].retain && sent[1].qos == 1 && sent[1].body["state"] == false);
  CHECK_EQ(sent[3].topic, std::string("devices/dev1/config"));
  CHECK_EQ(sent[3].body["config"]["publish_interval_ms"], 10000);
  for (size_t i = 0; i < sent.size(); i++)
    CHECK_EQ(sent[i].body["seq"].get<uint32_t>(), static_cast<uint32_t>(i));
}

TEST("bridge: a valid command is applied and answered exactly once with its id") {
  Rig rig;
  rig.connect();
  rig.transport.sent.clear();
  rig.message("actuators/led/cmd", R"({"id":"c-1","action":"on"})");
  CHECK_EQ(rig.sink.applied, 1);
  CHECK_EQ(rig.transport.sent.size(), static_cast<size_t>(1));  // the entity callback is folded into the answer
  const json &answer = rig.transport.sent.at(0).body;
  CHECK_EQ(answer["command_id"], "c-1");
  CHECK_EQ(answer["result"], "applied");
  CHECK_EQ(answer["state"], true);
  CHECK(!answer.contains("code"));
  // QoS 1 redelivery: the same answer again, not applied again (even if the payload differs).
  rig.message("actuators/led/cmd", R"({"id":"c-1","action":"toggle"})");
  CHECK_EQ(rig.sink.applied, 1);
  CHECK_EQ(rig.transport.sent.size(), static_cast<size_t>(2));
  const json &again = rig.transport.sent.at(1).body;
  CHECK_EQ(again["command_id"], "c-1");
  CHECK_EQ(again["result"], "applied");
  CHECK_EQ(again["state"], true);
  CHECK(again["seq"].get<uint32_t>() > answer["seq"].get<uint32_t>());
  CHECK_EQ(rig.core.counters().duplicate_commands, 1u);
  CHECK_EQ(rig.core.counters().commands_received, 1u);
}

TEST("bridge: invalid commands are rejected with the validation code and never reach the entity") {
  Rig rig;
  rig.connect();
  rig.transport.sent.clear();
  rig.message("actuators/dimmer/cmd", R"({"id":"c-2","action":"set","value":150})");
  rig.message("actuators/dimmer/cmd", R"({"id":"c-3","action":"set","value":"high"})");
  rig.message("actuators/dimmer/cmd", R"({"id":"c-4","action":"off"})");
  rig.message("actuators/led/cmd", R"({"id":"c-5","action":"ON"})");
  rig.message("actuators/led/cmd", R"({"id":"c-6","action":"on","device_id":"other"})");
  CHECK_EQ(rig.sink.applied, 0);
  const char *expected[] = {"OUT_OF_RANGE", "BAD_VALUE", "UNSUPPORTED_ACTION", "SCHEMA", "ID_MISMATCH"};
  CHECK_EQ(rig.transport.sent.size(), static_cast<size_t>(5));
  for (size_t i = 0; i < 5 && i < rig.transport.sent.size(); i++) {
    const json &answer = rig.transport.sent[i].body;
    CHECK_EQ(answer["result"], "rejected");
    CHECK_EQ(answer["code"], expected[i]);
    CHECK_EQ(answer["command_id"], "c-" + std::to_string(i + 2));
    CHECK(answer["reason"].get<std::string>().rfind(expected[i], 0) == 0);
  }
  CHECK_EQ(rig.transport.sent[0].body["state"], 0);  // unchanged state reported
  CHECK_EQ(rig.core.counters().commands_rejected, 5u);
}

TEST("bridge: a command the entity refuses is answered rejected with APPLY_FAILED") {
  Rig rig;
  rig.connect();
  rig.transport.sent.clear();
  rig.sink.refuse = true;
  rig.message("actuators/led/cmd", R"({"id":"c-9","action":"on"})");
  CHECK_EQ(rig.transport.sent.at(0).body["code"], "APPLY_FAILED");
  CHECK_EQ(rig.transport.sent.at(0).body["reason"], "relay driver not responding");
}

TEST("bridge: unreadable messages become /error reports and nothing else is lost") {
  Rig rig;
  rig.connect();
  rig.transport.sent.clear();
  rig.message("actuators/led/cmd", R"({"action":"on")");
  rig.message("actuators/led/cmd", R"({"action":"on"})");
  rig.message("actuators/relay/cmd", R"({"id":"c-7","action":"on"})");
  rig.message("actuators/led/cmd", std::string(20000, ' '));
  rig.message("config/set", R"({"publish_interval_ms":500})");
  rig.message("diagnostics/request", "[]");
  const std::string other = R"({"id":"x","action":"on"})";
  rig.core.on_message("devices/dev2/actuators/led/cmd", other.data(), other.size());
  const auto errors = rig.transport.on("/error");
  CHECK_EQ(errors.size(), static_cast<size_t>(7));
  const char *types[] = {"bad_json", "schema", "unknown_actuator", "too_large", "schema", "schema", "bad_topic"};
  for (size_t i = 0; i < errors.size() && i < 7; i++) {
    CHECK_EQ(errors[i].body["error_type"], types[i]);
    CHECK(errors[i].qos == 1 && !errors[i].retain);
  }
  CHECK_EQ(errors[1].body["component"], "led");
  CHECK(errors[2].body["message"].get<std::string>().find("c-7") != std::string::npos);
  // Besides the /error reports, only the one answer to c-7 (an unknown actuator, not retained).
  CHECK_EQ(rig.transport.sent.size(), errors.size() + 1);
  CHECK_EQ(rig.transport.on("/actuators/relay/status").size(), static_cast<size_t>(1));
  // The device still works.
  rig.message("actuators/led/cmd", R"({"id":"c-8","action":"toggle"})");
  CHECK_EQ(rig.transport.sent.back().body["result"], "applied");
}

TEST("bridge: answers that cannot be sent wait in the outbox and go out before the states on reconnect") {
  Rig rig;
  rig.connect();
  rig.transport.online = false;
  rig.core.loop();
  rig.transport.sent.clear();
  rig.message("actuators/led/cmd", R"({"id":"c-10","action":"on"})");
  CHECK(rig.transport.sent.empty());
  CHECK_EQ(rig.core.counters().connection_failures, 1u);
  rig.connect();
  const auto statuses = rig.transport.on("/actuators/led/status");
  CHECK_EQ(statuses.size(), static_cast<size_t>(2));
  CHECK_EQ(statuses.at(0).body["command_id"], "c-10");
  CHECK(!statuses.at(1).body.contains("command_id"));
  CHECK_EQ(statuses.at(1).body["state"], true);
}

TEST("bridge: readings go out once per interval as a batch; NaN becomes null; offline readings are counted") {
  BridgeSettings settings;
  settings.publish_interval_ms = 1000;
  Rig rig(settings);
  rig.connect();
  rig.transport.sent.clear();
  rig.core.on_sensor("temperature", 21.04f);
  rig.core.on_binary_sensor("motion", true);
  rig.core.on_sensor("temperature", 21.26f);  // latest value wins
  rig.core.loop();
  CHECK(rig.transport.sent.empty());
  rig.platform.now += 1000;
  rig.core.loop();
  const auto batches = rig.transport.on("/sensors/batch");
  CHECK_EQ(batches.size(), static_cast<size_t>(1));
  CHECK(batches.at(0).qos == 0 && !batches.at(0).retain);
  const json &readings = batches.at(0).body["readings"];
  CHECK_EQ(readings.size(), static_cast<size_t>(2));
  CHECK_EQ(readings[0]["sensor"], "temperature");
  CHECK_EQ(readings[0]["reading"].get<double>(), 21.3);
  CHECK_EQ(readings[0]["unit"], "°C");
  CHECK_EQ(readings[1]["reading"], true);
  rig.core.on_sensor("temperature", NAN);
  rig.platform.now += 1000;
  rig.core.loop();
  CHECK(rig.transport.on("/sensors/batch").back().body["readings"][0]["reading"].is_null());
  CHECK_EQ(rig.core.counters().sensor_read_errors, 1u);
  rig.transport.online = false;
  rig.core.on_sensor("temperature", 20.0f);
  rig.core.on_binary_sensor("motion", false);
  rig.platform.now += 1000;
  rig.core.loop();
  CHECK_EQ(rig.core.counters().dropped_readings, 2u);
}

TEST("bridge: text sensors declare value_type string and publish bounded, escaped string readings") {
  BridgeSettings settings;
  settings.publish_interval_ms = 1000;
  Rig rig(settings);
  SensorDesc ssid;
  ssid.key = "ssid";
  ssid.text = true;
  ssid.kind = "text_sensor";
  ssid.max_length = 8;
  CHECK(rig.core.add_sensor(ssid));
  SensorDesc button;
  button.key = "button";
  button.text = true;
  button.kind = "event";
  button.options = {"single_click", "double_click"};
  CHECK(rig.core.add_sensor(button));
  SensorDesc alarm;
  alarm.key = "alarm";
  alarm.text = true;
  alarm.kind = "datetime";
  alarm.format = "date-time";
  CHECK(rig.core.add_sensor(alarm));
  SensorDesc note;
  note.key = "note";
  note.text = true;
  CHECK(rig.core.add_sensor(note));
  rig.connect();
  const json meta = rig.transport.on("/capabilities").at(0).body["metadata"];
  CHECK_EQ(meta["ssid"]["value_type"], "string");
  CHECK_EQ(meta["ssid"]["kind"], "text_sensor");
  CHECK_EQ(meta["ssid"]["max_length"].get<int>(), 8);
  CHECK_EQ(meta["button"]["options"], json::array({"single_click", "double_click"}));
  CHECK_EQ(meta["alarm"]["format"], "date-time");
  CHECK(!meta["note"].contains("max_length") && !meta["note"].contains("options"));
  CHECK(!meta["temperature"].contains("value_type"));

  rig.core.on_text_sensor("note", "say \"hi\"\n\t\\ back\x01");
  rig.core.on_text_sensor("ssid", "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9");  // 9 x é
  rig.core.on_text_sensor("button", "long_press");  // not a declared event type
  rig.core.on_text_sensor("button", "double_click");
  rig.core.on_text_sensor("alarm", "2024-01-01T07:30:00");
  rig.core.on_text_sensor("temperature", "21.5");  // not a text sensor
  CHECK_EQ(rig.core.counters().sensor_read_errors, 2u);
  rig.platform.now += 1000;
  rig.core.loop();
  const json readings = rig.transport.on("/sensors/batch").at(0).body["readings"];
  std::map<std::string, json> by_sensor;
  for (const auto &r : readings)
    by_sensor[r["sensor"].get<std::string>()] = r["reading"];
  CHECK_EQ(by_sensor.size(), static_cast<size_t>(4));
  CHECK_EQ(by_sensor["note"], "say \"hi\"\n\t\\ back\x01");
  CHECK_EQ(by_sensor["ssid"], "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9");  // cut at 8 characters
  CHECK_EQ(by_sensor["button"], "double_click");
  CHECK_EQ(by_sensor["alarm"], "2024-01-01T07:30:00");

  // Over the protocol limit: cut at 255 characters; a stray byte becomes U+FFFD.
  rig.core.on_text_sensor("note", std::string(300, 'x'));
  rig.platform.now += 1000;
  rig.core.loop();
  const std::string cut = rig.transport.on("/sensors/batch").back().body["readings"][0]["reading"].get<std::string>();
  CHECK_EQ(cut.size(), MAX_STRING_READING_LENGTH);
  rig.core.on_text_sensor("note", "a\xFF" "b");
  rig.platform.now += 1000;
  rig.core.loop();
  const std::string replaced = rig.transport.on("/sensors/batch").back().body["readings"][0]["reading"].get<std::string>();
  CHECK_EQ(replaced, std::string("a\xEF\xBF\xBD" "b"));
}

TEST("bridge: a batch is split at 64 readings; per-sensor messages when batching is off") {
  BridgeSettings settings;
  settings.publish_interval_ms = 1000;
  Rig rig(settings);
  for (int i = 0; i < 70; i++) {
    SensorDesc s;
    s.key = "s" + std::to_string(i);
    CHECK(rig.core.add_sensor(s));
  }
  rig.connect();
  for (int i = 0; i < 70; i++)
    rig.core.on_sensor("s" + std::to_string(i), static_cast<float>(i));
  rig.platform.now += 1000;
  rig.core.loop();
  const auto batches = rig.transport.on("/sensors/batch");
  CHECK_EQ(batches.size(), static_cast<size_t>(2));
  CHECK_EQ(batches.at(0).body["readings"].size() + batches.at(1).body["readings"].size(), static_cast<size_t>(70));
  CHECK(batches.at(0).body["readings"].size() <= 64);

  settings.batch = false;
  Rig single(settings);
  single.connect();
  single.core.on_sensor("temperature", 19.5f);
  single.platform.now += 1000;
  single.core.loop();
  const auto data = single.transport.on("/sensors/temperature/data");
  CHECK_EQ(data.size(), static_cast<size_t>(1));
  CHECK_EQ(data.at(0).body["value"]["reading"].get<double>(), 19.5);
  CHECK_EQ(data.at(0).body["component"], "temperature");
  CHECK_EQ(data.at(0).body["type"], "sensor");
}

TEST("bridge: config/set enables streaming (throttled), rejects unknown sensors whole, answers once") {
  Rig rig;
  rig.connect();
  rig.transport.sent.clear();
  rig.message("config/set", R"({"id":"cfg-1","publish_interval_ms":5000,"streaming":{"temperature":{"enabled":true,"interval_ms":500}}})");
  auto answers = rig.transport.on("/config");
  CHECK_EQ(answers.size(), static_cast<size_t>(1));
  CHECK_EQ(answers.at(0).body["command_id"], "cfg-1");
  CHECK_EQ(answers.at(0).body["result"], "applied");
  CHECK_EQ(answers.at(0).body["config"]["publish_interval_ms"], 5000);
  CHECK_EQ(answers.at(0).body["config"]["streaming"]["temperature"]["interval_ms"], 500);
  CHECK(answers.at(0).retain);
  rig.core.on_sensor("temperature", 20.0f);  // published at once
  rig.core.on_sensor("temperature", 20.5f);  // within 500 ms: held
  CHECK_EQ(rig.transport.on("/sensors/temperature/data").size(), static_cast<size_t>(1));
  rig.platform.now += 500;
  rig.core.loop();
  const auto data = rig.transport.on("/sensors/temperature/data");
  CHECK_EQ(data.size(), static_cast<size_t>(2));
  CHECK_EQ(data.at(1).body["value"]["reading"].get<double>(), 20.5);

  rig.message("config/set", R"({"id":"cfg-2","publish_interval_ms":200,"streaming":{"pressure":{"enabled":true}}})");
  answers = rig.transport.on("/config");
  CHECK_EQ(answers.back().body["result"], "rejected");
  CHECK(answers.back().body["reason"].get<std::string>().find("pressure") != std::string::npos);
  CHECK_EQ(rig.core.settings().publish_interval_ms, 5000u);  // nothing applied
  rig.message("config/set", R"({"id":"cfg-3","publish_interval_ms":10})");
  CHECK_EQ(rig.transport.on("/config").back().body["code"].is_null(), true);
  CHECK(rig.transport.on("/config").back().body["reason"].get<std::string>().find("/publish_interval_ms") !=
        std::string::npos);
}

TEST("bridge: metrics every interval and diagnostics on request") {
  BridgeSettings settings;
  settings.metrics_interval_ms = 2000;
  Rig rig(settings);
  rig.connect();
  rig.platform.now += 2000;
  rig.core.loop();
  const auto metrics = rig.transport.on("/metrics");
  CHECK_EQ(metrics.size(), static_cast<size_t>(1));
  CHECK_EQ(metrics.at(0).body["messages_sent"], 4);
  CHECK_EQ(metrics.at(0).body["free_heap"], 150000);
  rig.message("diagnostics/request", R"({"id":"diag-1","checks":["memory","sensors","bogus"]})");
  const auto results = rig.transport.on("/diagnostics/result");
  CHECK_EQ(results.size(), static_cast<size_t>(1));
  const json &r = results.at(0).body;
  CHECK_EQ(r["command_id"], "diag-1");
  CHECK_EQ(r["checks"].size(), static_cast<size_t>(3));
  CHECK_EQ(r["checks"][0]["status"], "ok");
  CHECK_EQ(r["checks"][1]["status"], "fail");  // no sensor has a reading
  CHECK_EQ(r["checks"][2]["detail"], "unknown check");
  CHECK_EQ(r["overall"], "failed");
  rig.core.on_sensor("temperature", 21.5f);
  rig.message("diagnostics/request", R"({"id":"diag-2","checks":["sensors"]})");
  const json again = rig.transport.on("/diagnostics/result").back().body;
  CHECK_EQ(again["checks"][0]["status"], "warn");  // motion still silent
  CHECK(again["checks"][0]["detail"].get<std::string>().find("motion") != std::string::npos);
  CHECK_EQ(again["overall"], "degraded");
}

namespace {
json diagnose(Rig &rig, const std::string &id, const std::string &check) {
  rig.message("diagnostics/request", R"({"id":")" + id + R"(","checks":[")" + check + R"("]})");
  const auto results = rig.transport.on("/diagnostics/result");
  if (results.empty() || results.back().body["command_id"] != id)
    return json();
  return results.back().body["checks"][0];
}
std::string status_of(Rig &rig, const std::string &id, const std::string &check) {
  const json result = diagnose(rig, id, check);
  return result.is_object() ? result["status"].get<std::string>() : std::string("no answer");
}
}  // namespace

TEST("diagnostics: every check passes on a healthy device") {
  Rig rig;
  rig.platform.has_signal = true;
  rig.platform.signal = -60;
  rig.connect();
  rig.core.on_sensor("temperature", 21.5f);
  rig.core.on_binary_sensor("motion", false);
  rig.message("actuators/led/cmd", R"({"id":"c1","action":"on"})");
  rig.message("diagnostics/request", R"({"id":"all"})");
  const json r = rig.transport.on("/diagnostics/result").back().body;
  CHECK_EQ(r["checks"].size(), static_cast<size_t>(6));  // memory mqtt sensors actuators capabilities wifi
  for (const auto &c : r["checks"])
    CHECK_CONTEXT(c["status"] == "ok", c.dump());
  CHECK_EQ(r["overall"], "ok");
}

TEST("diagnostics: memory fails below the critical heap, warns below the low mark") {
  BridgeSettings settings;
  settings.low_heap_bytes = 20000;
  Rig rig(settings);
  rig.connect();
  rig.platform.heap = 15000;
  CHECK_EQ(status_of(rig, "m1", "memory"), "warn");
  rig.platform.heap = 9000;  // critical defaults to half the low mark
  const json check = diagnose(rig, "m2", "memory");
  CHECK_EQ(check["status"], "fail");
  CHECK_EQ(check["value"], 9000);
}

TEST("diagnostics: mqtt fails while publishes fail in a row and answers wait in the outbox") {
  Rig rig;
  rig.connect();
  rig.transport.refuse = true;  // connected, but the client takes nothing
  rig.message("actuators/led/cmd", R"({"id":"lost-1","action":"on"})");
  rig.message("actuators/led/cmd", R"({"id":"lost-2","action":"off"})");
  rig.message("actuators/led/cmd", R"({"id":"lost-3","action":"on"})");
  rig.transport.refuse = false;  // the diagnostics answer itself goes out
  const json check = diagnose(rig, "q1", "mqtt");
  CHECK_EQ(check["status"], "fail");
  CHECK(check["detail"].get<std::string>().find("3 publishes failed in a row, 3 command answers waiting") !=
        std::string::npos);
}

TEST("diagnostics: actuators fail when an entity refused its last command, and recover when it applies") {
  Rig rig;
  rig.connect();
  rig.sink.refuse = true;
  rig.message("actuators/led/cmd", R"({"id":"r1","action":"on"})");
  json check = diagnose(rig, "a1", "actuators");
  CHECK_EQ(check["status"], "fail");
  CHECK(check["detail"].get<std::string>().find("led: \"on\" failed: relay driver not responding") !=
        std::string::npos);
  rig.sink.refuse = false;
  rig.message("actuators/led/cmd", R"({"id":"r2","action":"on"})");
  CHECK_EQ(status_of(rig, "a2", "actuators"), "ok");
  rig.sink.states.erase("dimmer");  // the entity no longer reports a state
  rig.message("actuators/dimmer/cmd", R"({"id":"r3","action":"set","value":500})");  // rejected: state re-read
  CHECK_EQ(status_of(rig, "a3", "actuators"), "warn");
}

TEST("diagnostics: capabilities fail when one entity cannot fit a message; naming the check re-announces") {
  BridgeSettings settings;
  settings.max_capabilities_bytes = 600;
  Rig rig(settings);
  ActuatorDesc huge;
  huge.key = "huge_select";
  huge.value_type = ValueType::ENUM;
  huge.actions = {"set"};
  for (int i = 0; i < 20; i++)
    huge.options.push_back("option_number_" + std::to_string(i) + "_with_a_long_label");
  rig.core.add_actuator(huge);
  rig.connect();
  const size_t announced = rig.transport.on("/capabilities").size();
  CHECK(announced >= 2);
  CHECK(!rig.transport.on("/error").empty());
  CHECK(rig.transport.on("/error").back().body["error_type"] == "capabilities_too_large");
  const json check = diagnose(rig, "k1", "capabilities");
  CHECK_EQ(check["status"], "fail");
  CHECK(check["detail"].get<std::string>().find("1 larger than one part") != std::string::npos);
  CHECK_EQ(rig.transport.on("/capabilities").size(), 2 * announced);  // re-announced, every part
}

TEST("diagnostics: wifi fails on a weak signal, warns without one") {
  Rig rig;
  rig.connect();
  CHECK_EQ(status_of(rig, "w1", "wifi"), "warn");
  rig.platform.has_signal = true;
  rig.platform.signal = -91;
  CHECK_EQ(status_of(rig, "w2", "wifi"), "fail");
  rig.platform.signal = -80;
  CHECK_EQ(status_of(rig, "w3", "wifi"), "warn");
}

TEST("low-heap watchdog: one error per level, severity 2 then 3, re-armed after recovery") {
  BridgeSettings settings;
  settings.low_heap_bytes = 20000;
  settings.critical_heap_bytes = 8000;
  Rig rig(settings);
  rig.connect();
  auto tick = [&rig](uint32_t heap) {
    rig.platform.heap = heap;
    rig.platform.now += 1000;
    rig.core.loop();
  };
  tick(19000);
  tick(18000);  // same level: no second alert
  auto errors = rig.transport.on("/error");
  CHECK_EQ(errors.size(), static_cast<size_t>(1));
  CHECK(errors.at(0).body["error_type"] == "low_heap");
  CHECK_EQ(errors.at(0).body["severity"], 2);
  tick(7000);
  errors = rig.transport.on("/error");
  CHECK_EQ(errors.size(), static_cast<size_t>(2));
  CHECK_EQ(errors.at(1).body["severity"], 3);
  CHECK(errors.at(1).body["message"].get<std::string>().find("7000 bytes") != std::string::npos);
  tick(21000);  // recovered, but not above the hysteresis (20000 + 2500)
  tick(19000);
  CHECK_EQ(rig.transport.on("/error").size(), static_cast<size_t>(2));
  tick(30000);
  tick(19000);
  CHECK_EQ(rig.transport.on("/error").size(), static_cast<size_t>(3));
  CHECK_EQ(rig.core.counters().low_heap_alerts, 3u);
}

namespace {
class MemoryStore : public ConfigStore {
 public:
  bool has{false};
  StoredConfig stored;
  int saves{0};
  bool load(StoredConfig &config) override {
    if (has)
      config = stored;
    return has;
  }
  bool save(const StoredConfig &config) override {
    stored = config;
    has = true;
    saves++;
    return true;
  }
};
}  // namespace

TEST("runtime configuration survives a reboot through the config store") {
  MemoryStore store;
  {
    Rig rig;
    CHECK(!rig.core.use_config_store(&store));  // nothing stored yet
    rig.connect();
    rig.message("config/set",
                R"({"id":"cfg-1","publish_interval_ms":2500,"metrics_interval_ms":30000,"streaming":{"temperature":{"enabled":true,"interval_ms":500}}})");
    CHECK_EQ(store.saves, 1);
  }
  Rig rebooted;  // a new core, as after a reboot
  CHECK(rebooted.core.use_config_store(&store));
  CHECK_EQ(rebooted.core.settings().publish_interval_ms, 2500u);
  CHECK_EQ(rebooted.core.settings().metrics_interval_ms, 30000u);
  rebooted.connect();
  const json config = rebooted.transport.on("/config").back().body["config"];
  CHECK_EQ(config["publish_interval_ms"], 2500);
  CHECK_EQ(config["streaming"]["temperature"]["interval_ms"], 500);
  // A stored value out of the schema's range is ignored.
  store.stored.publish_interval_ms = 5;
  Rig third;
  third.core.use_config_store(&store);
  CHECK_EQ(third.core.settings().publish_interval_ms, 10000u);
}

TEST("bridge: keys are unique across sensors and actuators; long texts are clipped to the schema") {
  Rig rig;
  CHECK_EQ(rig.core.unique_key("led"), std::string("led_2"));
  CHECK_EQ(rig.core.unique_key("fresh"), std::string("fresh"));
  SensorDesc dup;
  dup.key = "led";
  CHECK(!rig.core.add_sensor(dup));
  SensorDesc bad;
  bad.key = "a/b";
  CHECK(!rig.core.add_sensor(bad));
  SensorDesc wordy;
  wordy.key = "wordy";
  wordy.unit = "µµµµµµµµµµµµµµµµµµµµ";
  CHECK(rig.core.add_sensor(wordy));
  CHECK_EQ(rig.core.sensors().back().unit, std::string("µµµµµµµµµµµµµµµµ"));
}

TEST("bridge: a command for an unknown actuator is answered once on its status topic, not retained") {
  Rig rig;
  rig.connect();
  rig.transport.sent.clear();
  rig.message("actuators/relay/cmd", R"({"id":"u-1","action":"on"})");
  const auto answers = rig.transport.on("/actuators/relay/status");
  CHECK_EQ(answers.size(), static_cast<size_t>(1));
  const Published &answer = answers.at(0);
  CHECK(answer.qos == 1 && !answer.retain);  // retained, it would invent an actuator for later subscribers
  CHECK_EQ(answer.body["command_id"], "u-1");
  CHECK_EQ(answer.body["result"], "rejected");
  CHECK_EQ(answer.body["code"], "UNKNOWN_ACTUATOR");
  CHECK(answer.body["state"].is_null());
  CHECK(answer.body["reason"].get<std::string>().rfind("UNKNOWN_ACTUATOR: ", 0) == 0);
  CHECK(answer.body["reason"].get<std::string>().find("relay") != std::string::npos);
  CHECK_EQ(rig.transport.on("/error").size(), static_cast<size_t>(1));
  CHECK_EQ(rig.sink.applied, 0);
  CHECK_EQ(rig.core.counters().commands_rejected, 1u);

  // A redelivery gets the same answer; a bad payload with a readable id is answered too;
  // without an id there is nothing to echo, so only /error.
  rig.message("actuators/relay/cmd", R"({"id":"u-1","action":"on"})");
  rig.message("actuators/relay/cmd", R"({"id":"u-2","action":"ON"})");
  rig.message("actuators/relay/cmd", R"({"action":"on"})");
  rig.message("actuators/pump/cmd", R"({"id":"u-3","action":)");
  const auto all = rig.transport.on("/actuators/relay/status");
  CHECK_EQ(all.size(), static_cast<size_t>(3));
  CHECK_EQ(all.at(1).body["command_id"], "u-1");
  CHECK_EQ(all.at(2).body["command_id"], "u-2");
  CHECK_EQ(all.at(2).body["code"], "UNKNOWN_ACTUATOR");
  for (const auto &p : all)
    CHECK(!p.retain);
  CHECK(rig.transport.on("/actuators/pump/status").empty());  // unparseable JSON: no id can be read
  CHECK_EQ(rig.transport.on("/error").size(), static_cast<size_t>(4));
  CHECK_EQ(rig.core.counters().duplicate_commands, 1u);
}

TEST("bridge: a redelivered config/set gets the same answer and is not applied twice") {
  Rig rig;
  rig.connect();
  rig.transport.sent.clear();
  rig.message("config/set", R"({"id":"cfg-9","publish_interval_ms":5000})");
  rig.message("config/set", R"({"id":"cfg-10","publish_interval_ms":7000})");
  rig.message("config/set", R"({"id":"cfg-9","publish_interval_ms":5000})");
  const auto answers = rig.transport.on("/config");
  CHECK_EQ(answers.size(), static_cast<size_t>(3));
  CHECK_EQ(answers.at(2).body["command_id"], "cfg-9");
  CHECK_EQ(answers.at(2).body["result"], "applied");
  CHECK_EQ(rig.core.settings().publish_interval_ms, 7000u);  // cfg-9 was not applied again
}

// ------------------------------------------------------------------ leases and the loop guard

namespace {

ActuatorGuard lease_guard(double max_lease_s, Value safe_state = Value(), uint32_t min_interval_ms = 0) {
  ActuatorGuard guard;
  guard.max_lease_s = max_lease_s;
  guard.safe_state = safe_state;
  guard.min_interval_ms = min_interval_ms;
  return guard;
}

}  // namespace

TEST("guard: capabilities declare leases, safe state, min interval, commands per minute and flap limits") {
  Rig rig;
  ActuatorGuard guard = lease_guard(900, Value::of(false), 300000);
  guard.max_commands_per_min = 4;
  guard.max_reversals = 3;
  guard.flap_window_s = 600;
  CHECK(rig.core.set_guard("led", guard));
  CHECK(!rig.core.set_guard("nothing", guard));
  ActuatorDesc button;  // a lease cannot be reverted on a button: dropped, the rest kept
  button.key = "bell";
  button.value_type = ValueType::NONE;
  button.actions = {"press"};
  button.guard = lease_guard(60, Value(), 2000);
  CHECK(rig.core.add_actuator(button));
  ActuatorGuard half = lease_guard(30, Value::of(std::string("high")));  // safe state a boolean can't take
  half.max_reversals = 2;                                               // without flap_window_s: dropped
  CHECK(rig.core.set_guard("dimmer", half));
  rig.connect();
  const json &meta = rig.transport.sent.at(0).body["metadata"];
  CHECK_EQ(meta["led"]["max_lease_s"].get<double>(), 900.0);
  CHECK_EQ(meta["led"]["safe_state"], false);
  CHECK_EQ(meta["led"]["min_interval_ms"], 300000);
  CHECK_EQ(meta["led"]["max_commands_per_min"], 4);
  CHECK_EQ(meta["led"]["max_reversals"], 3);
  CHECK_EQ(meta["led"]["flap_window_s"], 600);
  CHECK(!meta["bell"].contains("max_lease_s"));
  CHECK_EQ(meta["bell"]["min_interval_ms"], 2000);
  CHECK_EQ(meta["dimmer"]["max_lease_s"].get<double>(), 30.0);
  CHECK(!meta["dimmer"].contains("safe_state"));  // "high" cannot be set on a number: previous state instead
  CHECK(!meta["dimmer"].contains("max_reversals"));
}

TEST("lease: acknowledged with its end; expiry reverts while DISCONNECTED (no publish attempted); published on reconnect") {
  Rig rig;
  rig.core.set_guard("led", lease_guard(60));
  rig.connect();
  rig.transport.sent.clear();
  rig.message("actuators/led/cmd", R"({"id":"c-l1","action":"on","lease_s":2})");
  const json ack = rig.transport.sent.at(0).body;
  CHECK_EQ(ack["command_id"], "c-l1");
  CHECK_EQ(ack["result"], "applied");
  CHECK_EQ(ack["state"], true);
  CHECK_EQ(ack["lease_command_id"], "c-l1");
  CHECK_EQ(ack["lease_remaining_ms"], 2000);
  CHECK_EQ(ack["lease_reverts_to"], false);
  CHECK(!ack.contains("lease_until"));  // this device has no clock

  // The broker goes away.
  rig.transport.online = false;
  rig.core.loop();
  rig.transport.sent.clear();
  const int calls = rig.transport.publish_calls;
  rig.platform.now += 1999;
  rig.core.loop();
  CHECK_EQ(rig.sink.states["led"].boolean, true);
  uint32_t left = 0;
  CHECK(rig.core.lease_remaining("led", left) && left == 1);
  rig.platform.now += 1;
  rig.core.loop();
  CHECK(rig.sink.states["led"].type == Value::Type::BOOLEAN);
  CHECK_EQ(rig.sink.states["led"].boolean, false);  // reverted by the device alone
  CHECK(!rig.core.lease_remaining("led", left));
  CHECK_EQ(rig.core.counters().leases_expired, 1u);
  CHECK_EQ(rig.transport.publish_calls, calls);  // nothing was even attempted
  CHECK_EQ(rig.transport.publish_calls_offline, 0);
  rig.platform.now += 60000;
  rig.core.loop();
  CHECK_EQ(rig.core.counters().leases_expired, 1u);  // once

  // Back online: the revert first (from the outbox), then the snapshot, neither with a lease.
  rig.connect();
  const auto statuses = rig.transport.on("/actuators/led/status");
  CHECK_EQ(statuses.size(), static_cast<size_t>(2));
  const json &expired = statuses.at(0).body;
  CHECK_EQ(expired["reason"], "lease_expired");
  CHECK_EQ(expired["lease_command_id"], "c-l1");
  CHECK_EQ(expired["state"], false);
  CHECK(!expired.contains("command_id") && !expired.contains("result") && !expired.contains("lease_remaining_ms"));
  CHECK(statuses.at(0).retain && statuses.at(0).qos == 1);
  CHECK_EQ(statuses.at(1).body["state"], false);
  CHECK(!statuses.at(1).body.contains("lease_command_id"));
}

TEST("lease: connected expiry publishes one spontaneous status; snapshots while it runs carry it") {
  Rig rig;
  rig.core.set_guard("led", lease_guard(60));
  rig.platform.unix_now = 1704067200;
  rig.connect();
  rig.message("actuators/led/cmd", R"({"id":"c-l2","action":"on","lease_s":0.5})");
  CHECK_EQ(rig.transport.sent.back().body["lease_remaining_ms"], 500);
  CHECK_EQ(rig.transport.sent.back().body["lease_until"].get<double>(), 1704067200.5);
  // A reconnect while the lease runs: the retained snapshot shows the lease.
  rig.transport.online = false;
  rig.core.loop();
  rig.platform.now += 200;
  rig.transport.sent.clear();
  rig.connect();
  const json snapshot = rig.transport.on("/actuators/led/status").at(0).body;
  CHECK_EQ(snapshot["lease_command_id"], "c-l2");
  CHECK_EQ(snapshot["lease_remaining_ms"], 300);
  rig.transport.sent.clear();
  rig.platform.now += 300;
  rig.core.loop();
  const auto statuses = rig.transport.on("/actuators/led/status");
  CHECK_EQ(statuses.size(), static_cast<size_t>(1));
  CHECK_EQ(statuses.at(0).body["reason"], "lease_expired");
  CHECK_EQ(statuses.at(0).body["state"], false);
}

TEST("lease: safe_state wins over the previous state; a renewal keeps the first target; a plain command cancels") {
  Rig rig;
  rig.core.set_guard("led", lease_guard(60, Value::of(false)));
  rig.core.set_guard("dimmer", lease_guard(600));
  rig.sink.states["led"] = Value::of(true);
  rig.connect();
  // The LED is already on: the lease still reverts it, to its safe state.
  rig.message("actuators/led/cmd", R"({"id":"c-s1","action":"on","lease_s":1})");
  CHECK_EQ(rig.transport.sent.back().body["lease_reverts_to"], false);
  rig.platform.now += 1000;
  rig.core.loop();
  CHECK_EQ(rig.sink.states["led"].boolean, false);

  // Dimmer 0 -> 50 for 10 s, renewed at 70 for 10 s: the revert target stays 0.
  rig.message("actuators/dimmer/cmd", R"({"id":"c-d1","action":"set","value":50,"lease_s":10})");
  CHECK_EQ(rig.transport.sent.back().body["lease_reverts_to"], 0);
  rig.platform.now += 5000;
  rig.core.loop();
  rig.message("actuators/dimmer/cmd", R"({"id":"c-d2","action":"set","value":70,"lease_s":10})");
  const json renewed = rig.transport.sent.back().body;
  CHECK_EQ(renewed["lease_command_id"], "c-d2");
  CHECK_EQ(renewed["lease_reverts_to"], 0);
  CHECK_EQ(renewed["lease_remaining_ms"], 10000);
  // A rejected command leaves the lease running.
  rig.message("actuators/dimmer/cmd", R"({"id":"c-d3","action":"set","value":500})");
  CHECK_EQ(rig.transport.sent.back().body["code"], "OUT_OF_RANGE");
  CHECK_EQ(rig.transport.sent.back().body["lease_command_id"], "c-d2");
  rig.platform.now += 6000;  // the first lease would have ended now
  rig.core.loop();
  CHECK_EQ(rig.sink.states["dimmer"].number, 70.0);
  rig.platform.now += 4000;
  rig.core.loop();
  CHECK_EQ(rig.sink.states["dimmer"].number, 0.0);
  CHECK_EQ(rig.transport.sent.back().body["lease_command_id"], "c-d2");

  // Leased, then commanded without a lease: the lease is cancelled, nothing reverts.
  rig.message("actuators/dimmer/cmd", R"({"id":"c-d4","action":"set","value":30,"lease_s":2})");
  rig.message("actuators/dimmer/cmd", R"({"id":"c-d5","action":"set","value":40})");
  CHECK(!rig.transport.sent.back().body.contains("lease_command_id"));
  rig.transport.sent.clear();
  rig.platform.now += 60000;
  rig.core.loop();
  CHECK_EQ(rig.sink.states["dimmer"].number, 40.0);
  CHECK(rig.transport.on("/actuators/dimmer/status").empty());
  CHECK_EQ(rig.core.counters().leases_expired, 2u);
}

TEST("lease: refused without max_lease_s, above it, on read; a refused revert is reported") {
  Rig rig;
  rig.core.set_guard("dimmer", lease_guard(5));
  rig.connect();
  rig.message("actuators/led/cmd", R"({"id":"c-n1","action":"on","lease_s":1})");
  CHECK_EQ(rig.transport.sent.back().body["code"], "LEASE_NOT_SUPPORTED");
  rig.message("actuators/dimmer/cmd", R"({"id":"c-n2","action":"set","value":10,"lease_s":5.5})");
  CHECK_EQ(rig.transport.sent.back().body["code"], "LEASE_TOO_LONG");
  rig.message("actuators/dimmer/cmd", R"({"id":"c-n3","action":"set","value":10,"lease_s":0})");
  CHECK_EQ(rig.transport.sent.back().body["code"], "SCHEMA");
  CHECK_EQ(rig.sink.applied, 0);
  rig.message("actuators/dimmer/cmd", R"({"id":"c-n4","action":"set","value":10,"lease_s":5})");
  CHECK_EQ(rig.transport.sent.back().body["result"], "applied");
  rig.sink.refuse = true;  // the entity refuses the revert
  rig.platform.now += 5000;
  rig.transport.sent.clear();
  rig.core.loop();
  const auto statuses = rig.transport.on("/actuators/dimmer/status");
  CHECK_EQ(statuses.size(), static_cast<size_t>(1));
  CHECK_EQ(statuses.at(0).body["reason"], "lease_revert_failed");
  CHECK_EQ(statuses.at(0).body["state"], 10);
  const auto errors = rig.transport.on("/error");
  CHECK_EQ(errors.size(), static_cast<size_t>(1));
  CHECK_EQ(errors.at(0).body["error_type"], "lease_revert_failed");
  CHECK_EQ(errors.at(0).body["severity"], 2);
  CHECK_EQ(rig.core.counters().lease_revert_failures, 1u);
}

TEST("min interval: the device refuses a sooner state change with RATE_LIMITED and retry_after_ms") {
  Rig rig;
  rig.core.set_guard("led", lease_guard(0, Value(), 5000));
  rig.connect();
  rig.transport.sent.clear();
  rig.message("actuators/led/cmd", R"({"id":"r-1","action":"on"})");  // first change after boot: allowed
  CHECK_EQ(rig.transport.sent.back().body["result"], "applied");
  rig.platform.now += 1000;
  rig.message("actuators/led/cmd", R"({"id":"r-2","action":"off"})");
  const json limited = rig.transport.sent.back().body;
  CHECK_EQ(limited["result"], "rejected");
  CHECK_EQ(limited["code"], "RATE_LIMITED");
  CHECK_EQ(limited["retry_after_ms"], 4000);
  CHECK_EQ(limited["state"], true);
  CHECK(limited["reason"].get<std::string>().rfind("RATE_LIMITED: ", 0) == 0);
  rig.message("actuators/led/cmd", R"({"id":"r-3","action":"toggle"})");
  CHECK_EQ(rig.transport.sent.back().body["code"], "RATE_LIMITED");
  // Commands that change nothing are not refused.
  rig.message("actuators/led/cmd", R"({"id":"r-4","action":"on"})");
  CHECK_EQ(rig.transport.sent.back().body["result"], "applied");
  CHECK_EQ(rig.sink.applied, 2);
  // A redelivery gets the same answer, retry_after_ms included.
  rig.message("actuators/led/cmd", R"({"id":"r-2","action":"off"})");
  CHECK_EQ(rig.transport.sent.back().body["retry_after_ms"], 4000);
  rig.platform.now += 3999;
  rig.message("actuators/led/cmd", R"({"id":"r-5","action":"off"})");
  CHECK_EQ(rig.transport.sent.back().body["retry_after_ms"], 1);
  rig.platform.now += 1;
  rig.message("actuators/led/cmd", R"({"id":"r-6","action":"off"})");
  CHECK_EQ(rig.transport.sent.back().body["result"], "applied");
  CHECK_EQ(rig.sink.states["led"].boolean, false);
  // A local change (wall switch) restarts the interval too.
  rig.platform.now += 10000;
  rig.sink.states["led"] = Value::of(true);
  rig.core.on_actuator_state("led", Value::of(true));
  rig.platform.now += 100;
  rig.message("actuators/led/cmd", R"({"id":"r-7","action":"off"})");
  CHECK_EQ(rig.transport.sent.back().body["retry_after_ms"], 4900);
  CHECK_EQ(rig.core.counters().rate_limited, 4u);

  // 200 toggles in 5 s: the LED changes state at most once per interval.
  int changes = 0;
  bool last = rig.sink.states["led"].boolean;
  for (int i = 0; i < 200; i++) {
    rig.platform.now += 25;
    rig.message("actuators/led/cmd", "{\"id\":\"t-" + std::to_string(i) + "\",\"action\":\"toggle\"}");
    if (rig.sink.states["led"].boolean != last) {
      changes++;
      last = rig.sink.states["led"].boolean;
    }
  }
  CHECK_EQ(changes, 1);  // 5 s of toggles after a change 100 ms in: one more change at 4.9 s
}

TEST("lease and min interval: the revert waits for the minimum interval after the leased change") {
  Rig rig;
  rig.core.set_guard("led", lease_guard(60, Value(), 5000));
  rig.connect();
  rig.message("actuators/led/cmd", R"({"id":"m-1","action":"on","lease_s":1})");
  CHECK_EQ(rig.transport.sent.back().body["lease_remaining_ms"], 5000);
  rig.platform.now += 1000;
  rig.core.loop();
  CHECK_EQ(rig.sink.states["led"].boolean, true);
  rig.platform.now += 4000;
  rig.core.loop();
  CHECK_EQ(rig.sink.states["led"].boolean, false);
  CHECK_EQ(rig.transport.sent.back().body["reason"], "lease_expired");
}

TEST("announce: the broadcast and the device's own request republish capabilities, status, states and config") {
  Rig rig;
  rig.connect();
  const uint32_t last = rig.transport.sent.back().body["seq"].get<uint32_t>();
  CHECK(rig.core.subscriptions().size() == 5);
  rig.transport.sent.clear();
  rig.raw("devices/_all/announce", R"({"id":"ann-1","reason":"broker_reconnected"})");
  const auto &sent = rig.transport.sent;
  CHECK(sent.size() == 5);  // capabilities, status, led, dimmer, config
  CHECK_EQ(sent[0].topic, std::string("devices/dev1/capabilities"));
  CHECK(sent[0].retain);
  // Not a reboot: seq continues, so the server counts a gap before it as loss.
  CHECK_EQ(sent[0].body["seq"].get<uint32_t>(), last + 1);
  CHECK_EQ(sent[1].topic, std::string("devices/dev1/status"));
  CHECK(sent[1].retain && sent[1].qos == 1);
  CHECK_EQ(sent[1].body["status"], "online");
  CHECK_EQ(rig.transport.on("/actuators/led/status").size(), static_cast<size_t>(1));
  CHECK_EQ(rig.transport.on("/config").size(), static_cast<size_t>(1));
  // A QoS 1 redelivery of the same request is answered once; a new request (own topic) again.
  rig.raw("devices/_all/announce", R"({"id":"ann-1"})");
  CHECK(sent.size() == 5);
  rig.message("announce", R"({"id":"ann-2"})");
  CHECK(sent.size() == 10);
}

TEST("announce: a bad request is reported on /error, another device's request is refused") {
  Rig rig;
  rig.connect();
  rig.transport.sent.clear();
  rig.raw("devices/_all/announce", R"({"reason":"x"})");
  CHECK_EQ(rig.transport.on("/error").size(), static_cast<size_t>(1));
  CHECK_EQ(rig.transport.on("/capabilities").size(), static_cast<size_t>(0));
  rig.raw("devices/other/announce", R"({"id":"a"})");
  CHECK_EQ(rig.transport.on("/capabilities").size(), static_cast<size_t>(0));
}
