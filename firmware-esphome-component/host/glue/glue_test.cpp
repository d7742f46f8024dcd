// The glue (mcp_bridge.cpp) linked against the ESPHome 2026.x stand-ins and driven like a
// device: entities of every new kind are registered in App, commands arrive through the
// MQTT client's subscription, and each test checks that the right ESPHome call was made
// (the entity's control() receives the call object) and that the command was answered once,
// with its id. Invalid commands never reach the entity.
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../tests/check.h"
#include "fake_esphome.h"
#include "fake_mqtt_client.h"
#include "mcp_bridge.h"
#include "recording_entities.h"

#include "esphome/core/application.h"

using namespace esphome;
using nlohmann::json;

namespace {

std::vector<std::string> &calls() {
  static std::vector<std::string> log;
  return log;
}

struct Device {
  recording::Entities entities;
  esphome::mcp_bridge::McpBridge bridge;

  /**
   * `configure` runs before setup(), like the YAML's codegen; `prepare` too, like the setup() of
   * the components before mcp_bridge's (AFTER_CONNECTION): states the entities have by then.
   */
  explicit Device(void (*configure)(esphome::mcp_bridge::McpBridge &) = nullptr,
                  void (*prepare)(recording::Entities &) = nullptr) {
    App = Application();
    App.friendly_name_ = StringRef("Glue test device");
    entities.register_in(App);
    if (prepare != nullptr)
      prepare(entities);
    recording::set_sink([](const recording::Call &call) { calls().push_back(call.text()); });
    fake::reset();
    fake::mqtt_connected = true;
    fake::free_heap = 150000;
    calls().clear();
    bridge.set_device_id("glue1");
    bridge.set_low_heap_threshold(20000);
    if (configure != nullptr)
      configure(bridge);
    bridge.setup();
    bridge.loop();  // connected: capabilities, states, config
  }

  /** Sends a command; returns every answer published for it (there must be exactly one). */
  std::vector<json> command(const std::string &actuator, const std::string &body) {
    const size_t before = fake::published.size();
    fake::deliver("devices/glue1/actuators/" + actuator + "/cmd", body);
    const std::string id = json::parse(body)["id"];
    std::vector<json> answers;
    for (size_t i = before; i < fake::published.size(); i++) {
      if (fake::published[i].topic != "devices/glue1/actuators/" + actuator + "/status")
        continue;
      json message = json::parse(fake::published[i].payload);
      if (message.value("command_id", "") == id)
        answers.push_back(message);
    }
    return answers;
  }

