#!/usr/bin/env bash
# Extraction benchmark: quality (shingle F1 against hand-made ground truth) and speed
# (pages/s, batch mode) of `goosepod extract` on the English and Chinese page sets in
# ../shared/eval-data, next to trafilatura (Python) run in the same command as the anchor,
# so speed is reported as a ratio that a noisy machine does not distort.
#
# Usage: scripts/bench-extract.sh [--no-anchor] [extra scorer options, e.g. --worst 10]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

anchor=1
if [ "${1:-}" = "--no-anchor" ]; then anchor=0; shift; fi
shared="${GOOSEPOD_SHARED:-../shared}"
scorer="$shared/eval/score_extraction.py"
[ -f "$scorer" ] || { echo "bench: $scorer not found (set GOOSEPOD_SHARED)" >&2; exit 1; }

cargo build --release --locked -p goosepod
goosepod="$CARGO_TARGET_DIR/release/goosepod"

if ((anchor)); then
  venv="$GOOSEPOD_CACHE/bench-venv"
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import trafilatura' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q 'trafilatura==2.*' lxml_html_clean
  fi
  anchor_cmd="$venv/bin/python $PWD/scripts/trafilatura_batch.py {outdir} {files}"
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
for dataset in en zh; do
  python3 "$scorer" --dataset "$dataset" --name goosepod --json-out "$results/goosepod-$dataset.json" \
    --cmd "$goosepod extract --out-dir {outdir} {files}" "$@" >&2
  if ((anchor)); then
    python3 "$scorer" --dataset "$dataset" --name trafilatura --json-out "$results/trafilatura-$dataset.json" \
      --cmd "$anchor_cmd" >&2
  fi
done

python3 - "$results" <<'PY'
import json, os, sys
d = sys.argv[1]
def load(name):
    p = os.path.join(d, name + ".json")
    return json.load(open(p)) if os.path.exists(p) else None
def f1(r): return r["summary"]["shingle"]["f1"]
def pps(r): return r["summary"]["pages_per_s"]
print(f"{'extractor':<12} {'dataset':<7} {'F1':>6} {'pages/s':>8} {'speed ×anchor':>14}")
for ds in ("en", "zh"):
    g, t = load(f"goosepod-{ds}"), load(f"trafilatura-{ds}")
    for name, r in (("goosepod", g), ("trafilatura", t)):
        if r is None: continue
        ratio = f"{pps(r) / pps(t):.1f}×" if t else "-"
        print(f"{name:<12} {ds:<7} {f1(r):>6.3f} {pps(r):>8.1f} {ratio:>14}")
PY
