#!/usr/bin/env bash
# Service benchmark: `goosepod serve` (release build) under bounded load with wrk, on a
# fresh data directory holding one listener and the episodes of the bundled English article
# pages (served over a local http.server, added as article sources, made by run-once).
# Requests/s and p99 latency for the private feed, an episode page and a 64 KiB Range
# request on the MP3, each next to the anchor measured in the same run: a static file
# the same server answers without the database (/assets/app.css). The machine is shared
# and noisy, so compare the ratios rather than the absolute figures.
#
# Usage: scripts/bench-service.sh [seconds per URL, default 10] [connections, default 16]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
duration="${1:-10}"
connections="${2:-16}"
threads=2

# wrk, the load generator, and curl (Debian packages): installed on first use, as
# setup.sh installs its packages.
missing=()
for tool in wrk curl; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "bench-service: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cargo build --release --locked -p goosepod
goosepod="$CARGO_TARGET_DIR/release/goosepod"
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() { # URL: until it answers, for up to 30 s
  for _ in $(seq 300); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "bench-service: $1 never answered" >&2
  return 1
}

# The English article pages bundled with the workspace (the listener speaks English; the
# Chinese sample would not make their show), served locally.
pages=(samples/en-harbor-battery.html crates/server/tests/fixtures/en-*.html)
mkdir "$work/pages"
cp "${pages[@]}" "$work/pages/"
pages_port=$(free_port)
python3 -m http.server "$pages_port" --bind 127.0.0.1 --directory "$work/pages" >"$work/pages.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$pages_port/$(basename "${pages[0]}")"

# One listener, the sample pages as article sources, their episodes made.
port=$(free_port)
data="$work/data"
export GOOSEPOD_FETCH_ALLOW=127.0.0.1
export GOOSEPOD_PUBLIC_URL="http://127.0.0.1:$port/"
"$goosepod" user add bench@example.com --name Norris --tz Europe/London --data-dir "$data" >"$work/user.json"
token=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["feed_url"].split("/f/")[1].split("/")[0])' "$work/user.json")
for page in "${pages[@]}"; do
  "$goosepod" source add --user bench@example.com "http://127.0.0.1:$pages_port/$(basename "$page")" \
    --data-dir "$data" >/dev/null
done
echo "bench-service: making the episodes (run-once)"
"$goosepod" run-once --at "$(date -u +%Y-%m-%dT23:00:00Z)" --data-dir "$data" >"$work/run.json"
python3 -c '
import json, sys
report = json.load(open(sys.argv[1]))
done = [job for job in report["jobs"] if job["state"] == "done"]
if not done:
    sys.exit("bench-service: run-once made no episode: %s" % json.dumps(report))
print("bench-service: %d episode(s): %s" % (len(done), "; ".join(job["title"] for job in done)))
' "$work/run.json"

# The service, on loopback.
"$goosepod" serve --data-dir "$data" --bind "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
pids+=($!)
base="http://127.0.0.1:$port"
wait_for "$base/healthz"
feed="$base/f/$token/feed.xml"
curl -fsS "$feed" >"$work/feed.xml"
read -r page mp3 episodes < <(python3 -c '
import sys, xml.etree.ElementTree as ET
items = ET.parse(sys.argv[1]).getroot().findall("channel/item")
print(items[0].findtext("link"), items[0].find("enclosure").get("url"), len(items))
' "$work/feed.xml")
mp3_bytes=$(curl -fsS -o /dev/null -w '%{size_download}' "$mp3")
feed_bytes=$(wc -c <"$work/feed.xml")
echo "bench-service: feed $feed_bytes bytes, $episodes episodes; MP3 $mp3_bytes bytes"

range="bytes=65536-131071"
check() { # expected status, URL, curl arguments…
  local want=$1 url=$2 got
  shift 2
  got=$(curl -sS -o /dev/null -w '%{http_code} %{size_download}' "$@" "$url")
  [ "${got% *}" = "$want" ] || {
    echo "bench-service: $url answered $got, expected $want" >&2
    exit 1
  }
  echo "${got#* }"
}
css_bytes=$(check 200 "$base/assets/app.css")
page_bytes=$(check 200 "$page")
range_bytes=$(check 206 "$mp3" -H "Range: $range")
[ "$range_bytes" = 65536 ] || {
  echo "bench-service: the Range request gave $range_bytes bytes" >&2
  exit 1
}

bench() { # name, URL, wrk arguments…
  local name=$1 url=$2
  shift 2
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$@" "$url" >"$work/wrk-$name.txt"
  echo "$name $work/wrk-$name.txt"
}

echo "bench-service: wrk -t$threads -c$connections -d${duration}s per URL"
{
  bench anchor "$base/assets/app.css"
  bench feed "$feed"
  bench page "$page"
  bench range "$mp3" -H "Range: $range"
} | python3 -c '
import re, sys
sizes = dict(zip(["anchor", "feed", "page", "range"], map(int, sys.argv[1:5])))
labels = {
    "anchor": "static /assets/app.css (anchor)",
    "feed": "private feed /f/<token>/feed.xml",
    "page": "episode page /f/<token>/<id>/",
    "range": "MP3, 64 KiB Range request",
}
units = {"us": 1e-3, "ms": 1.0, "s": 1e3}
rows = {}
for line in sys.stdin:
    name, path = line.split()
    text = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", text).group(1))
    def percentile(p):
        value, unit = re.search(r"^\s+%d%%\s+([0-9.]+)(us|ms|s)\s*$" % p, text, re.M).groups()
        return float(value) * units[unit]
    p50, p99 = percentile(50), percentile(99)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: (.*)", text)
    if bad or errors:
        sys.exit("bench-service: %s: %s" % (name, (bad or errors).group(0)))
    rows[name] = (rps, p50, p99)
anchor_rps, _, anchor_p99 = rows["anchor"]
print("%-36s %7s %8s %8s %8s %8s %7s" % ("URL", "bytes", "req/s", "p50 ms", "p99 ms", "req/s ×", "p99 ×"))
for name, (rps, p50, p99) in rows.items():
    print("%-36s %7d %8.0f %8.2f %8.2f %8.3f %7.2f" % (labels[name], sizes[name], rps, p50, p99, rps / anchor_rps, p99 / anchor_p99))
' "$css_bytes" "$feed_bytes" "$page_bytes" "$range_bytes"
