#!/usr/bin/env bash
# Runs every benchmark (bench/*.bench.ts) one after the other; each starts its
# own private services on loopback ports, prints its table and ratios, and
# writes bench/results/<name>.json.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-packages.sh
if [ ! -f node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi
npm run build
# Measure the built pack (what users run), not the TypeScript sources through tsx.
export MCPB_BENCH_PACK=dist
mkdir -p bench/results
# Scale-out (docs/scale-out.md): drain rate of one vs two Node-RED instances in one MQTT share
# group. Before the *.bench.ts loop, so the last line printed stays the last benchmark's.
if [ $# -eq 0 ] || [[ "bench/share-group.scale.ts" == *"$1"* ]]; then
    echo "== bench/share-group.scale.ts"
    node --expose-gc -r tsx/cjs bench/share-group.scale.ts
fi
for bench in bench/*.bench.ts; do
    [ -e "$bench" ] || continue
    if [ $# -gt 0 ] && [[ "$bench" != *"$1"* ]]; then continue; fi
    echo "== $bench"
    node --expose-gc -r tsx/cjs "$bench"
done
