#!/usr/bin/env bash
# Builds the two browser bundles (issue 12), optimised, into target/site/pkg:
#   /pkg/app.js + app_bg.wasm            the call window's, callback's and dashboard line's islands
#   /pkg/card/card-bundle.js + _bg.wasm  the card island alone, for the card page and the embed
# The app bundle first: Trunk empties its dist directory, which holds the card bundle's.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
trunk build --release
trunk build --release --dist target/site/pkg/card --public-url /pkg/card/ app/card-bundle/index.html
# The server sends these pre-compressed files to browsers that accept gzip (ServeDir's
# precompressed_gzip in startup.rs); without them the bundles would travel uncompressed.
find target/site/pkg -type f \( -name '*.js' -o -name '*.wasm' -o -name '*.css' \) -exec gzip -9 -k -f {} +