  json capabilities() const {
    for (const auto &p : fake::published) {
      if (p.topic == "devices/glue1/capabilities")
        return json::parse(p.payload);
    }
    return json();
  }
};

/** The last reading of each sensor in the batches published so far. */
std::map<std::string, json> published_readings() {
  std::map<std::string, json> readings;
  for (const auto &p : fake::published) {
    if (p.topic != "devices/glue1/sensors/batch")
      continue;
    const json batch = json::parse(p.payload);
    for (const auto &r : batch["readings"])
      readings[r["sensor"].get<std::string>()] = r["reading"];
  }
  return readings;
}

/** The last state of each actuator in the actuator statuses published so far. */
std::map<std::string, json> published_states() {
  std::map<std::string, json> states;
  const std::string prefix = "devices/glue1/actuators/", suffix = "/status";
  for (const auto &p : fake::published) {
    const std::string &t = p.topic;
    if (t.size() <= prefix.size() + suffix.size() || t.rfind(prefix, 0) != 0 ||
        t.compare(t.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    states[t.substr(prefix.size(), t.size() - prefix.size() - suffix.size())] = json::parse(p.payload)["state"];
  }
  return states;
}

/** One answer, applied, with the state; and exactly the expected ESPHome call. */
void expect_applied(Device &device, const std::string &actuator, const std::string &body, const std::string &call,
                    const json &state) {
  calls().clear();
  const std::vector<json> answers = device.command(actuator, body);
  CHECK_CONTEXT(answers.size() == 1, actuator << " " << body << ": " << answers.size() << " answers");
  if (answers.size() != 1)
    return;
  CHECK_CONTEXT(answers[0]["result"] == "applied", actuator << ": " << answers[0].dump());
  CHECK_CONTEXT(answers[0]["state"] == state, actuator << ": state " << answers[0]["state"].dump() << " expected "
                                                       << state.dump());
  CHECK_CONTEXT(!calls().empty() && calls()[0] == call,
                actuator << ": expected " << call << ", got " << (calls().empty() ? "no call" : calls()[0]));
}

void expect_refused(Device &device, const std::string &actuator, const std::string &body, const std::string &code) {
  calls().clear();
  const std::vector<json> answers = device.command(actuator, body);
  CHECK_CONTEXT(answers.size() == 1, actuator << " " << body << ": " << answers.size() << " answers");
  if (answers.size() != 1)
    return;
  CHECK_CONTEXT(answers[0]["result"] == "rejected" && answers[0]["code"] == code,
                actuator << ": expected " << code << ", got " << answers[0].dump());
  CHECK_CONTEXT(calls().empty(), actuator << ": the entity was called: " << calls()[0]);
}

}  // namespace

TEST("glue (ESPHome 2026.x): every entity kind is announced with its metadata") {
  Device device;
  const json caps = device.capabilities();
  CHECK_EQ(caps["sensors"], json({"outside_temperature", "wifi_ssid", "doorbell"}));
  const json &m = caps["metadata"];
  // Device class through get_device_class_to(), unit through get_unit_of_measurement_ref() (≥ 2026.3).
  CHECK_EQ(m["outside_temperature"]["device_class"], "temperature");
  CHECK_EQ(m["outside_temperature"]["unit"], "°C");
  CHECK_EQ(m["living_room"]["kind"], "climate");
  CHECK_EQ(m["living_room"]["options"], json({"off", "cool", "heat", "auto"}));
  CHECK_EQ(m["living_room_target_temperature"]["min_range"], 7);
  CHECK_EQ(m["living_room_target_temperature"]["step"], 0.5);
  CHECK_EQ(m["living_room_target_temperature"]["group"], "living_room");
  CHECK_EQ(m["living_room_fan_mode"]["options"], json({"auto", "low", "high"}));
  // The float traits as the decimals they stand for (0.1f widened is 0.10000000149011612).
  CHECK_EQ(m["heat_pump_target_temperature_low"]["step"], 0.1);
  CHECK_EQ(m["heat_pump_target_temperature_high"]["min_range"], 10);
  CHECK_EQ(m["garage_door"]["supported_actions"], json({"open", "close", "stop", "set"}));
  CHECK_EQ(m["garage_door_tilt"]["role"], "tilt");
  CHECK_EQ(m["ceiling_fan"]["value_type"], "integer");
  CHECK_EQ(m["ceiling_fan"]["max_range"], 3);
  CHECK_EQ(m["ceiling_fan_oscillation"]["value_type"], "boolean");
  CHECK_EQ(m["ceiling_fan_direction"]["options"], json({"forward", "reverse"}));
  CHECK_EQ(m["front_door"]["supported_actions"], json({"lock", "unlock", "open"}));
  CHECK_EQ(m["irrigation"]["supported_actions"], json({"open", "close", "set"}));
  CHECK_EQ(m["note"]["max_length"], 20);
  CHECK_EQ(m["scene"]["options"], json({"day", "night", "away"}));
  // Date, time and datetime: string actuators whose format the server checks commands against.
  CHECK_EQ(m["holiday"], json::parse(R"({"value_type":"string","supported_actions":["set"],"kind":"date","format":"date"})"));
  CHECK_EQ(m["wake_up"]["format"], "time");
  CHECK_EQ(m["wake_up"]["kind"], "time");
  CHECK_EQ(m["next_service"]["format"], "date-time");
  CHECK_EQ(m["next_service"]["kind"], "datetime");
}

TEST("glue (ESPHome 2026.x): text sensor and event states are published as string readings") {
  Device device;
  const json caps = device.capabilities();
  const json &m = caps["metadata"];
  CHECK_EQ(m["wifi_ssid"]["value_type"], "string");
  CHECK_EQ(m["wifi_ssid"]["kind"], "text_sensor");
  CHECK_EQ(m["doorbell"]["kind"], "event");
  CHECK_EQ(m["doorbell"]["options"], json({"single_press", "double_press"}));

  device.entities.wifi_ssid.publish_state("Home \"5G\"");
  device.entities.doorbell.trigger("long_press");  // not declared: ESPHome ignores it
  device.entities.doorbell.trigger("double_press");
  fake::millis += 60000;
  device.bridge.loop();
  std::map<std::string, json> readings = published_readings();
  CHECK_EQ(readings["wifi_ssid"], "Home \"5G\"");
  CHECK_EQ(readings["doorbell"], "double_press");
  CHECK_EQ(readings.count("holiday"), 0u);  // an actuator now: its state goes out as actuator status
}

TEST("glue (ESPHome 2026.x): states the entities already have at setup are published, string kinds too") {
  // A text sensor that publishes once (version, address), an event fired while the device
  // booted, date/time entities restored from flash, a sensor read during an earlier setup():
  // without a later change, they are published only because the bridge reads them at setup.
  Device device(nullptr, [](recording::Entities &e) {
    e.outside_temperature.publish_state(21.5f);
    e.wifi_ssid.publish_state("Home");
    e.doorbell.trigger("single_press");
    e.holiday.set(2024, 12, 24);
    e.wake_up.set(6, 5, 0);
    e.next_service.set(2025, 3, 1, 14, 30, 9);
  });
  fake::millis += 60000;
  device.bridge.loop();
  std::map<std::string, json> readings = published_readings();
  CHECK_EQ(readings["outside_temperature"], 21.5);
  CHECK_EQ(readings["wifi_ssid"], "Home");
  CHECK_EQ(readings["doorbell"], "single_press");
  // Date/time entities restored from flash: their state snapshot (actuator status) carries it.
  std::map<std::string, json> states = published_states();
  CHECK_EQ(states["holiday"], "2024-12-24");
  CHECK_EQ(states["wake_up"], "06:05:00");
  CHECK_EQ(states["next_service"], "2025-03-01T14:30:09");

  // Entities without a state yet publish nothing.
  Device empty;
  fake::millis += 60000;
  empty.bridge.loop();
  CHECK(published_readings().empty());
}

TEST("glue (ESPHome 2026.x): climate commands go through make_call().set_*().perform()") {
  Device device;
  expect_applied(device, "living_room", R"({"id":"c1","action":"set","value":"heat"})", "climate.set_mode(CLIMATE_MODE_HEAT)", "heat");
  const json answer = device.command("living_room", R"({"id":"c1","action":"set","value":"heat"})").at(0);
  CHECK_EQ(answer["attributes"]["action"], "heating");  // redelivery: same answer, not applied twice
  expect_applied(device, "living_room_target_temperature", R"({"id":"c2","action":"set","value":21.5})",
                 "climate.set_target_temperature(21.5)", 21.5);
  expect_applied(device, "living_room_fan_mode", R"({"id":"c3","action":"set","value":"high"})",
                 "climate.set_fan_mode(CLIMATE_FAN_HIGH)", "high");
  expect_refused(device, "living_room", R"({"id":"c4","action":"set","value":"dry"})", "BAD_VALUE");
  expect_refused(device, "living_room_target_temperature", R"({"id":"c5","action":"set","value":35})", "OUT_OF_RANGE");
  expect_applied(device, "heat_pump_target_temperature_low", R"({"id":"c6","action":"set","value":18.2})",
                 "climate.set_target_temperature_low(18.2)", 18.2);  // not 18.200000762939453
}

TEST("glue (ESPHome 2026.x): cover and valve commands") {
  Device device;
  expect_applied(device, "garage_door", R"({"id":"v1","action":"open"})", "cover.set_position(1.0)", 100);
  expect_applied(device, "garage_door", R"({"id":"v2","action":"set","value":40})", "cover.set_position(0.4)",
                 40);
  expect_applied(device, "garage_door", R"({"id":"v3","action":"stop"})", "cover.set_command_stop()", 40);
  expect_applied(device, "garage_door_tilt", R"({"id":"v4","action":"set","value":25})", "cover.set_tilt(0.25)",
                 25);
  expect_refused(device, "garage_door", R"({"id":"v5","action":"set","value":140})", "OUT_OF_RANGE");
  expect_refused(device, "garage_door", R"({"id":"v6","action":"toggle"})", "UNSUPPORTED_ACTION");
  expect_applied(device, "irrigation", R"({"id":"v7","action":"set","value":30})", "valve.set_position(0.3)", 30);
  expect_refused(device, "irrigation", R"({"id":"v8","action":"stop"})", "UNSUPPORTED_ACTION");
}

TEST("glue (ESPHome 2026.x): fan speed, oscillation and direction") {
  Device device;
  expect_applied(device, "ceiling_fan", R"({"id":"f1","action":"set","value":2})", "fan.set_state(true)", 2);
  CHECK(calls().size() == 2 && calls()[1] == "fan.set_speed(2)");
  expect_applied(device, "ceiling_fan_oscillation", R"({"id":"f2","action":"on"})", "fan.set_oscillating(true)", true);
  expect_applied(device, "ceiling_fan_direction", R"({"id":"f3","action":"set","value":"reverse"})",
                 "fan.set_direction(FanDirection::REVERSE)", "reverse");
  expect_applied(device, "ceiling_fan", R"({"id":"f4","action":"off"})", "fan.set_state(false)", 0);
  expect_refused(device, "ceiling_fan", R"({"id":"f5","action":"set","value":4})", "OUT_OF_RANGE");
  expect_refused(device, "ceiling_fan", R"({"id":"f6","action":"set","value":1.5})", "BAD_VALUE");
}

TEST("glue (ESPHome 2026.x): lock, text and select") {
  Device device;
  expect_applied(device, "front_door", R"({"id":"l1","action":"lock"})", "lock.set_state(LOCK_STATE_LOCKED)", "locked");
  expect_applied(device, "front_door", R"({"id":"l2","action":"open"})", "lock.open()", "unlocked");
  expect_refused(device, "front_door", R"({"id":"l3","action":"set","value":"locked"})", "UNSUPPORTED_ACTION");
  expect_applied(device, "note", R"({"id":"t1","action":"set","value":"buy milk"})", "text.set_value(buy milk)",
                 "buy milk");
  expect_refused(device, "note", R"({"id":"t2","action":"set","value":"this is far too long for it"})",
                 "OUT_OF_RANGE");
  expect_refused(device, "note", R"({"id":"t3","action":"set","value":"x"})", "APPLY_FAILED");  // min_length 2
  expect_applied(device, "scene", R"({"id":"s1","action":"set","value":"night"})", "select.set_option(night)",
                 "night");
  expect_refused(device, "scene", R"({"id":"s2","action":"set","value":"party"})", "BAD_VALUE");
}

TEST("glue (ESPHome 2026.x): date, time and datetime are set through make_call().set_*().perform()") {
  Device device;
  // No state yet (never set, nothing restored): the snapshot says null.
  CHECK(published_states()["holiday"].is_null());
  expect_applied(device, "holiday", R"({"id":"d1","action":"set","value":"2026-12-24"})", "date.set_date(2026-12-24)",
                 "2026-12-24");
  expect_applied(device, "holiday", R"({"id":"d2","action":"set","value":"2028-02-29"})", "date.set_date(2028-02-29)",
                 "2028-02-29");
  expect_applied(device, "wake_up", R"({"id":"t1","action":"set","value":"06:05:00"})", "time.set_time(06:05:00)",
                 "06:05:00");
  expect_applied(device, "next_service", R"({"id":"s1","action":"set","value":"2027-03-01T14:30:09"})",
                 "datetime.set_datetime(2027-03-01T14:30:09)", "2027-03-01T14:30:09");
  CHECK_EQ(device.entities.next_service.hour, 14);
  // The device checks the format again (a server that did not): the entity is never called.
  expect_refused(device, "holiday", R"({"id":"d3","action":"set","value":"2026-13-40"})", "BAD_VALUE");
  expect_refused(device, "holiday", R"({"id":"d4","action":"set","value":"2027-02-29"})", "BAD_VALUE");
  expect_refused(device, "holiday", R"({"id":"d5","action":"set","value":"tomorrow"})", "BAD_VALUE");
  expect_refused(device, "wake_up", R"({"id":"t2","action":"set","value":"25:00"})", "BAD_VALUE");
  expect_refused(device, "next_service", R"({"id":"s2","action":"set","value":"2027-03-01 14:30:09"})", "BAD_VALUE");
  expect_refused(device, "holiday", R"({"id":"d6","action":"set","value":20261224})", "BAD_VALUE");
  // A real date ESPHome's DateCall would drop (year outside 1970..3000): refused, not silently lost.
  expect_refused(device, "holiday", R"({"id":"d7","action":"set","value":"1969-07-20"})", "APPLY_FAILED");
  expect_refused(device, "next_service", R"({"id":"s3","action":"set","value":"3001-01-01T00:00:00"})",
                 "APPLY_FAILED");
  CHECK_EQ(device.entities.holiday.year, 2028);
  // A local change (automation, restore) is published as a spontaneous status.
  fake::published.clear();
  device.entities.wake_up.set(7, 30, 0);
  const std::map<std::string, json> after = published_states();
  CHECK_EQ(after.at("wake_up"), "07:30:00");
}

TEST("glue (ESPHome 2026.x): runtime configuration is kept in preferences across a reboot") {
  fake::preferences.clear();
  {
    Device device;
    fake::deliver("devices/glue1/config/set", R"({"id":"cfg1","publish_interval_ms":2500})");
    CHECK_EQ(fake::preferences.size(), static_cast<size_t>(1));
  }
  Device rebooted;
  CHECK_EQ(rebooted.bridge.bridge_core()->settings().publish_interval_ms, 2500u);
  fake::preferences.clear();
}

TEST("glue (ESPHome 2026.x): the low-heap watchdog reports an error with severity from the YAML threshold") {
  Device device;
  fake::free_heap = 15000;  // below the 20000 of set_low_heap_threshold
  fake::millis += 2000;
  device.bridge.loop();
  bool found = false;
  for (const auto &p : fake::published) {
    if (p.topic == "devices/glue1/error") {
      const json error = json::parse(p.payload);
      found = error["error_type"] == "low_heap" && error["severity"] == 2;
    }
  }
  CHECK(found);
}

namespace {
void guarded(esphome::mcp_bridge::McpBridge &bridge) {
  // YAML: actuators: {ceiling_fan_oscillation: {max_lease: 10s, safe_state: "off", min_interval: 3s},
  //                   garage_door: {min_interval: 60s, max_commands_per_min: 2, max_reversals: 3, flap_window: 600s},
  //                   front_door: {max_lease: 60s}, nothing: {min_interval: 1s}}
  bridge.add_guard("ceiling_fan_oscillation", 10.0f, "false", 3000, 0, 0, 0);
  bridge.add_guard("garage_door", 0.0f, "", 60000, 2, 3, 600);
  bridge.add_guard("front_door", 60.0f, "", 0, 0, 0, 0);  // a lock has no on/off/set: no leases
  bridge.add_guard("nothing", 0.0f, "", 1000, 0, 0, 0);   // warned about, ignored
}

std::vector<json> statuses_of(const std::string &actuator, size_t from) {
  std::vector<json> out;
  for (size_t i = from; i < fake::published.size(); i++) {
    if (fake::published[i].topic == "devices/glue1/actuators/" + actuator + "/status")
      out.push_back(json::parse(fake::published[i].payload));
  }
  return out;
}
}  // namespace

TEST("glue (ESPHome 2026.x): YAML actuators: leases revert through ESPHome's call API, min_interval is enforced") {
  Device device(guarded);
  const json m = device.capabilities()["metadata"];
  CHECK_EQ(m["ceiling_fan_oscillation"]["max_lease_s"], 10);
  CHECK_EQ(m["ceiling_fan_oscillation"]["safe_state"], false);
  CHECK_EQ(m["ceiling_fan_oscillation"]["min_interval_ms"], 3000);
  CHECK_EQ(m["garage_door"]["max_commands_per_min"], 2);
  CHECK_EQ(m["garage_door"]["flap_window_s"], 600);
  CHECK(!m["front_door"].contains("max_lease_s"));

  const std::vector<json> ack = device.command("ceiling_fan_oscillation", R"({"id":"g1","action":"on","lease_s":5})");
  CHECK(ack.size() == 1 && ack[0]["result"] == "applied" && ack[0]["lease_remaining_ms"] == 5000);
  CHECK(!calls().empty() && calls().back() == "fan.set_oscillating(true)");
  // Too soon for another change: refused by the device, the fan is not called.
  expect_refused(device, "ceiling_fan_oscillation", R"({"id":"g2","action":"off"})", "RATE_LIMITED");
  // The broker goes away; the lease ends on the device's clock and the fan is set back.
  fake::mqtt_connected = false;
  device.bridge.loop();
  const size_t before = fake::published.size();
  calls().clear();
  fake::millis += 5000;
  device.bridge.loop();
  CHECK(!calls().empty() && calls().back() == "fan.set_oscillating(false)");
  CHECK_EQ(fake::published.size(), before);
  fake::mqtt_connected = true;
  device.bridge.loop();
  const std::vector<json> after = statuses_of("ceiling_fan_oscillation", before);
  CHECK(!after.empty() && after[0]["reason"] == "lease_expired" && after[0]["state"] == false &&
        after[0]["lease_command_id"] == "g1");

  expect_applied(device, "garage_door", R"({"id":"g3","action":"set","value":40})", "cover.set_position(0.4)", 40);
  expect_refused(device, "garage_door", R"({"id":"g4","action":"set","value":60})", "RATE_LIMITED");
  expect_refused(device, "front_door", R"({"id":"g5","action":"lock","lease_s":5})", "LEASE_NOT_SUPPORTED");
}
