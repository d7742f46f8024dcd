#pragma once
// Stand-in for the generated defines.h: every domain the glue supports is enabled
// (set by the test's -D flags; USE_ESP32 on in one of the builds).
