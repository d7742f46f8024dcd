#!/usr/bin/env bash
# npm start: installs npm dependencies on a fresh clone, builds, and runs the
# demo (embedded MQTT broker, Node-RED with the node pack, simulated devices).
# Flags go to scripts/demo/main.ts: npm start -- --devices 20 --port 1881
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi
npm run build >/dev/null
exec node -r tsx/cjs scripts/demo/main.ts "$@"
