# Sourced by the other scripts: where builds and caches live, outside the clone so that
# repeat runs (and fresh clones on the same machine) reuse them.
export GOOSEPOD_CACHE="${GOOSEPOD_CACHE:-$HOME/.cache/goosepod}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$GOOSEPOD_CACHE/target}"
mkdir -p "$GOOSEPOD_CACHE"
