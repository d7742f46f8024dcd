// "Nothing allocated per reading": this test binary replaces the global operator new, so
// every heap allocation made through new (std::string, std::vector, ...) is counted while
// a measurement is open. After setup and the first connect, thousands of readings go
// through BridgeCore in each publishing mode and the count must stay at zero.
#include <cmath>
#include <cstdlib>
#include <new>
#include <nlohmann/json.hpp>

#include "check.h"
#include "core_bridge.h"

namespace {
bool counting = false;
size_t allocations = 0;

void *counted_alloc(size_t size) {
  if (counting)
    allocations++;
  return std::malloc(size == 0 ? 1 : size);
}
}  // namespace

// The replacements cover every form the core or the standard library may call, so that
// allocation and release always pair (the sanitizer checks new/delete against malloc/free).
void *operator new(size_t size) {
  void *p = counted_alloc(size);
  if (p == nullptr)
    std::abort();
  return p;
}
void *operator new[](size_t size) { return operator new(size); }
void *operator new(size_t size, const std::nothrow_t &) noexcept { return counted_alloc(size); }
void *operator new[](size_t size, const std::nothrow_t &) noexcept { return counted_alloc(size); }
void operator delete(void *p) noexcept { std::free(p); }
void operator delete[](void *p) noexcept { std::free(p); }
void operator delete(void *p, size_t) noexcept { std::free(p); }
void operator delete[](void *p, size_t) noexcept { std::free(p); }
void operator delete(void *p, const std::nothrow_t &) noexcept { std::free(p); }
void operator delete[](void *p, const std::nothrow_t &) noexcept { std::free(p); }

using namespace mcp_bridge;
using nlohmann::json;

namespace {

/** Heap allocations made by `body`. */
template<typename F> size_t allocations_during(F body) {
  allocations = 0;
  counting = true;
  body();
  counting = false;
  return allocations;
}

/** Counts what is published and keeps the last reading message, without allocating (buffers reserved). */
class QuietTransport : public Transport {
 public:
  QuietTransport() {
    last_batch.reserve(8192);
    last_data.reserve(8192);
  }
  bool online{false};
  size_t batches{0};
  size_t data{0};
  size_t metrics{0};
  size_t other{0};
  std::string last_batch;
  std::string last_data;
  bool connected() const override { return online; }
  bool publish(const std::string &topic, const std::string &payload, uint8_t, bool) override {
    if (ends_with(topic, "/sensors/batch")) {
      batches++;
      last_batch.assign(payload);
    } else if (ends_with(topic, "/data")) {
      data++;
      last_data.assign(payload);
    } else if (ends_with(topic, "/metrics")) {
      metrics++;
    } else {
      other++;
    }
    return true;
  }

 private:
  static bool ends_with(const std::string &text, const char *suffix) {
    const size_t n = std::char_traits<char>::length(suffix);
    return text.size() >= n && text.compare(text.size() - n, n, suffix) == 0;
  }
};

class StillSink : public ActuatorSink {
 public:
  ApplyResult apply(const ActuatorDesc &, const Command &) override { return ApplyResult::ok(); }
  Value state(const ActuatorDesc &) override { return Value::of(false); }
};

class ManualClock : public Platform {
 public:
  uint32_t now{5000};
  uint32_t millis() override { return now; }
  double unix_time() override { return 1704067200.0 + now / 1000.0; }
  uint32_t free_heap() override { return 180000; }
};

struct Device {
  QuietTransport transport;
  StillSink sink;
  ManualClock clock;
  BridgeCore core;
  // Keys are the glue's: built once at setup, passed by reference with every reading.
  const std::string temperature{"living_room_temperature"};
  const std::string humidity{"living_room_humidity"};
  const std::string motion{"hallway_motion"};

