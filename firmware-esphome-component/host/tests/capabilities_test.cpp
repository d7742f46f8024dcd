// The capabilities document of the 32-entity reference device must fit ESPHome's ESP32
// MQTT buffer (MQTT_BUFFER_SIZE 4096 bytes, for the whole PUBLISH packet).
#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "check.h"
#include "core_bridge.h"
#include "reference_device.h"

using namespace mcp_bridge;
using nlohmann::json;

namespace {
class NoTransport : public Transport {
 public:
  bool connected() const override { return false; }
  bool publish(const std::string &, const std::string &, uint8_t, bool) override { return false; }
};
class NoSink : public ActuatorSink {
 public:
  ApplyResult apply(const ActuatorDesc &, const Command &) override { return ApplyResult::ok(); }
  Value state(const ActuatorDesc &) override { return Value::null(); }
};
class SyncedClock : public Platform {
 public:
  uint32_t millis() override { return 12345; }
  double unix_time() override { return 1767225600.125; }  // a synced clock adds a timestamp
};

/** Bytes of the MQTT 3.1.1 PUBLISH packet at QoS 1: fixed header, topic, packet id, payload. */
size_t publish_packet_bytes(const std::string &topic, const std::string &payload) {
  const size_t remaining = 2 + topic.size() + 2 + payload.size();
  size_t length_bytes = 1;
  for (size_t r = remaining; r >= 128; r /= 128)
    length_bytes++;
  return 1 + length_bytes + remaining;
}
}  // namespace

TEST("capabilities: the 32-entity reference device fits the 4 KB ESP32 MQTT buffer") {
  NoTransport transport;
  NoSink sink;
  SyncedClock clock;
  // Realistic device metadata at the lengths ESPHome users write (a 24-character device id).
  DeviceInfo info{"livingroom-controller-01", "devices", "Living room controller", "2026.6.0 mcp_bridge 1.0",
                  "esp32-devkitc-v4", "esphome", "esp32", "Living room, north wall"};
  BridgeCore core(info, BridgeSettings{}, transport, sink, clock);
  declare_reference_device(core);
  CHECK_EQ(core.sensors().size() + core.actuators().size(), REFERENCE_ENTITY_COUNT);

  const std::string document = core.build_capabilities();
  const size_t packet = publish_packet_bytes(core.topics().capabilities(), document);
  std::cout << "  capabilities of " << REFERENCE_ENTITY_COUNT << " entities: " << document.size()
            << " bytes payload, " << packet << " bytes as an MQTT packet (limit 4096)\n";
  CHECK_CONTEXT(packet <= 4096, "capabilities packet is " << packet << " bytes");

  const json caps = json::parse(document);
  CHECK_EQ(caps["sensors"].size(), static_cast<size_t>(16));
  CHECK_EQ(caps["actuators"].size(), static_cast<size_t>(16));
  CHECK_EQ(caps["metadata"].size(), REFERENCE_ENTITY_COUNT);
  // What the server needs to validate commands and explain sensors is all there.
  CHECK_EQ(caps["metadata"]["temperature"]["unit"], "°C");
  CHECK_EQ(caps["metadata"]["temperature"]["min_range"], -40);
  CHECK_EQ(caps["metadata"]["target_temperature"]["step"], 0.5);
  CHECK_EQ(caps["metadata"]["mode"]["options"], json({"off", "eco", "comfort", "boost"}));
  CHECK_EQ(caps["metadata"]["door_lock"]["requires_confirmation"], true);
  CHECK_EQ(caps["metadata"]["restart"]["supported_actions"], json({"press"}));
  CHECK_EQ(caps["metadata"]["ceiling_light"]["max_range"], 100);
}

namespace {
class Recorder : public Transport {
 public:
  std::vector<std::pair<std::string, std::string>> sent;
  std::vector<bool> retained;
  bool connected() const override { return true; }
  bool publish(const std::string &topic, const std::string &payload, uint8_t, bool retain) override {
    sent.emplace_back(topic, payload);
    retained.push_back(retain);
    return true;
  }
};

}  // namespace

