#pragma once
// Stand-in for ESP-IDF's reset reason.
typedef enum { ESP_RST_UNKNOWN, ESP_RST_POWERON, ESP_RST_SW, ESP_RST_PANIC } esp_reset_reason_t;
extern "C" esp_reset_reason_t esp_reset_reason(void);
