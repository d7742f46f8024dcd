#!/usr/bin/env bash
# Builds the mcp_bridge core on the host and runs its unit tests (ctest), then each
# libFuzzer target for a few seconds. Also builds mcpb-device for the mocha end-to-end tests.
# FUZZ_SECONDS=0 skips fuzzing.
set -euo pipefail
cd "$(dirname "$0")"

compiler=()
if command -v clang++ >/dev/null; then compiler=(-DCMAKE_CXX_COMPILER=clang++); fi
cmake -S . -B build "${compiler[@]}" >/dev/null
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure
./build/core_tests | tail -n 1

seconds="${FUZZ_SECONDS:-5}"
if [ "$seconds" -gt 0 ]; then
    for fuzzer in build/fuzz_*; do
        [ -x "$fuzzer" ] || continue
        corpus="build/corpus/$(basename "$fuzzer")"
        mkdir -p "$corpus"
        "$fuzzer" -max_total_time="$seconds" -artifact_prefix=build/ "$corpus" 2>&1 | tail -n 1
    done
fi

# The same core under GCC and C++20 (newer ESPHome headers use <span>), without running it.
if command -v g++ >/dev/null; then
    for file in ../components/mcp_bridge/core_*.cpp; do
        g++ -std=gnu++20 -fno-exceptions -fno-rtti -Wall -Wextra -Werror -fsyntax-only "$file"
    done
    echo "firmware-core: builds with g++ -std=gnu++20 -fno-exceptions"

    # Glue shape: mcp_bridge.{h,cpp} against stand-in ESPHome headers (esphome-standins/, from
    # ESPHome 2024.11 signatures), with every domain, a sensors-only YAML, and nothing enabled.
    all_domains="-DUSE_MQTT -DUSE_SENSOR -DUSE_BINARY_SENSOR -DUSE_SWITCH -DUSE_BUTTON -DUSE_NUMBER"
    all_domains+=" -DUSE_SELECT -DUSE_LIGHT -DUSE_WIFI -DUSE_TIME"
    for std in c++17 gnu++20; do
        for defines in "$all_domains -DUSE_ESP32" "$all_domains" "-DUSE_MQTT -DUSE_SENSOR" ""; do
            # shellcheck disable=SC2086 # the define lists are meant to split
            g++ -std="$std" -fno-exceptions -fno-rtti -Wall -Wextra -Werror -fsyntax-only \
                -I esphome-standins -I ../components/mcp_bridge $defines ../components/mcp_bridge/mcp_bridge.cpp
        done
    done
    echo "firmware-glue: mcp_bridge.cpp compiles against ESPHome 2024.11 stand-ins (c++17, gnu++20)"
fi
