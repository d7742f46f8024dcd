// mcpb-device: the mcp_bridge core as a device on a real MQTT broker (libmosquitto), for
// end-to-end tests and demos. ESPHome has no MQTT on its host platform, so this stands in
// for the ESP32: same core, same topics, same birth/will behaviour.
//
//   mcpb-device --port 1883 --id sim1 [options]   (mcpb-device --help lists them)
//
// --profile reference32 declares the 32-entity reference device, large64 the 64-entity device
// with 32-character ids (reference_device.h); --print-capabilities prints the capabilities
// announcement, one part per line, and exits (no broker).
//
// Lines on stdin drive the entities: "sensor <key> <number|nan>", "binary <key> true|false",
// "state <actuator> <json value>", "quit".
#include <poll.h>
#include <unistd.h>

#include <fstream>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>
#include <memory>
#include <random>
#include <sstream>

#include "core_bridge.h"
#include "host_cli.h"
#include "mosquitto_transport.h"
#include "reference_device.h"
#include "simulated_device.h"

using namespace mcp_bridge;

namespace {

struct Options {
  host_cli::BrokerOptions broker{"127.0.0.1", 1883, "mcpb_sim"};
  std::string name{"mcp_bridge simulator"};
  BridgeSettings settings;
  int extra_sensors{0};
  uint32_t auto_ms{0};
  std::string profile{"basic"};
  bool print_capabilities{false};
  bool help{false};
  std::string state_file;
};

const char *const USAGE =
    "usage: mcpb-device --id <identifier> [--port 1883] [--host 127.0.0.1] [options]\n"
    "\n"
    "The mcp_bridge core as a device on an MQTT broker (libmosquitto): the device of the end-to-end\n"
    "tests and the demo. It publishes devices/<id>/... exactly as the ESPHome component does.\n"
    "\n"
    "  --id ID                    device id (topic segment [A-Za-z0-9_-], default mcpb_sim)\n"
    "  --host H, --port N         broker (default 127.0.0.1:1883)\n"
    "  --name TEXT                device name in capabilities\n"
    "  --profile P                basic (default), reference32 (32 entities) or large64\n"
    "                             (64 entities with 32-character ids: capabilities in parts)\n"
    "  --extra-sensors N          basic profile: N more sensors s0..s(N-1)\n"
    "  --auto-ms N                random-walk readings for every sensor every N ms (0: only stdin)\n"
    "  --publish-interval-ms N    readings interval (default 10000)\n"
    "  --metrics-interval-ms N    metrics interval (default 60000)\n"
    "  --no-batch                 one sensors/<s>/data per sensor instead of sensors/batch\n"
    "  --state-file PATH          keep runtime configuration (config/set) in PATH across restarts,\n"
    "                             as the ESPHome component keeps it in preferences\n"
    "  --print-capabilities       print the capabilities (one part per line) and exit\n"
    "  --help                     this text\n"
    "\n"
    "Lines on stdin drive the entities: \"sensor <key> <number|nan>\", \"binary <key> true|false\",\n"
    "\"state <actuator> <json value>\", \"quit\".\n";

/** Runtime configuration in a file: the host device's stand-in for ESPHome preferences. */
class FileStore : public ConfigStore {
 public:
  explicit FileStore(std::string path) : path_(std::move(path)) {}
  bool load(StoredConfig &config) override {
    std::ifstream in(path_, std::ios::binary);
    return in.read(reinterpret_cast<char *>(&config), sizeof config) && in.gcount() == sizeof config;
  }
  bool save(const StoredConfig &config) override {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    return static_cast<bool>(out.write(reinterpret_cast<const char *>(&config), sizeof config));
  }

 private:
  std::string path_;
};

bool parse_options(int argc, char **argv, Options &o) {
  for (int i = 1; i < argc; i++) {
    const std::string arg = argv[i];
    const char *next = i + 1 < argc ? argv[i + 1] : nullptr;
    if (arg == "--no-batch") {
      o.settings.batch = false;
      continue;
    }
    if (arg == "--print-capabilities") {
      o.print_capabilities = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      o.help = true;
      return true;
    }
    if (next == nullptr)
      return false;
    i++;
    if (host_cli::take_broker_option(arg, next, o.broker))
      continue;
    if (arg == "--name")
      o.name = next;
    else if (arg == "--publish-interval-ms")
      o.settings.publish_interval_ms = static_cast<uint32_t>(std::atol(next));
    else if (arg == "--metrics-interval-ms")
      o.settings.metrics_interval_ms = static_cast<uint32_t>(std::atol(next));
    else if (arg == "--extra-sensors")
      o.extra_sensors = std::atoi(next);
    else if (arg == "--profile")
      o.profile = next;
    else if (arg == "--auto-ms")
      o.auto_ms = static_cast<uint32_t>(std::atol(next));
    else if (arg == "--state-file")
      o.state_file = next;
    else
      return false;
  }
  return o.broker.valid() && o.settings.publish_interval_ms > 0 &&
         (o.profile == "basic" || o.profile == "reference32" || o.profile == "large64");
}

/** One stdin line; returns false on "quit". */
bool handle_line(const std::string &line, BridgeCore &core, SimulatedEntities &entities) {
  std::istringstream in(line);
  std::string verb, key, rest;
  in >> verb >> key;
  std::getline(in >> std::ws, rest);
  if (verb == "quit")
    return false;
  if (verb == "sensor") {
    core.on_sensor(key, rest == "nan" ? NAN : std::strtof(rest.c_str(), nullptr));
  } else if (verb == "binary") {
    core.on_binary_sensor(key, rest == "true");
  } else if (verb == "state") {
    JsonValue parsed;
    std::string error;
    if (!parse_json(rest.data(), rest.size(), parsed, error)) {
      std::fprintf(stderr, "mcpb-device: bad state value: %s\n", error.c_str());
      return true;
    }
    Value value = parsed.type == JsonValue::Type::BOOLEAN  ? Value::of(parsed.boolean)
                  : parsed.type == JsonValue::Type::NUMBER ? Value::of(parsed.number)
                  : parsed.type == JsonValue::Type::STRING ? Value::of(parsed.string)
                                                           : Value::null();
    entities.set_state(key, value);
  } else if (!verb.empty()) {
    std::fprintf(stderr, "mcpb-device: unknown input \"%s\"\n", verb.c_str());
  }
  return true;
}

/** Random-walk readings for every sensor, for demos and benchmarks. */
void auto_readings(BridgeCore &core, std::mt19937 &rng) {
  std::normal_distribution<float> step(0.0f, 0.3f);
  static float level = 20.0f;
  level += step(rng);
  for (const auto &sensor : core.sensors()) {
    if (sensor.binary)
      core.on_binary_sensor(sensor.key, (rng() & 1) != 0);
    else
      core.on_sensor(sensor.key, level + step(rng));
  }
}

}  // namespace

