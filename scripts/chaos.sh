#!/usr/bin/env bash
# `npm run chaos [-- options]` (`npm run chaos -- --help`): a steady order load while the workers and the
# stack's servers are killed and restarted one at a time, then the checks that nothing was lost. n8n only
# reacts to the events and is not started for it (an n8n already running keeps running).
set -euo pipefail
cd "$(dirname "$0")/.."
STACK_SERVERS="kafka temporal postgres maildev inbox localstripe" exec bash scripts/with-stack.sh npx tsx chaos/main.ts "$@"
