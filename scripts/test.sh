#!/usr/bin/env bash
# `npm test`: dependencies, the unit tier (no server), then the real local stack and every test that needs
# it. `npm run test:unit` (`--unit`) stops after the unit tier and starts no server. Jest's globalSetup of
# the stack tier also runs stack/up, so running jest directly works too.
set -euo pipefail
cd "$(dirname "$0")/.."
unit_only=0
if [ "${1:-}" = --unit ]; then
  unit_only=1
  shift
fi
bash scripts/ensure-deps.sh
bash scripts/ensure-test-server.sh >/dev/null
# Extra arguments go before --selectProjects, which would take a test path after it for a project name.
if [ "$unit_only" = 1 ]; then
  exec npx jest "$@" --selectProjects unit
fi
# With a filter (`npm test -- test/saga`), one tier may hold no matching test: that is not a failure.
filter=()
if [ $# -gt 0 ]; then filter=(--passWithNoTests "$@"); fi
# The unit tier first: a broken unit fails in seconds, before any server is started.
npx jest "${filter[@]}" --selectProjects unit
# Tests need n8n (no leniency), and n8n must not auto-approve the held orders other tests decide.
export STACK_REQUIRE_N8N=1 REVIEW_AUTO_APPROVE_LIMIT_MINOR=0
bash stack/up
# The page tests drive Debian's Chromium: installed here, not inside a test's time budget.
bash scripts/ensure-chromium.sh >/dev/null
exec npx jest --runInBand "${filter[@]}" --selectProjects stack
