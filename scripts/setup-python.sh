#!/usr/bin/env bash
# Installs the Python feed parsers the podcast feed's tests read the feed back with, as real
# podcast apps would: podcastparser (gPodder's parser) and feedparser, pinned, from PyPI,
# into ${GOOSEPOD_CACHE:-$HOME/.cache/goosepod}/python/site (put it on PYTHONPATH; env.sh
# exports it as GOOSEPOD_PYTHON_SITE). Idempotent: pip runs only when the marker file
# (python/installed) does not list exactly these pins, so repeat runs take a second.
set -euo pipefail

python_dir="${GOOSEPOD_CACHE:-$HOME/.cache/goosepod}/python"
# feedparser-sgmllib is feedparser's one dependency; all three are pure-Python wheels.
python_packages=(podcastparser==0.6.11 feedparser==6.0.14 feedparser-sgmllib==2.1.0)

if [ "$(cat "$python_dir/installed" 2>/dev/null)" = "${python_packages[*]}" ]; then
  exit 0
fi

python3 -m pip --version >/dev/null 2>&1 || {
  echo "setup-python: installing python3-pip"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-pip
}

echo "setup-python: installing ${python_packages[*]} into $python_dir/site"
# Install beside the old site and swap it in only once the parsers import.
rm -rf "$python_dir/site.new"
mkdir -p "$python_dir"
python3 -m pip install --quiet --no-deps --only-binary :all: --no-compile --disable-pip-version-check \
  --root-user-action=ignore --target "$python_dir/site.new" "${python_packages[@]}"
PYTHONPATH="$python_dir/site.new" python3 -c 'import podcastparser, feedparser' || {
  echo "setup-python: error: the parsers do not import from $python_dir/site.new" >&2
  exit 1
}
rm -f "$python_dir/installed"
rm -rf "$python_dir/site"
mv "$python_dir/site.new" "$python_dir/site"
echo "${python_packages[*]}" >"$python_dir/installed"