TEST("capabilities: a 64-entity device with 32-character ids announces every entity, in parts that fit 4 KB") {
  Recorder transport;
  NoSink sink;
  SyncedClock clock;
  DeviceInfo info{"livingroom-controller-01", "devices", "Living room controller", "2026.6.0 mcp_bridge 1.0",
                  "esp32-devkitc-v4", "esphome", "esp32", "Living room, north wall"};
  BridgeCore core(info, BridgeSettings{}, transport, sink, clock);
  declare_large_device(core);
  CHECK_EQ(core.sensors().size() + core.actuators().size(), LARGE_ENTITY_COUNT);
  core.loop();  // connects: announces

  std::vector<json> parts;
  size_t total = 0, largest = 0;
  for (size_t i = 0; i < transport.sent.size(); i++) {
    if (transport.sent[i].first != core.topics().capabilities())
      continue;
    const size_t packet = publish_packet_bytes(transport.sent[i].first, transport.sent[i].second);
    CHECK_CONTEXT(packet <= 4096, "part " << parts.size() << " is " << packet << " bytes as an MQTT packet");
    CHECK_EQ(static_cast<bool>(transport.retained[i]), parts.empty());  // part 0 retained, the rest live
    total += transport.sent[i].second.size();
    largest = std::max(largest, packet);
    parts.push_back(json::parse(transport.sent[i].second));
  }
  std::cout << "  capabilities of 64 entities (32-character ids): " << parts.size() << " parts, " << total
            << " bytes in all, largest " << largest << " bytes as an MQTT packet (limit 4096)\n";
  CHECK(parts.size() >= 2);
  std::set<std::string> sensors, actuators;
  for (size_t p = 0; p < parts.size(); p++) {
    const json &part = parts[p];
    CHECK_EQ(part["part"], p);
    CHECK_EQ(part["parts"], parts.size());
    CHECK_EQ(part["seq"].get<uint32_t>(), parts[0]["seq"].get<uint32_t>() + p);  // consecutive
    CHECK_EQ(part["device_id"], "livingroom-controller-01");
    CHECK_EQ(part["firmware_version"], "2026.6.0 mcp_bridge 1.0");
    // Each part stands alone: what it lists, it describes (decode.ts checks this per message).
    for (const auto &s : part["sensors"]) {
      CHECK(part["metadata"].contains(s.get<std::string>()));
      CHECK(sensors.insert(s.get<std::string>()).second);
    }
    for (const auto &a : part["actuators"]) {
      CHECK(part["metadata"][a.get<std::string>()].contains("supported_actions"));
      CHECK(actuators.insert(a.get<std::string>()).second);
    }
    CHECK_EQ(part["metadata"].size(), part["sensors"].size() + part["actuators"].size());
  }
  CHECK_EQ(sensors.size(), static_cast<size_t>(32));
  CHECK_EQ(actuators.size(), static_cast<size_t>(32));
  for (const auto &s : core.sensors())
    CHECK(sensors.count(s.key) == 1);
  for (const auto &a : core.actuators())
    CHECK(actuators.count(a.key) == 1);
  CHECK_EQ(core.oversized_entities(), static_cast<size_t>(0));
}

TEST("capabilities: a device that fits one message gets one document without part fields") {
  NoTransport transport;
  NoSink sink;
  SyncedClock clock;
  BridgeCore core(DeviceInfo{}, BridgeSettings{}, transport, sink, clock);
  declare_reference_device(core);
  const std::vector<std::string> parts = core.build_capabilities_parts();
  CHECK_EQ(parts.size(), static_cast<size_t>(1));
  const json caps = json::parse(parts.at(0));
  CHECK(!caps.contains("part") && !caps.contains("parts"));
}
