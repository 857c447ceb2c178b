#!/usr/bin/env bash
# Builds Goose Pod and runs the main job on the bundled sample articles: extract, write
# the script for a sample listener, speak it. Output goes to ./demo-output.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

cargo build --release --locked -p goosepod
goosepod="$CARGO_TARGET_DIR/release/goosepod"
out=demo-output
mkdir -p "$out"
for sample in en-harbor-battery:America/New_York zh-rail-line:Asia/Shanghai; do
  name=${sample%%:*}
  tz=${sample#*:}
  echo "== $name: article"
  "$goosepod" extract --json "samples/$name.html" |
    python3 -c 'import json,sys; a=json.load(sys.stdin); a["text"]=a["text"][:200]+"…"; print(json.dumps(a, ensure_ascii=False, indent=2))'
  echo "== $name: script"
  "$goosepod" script "samples/$name.html" --name Norris --tz "$tz" --minutes 3 -o "$out/$name.json"
  "$goosepod" script "samples/$name.html" --name Norris --tz "$tz" --minutes 3 | head -12
  echo "…"
  echo "== $name: audio"
  "$goosepod" speak "$out/$name.json" -o "$out/$name"
  echo
done
