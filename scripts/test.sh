#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh Debian machine with Node 20:
# installs missing Debian packages and npm packages (lockfile), builds, lints,
# runs the firmware's C++ tests and fuzzers, then mocha against private
# Mosquitto / InfluxDB / VictoriaMetrics instances on free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-system-packages.sh
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
fi
npm run build
npm run lint
if [ -x firmware-esphome-component/host/run-tests.sh ]; then
    firmware-esphome-component/host/run-tests.sh
fi
npx mocha
