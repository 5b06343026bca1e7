#!/usr/bin/env bash
# `npm start`: dependencies, the real local stack, a demo catalog, the build (scripts/build.sh), then the
# API and the workers in the foreground, compiled.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/with-stack.sh bash -c 'npx tsx scripts/seed-demo-catalog.ts && bash scripts/build.sh && exec npx tsx scripts/run-services.ts'
