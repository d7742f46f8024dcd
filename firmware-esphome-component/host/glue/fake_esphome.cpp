#include "fake_esphome.h"

#include <cstdarg>
#include <cstring>
#include <memory>

#include <esp_heap_caps.h>
#include <esp_system.h>

#include "esphome/core/application.h"
#include "esphome/core/component.h"
#include "esphome/core/hal.h"
#include "esphome/core/helpers.h"
#include "esphome/core/log.h"
#include "esphome/core/preferences.h"

namespace fake {
uint32_t free_heap = 150000;
uint32_t millis = 1000;
std::map<uint32_t, std::vector<uint8_t>> preferences;
}  // namespace fake

namespace esphome {
Application App;  // NOLINT

namespace setup_priority {
const float AFTER_CONNECTION = 100.0f;
}  // namespace setup_priority
void Component::setup() {}
void Component::loop() {}
void Component::dump_config() {}
float Component::get_setup_priority() const { return 0.0f; }
void Component::mark_failed() {}

uint32_t millis() { return fake::millis; }
void esp_log_printf_(int, const char *, int, const char *, ...) {}

uint32_t fnv1_hash(const std::string &str) {
  uint32_t hash = 2166136261UL;
  for (char c : str) {
    hash *= 16777619UL;
    hash ^= static_cast<uint8_t>(c);
  }
  return hash;
}

namespace {
class MemoryBackend : public ESPPreferenceBackend {
 public:
  explicit MemoryBackend(uint32_t key) : key_(key) {}
  bool save(const uint8_t *data, size_t len) override {
    fake::preferences[this->key_].assign(data, data + len);
    return true;
  }
  bool load(uint8_t *data, size_t len) override {
    const auto found = fake::preferences.find(this->key_);
    if (found == fake::preferences.end() || found->second.size() != len)
      return false;
    std::memcpy(data, found->second.data(), len);
    return true;
  }

 private:
  uint32_t key_;
};

class MemoryPreferences : public ESPPreferences {
 public:
  ESPPreferenceObject make_preference(size_t, uint32_t type, bool) override { return this->backend(type); }
  ESPPreferenceObject make_preference(size_t, uint32_t type) override { return this->backend(type); }
  bool sync() override { return true; }

 private:
  ESPPreferenceBackend *backend(uint32_t type) {
    this->backends_.emplace_back(new MemoryBackend(type));
    return this->backends_.back().get();
  }
  std::vector<std::unique_ptr<MemoryBackend>> backends_;
};
MemoryPreferences memory_preferences;
}  // namespace
ESPPreferences *global_preferences = &memory_preferences;  // NOLINT

}  // namespace esphome

extern "C" size_t heap_caps_get_free_size(uint32_t) { return fake::free_heap; }
extern "C" size_t heap_caps_get_minimum_free_size(uint32_t) { return fake::free_heap; }
extern "C" esp_reset_reason_t esp_reset_reason(void) { return ESP_RST_POWERON; }
