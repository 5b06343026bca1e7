#!/usr/bin/env bash
# `npm start`: dependencies, the real local stack, a demo catalog, then the API and the workers in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/with-stack.sh bash -c 'npx tsx scripts/seed-demo-catalog.ts && exec npx tsx scripts/run-services.ts'
