#!/usr/bin/env bash
# Shared-story benchmark: what it costs to make episodes of the same stories for many
# listeners (same language and host pair, different names and time zones) when each
# story's body is written once and its lines are spoken once (the line cache), against
# making every episode from scratch; with espeak-ng and with Piper. Prints time per
# episode and per stage (unshared, cold = a story's first listener, warm = the others),
# lines spoken and reused, the share of lines that differ between listeners, and the
# totals extrapolated to FOR_LISTENERS × FOR_STORIES (the formula is printed).
#
# Usage: scripts/bench-shared.sh [listeners, default 3] [stories, default 2 (at most 3)]
#        [minutes, default 5] [engines, default "espeak piper"] [for listeners, default 100]
#        [for stories, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
listeners="${1:-3}"
stories="${2:-2}"
minutes="${3:-5}"
engines="${4:-espeak piper}"
for_listeners="${5:-100}"
for_stories="${6:-10}"

cargo build --release --locked -p goosepod-pipeline --example shared_stories
for engine in $engines; do
  if [ "$engine" = piper ] && [ -z "${GOOSEPOD_PIPER_VOICE:-}" ]; then
    echo "bench-shared: no Piper voice installed (run scripts/setup.sh); skipping piper" >&2
    continue
  fi
  "$CARGO_TARGET_DIR/release/examples/shared_stories" \
    "$listeners" "$stories" "$engine" "$minutes" "$for_listeners" "$for_stories"
  echo
done
