#!/usr/bin/env bash
# Sets up and runs callcard on the embedded default (SQLite under ./data), as its users run it:
# release server, optimised bundle. Prints the URL and the demo card. Stop it with Ctrl-C.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
"$REPO_ROOT/scripts/setup.sh"
"$REPO_ROOT/scripts/build-bundle.sh"
cargo build --release --locked -p server
export CALLCARD_SITE_ROOT="${CALLCARD_SITE_ROOT:-$REPO_ROOT/target/site}"
exec "$CARGO_TARGET_DIR/release/callcard" "$@"
