// The capabilities document of the 32-entity reference device must fit ESPHome's ESP32
// MQTT buffer (MQTT_BUFFER_SIZE 4096 bytes, for the whole PUBLISH packet).
#include <nlohmann/json.hpp>

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
