#!/usr/bin/env bash
# Builds Goose Pod and makes the demo episode: a bundled sample article, written for a
# sample listener by the offline writer, spoken by espeak-ng, published as a page.
# Arguments go to `goosepod demo`: `--lang zh-CN` for the Chinese sample, `--serve` to
# open it from http://127.0.0.1:8000/, `-o DIR` for another directory (default
# ./goosepod-demo).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

cargo build --release --locked -p goosepod
exec "$CARGO_TARGET_DIR/release/goosepod" demo "$@"
