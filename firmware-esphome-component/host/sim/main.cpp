// mcpb-device: the mcp_bridge core as a device on a real MQTT broker (libmosquitto), for
// end-to-end tests and demos. ESPHome has no MQTT on its host platform, so this stands in
// for the ESP32: same core, same topics, same birth/will behaviour.
//
//   mcpb-device --port 1883 --id sim1 [--host 127.0.0.1] [--publish-interval-ms 10000]
//               [--metrics-interval-ms 60000] [--no-batch] [--extra-sensors N] [--auto-ms N]
//               [--profile basic|reference32] [--print-capabilities]
//
// --profile reference32 declares the 32-entity reference device (reference_device.h);
// --print-capabilities prints its capabilities document to stdout and exits (no broker).
//
// Lines on stdin drive the entities: "sensor <key> <number|nan>", "binary <key> true|false",
// "state <actuator> <json value>", "quit".
#include <poll.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>
#include <random>
#include <sstream>

#include "core_bridge.h"
#include "mosquitto_transport.h"
#include "simulated_device.h"

using namespace mcp_bridge;

namespace {

volatile std::sig_atomic_t stop_requested = 0;

struct Options {
  std::string host{"127.0.0.1"};
  int port{1883};
  std::string id{"mcpb_sim"};
  std::string name{"mcp_bridge simulator"};
  BridgeSettings settings;
  int extra_sensors{0};
  uint32_t auto_ms{0};
  std::string profile{"basic"};
  bool print_capabilities{false};
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
    if (next == nullptr)
      return false;
    i++;
    if (arg == "--host")
      o.host = next;
    else if (arg == "--port")
      o.port = std::atoi(next);
    else if (arg == "--id")
      o.id = next;
    else if (arg == "--name")
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
    else
      return false;
  }
  return is_identifier(o.id) && o.port > 0 && o.settings.publish_interval_ms > 0 &&
         (o.profile == "basic" || o.profile == "reference32");
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
  if (!parse_options(argc, argv, options)) {
    std::fprintf(stderr, "usage: mcpb-device --port N --id <identifier> [--host H] [--publish-interval-ms N] "
                         "[--metrics-interval-ms N] [--no-batch] [--extra-sensors N] [--auto-ms N] "
                         "[--profile basic|reference32] [--print-capabilities]\n");
    return 2;
  }
  std::signal(SIGTERM, [](int) { stop_requested = 1; });
  std::signal(SIGINT, [](int) { stop_requested = 1; });

  DeviceInfo info;
  info.device_id = options.id;
  info.name = options.name;
  info.firmware_version = "mcpb-device 0.1.0";
  info.platform = "host";
  HostPlatform platform;
  SimulatedEntities entities;
  MosquittoTransport transport("mcpb-" + options.id, Topics("devices", options.id).status());
  BridgeCore core(info, options.settings, transport, entities, platform);
  if (options.profile == "reference32")
    entities.declare_reference(core);
  else
    entities.declare(core, options.extra_sensors);
  if (options.print_capabilities) {
    std::fputs(core.build_capabilities().c_str(), stdout);
    return 0;
  }

  std::mutex core_lock;  // libmosquitto delivers on its own thread; the core is single-threaded
  transport.start(options.host, options.port, core.subscriptions(),
                  [&](const std::string &topic, const char *payload, size_t length) {
                    std::lock_guard<std::mutex> guard(core_lock);
                    core.on_message(topic, payload, length);
                  });

  std::mt19937 rng(42);
  uint32_t last_auto = platform.millis();
  std::string buffer;
  bool running = true;
  bool stdin_open = true;
  while (running && !stop_requested) {
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
  }
  transport.stop();
  return 0;
}
