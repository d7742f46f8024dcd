#!/usr/bin/env bash
# Runs every benchmark (bench/*.bench.ts) one after the other on the system
# Node, then the pipeline bench once more on the current LTS (Node 24, from the
# npm registry when missing); each starts its own private services on loopback
# ports, prints its table and ratios, and writes bench/results/<name>.json.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/ensure-node.sh
source scripts/lib/ensure-node.sh
CURRENT_LTS=24
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
    echo "== $bench (Node $(node -p 'process.versions.node'))"
    node --expose-gc -r tsx/cjs "$bench"
done
# The pipeline bench again on the current LTS, with the Node-RED a fresh install there gets (5.0):
# the system Node 20 is past its end of life (April 2026). Last, so its summary is the last line.
if [ $# -eq 0 ] || [[ "bench/pipeline.bench.ts" == *"$1"* ]]; then
    lts=$(ensure_node "$CURRENT_LTS")
    # The system Node already is the LTS: the loop above measured it.
    if [ "$lts" = "$(command -v node)" ]; then exit 0; fi
    echo "== bench/pipeline.bench.ts (Node $("$lts" -p 'process.versions.node'), the current LTS)"
    # Children the bench forks use the same Node (process.execPath).
    "$lts" --expose-gc -r tsx/cjs bench/pipeline.bench.ts
fi
