#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh Debian machine with Node 20:
# installs missing Debian packages and npm packages (lockfile), builds, lints,
# runs the firmware's C++ tests and fuzzers, then mocha against private
# Mosquitto / InfluxDB / VictoriaMetrics instances on free loopback ports, and
# the node and adapter specs again on Node 22 and 24 (scripts/node-matrix.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# Prints how long each stage took, so the 15-minute budget can be watched.
began=$(date +%s)
stage_start=$began
stage_done() {
    local now
    now=$(date +%s)
    echo "test: $1 took $((now - stage_start)) s ($((now - began)) s in all)"
    stage_start=$now
}

bash scripts/ensure-system-packages.sh
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
fi
npm run build
# A fresh `npm ci` links the workspaces' bins (mcpb-chat, mcpb-policy, ...) before their
# dist/ exists and skips them: link them again now that the build made them.
npm rebuild --ignore-scripts >/dev/null
stage_done "install and build"
npm run lint
stage_done lint
if [ -x firmware-esphome-component/host/run-tests.sh ]; then
    firmware-esphome-component/host/run-tests.sh
fi
stage_done firmware
# Then the other runtimes (Node 22 and 24, Node-RED 4.1 and 5.0); the matrix line
# reports the main run as the system Node's result and fails if any run failed.
status=0
npx mocha || status=$?
stage_done "mocha (Node 20)"
matrix=0
bash scripts/node-matrix.sh --main-status "$status" || matrix=$?
stage_done "Node 22 and 24"
exit $matrix