int main(int argc, char **argv) {
  Options options;
  const bool parsed = parse_options(argc, argv, options);
  const int exit_code = host_cli::begin(parsed, options.help, USAGE);
  if (exit_code >= 0)
    return exit_code;
  const host_cli::BrokerOptions &broker = options.broker;

  DeviceInfo info;
  info.device_id = broker.id;
  info.name = options.name;
  info.firmware_version = "mcpb-device 0.1.0";
  info.platform = "host";
  HostPlatform platform;
  SimulatedEntities entities;
  MosquittoTransport transport("mcpb-" + broker.id, Topics("devices", broker.id).status());
  BridgeCore core(info, options.settings, transport, entities, platform);
  if (options.profile == "reference32")
    entities.declare_reference(core, declare_reference_device);
  else if (options.profile == "large64")
    entities.declare_reference(core, declare_large_device);
  else
    entities.declare(core, options.extra_sensors);
  if (options.print_capabilities) {
    for (const auto &part : core.build_capabilities_parts())
      std::printf("%s\n", part.c_str());
    return 0;
  }
  std::unique_ptr<FileStore> store;
  if (!options.state_file.empty()) {
    store.reset(new FileStore(options.state_file));
    if (core.use_config_store(store.get()))
      std::fprintf(stderr, "mcpb-device: runtime configuration restored from %s\n", options.state_file.c_str());
  }
  std::fprintf(stderr,
               "mcpb-device %s: %zu sensors, %zu actuators; connecting to mqtt://%s:%d (retrying until the broker "
               "answers); reading sensor/binary/state/quit lines on stdin%s\n",
               broker.id.c_str(), core.sensors().size(), core.actuators().size(), broker.host.c_str(), broker.port,
               options.auto_ms > 0 ? ", random readings every --auto-ms" : " (no readings without them: --auto-ms N)");

  std::mutex core_lock;  // libmosquitto delivers on its own thread; the core is single-threaded
  transport.start(broker.host, broker.port, core.subscriptions(),
                  [&](const std::string &topic, const char *payload, size_t length) {
                    std::lock_guard<std::mutex> guard(core_lock);
                    core.on_message(topic, payload, length);
                  });

  std::mt19937 rng(42);
  uint64_t leases_reported = 0;
  uint32_t last_auto = platform.millis();
  std::string buffer;
  bool running = true;
  bool stdin_open = true;
  while (running && !host_cli::stop_requested) {
    pollfd input{STDIN_FILENO, POLLIN, 0};
    const bool readable = poll(&input, stdin_open ? 1 : 0, 5) > 0 && (input.revents & (POLLIN | POLLHUP)) != 0;
    std::lock_guard<std::mutex> guard(core_lock);
    if (readable) {
      char chunk[4096];
      const ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
      if (n <= 0) {
        stdin_open = false;  // keep running as a device, stop reading input
      } else {
        buffer.append(chunk, static_cast<size_t>(n));
        for (size_t nl; running && (nl = buffer.find('\n')) != std::string::npos;) {
          running = handle_line(buffer.substr(0, nl), core, entities);
          buffer.erase(0, nl + 1);
        }
      }
    }
    if (options.auto_ms > 0 && platform.millis() - last_auto >= options.auto_ms) {
      last_auto = platform.millis();
      auto_readings(core, rng);
    }
    core.loop();
    if (core.counters().leases_expired != leases_reported) {
      // A line tests can wait for (the revert happens on the device, connected or not).
      leases_reported = core.counters().leases_expired;
      std::fprintf(stderr, "mcpb-device: lease ended, actuator reverted (%llu so far)\n",
                   static_cast<unsigned long long>(leases_reported));
    }
  }
  transport.stop();
  return 0;
}
