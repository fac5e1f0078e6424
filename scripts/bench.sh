#!/usr/bin/env bash
# Measures what BENCHMARKS.md reports: the browser bundle's size, and the card page's
# server-side rendering throughput and latency next to a static file of the same size, served
# by the same release server in the same run. Loopback only; every load run is bounded.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
DURATION="${BENCH_DURATION:-15s}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
PORT="${BENCH_PORT:-3950}"

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
[[ -f target/site/pkg/app_bg.wasm && -f target/site/pkg/card/card-bundle_bg.wasm ]] || ./scripts/build-bundle.sh
cargo build --release --locked -p server --quiet

echo "## Browser bundles (release, wasm-opt)"
for file in app.js app_bg.wasm card/card-bundle.js card/card-bundle_bg.wasm main.css; do
  printf '%-26s %8d bytes raw %8d bytes gzip -9\n' "$file" \
    "$(wc -c < "target/site/pkg/$file")" "$(gzip -9 -c "target/site/pkg/$file" | wc -c)"
done

data_dir=$(mktemp -d)
CALLCARD_DATA_DIR="$data_dir" CALLCARD_LISTEN="127.0.0.1:$PORT" CALLCARD_PUBLIC_URL="http://127.0.0.1:$PORT" \
  CALLCARD_SITE_ROOT="$REPO_ROOT/target/site" CALLCARD_DEMO_PASSWORD=bench-demo-password RUST_LOG=warn \
  "$CARGO_TARGET_DIR/release/callcard" serve > "$data_dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data_dir" target/site/pkg/bench-static.html' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

# What each page makes the browser download: the JS and WASM its HTML preloads (issue 12).
echo
echo "## JS + WASM per page (gzip -9 of the files each page's HTML loads)"
jar="$data_dir/cookies"
curl -sf -c "$jar" -o /dev/null -d 'email=demo@callcard.example&password=bench-demo-password' "http://127.0.0.1:$PORT/login"
for path in /c/hong-gildong /embed/hong-gildong /c/hong-gildong/call /dashboard /dashboard/cards/hong-gildong/edit /dashboard/numbers; do
  html=$(curl -sf -b "$jar" "http://127.0.0.1:$PORT$path")
  total=0
  files=""
  for asset in $(grep -oE 'href="/pkg/[^"]+\.(js|wasm)"' <<< "$html" | sed -E 's/href="\/pkg\/(.*)"/\1/' | sort -u); do
    total=$((total + $(gzip -9 -c "target/site/pkg/$asset" | wc -c)))
    files="$files $asset"
  done
  printf '%-36s %8d bytes  (%s )\n' "$path" "$total" "$files"
done

page="http://127.0.0.1:$PORT/c/hong-gildong"
# The static twin: the rendered page itself, saved as a file the same server serves from /pkg.
curl -sf -H 'Accept-Language: ko' "$page" > target/site/pkg/bench-static.html
echo
echo "## Card page: ${DURATION}, ${CONNECTIONS} connections, wrk -t2 (client and server share the 2 cores)"
echo "page size: $(wc -c < target/site/pkg/bench-static.html) bytes"
run() {
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H 'Accept-Language: ko' "$1" > "$data_dir/wrk.txt"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ { print $2 }' "$data_dir/wrk.txt")
  p50=$(awk '$1 == "50%" { print $2 }' "$data_dir/wrk.txt")
  p99=$(awk '$1 == "99%" { print $2 }' "$data_dir/wrk.txt")
  local errors
  errors=$(awk '/Non-2xx|Socket errors/' "$data_dir/wrk.txt")
  printf '%-22s %10s req/s   p50 %8s   p99 %8s %s\n' "$2" "$rps" "$p50" "$p99" "$errors"
  echo "$rps"> "$data_dir/$3"
}
run "$page" "SSR /c/hong-gildong" ssr
run "http://127.0.0.1:$PORT/pkg/bench-static.html" "static file, same size" static
awk -v s="$(cat "$data_dir/ssr")" -v t="$(cat "$data_dir/static")" 'BEGIN { printf "ratio SSR / static: %.2f\n", s / t }'
