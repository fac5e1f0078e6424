#!/usr/bin/env bash
# Measures what BENCHMARKS.md reports under "Browser calls through the media bridge": N
# concurrent webrtc-rs callers through the real server and its media bridge to a SIPp trunk
# that echoes RTP, all on loopback in one release process (server/examples/call_load.rs).
#
#   scripts/bench-calls.sh                 # 25, 50, 100, 150, 200 calls, 20 s each
#   scripts/bench-calls.sh 100 60          # one run: 100 calls, 60 s steady state
#   BENCH_CALLS_RAMP=10 scripts/bench-calls.sh 200 60
#
# Needs sipp (Debian package sip-tester, installed by scripts/setup.sh). Loopback only; every
# run is bounded by its call count and duration.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

command -v sipp >/dev/null || { echo "sipp is missing: run scripts/setup.sh (apt package sip-tester)" >&2; exit 1; }
# Each call holds a few sockets on both sides: raise the soft descriptor limit if we may.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

ramp="${BENCH_CALLS_RAMP:-25}"
cargo build --release --locked -p server --example call_load --quiet

run() {
  echo "== $1 calls, $2 s"
  "$CARGO_TARGET_DIR/release/examples/call_load" --calls "$1" --seconds "$2" --ramp "$ramp"
}
if (($# >= 1)); then
  run "$1" "${2:-60}"
else
  for calls in 25 50 100 150 200; do run "$calls" 20; done
fi
