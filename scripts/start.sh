#!/usr/bin/env bash
# `npm start`: dependencies, the real local stack, then the API and the workers in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash stack/up
set -a
# shellcheck disable=SC1091
. .stack/stack.env
set +a
npx tsx scripts/seed-demo-catalog.ts
exec npx tsx scripts/run-services.ts