  explicit Device(bool batch)
      : core(DeviceInfo{"alloc_dev", "devices", "Allocation test", "1.0.0", "", "esphome", "host", ""}, settings(batch),
             transport, sink, clock) {
    SensorDesc t;
    t.key = temperature;
    t.unit = "°C";
    t.accuracy_decimals = 1;
    core.add_sensor(t);
    SensorDesc h;
    h.key = humidity;
    h.unit = "%";
    h.accuracy_decimals = 0;
    core.add_sensor(h);
    SensorDesc m;
    m.key = motion;
    m.binary = true;
    core.add_sensor(m);
    ActuatorDesc relay;
    relay.key = "relay";
    relay.actions = {"on", "off", "toggle"};
    core.add_actuator(relay);
    transport.online = true;
    core.loop();  // connect: capabilities, states, config (allowed to allocate)
  }

  static BridgeSettings settings(bool batch) {
    BridgeSettings s;
    s.batch = batch;
    s.publish_interval_ms = 100;
    s.metrics_interval_ms = 1000;
    return s;
  }

  /** `count` rounds of one reading per sensor, 25 ms apart, with the loop running in between. */
  void feed(int count) {
    for (int i = 0; i < count; i++) {
      core.on_sensor(temperature, 20.0f + static_cast<float>(i % 100) / 10.0f);
      core.on_sensor(humidity, i % 50 == 0 ? NAN : 40.0f + static_cast<float>(i % 7));
      core.on_binary_sensor(motion, i % 3 == 0);
      clock.now += 25;
      core.loop();
    }
  }
};

}  // namespace

TEST("allocation: the counting operator new sees an allocation (the measurement can fail)") {
  const size_t seen = allocations_during([] {
    std::string *text = new std::string("a string too long for the small-string buffer");
    delete text;
  });
  CHECK(seen >= 1);
}

TEST("allocation: 4000 rounds of readings published as batches allocate nothing") {
  Device device(true);
  const size_t seen = allocations_during([&] { device.feed(4000); });
  CHECK_EQ(seen, static_cast<size_t>(0));
  CHECK(device.transport.batches >= 900);
  CHECK(device.transport.metrics >= 90);  // metrics reuse the same buffer
  const json batch = json::parse(device.transport.last_batch);
  CHECK_EQ(batch["readings"].size(), static_cast<size_t>(3));
  CHECK_EQ(batch["readings"][0]["sensor"], "living_room_temperature");
}

TEST("allocation: 4000 rounds of readings published one message per sensor allocate nothing") {
  Device device(false);
  const size_t seen = allocations_during([&] { device.feed(4000); });
  CHECK_EQ(seen, static_cast<size_t>(0));
  CHECK(device.transport.data >= 2700);
  const json data = json::parse(device.transport.last_data);
  CHECK_EQ(data["type"], "sensor");
}

TEST("allocation: 4000 rounds of streamed readings (config/set streaming) allocate nothing") {
  Device device(true);
  const std::string set =
      R"({"id":"cfg-1","streaming":{"living_room_temperature":{"enabled":true,"interval_ms":100},)"
      R"("hallway_motion":{"enabled":true,"interval_ms":100}}})";
  device.core.on_message("devices/alloc_dev/config/set", set.data(), set.size());
  const size_t before = device.transport.data;
  const size_t seen = allocations_during([&] { device.feed(4000); });
  CHECK_EQ(seen, static_cast<size_t>(0));
  CHECK(device.transport.data - before >= 1900);  // both streamed every 100 ms (a reading every 25 ms)
  CHECK(device.transport.batches >= 900);         // humidity still batched
  const json data = json::parse(device.transport.last_data);
  CHECK(data["component"] == "living_room_temperature" || data["component"] == "hallway_motion");
}

TEST("allocation: readings while disconnected are counted as dropped, without allocating") {
  Device device(true);
  device.transport.online = false;
  device.core.loop();
  const size_t seen = allocations_during([&] { device.feed(1000); });
  CHECK_EQ(seen, static_cast<size_t>(0));
  CHECK(device.core.counters().dropped_readings >= 700);  // 3 sensors, latest value per 100 ms interval
}
