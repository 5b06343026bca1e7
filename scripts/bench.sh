#!/usr/bin/env bash
# `npm run bench [orders]`: benchmarks against the real local stack; they print figures, they assert nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash stack/up
set -a
# shellcheck disable=SC1091
. .stack/stack.env
set +a
npx tsx bench/saga-throughput.ts "$@"
