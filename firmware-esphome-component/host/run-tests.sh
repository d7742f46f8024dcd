#!/usr/bin/env bash
# Builds the mcp_bridge core on the host and runs its unit tests and the linked glue tests
# (ctest), then each libFuzzer target for a few seconds, then the compile matrix of the core
# and of the ESPHome glue against both generations of stand-in ESPHome headers.
# Also builds mcpb-device and mcpb-esphome-device for the mocha end-to-end tests.
# FUZZ_SECONDS=0 skips fuzzing.
set -euo pipefail
cd "$(dirname "$0")"

compiler=()
if command -v clang++ >/dev/null; then compiler=(-DCMAKE_CXX_COMPILER=clang++); fi
cmake -S . -B build "${compiler[@]}" >/dev/null
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure
./build/core_tests | tail -n 1
./build/glue_tests | tail -n 1
./build/mcpb-esphome-device --help >/dev/null
echo "mcpb-esphome-device: built (the glue on libmosquitto, for test/firmware/esphome_entities_e2e_spec.ts)"

seconds="${FUZZ_SECONDS:-5}"
if [ "$seconds" -gt 0 ]; then
    for fuzzer in build/fuzz_*; do
        [ -x "$fuzzer" ] || continue
        corpus="build/corpus/$(basename "$fuzzer")"
        mkdir -p "$corpus"
        "$fuzzer" -max_total_time="$seconds" -artifact_prefix=build/ "$corpus" 2>&1 | tail -n 1
    done
fi

if ! command -v g++ >/dev/null; then
    echo "firmware-compile-matrix: g++ missing" >&2
    exit 1
fi

# The core as ESP-IDF 4.4 builds it for ESPHome 2024.x (gnu++11, -Werror=all), and as C++20
# (ESPHome 2026.x headers use <span>).
for file in ../components/mcp_bridge/core_*.cpp; do
    g++ -std=gnu++11 -fno-exceptions -fno-rtti -Wall -Wextra -Werror=all -Werror -fsyntax-only "$file"
    g++ -std=gnu++20 -fno-exceptions -fno-rtti -Wall -Wextra -Werror -fsyntax-only "$file"
done
echo "firmware-core: compiles with g++ -std=gnu++11 -Werror=all and -std=gnu++20 (-fno-exceptions -fno-rtti)"

# The glue against both generations of stand-in headers (esphome-standins/README.md): every
# domain, a sensors-only YAML and nothing enabled. 2024.11 takes the old side of every
# ESPHOME_VERSION_CODE branch in mcp_bridge.cpp, 2026.x (2026.10.0, deprecations as errors)
# the new side.
glue=(../components/mcp_bridge/mcp_bridge.cpp)
all_domains="-DUSE_MQTT -DUSE_SENSOR -DUSE_BINARY_SENSOR -DUSE_SWITCH -DUSE_BUTTON -DUSE_NUMBER -DUSE_SELECT"
all_domains+=" -DUSE_LIGHT -DUSE_CLIMATE -DUSE_COVER -DUSE_FAN -DUSE_LOCK -DUSE_VALVE -DUSE_TEXT -DUSE_WIFI -DUSE_TIME"
all_domains+=" -DUSE_TEXT_SENSOR -DUSE_EVENT -DUSE_DATETIME -DUSE_DATETIME_DATE -DUSE_DATETIME_TIME -DUSE_DATETIME_DATETIME"
builds=0
compile_glue() {  # generation std compiler defines...
    local generation=$1 std=$2 cxx=$3
    shift 3
    "$cxx" -std="$std" -fno-exceptions -fno-rtti -Wall -Wextra -Werror -fsyntax-only \
        -I "esphome-standins/$generation" -I esphome-standins/common -I ../components/mcp_bridge "$@" "${glue[@]}"
    builds=$((builds + 1))
}
for defines in "$all_domains -DUSE_ESP32" "$all_domains" "-DUSE_MQTT -DUSE_SENSOR" ""; do
    # shellcheck disable=SC2086 # the define lists are meant to split
    {
        compile_glue 2024.11 gnu++11 g++ -Werror=all $defines
        compile_glue 2024.11 c++17 g++ $defines
        compile_glue 2026.x gnu++20 g++ $defines
        if command -v clang++ >/dev/null; then compile_glue 2026.x gnu++20 clang++ $defines; fi
    }
done
# The stand-ins must tell the generations apart: the 2024.11 side of the branches does not
# build against the 2026.x headers (removed and deprecated API are errors there).
# shellcheck disable=SC2086
if g++ -std=gnu++20 -fno-exceptions -fno-rtti -Wall -Werror -fsyntax-only -DESPHOME_VERSION_CODE='(2024 << 16 | 11 << 8)' \
    -I esphome-standins/2026.x -I esphome-standins/common -I ../components/mcp_bridge $all_domains "${glue[@]}" 2>/dev/null; then
    echo "firmware-glue: the 2024.11 code paths compiled against the 2026.x stand-ins; they no longer model the difference" >&2
    exit 1
fi
echo "firmware-glue: mcp_bridge.cpp compiles in $builds builds: ESPHome 2024.11 stand-ins (gnu++11 -Werror=all, c++17)" \
    "and 2026.x stand-ins (gnu++20, g++ and clang++), -Wall -Wextra -Werror; old code paths fail against 2026.x as they must"
