#!/usr/bin/env bash
# Runs every check and test: formatting, lints, unit and integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# The store's PostgreSQL tests run against a local server; with the URL set they fail,
# never skip, when it is unreachable.
GOOSEPOD_TEST_POSTGRES_URL="$(scripts/start-postgres.sh)"
export GOOSEPOD_TEST_POSTGRES_URL
cargo test --workspace --locked
