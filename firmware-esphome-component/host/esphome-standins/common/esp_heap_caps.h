#pragma once
// Stand-in for the ESP-IDF heap calls the glue makes.
#include <cstddef>
#include <cstdint>
#define MALLOC_CAP_INTERNAL (1 << 11)
extern "C" size_t heap_caps_get_free_size(uint32_t caps);
extern "C" size_t heap_caps_get_minimum_free_size(uint32_t caps);
