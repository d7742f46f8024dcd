#pragma once
// Stand-in: ESPHome generates this per build; the 2024.11 generation mirrors 2024.11.0.
#include "esphome/core/macros.h"
#ifndef ESPHOME_VERSION_CODE
#define ESPHOME_VERSION_CODE VERSION_CODE(2024, 11, 0)
#endif
