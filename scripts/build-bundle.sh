#!/usr/bin/env bash
# Builds the browser bundle (the `app` crate, hydrate feature) into target/site/pkg, optimised.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
trunk build --release
