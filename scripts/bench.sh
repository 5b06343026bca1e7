#!/usr/bin/env bash
# `npm run bench [orders]`: benchmarks against the real local stack; they print figures, they assert nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/with-stack.sh npx tsx bench/saga-throughput.ts "$@"
