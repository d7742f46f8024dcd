#include "mosquitto_mqtt_client.h"

#include <mosquitto.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "esphome/components/mqtt/mqtt_client.h"
#include "mosquitto_transport.h"

namespace {
struct Subscription {
  std::string filter;
  esphome::mqtt::mqtt_callback_t callback;
};
struct Message {
  std::string topic;
  std::string payload;
};

std::vector<Subscription> subscriptions;
std::unique_ptr<mcp_bridge::MosquittoTransport> transport;
std::mutex inbox_lock;
std::condition_variable inbox_ready;
std::deque<Message> inbox;

void receive(const std::string &topic, const char *payload, size_t length) {
  {
    std::lock_guard<std::mutex> guard(inbox_lock);
    inbox.push_back({topic, std::string(payload, length)});
  }
  inbox_ready.notify_one();
}

void dispatch(const Message &message) {
  for (const auto &s : subscriptions) {
    bool matches = false;
    mosquitto_topic_matches_sub(s.filter.c_str(), message.topic.c_str(), &matches);
    if (matches)
      s.callback(message.topic, message.payload);
  }
}
}  // namespace

namespace host_mqtt {
bool start(const std::string &host, int port, const std::string &client_id, const std::string &status_topic) {
  transport.reset(new mcp_bridge::MosquittoTransport(client_id, status_topic));
  std::vector<std::string> filters;
  for (const auto &s : subscriptions)
    filters.push_back(s.filter);
  return transport->start(host, port, filters, receive);
}

void deliver_pending(int timeout_ms) {
  std::deque<Message> batch;
  {
    std::unique_lock<std::mutex> guard(inbox_lock);
    inbox_ready.wait_for(guard, std::chrono::milliseconds(timeout_ms), [] { return !inbox.empty(); });
    batch.swap(inbox);
  }
  for (const auto &message : batch)
    dispatch(message);
}

void stop() {
  if (transport)
    transport->stop();
}
}  // namespace host_mqtt

namespace esphome {
namespace mqtt {
MQTTClientComponent host_client;                          // NOLINT
MQTTClientComponent *global_mqtt_client = &host_client;  // NOLINT

void MQTTClientComponent::subscribe(const std::string &topic, mqtt_callback_t callback, uint8_t) {
  subscriptions.push_back({topic, std::move(callback)});
}
bool MQTTClientComponent::publish(const std::string &topic, const std::string &payload, uint8_t qos, bool retain) {
  return transport && transport->publish(topic, payload, qos, retain);
}
bool MQTTClientComponent::is_connected() { return transport && transport->connected(); }
}  // namespace mqtt
}  // namespace esphome
