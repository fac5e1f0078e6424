#!/usr/bin/env bash
# Sets up and runs every test: formatting and lints, unit and property tests, server integration
# tests on SQLite and on the local PostgreSQL, and the browser tests in Debian's Chromium.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
step() { printf '\n==> %s\n' "$*"; }

"$REPO_ROOT/scripts/setup.sh"

# The integration tests need the machine's PostgreSQL (127.0.0.1:5432, trust auth).
export CALLCARD_TEST_POSTGRES_URL="${CALLCARD_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  step "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

# Each integration test makes its own database; clear those left by earlier runs.
psql -h 127.0.0.1 -U postgres -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'callcard_test_%'" \
  | while read -r name; do psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS \"$name\"" >/dev/null; done

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --locked --workspace --all-targets -- -D warnings
# Each browser bundle's feature set (issue 12): the card bundle's, and the app bundle's.
cargo clippy --locked -p app -p card-bundle --target wasm32-unknown-unknown --no-default-features --features app/card-island -- -D warnings
cargo clippy --locked -p app --target wasm32-unknown-unknown --no-default-features --features call-islands -- -D warnings

step "number reference (phonenumbers from PyPI judges the corpus the parser's test reads)"
python3 scripts/number-reference.py --check

step "cargo test (unit, property, integration on SQLite and PostgreSQL)"
cargo test --locked --workspace

step "browser bundle"
"$REPO_ROOT/scripts/build-bundle.sh"

step "browser tests (Playwright, Debian's Chromium)"
# The server binary is the one `cargo test` just built for the integration tests: building it
# again with `cargo build` would recompile dependencies for a different feature set.
cd e2e
results=$(mktemp)
CALLCARD_BIN="$CARGO_TARGET_DIR/debug/callcard" PLAYWRIGHT_JSON_OUTPUT_NAME="$results" \
  npx playwright test --reporter=list,json
# One plain closing line for the browser tests, in the form every CI log reader understands.
node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).stats;
  console.log(`browser: ${s.expected + s.flaky} passed, ${s.unexpected} failed, ${s.skipped} skipped`);' "$results"
