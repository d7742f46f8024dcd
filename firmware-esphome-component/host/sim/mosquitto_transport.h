// Transport over libmosquitto, shaped like ESPHome's mqtt component as the YAML in
// examples/ configures it: last will "offline" and birth "online" on devices/<id>/status
// (retained, QoS 1), automatic reconnection, subscriptions renewed on every connect.
#pragma once

#include <mosquitto.h>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "core_ports.h"

namespace mcp_bridge {

class MosquittoTransport : public Transport {
 public:
  using MessageHandler = std::function<void(const std::string &topic, const char *payload, size_t length)>;

  MosquittoTransport(const std::string &client_id, const std::string &status_topic);
  ~MosquittoTransport() override;

  /** Starts the network thread; connects (and reconnects) in the background. */
  bool start(const std::string &host, int port, std::vector<std::string> subscriptions, MessageHandler on_message);
  /** Publishes the shutdown message "offline" and disconnects. */
  void stop();

  bool connected() const override { return connected_.load(); }
  bool publish(const std::string &topic, const std::string &payload, uint8_t qos, bool retain) override;

 private:
  static void on_connect(struct mosquitto *, void *self, int rc);
  static void on_disconnect(struct mosquitto *, void *self, int rc);
  static void on_message(struct mosquitto *, void *self, const struct mosquitto_message *message);

  struct mosquitto *mosq_{nullptr};
  std::string status_topic_;
  std::vector<std::string> subscriptions_;
  MessageHandler handler_;
  std::atomic<bool> connected_{false};
};

}  // namespace mcp_bridge
