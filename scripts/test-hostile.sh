#!/usr/bin/env bash
# The hostile-input suite (issue 8, "Keep"): the tests that try callcard as an attacker would,
# gathered under one name so they can be run on their own. `./scripts/test.sh` (CI) runs them
# too, with everything else; docs/ARCHITECTURE.md ("The hostile-input suite") says what each
# one covers. Needs the machine's PostgreSQL on 127.0.0.1:5432 (test.sh starts it when down).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
"$REPO_ROOT/scripts/setup.sh"
export CALLCARD_TEST_POSTGRES_URL="${CALLCARD_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

# One `cargo test --workspace`, as test.sh runs it, so it reuses that build; the filters pick
# the suite: offers and SDP screening (bounds, linear time, candidates), vCard limits, then
# every public input of the server on SQLite and PostgreSQL.
cargo test --locked --workspace -- \
  browser::sdp cards::vcard \
  hostile_calls:: hostile_html:: limits:: ownership:: logs:: confirmation:: verification:: \
  accounts::cross_site accounts::wrong_password accounts::session_cookie \
  guild::signed_payment_webhook guild::a_reference_counts_once guild::a_voucher \
  cards::bad_upload cards::another_issuer cards::refused_card \
  callbacks::a_burst callbacks::the_callback_door callbacks::a_number daily_cap::a_cap_is_set
# Script in the issuer's session, in Chromium, against the release bundle.
"$REPO_ROOT/scripts/build-bundle.sh"
cd e2e
CALLCARD_BIN="$CARGO_TARGET_DIR/debug/callcard" npx playwright test hostile-input.spec.ts
