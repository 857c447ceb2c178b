#!/usr/bin/env bash
# Builds Goose Pod and runs the main job on the bundled sample article.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

cargo build --release --locked -p goosepod
goosepod="$CARGO_TARGET_DIR/release/goosepod"
for sample in samples/en-harbor-battery.html samples/zh-rail-line.html; do
  echo "== $sample: metadata"
  "$goosepod" extract --json "$sample" | python3 -c 'import json,sys; a=json.load(sys.stdin); a["text"]=a["text"][:160]+"…"; print(json.dumps(a, ensure_ascii=False, indent=2))'
  echo "== $sample: article text"
  "$goosepod" extract "$sample"
  echo
done
