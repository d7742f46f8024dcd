#include "reference_device.h"

namespace mcp_bridge {

namespace {

void sensor(BridgeCore &core, const char *name, const char *unit, int decimals, const char *device_class,
            bool has_range = false, double min = 0, double max = 0) {
  SensorDesc s;
  s.description = name;
  s.key = slugify(name);
  s.unit = unit;
  s.accuracy_decimals = decimals;
  s.device_class = device_class;
  s.state_class = "measurement";
  s.has_min = s.has_max = has_range;
  s.min = min;
  s.max = max;
  core.add_sensor(s);
}

void binary_sensor(BridgeCore &core, const char *name, const char *device_class) {
  SensorDesc s;
  s.description = name;
  s.key = slugify(name);
  s.binary = true;
  s.device_class = device_class;
  core.add_sensor(s);
}

ActuatorDesc actuator(const char *name, ValueType type, std::vector<std::string> actions) {
  ActuatorDesc a;
  a.description = name;
  a.key = slugify(name);
  a.value_type = type;
  a.actions = std::move(actions);
  return a;
}

void number(BridgeCore &core, const char *name, const char *unit, double min, double max, double step) {
  ActuatorDesc a = actuator(name, ValueType::NUMBER, {"set"});
  a.unit = unit;
  a.has_min = a.has_max = true;
  a.min = min;
  a.max = max;
  a.step = step;
  core.add_actuator(a);
}

void dimmable_light(BridgeCore &core, const char *name) {
  ActuatorDesc a = actuator(name, ValueType::NUMBER, {"on", "off", "toggle", "set"});
  a.unit = "%";
  a.has_min = a.has_max = true;
  a.max = 100;
  a.step = 1;
  core.add_actuator(a);
}

void select(BridgeCore &core, const char *name, std::vector<std::string> options) {
  ActuatorDesc a = actuator(name, ValueType::ENUM, {"set"});
  a.options = std::move(options);
  core.add_actuator(a);
}

}  // namespace

void declare_reference_device(BridgeCore &core) {
  // 12 sensors (BME280, light, CO2, power monitor, Wi-Fi) and 4 binary sensors.
  sensor(core, "Temperature", "°C", 1, "temperature", true, -40, 85);
  sensor(core, "Humidity", "%", 0, "humidity", true, 0, 100);
  sensor(core, "Pressure", "hPa", 1, "pressure", true, 300, 1100);
  sensor(core, "Illuminance", "lx", 0, "illuminance", true, 0, 65535);
  sensor(core, "CO2", "ppm", 0, "carbon_dioxide", true, 400, 5000);
  sensor(core, "Soil Moisture", "%", 0, "moisture", true, 0, 100);
  sensor(core, "Water Temperature", "°C", 1, "temperature", true, -10, 60);
  sensor(core, "Voltage", "V", 1, "voltage");
  sensor(core, "Current", "A", 2, "current");
  sensor(core, "Power", "W", 0, "power");
  sensor(core, "Energy", "kWh", 2, "energy");
  sensor(core, "WiFi Signal", "dBm", 0, "signal_strength", true, -100, 0);
  binary_sensor(core, "Motion", "motion");
  binary_sensor(core, "Window", "window");
  binary_sensor(core, "Water Leak", "moisture");
  binary_sensor(core, "Tank Empty", "problem");

  // 5 switches (one needing confirmation), 3 lights, 3 numbers, 3 selects, 2 buttons.
  for (const char *name : {"Relay 1", "Relay 2", "Pump", "Heater"})
    core.add_actuator(actuator(name, ValueType::BOOLEAN, {"on", "off", "toggle"}));
  ActuatorDesc lock = actuator("Door Lock", ValueType::BOOLEAN, {"on", "off"});
  lock.requires_confirmation = true;
  core.add_actuator(lock);
  core.add_actuator(actuator("Status LED", ValueType::BOOLEAN, {"on", "off", "toggle"}));
  dimmable_light(core, "Ceiling Light");
  dimmable_light(core, "LED Strip");
  number(core, "Target Temperature", "°C", 5, 30, 0.5);
  number(core, "Fan Speed", "%", 0, 100, 1);
  number(core, "Watering Time", "s", 0, 600, 10);
  select(core, "Mode", {"off", "eco", "comfort", "boost"});
  select(core, "Fan Mode", {"auto", "low", "medium", "high"});
  select(core, "Schedule", {"weekday", "weekend", "holiday", "manual"});
  core.add_actuator(actuator("Restart", ValueType::NONE, {"press"}));
  core.add_actuator(actuator("Identify", ValueType::NONE, {"press"}));
}

namespace {
/** An id of exactly 32 characters: "<prefix>_<n>" padded with 'x'. */
std::string id32(const std::string &prefix, int n) {
  std::string id = prefix + "_" + std::to_string(n) + "_";
  id.resize(32, 'x');
  return id;
}

}  // namespace

/** 32 sensors and 32 actuators (numbers, selects, switches, climate-style groups), every id 32 characters. */
void declare_large_device(BridgeCore &core) {
  for (int i = 0; i < 32; i++) {
    SensorDesc s;
    s.key = id32("sensor_temperature_room", i);
    s.description = "Temperature of room " + std::to_string(i) + " near the window";
    s.unit = "°C";
    s.device_class = "temperature";
    s.state_class = "measurement";
    s.has_min = s.has_max = true;
    s.min = -40;
    s.max = 85;
    s.accuracy_decimals = 1;
    core.add_sensor(s);
  }
  for (int i = 0; i < 32; i++) {
    ActuatorDesc a;
    a.key = id32("actuator_heating_valve_room", i);
    switch (i % 4) {
      case 0:
        a.value_type = ValueType::NUMBER;
        a.actions = {"set"};
        a.has_min = a.has_max = true;
        a.min = 5;
        a.max = 30;
        a.step = 0.5;
        a.unit = "°C";
        a.kind = "climate";
        a.group = id32("climate_room", i);
        a.role = "target_temperature";
        break;
      case 1:
        a.value_type = ValueType::ENUM;
        a.actions = {"set"};
        a.options = {"off", "heat", "cool", "heat_cool", "auto"};
        a.kind = "climate";
        a.group = id32("climate_room", i - 1);
        a.role = "mode";
        break;
      case 2:
        a.value_type = ValueType::NUMBER;
        a.actions = {"open", "close", "stop", "set"};
        a.has_min = a.has_max = true;
        a.max = 100;
        a.step = 1;
        a.unit = "%";
        a.kind = "cover";
        break;
      default:
        a.value_type = ValueType::BOOLEAN;
        a.actions = {"on", "off", "toggle"};
        a.description = "Relay of the circulation pump in room " + std::to_string(i);
        a.requires_confirmation = true;
    }
    core.add_actuator(a);
  }
}

}  // namespace mcp_bridge
