#!/usr/bin/env bash
# Installs, idempotently, every tool Circle's build and tests need, reaching only the package
# registries (crates.io, npm, Debian). Tools go to $CIRCLE_TOOLS (default ~/.cache/circle-tools),
# outside the clone, so a second run on the same machine takes seconds.
#
#   scripts/install-tools.sh            build tools (wasm target, cargo-leptos, wasm-bindgen, wasm-opt)
#   scripts/install-tools.sh --browser  also Debian's Chromium and the Playwright npm packages
set -euo pipefail

CARGO_LEPTOS_VERSION=0.3.11
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen locked in Cargo.lock
BINARYEN_VERSION=123.0.0       # never Debian's binaryen 108: it silently breaks hydration
NEXTEST_VERSION=0.9.143        # only installed where missing (machines of this kind have it)

here=$(cd "$(dirname "$0")/.." && pwd)
tools=${CIRCLE_TOOLS:-$HOME/.cache/circle-tools}
mkdir -p "$tools/bin"
export PATH="$tools/bin:$HOME/.cargo/bin:$PATH"
log() { printf '[install-tools] %s\n' "$*" >&2; }

# A crate's source, as cargo downloads it, copied to a scratch dir we may edit.
crate_source() {
  local name=$1 version=$2 dest=$3
  rm -rf "$dest"; mkdir -p "$(dirname "$dest")"
  cargo info "$name@$version" >/dev/null
  local src
  src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"$name-$version" | head -n1)
  cp -r "$src" "$dest"
}

# Tools are built with fast, non-LTO release settings: they are run, not shipped.
fast_install() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_TARGET_DIR="$tools/build-target" \
    cargo install --locked --root "$tools" "$@"
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo nextest --version >/dev/null 2>&1; then
  log "installing cargo-nextest $NEXTEST_VERSION (the test runner)"
  fast_install "cargo-nextest@$NEXTEST_VERSION"
fi

if [ "$(cargo-leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  log "building cargo-leptos $CARGO_LEPTOS_VERSION from source (about 25 minutes on 2 cores, once)"
  work="$tools/src/cargo-leptos"
  crate_source cargo-leptos "$CARGO_LEPTOS_VERSION" "$work"
  # Its lock file pins cargo-util-schemas 0.14.2, which needs rustc 1.96.
  (cd "$work" && cargo update -p cargo-util-schemas --precise 0.14.1)
  fast_install --path "$work"
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  log "building wasm-bindgen-cli $WASM_BINDGEN_VERSION from source (about 7 minutes, once)"
  work="$tools/src/wasm-bindgen-cli"
  crate_source wasm-bindgen-cli "$WASM_BINDGEN_VERSION" "$work"
  # The lock file pins webpki-roots 1.0.11, which the registry does not serve.
  (cd "$work" && cargo update -p webpki-roots --precise 1.0.10)
  fast_install --no-default-features --path "$work"
fi

if [ "$(wasm-opt --version 2>/dev/null | awk '{print $3}')" != "${BINARYEN_VERSION%%.*}" ]; then
  log "installing wasm-opt from npm binaryen@$BINARYEN_VERSION"
  npm install --prefix "$tools/binaryen" --no-save --no-package-lock "binaryen@$BINARYEN_VERSION" >/dev/null
  ln -sf "$tools/binaryen/node_modules/binaryen/bin/wasm-opt" "$tools/bin/wasm-opt"
fi

if [ "${1:-}" = "--browser" ]; then
  if [ ! -x /usr/bin/chromium ]; then
    log "installing Debian's Chromium"
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null
    else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi
  fi
  # Again whenever the lock file changed since the last install (a package added).
  if [ ! -f "$here/end2end/node_modules/.package-lock.json" ] \
    || [ "$here/end2end/package-lock.json" -nt "$here/end2end/node_modules/.package-lock.json" ]; then
    log "installing the browser tests' packages: Playwright's runner (no browser download), axe-core"
    (cd "$here/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >/dev/null)
  fi
fi

rm -rf "$tools/src" "$tools/build-target"
log "tools ready in $tools/bin"
