// libFuzzer: any topic and payload into BridgeCore::on_message. Every message the core
// publishes in answer must be well-formed JSON (checked with nlohmann-json).
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core_bridge.h"

using namespace mcp_bridge;

namespace {
class CheckingTransport : public Transport {
 public:
  bool connected() const override { return true; }
  bool publish(const std::string &, const std::string &payload, uint8_t, bool) override {
    if (!nlohmann::json::accept(payload))
      std::abort();
    return true;
  }
};
class Sink : public ActuatorSink {
 public:
  ApplyResult apply(const ActuatorDesc &, const Command &c) override { last = c.value; return ApplyResult::ok(); }
  Value state(const ActuatorDesc &) override { return last; }
  Value last;
};
class Clock : public Platform {
 public:
  uint32_t millis() override { return now += 7; }
  uint32_t now{0};
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static CheckingTransport transport;
  static Sink sink;
  static Clock clock;
  static BridgeCore *core = [] {
    auto *c = new BridgeCore(DeviceInfo{"fz", "devices", "", "1", "", "", "", ""}, BridgeSettings{}, transport, sink,
                             clock);
    ActuatorDesc number;
    number.key = "n";
    number.value_type = ValueType::NUMBER;
    number.actions = {"set", "on", "off"};
    number.has_min = number.has_max = true;
    number.max = 10;
    c->add_actuator(number);
    ActuatorDesc text;
    text.key = "t";
    text.value_type = ValueType::STRING;
    text.actions = {"set"};
    c->add_actuator(text);
    SensorDesc s;
    s.key = "s";
    c->add_sensor(s);
    c->loop();
    return c;
  }();
  // First byte picks a topic, the rest is the payload.
  static const char *const TOPICS[] = {"devices/fz/actuators/n/cmd", "devices/fz/actuators/t/cmd",
                                       "devices/fz/config/set", "devices/fz/diagnostics/request",
                                       "devices/fz/actuators/zz/cmd", "devices/other/config/set"};
  if (size == 0)
    return 0;
  const std::string topic = TOPICS[data[0] % 6];
  core->on_message(topic, reinterpret_cast<const char *>(data + 1), size - 1);
  core->loop();
  return 0;
}
