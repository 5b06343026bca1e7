#!/usr/bin/env bash
# `npm test`: dependencies, the real local stack, then every test (Jest's globalSetup also runs stack/up,
# so running jest directly works too).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash stack/up
exec npx jest --runInBand "$@"
