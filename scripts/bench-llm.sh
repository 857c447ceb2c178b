#!/usr/bin/env bash
# Model-writer benchmark: time and tokens per episode through a local llama-server (the
# one scripts/setup.sh builds, with its small model), for the English and Chinese samples.
#
# Usage: scripts/bench-llm.sh [runs per sample, default 3] [minutes, default 1]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
source scripts/env.sh
runs="${1:-3}"
minutes="${2:-1}"
server="$GOOSEPOD_CACHE/llama/bin/llama-server"
model="$GOOSEPOD_CACHE/llama/models/smollm2-135m-instruct.gguf"

cargo build --release --locked -p goosepod
goosepod="$CARGO_TARGET_DIR/release/goosepod"
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$server" -m "$model" --host 127.0.0.1 --port "$port" -c 8192 -np 1 -t 2 >"$work/server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 240); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  sleep 0.5
done

for sample in en-harbor-battery:en-US zh-rail-line:zh-CN; do
  name=${sample%%:*}
  lang=${sample#*:}
  for run in $(seq "$runs"); do
    start=$(date +%s.%N)
    XDG_CACHE_HOME="$work/cache-$run" "$goosepod" script "samples/$name.html" --lang "$lang" \
      --minutes "$minutes" --writer llm --llm-base-url "http://127.0.0.1:$port/v1" \
      --llm-model smollm2-135m-instruct -o "$work/$name-$run.json" 2>/dev/null
    end=$(date +%s.%N)
    echo "$name $start $end $work/$name-$run.json"
  done
done | python3 -c '
import json, statistics, sys
rows = {}
for line in sys.stdin:
    name, start, end, path = line.split()
    writer = json.load(open(path))["writer"]
    rows.setdefault(name, []).append((float(end) - float(start), writer))
print("%-20s %8s %6s %10s %10s %8s  %s" % ("sample", "wall", "calls", "prompt", "completion", "tok/s", "written by"))
for name, runs in rows.items():
    for wall, writer in runs:
        u = writer.get("usage") or {}
        rate = u.get("completion_tokens", 0) / u["seconds"] if u.get("seconds") else 0
        print("%-20s %7.1fs %6d %10d %10d %8.1f  %s" % (name, wall, u.get("calls", 0), u.get("prompt_tokens", 0),
              u.get("completion_tokens", 0), rate, writer["kind"]))
'
