#include "mosquitto_transport.h"

#include <cstdio>

namespace mcp_bridge {

MosquittoTransport::MosquittoTransport(const std::string &client_id, const std::string &status_topic)
    : status_topic_(status_topic) {
  mosquitto_lib_init();
  mosq_ = mosquitto_new(client_id.c_str(), true, this);
}

MosquittoTransport::~MosquittoTransport() {
  if (mosq_ != nullptr)
    mosquitto_destroy(mosq_);
  mosquitto_lib_cleanup();
}

bool MosquittoTransport::start(const std::string &host, int port, std::vector<std::string> subscriptions,
                               MessageHandler on_message) {
  if (mosq_ == nullptr)
    return false;
  subscriptions_ = std::move(subscriptions);
  handler_ = std::move(on_message);
  mosquitto_connect_callback_set(mosq_, &MosquittoTransport::on_connect);
  mosquitto_disconnect_callback_set(mosq_, &MosquittoTransport::on_disconnect);
  mosquitto_message_callback_set(mosq_, &MosquittoTransport::on_message);
  mosquitto_will_set(mosq_, status_topic_.c_str(), 7, "offline", 1, true);
  mosquitto_reconnect_delay_set(mosq_, 1, 4, true);
  const int rc = mosquitto_connect_async(mosq_, host.c_str(), port, 5);
  if (rc != MOSQ_ERR_SUCCESS)
    std::fprintf(stderr, "mcpb-device: broker %s:%d not reachable yet (%s), retrying\n", host.c_str(), port,
                 mosquitto_strerror(rc));
  return mosquitto_loop_start(mosq_) == MOSQ_ERR_SUCCESS;
}

void MosquittoTransport::stop() {
  if (connected_.load()) {
    int mid = 0;
    mosquitto_publish(mosq_, &mid, status_topic_.c_str(), 7, "offline", 1, true);
  }
  mosquitto_disconnect(mosq_);
  mosquitto_loop_stop(mosq_, false);
  connected_ = false;
}

bool MosquittoTransport::publish(const std::string &topic, const std::string &payload, uint8_t qos, bool retain) {
  if (!connected_.load())
    return false;
  return mosquitto_publish(mosq_, nullptr, topic.c_str(), static_cast<int>(payload.size()), payload.data(), qos,
                           retain) == MOSQ_ERR_SUCCESS;
}

void MosquittoTransport::on_connect(struct mosquitto *mosq, void *self, int rc) {
  auto *t = static_cast<MosquittoTransport *>(self);
  if (rc != 0) {
    std::fprintf(stderr, "mcpb-device: connection refused: %s\n", mosquitto_connack_string(rc));
    return;
  }
  for (const auto &topic : t->subscriptions_)
    mosquitto_subscribe(mosq, nullptr, topic.c_str(), 1);
  mosquitto_publish(mosq, nullptr, t->status_topic_.c_str(), 6, "online", 1, true);  // birth message
  t->connected_ = true;
  std::fprintf(stderr, "mcpb-device: connected\n");
}

void MosquittoTransport::on_disconnect(struct mosquitto *, void *self, int rc) {
  static_cast<MosquittoTransport *>(self)->connected_ = false;
  std::fprintf(stderr, "mcpb-device: disconnected (%d)\n", rc);
}

void MosquittoTransport::on_message(struct mosquitto *, void *self, const struct mosquitto_message *message) {
  auto *t = static_cast<MosquittoTransport *>(self);
  t->handler_(message->topic, static_cast<const char *>(message->payload), static_cast<size_t>(message->payloadlen));
}

}  // namespace mcp_bridge
