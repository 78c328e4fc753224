#!/usr/bin/env bash
# Runs every test Circle has: formatting, lints, unit and integration tests on SQLite and
# PostgreSQL, then the browser tests (phone and tablet, JavaScript off and hydrated) against a
# freshly built release server in Debian's Chromium. Installs whatever is missing first.
#
# PostgreSQL: CIRCLE_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test). Each
# test makes and drops its own database there. If it cannot be reached the run fails: both
# databases are first-class, so neither is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
"$PWD/scripts/install-tools.sh" --browser
export PATH="${CIRCLE_TOOLS:-$HOME/.cache/circle-tools}/bin:$HOME/.cargo/bin:$PATH"
export CIRCLE_TEST_POSTGRES_URL="${CIRCLE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
target=${CARGO_TARGET_DIR:-$PWD/target}
step() { printf '\n==> %s\n' "$*"; }

step "PostgreSQL reachable at ${CIRCLE_TEST_POSTGRES_URL%%\?*}"
hostport=${CIRCLE_TEST_POSTGRES_URL#*://}; hostport=${hostport#*@}; hostport=${hostport%%/*}
host=${hostport%%:*}; port=${hostport##*:}; [ "$port" = "$hostport" ] && port=5432
if ! timeout 5 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null; then
  echo "PostgreSQL is not reachable at $host:$port. Start it, or set CIRCLE_TEST_POSTGRES_URL." >&2
  exit 1
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings
# The browser-only code (the sync engine) is compiled only for wasm: lint that build too.
cargo clippy -p app --no-default-features --features hydrate --target wasm32-unknown-unknown --locked -- -D warnings

step "unit, contract and integration tests (SQLite and PostgreSQL)"
# nextest: each test in its own process, bounded in time (see .config/nextest.toml).
cargo nextest run --workspace --locked
# A browser build's engine merges shared text only once the text merger has loaded (see
# app/domain/src/records/shared.rs): those tests need the feature that build turns on.
cargo nextest run -p domain --features merger-on-demand --test merger_on_demand --locked

step "release build (server + hydrated wasm)"
cargo leptos build --release --precompress --split

step "browser tests (Playwright in $(/usr/bin/chromium --version 2>/dev/null || echo chromium))"
export CIRCLE_E2E_SERVER="$target/release/server" LEPTOS_SITE_ROOT="$target/site"
(cd end2end && npx playwright test)
