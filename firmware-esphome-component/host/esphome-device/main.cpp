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
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fake_esphome.h"
#include "mcp_bridge.h"
#include "mosquitto_mqtt_client.h"
#include "recording_entities.h"

#include "esphome/core/application.h"

namespace {

volatile std::sig_atomic_t stop_requested = 0;

struct Options {
  std::string host{"127.0.0.1"};
  int port{1883};
  std::string id{"mcpb_esphome"};
  bool help{false};
};

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

bool parse_options(int argc, char **argv, Options &o) {
  for (int i = 1; i < argc; i++) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      o.help = true;
      return true;
    }
    if (i + 1 >= argc)
      return false;
    const char *next = argv[++i];
    if (arg == "--host")
      o.host = next;
    else if (arg == "--port")
      o.port = std::atoi(next);
    else if (arg == "--id")
      o.id = next;
    else
      return false;
  }
  return mcp_bridge::is_identifier(o.id) && o.port > 0;
}

void print_call(const recording::Call &call) {
  std::printf("%s\n", call.json_line().c_str());
  std::fflush(stdout);
}

/** ESPHome's loop: MQTT messages first, then the component; millis() follows the host clock. */
void run(esphome::mcp_bridge::McpBridge &bridge) {
  const auto start = std::chrono::steady_clock::now();
  while (!stop_requested) {
    host_mqtt::deliver_pending(5);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    fake::millis = static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count());
    bridge.loop();
  }
}

}  // namespace

int main(int argc, char **argv) {
  Options options;
  if (!parse_options(argc, argv, options)) {
    std::fputs(USAGE, stderr);
    return 2;
  }
  if (options.help) {
    std::fputs(USAGE, stdout);
    return 0;
  }
  std::signal(SIGTERM, [](int) { stop_requested = 1; });
  std::signal(SIGINT, [](int) { stop_requested = 1; });

  esphome::App.friendly_name_ = esphome::StringRef("ESPHome host device");
  recording::Entities entities;
  entities.register_in(esphome::App);
  recording::set_sink(print_call);
  esphome::mcp_bridge::McpBridge bridge;
  bridge.set_device_id(options.id);
  bridge.setup();  // the glue subscribes here, before the client connects
  const auto *core = bridge.bridge_core();
  std::fprintf(stderr, "mcpb-esphome-device %s: %zu sensors, %zu actuators; connecting to mqtt://%s:%d\n",
               options.id.c_str(), core->sensors().size(), core->actuators().size(), options.host.c_str(),
               options.port);
  if (!host_mqtt::start(options.host, options.port, "mcpb-" + options.id, "devices/" + options.id + "/status")) {
    std::fprintf(stderr, "mcpb-esphome-device: libmosquitto did not start\n");
    return 1;
  }
  run(bridge);
  host_mqtt::stop();
  return 0;
}
