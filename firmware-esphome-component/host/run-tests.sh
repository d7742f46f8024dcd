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
fi
