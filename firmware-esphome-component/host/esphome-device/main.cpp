// mcpb-esphome-device: the ESPHome glue (mcp_bridge.cpp) itself as a device on a real MQTT
// broker. It links the glue against the ESPHome 2026.x stand-ins with an entity of every kind
// the glue maps (glue/recording_entities.h) and ESPHome's MQTT client over libmosquitto, so
// the end-to-end tests can command climates, covers, fans, locks, valves and texts through
// the registry and see the ESPHome call each command became.
//
//   mcpb-esphome-device --port 1883 --id esp1      (--help lists the flags)
//
// Every ESPHome-style call an entity receives is printed on stdout as one JSON line:
//   {"entity":"Living Room","call":"climate.set_mode","value":"CLIMATE_MODE_HEAT"}
#include <chrono>
#include <cstdio>
#include <string>

#include "fake_esphome.h"
#include "host_cli.h"
#include "mcp_bridge.h"
#include "mosquitto_mqtt_client.h"
#include "recording_entities.h"

#include "esphome/core/application.h"

namespace {

const char *const USAGE =
    "usage: mcpb-esphome-device --id <identifier> [--port 1883] [--host 127.0.0.1]\n"
    "\n"
    "The ESPHome glue (mcp_bridge.cpp) linked against the ESPHome 2026.x stand-ins, as a device on an\n"
    "MQTT broker: a climate (single target, fan modes, presets), a two-point climate, a cover, a valve,\n"
    "a fan, two locks (one with open), a text, a select and a sensor. Each ESPHome call an entity\n"
    "receives is printed on stdout as one JSON line {\"entity\", \"call\", \"value\"}.\n"
    "\n"
    "  --id ID              device id (topic segment [A-Za-z0-9_-], default mcpb_esphome)\n"
    "  --host H, --port N   broker (default 127.0.0.1:1883); it retries until the broker answers\n"
    "  --help               this text\n";

/** Reads the flags into `broker`; returns -1 to run, or the exit code after printing the usage. */
int read_options(int argc, char **argv, host_cli::BrokerOptions &broker) {
  for (int i = 1; i < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h")
      return host_cli::begin(true, true, USAGE);
    if (i + 1 >= argc || !host_cli::take_broker_option(arg, argv[i + 1], broker))
      return host_cli::begin(false, false, USAGE);
  }
  return host_cli::begin(broker.valid(), false, USAGE);
}

void print_call(const recording::Call &call) {
  std::printf("%s\n", call.json_line().c_str());
  std::fflush(stdout);
}

/** ESPHome's loop: MQTT messages first, then the component; millis() follows the host clock. */
void run(esphome::mcp_bridge::McpBridge &bridge) {
  const auto start = std::chrono::steady_clock::now();
  while (!host_cli::stop_requested) {
    host_mqtt::deliver_pending(5);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    fake::millis = static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count());
    bridge.loop();
  }
}

/**
 * States the entities with text states already hold at setup, as after a boot (published once
 * connected): readings of the text sensor and event, actuator states of the date, time and datetime.
 */
void show_string_states(recording::Entities &entities) {
  entities.wifi_ssid.publish_state("Home \"5G\" ✓");
  entities.doorbell.trigger("double_press");
  entities.holiday.set(2026, 12, 24);
  entities.wake_up.set(6, 5, 0);
  entities.next_service.set(2027, 3, 1, 14, 30, 9);
}

}  // namespace

int main(int argc, char **argv) {
  host_cli::BrokerOptions broker{"127.0.0.1", 1883, "mcpb_esphome"};
  const int exit_code = read_options(argc, argv, broker);
  if (exit_code >= 0)
    return exit_code;

  esphome::App.friendly_name_ = esphome::StringRef("ESPHome host device");
  recording::Entities entities;
  entities.register_in(esphome::App);
  show_string_states(entities);
  recording::set_sink(print_call);
  esphome::mcp_bridge::McpBridge bridge;
  bridge.set_device_id(broker.id);
  bridge.set_publish_interval(1000);  // readings every second (a YAML's publish_interval: 1s): tests wait less
  bridge.setup();  // the glue subscribes here, before the client connects
  const auto *core = bridge.bridge_core();
  std::fprintf(stderr, "mcpb-esphome-device %s: %zu sensors, %zu actuators; connecting to mqtt://%s:%d\n",
               broker.id.c_str(), core->sensors().size(), core->actuators().size(), broker.host.c_str(),
               broker.port);
  if (!host_mqtt::start(broker.host, broker.port, "mcpb-" + broker.id, "devices/" + broker.id + "/status")) {
    std::fprintf(stderr, "mcpb-esphome-device: libmosquitto did not start\n");
    return 1;
  }
  run(bridge);
  host_mqtt::stop();
  return 0;
}
