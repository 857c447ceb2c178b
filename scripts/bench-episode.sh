#!/usr/bin/env bash
# Episode benchmark: wall time of `goosepod episode` (offline writer, espeak-ng) on the
# bundled sample articles, per stage, against the length of the audio it makes. The
# target is a whole episode at least 50× faster than real time.
#
# Usage: scripts/bench-episode.sh [runs per sample, default 5] [minutes, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
runs="${1:-5}"
minutes="${2:-5}"

cargo build --release --locked -p goosepod
goosepod="$CARGO_TARGET_DIR/release/goosepod"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for sample in en-harbor-battery zh-rail-line; do
  for run in $(seq "$runs"); do
    out="$work/$sample-$run"
    start=$(date +%s.%N)
    "$goosepod" episode "samples/$sample.html" --name Norris --minutes "$minutes" -o "$out" \
      >/dev/null 2>"$work/$sample-$run.log"
    end=$(date +%s.%N)
    echo "$sample $start $end $out $work/$sample-$run.log"
  done
done | python3 -c '
import json, re, statistics, sys
rows = {}
for line in sys.stdin:
    sample, start, end, out, log = line.split()
    audio = json.load(open(out + "/episode.json"))["audio"]["duration_s"]
    stages = dict(re.findall(r"(\w+) ([0-9.]+) s", open(log).read().splitlines()[-1].split("):", 1)[1]))
    rows.setdefault(sample, []).append((float(end) - float(start), audio, stages))
print("%-20s %8s %8s %12s   %s" % ("sample", "audio", "wall", "x real time", "median per stage"))
for sample, runs in rows.items():
    wall = statistics.median(r[0] for r in runs)
    audio = runs[0][1]
    names = runs[0][2].keys()
    per_stage = ", ".join(f"{n} {statistics.median(float(r[2][n]) for r in runs):.3f} s" for n in names)
    print(f"{sample:20} {audio:7.1f}s {wall:7.2f}s {audio / wall:11.0f}×   {per_stage}")
'
