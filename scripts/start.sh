#!/usr/bin/env bash
# Installs what is missing, builds Circle (release) and starts it on http://127.0.0.1:3000 with
# the demo dataset in the embedded database (./data/circle.db). Ctrl-C stops it.
# Settings: see `server help` (DATABASE_URL, CIRCLE_DATA_DIR, LEPTOS_SITE_ADDR, …).
set -euo pipefail
cd "$(dirname "$0")/.."
"$PWD/scripts/install-tools.sh"
export PATH="${CIRCLE_TOOLS:-$HOME/.cache/circle-tools}/bin:$HOME/.cargo/bin:$PATH"
target=${CARGO_TARGET_DIR:-$PWD/target}

cargo leptos build --release --precompress --split
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$target/site}"
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
echo "Circle is starting on http://$LEPTOS_SITE_ADDR (Ctrl-C to stop)"
exec "$target/release/server" serve
