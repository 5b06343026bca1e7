#!/usr/bin/env bash
# Runs a command with the npm dependencies installed, the local stack up and its addresses in the
# environment: the shared start of `npm start` and `npm run bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash stack/up
set -a
# shellcheck disable=SC1091
. .stack/stack.env
set +a
exec "$@"
