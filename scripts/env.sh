# Sourced by the other scripts: where builds go and which tools come first on PATH.
# The cargo target dir lives outside the clone so every checkout (and CI's fresh clone) on this
# machine reuses one warm build cache.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/callcard/target}"
export PATH="$REPO_ROOT/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Never let Playwright fetch a browser: tests use Debian's Chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
