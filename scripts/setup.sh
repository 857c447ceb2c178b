#!/usr/bin/env bash
# Installs the Debian packages Goose Pod needs to build, run and test. Idempotent: it only
# calls apt-get when a package is missing, so repeat runs take a second.
set -euo pipefail

packages=(
  ca-certificates # TLS roots for fetching pages
  python3         # the extraction benchmark's scorer
  espeak-ng       # speech engine: voice data and the espeak-ng command for checks by ear
  libespeak-ng-dev # goosepod-voice links libespeak-ng (espeakng-sys)
  libclang-dev    # bindgen in espeakng-sys generates the libespeak-ng bindings
  pkg-config      # locating native libraries at build time
  make            # mp3lame-sys builds LAME from its bundled source
  gcc             # C compiler for LAME and other bundled C code
  chromium        # the episode page's tests run in a real (headless) browser
  chromium-driver # chromedriver, which the browser tests drive it through
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
