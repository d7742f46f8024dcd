#pragma once
// Stand-in: ESPHome generates this per build; the 2026.x generation mirrors 2026.10.0 unless
// the build sets ESPHOME_VERSION_CODE.
#include "esphome/core/macros.h"
#ifndef ESPHOME_VERSION_CODE
#define ESPHOME_VERSION_CODE VERSION_CODE(2026, 10, 0)
#endif
