#!/usr/bin/env bash
# Installs what building, running and testing callcard needs, from the package registries only,
# skipping whatever is already in place. Safe to run again and again.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

step() { printf '\n==> %s\n' "$*"; }

# Debian packages: Chromium for the browser tests, CJK fonts so ko/ja/zh cards render, Node for
# Playwright and wasm-opt, SIPp for the trunk side, espeak-ng to say cards' names in callback
# prompts.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
command -v npm >/dev/null || missing+=(nodejs npm)
command -v sipp >/dev/null || missing+=(sip-tester)
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
if ((${#missing[@]})); then
  step "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

trunk_version=0.21.14
if [[ "$(trunk --version 2>/dev/null)" != "trunk $trunk_version" ]]; then
  step "cargo install trunk $trunk_version (a few minutes)"
  cargo install trunk --version "$trunk_version" --locked
fi

# wasm-bindgen-cli must be exactly the lockfile's wasm-bindgen. Not --locked: its own lockfile
# names a webpki-roots version the registry no longer has.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $bindgen_version" ]]; then
  step "cargo install wasm-bindgen-cli $bindgen_version (a few minutes)"
  cargo install wasm-bindgen-cli --version "$bindgen_version"
fi

# PyPI: an OpenAPI validator we did not write, for the API document (e2e/tests/openapi.spec.ts).
openapi_validator_version=0.7.2
if ! python3 -c "import importlib.metadata as m, sys; sys.exit(m.version('openapi-spec-validator') != '$openapi_validator_version')" 2>/dev/null; then
  step "pip install openapi-spec-validator $openapi_validator_version"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
    "openapi-spec-validator==$openapi_validator_version"
fi

# PyPI: an independent libphonenumber at the metadata version of the phonenumber crate, the
# reference our number parser is held to (scripts/number-reference.py, issue 10).
phonenumbers_version=9.0.33
if ! python3 -c "import importlib.metadata as m, sys; sys.exit(m.version('phonenumbers') != '$phonenumbers_version')" 2>/dev/null; then
  step "pip install phonenumbers $phonenumbers_version"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
    "phonenumbers==$phonenumbers_version"
fi

# npm packages: binaryen's wasm-opt (tools/) and Playwright (e2e/), exactly as locked.
for dir in tools e2e; do
  if [[ ! -d $dir/node_modules || $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
    step "npm ci in $dir"
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  fi
done

# Trunk builds offline: every crate, for every target, must already be downloaded.
cargo fetch --locked --quiet
