#include "fake_mqtt_client.h"

#include <utility>

#include "esphome/components/mqtt/mqtt_client.h"

namespace fake {
bool mqtt_connected = false;
std::vector<Published> published;

namespace {
struct Subscription {
  std::string filter;
  esphome::mqtt::mqtt_callback_t callback;
};
std::vector<Subscription> &subscriptions() {
  static std::vector<Subscription> list;
  return list;
}

bool matches(const std::string &filter, const std::string &topic) {
  size_t f = 0, t = 0;
  while (f < filter.size()) {
    if (filter[f] == '#')
      return true;
    if (filter[f] == '+') {
      while (t < topic.size() && topic[t] != '/')
        t++;
      f++;
      continue;
    }
    if (t >= topic.size() || filter[f] != topic[t])
      return false;
    f++;
    t++;
  }
  return t == topic.size();
}
}  // namespace

void reset() {
  subscriptions().clear();
  published.clear();
}

void deliver(const std::string &topic, const std::string &payload) {
  for (const auto &s : subscriptions()) {
    if (matches(s.filter, topic))
      s.callback(topic, payload);
  }
}
}  // namespace fake

namespace esphome {
namespace mqtt {
class FakeClient : public MQTTClientComponent {};
FakeClient fake_client;
MQTTClientComponent *global_mqtt_client = &fake_client;  // NOLINT

void MQTTClientComponent::subscribe(const std::string &topic, mqtt_callback_t callback, uint8_t) {
  fake::subscriptions().push_back({topic, std::move(callback)});
}
bool MQTTClientComponent::publish(const std::string &topic, const std::string &payload, uint8_t qos, bool retain) {
  if (!fake::mqtt_connected)
    return false;
  fake::published.push_back({topic, payload, qos, retain});
  return true;
}
bool MQTTClientComponent::is_connected() { return fake::mqtt_connected; }
}  // namespace mqtt
}  // namespace esphome
