// ESPHome's MQTT client (mqtt::global_mqtt_client of the stand-in headers) on a real broker:
// the glue's subscriptions and publishes go through MosquittoTransport (birth and last will on
// devices/<id>/status, reconnection, subscriptions renewed on connect, as the YAML configures
// ESPHome's client). Messages arrive on libmosquitto's thread and reach the glue's callbacks on
// the loop thread, as ESPHome delivers them from its loop.
#pragma once

#include <string>

namespace host_mqtt {
/** Connects with the subscriptions the glue made in setup(); retries until the broker answers. */
bool start(const std::string &host, int port, const std::string &client_id, const std::string &status_topic);
/** Waits up to `timeout_ms` for messages, then hands each to the subscriptions it matches. */
void deliver_pending(int timeout_ms);
/** Publishes the shutdown message "offline" and disconnects. */
void stop();
}  // namespace host_mqtt
