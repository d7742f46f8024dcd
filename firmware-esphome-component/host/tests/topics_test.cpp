#include "check.h"
#include "core_topics.h"

using namespace mcp_bridge;

TEST("topics are built under devices/<id>/") {
  Topics t("devices", "kitchen");
  CHECK_EQ(t.capabilities(), std::string("devices/kitchen/capabilities"));
  CHECK_EQ(t.sensor_data("temp"), std::string("devices/kitchen/sensors/temp/data"));
  CHECK_EQ(t.actuator_status("led"), std::string("devices/kitchen/actuators/led/status"));
  CHECK_EQ(t.all_commands(), std::string("devices/kitchen/actuators/+/cmd"));
  CHECK_EQ(t.config_set(), std::string("devices/kitchen/config/set"));
}

TEST("parse_topic reads kinds and ids, and explains what is wrong") {
  ParsedTopic p;
  std::string error;
  CHECK(parse_topic("devices/d1/actuators/led/cmd", p, error));
  CHECK(p.kind == MessageKind::ACTUATOR_COMMAND);
  CHECK_EQ(p.component, std::string("led"));
  CHECK(parse_topic("devices/d1/diagnostics/request", p, error));
  CHECK(p.kind == MessageKind::DIAGNOSTICS_REQUEST);
  CHECK(!parse_topic("devices/d+/status", p, error));
  CHECK(error.find("wildcard") != std::string::npos);
  CHECK(!parse_topic("devices/d1/actuators/a.b/cmd", p, error));
  CHECK(error.find("actuator id") != std::string::npos);
  CHECK(!parse_topic(std::string(300, 'x'), p, error));
  CHECK(error.find("max 256") != std::string::npos);
}

TEST("slugify follows ESPHome object ids: lower case, spaces to _, others dropped") {
  CHECK_EQ(slugify("Living Room Temp."), std::string("living_room_temp"));
  CHECK_EQ(slugify("Küche Licht"), std::string("kche_licht"));
  CHECK_EQ(slugify("°"), std::string(""));
  CHECK_EQ(slugify(std::string(100, 'A')).size(), static_cast<size_t>(64));
  CHECK(is_identifier(slugify("Relay #1 (main)")));
}
