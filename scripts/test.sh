#!/usr/bin/env bash
# `npm test`: dependencies, the real local stack, then every test (Jest's globalSetup also runs stack/up,
# so running jest directly works too).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
# Tests need n8n (no leniency), and n8n must not auto-approve the held orders other tests decide.
export STACK_REQUIRE_N8N=1 REVIEW_AUTO_APPROVE_LIMIT_MINOR=0
bash stack/up
exec npx jest --runInBand "$@"
