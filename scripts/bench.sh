#!/usr/bin/env bash
# `npm run bench [-- options]` (`npm run bench -- --help`): the saga benchmark against the real local
# stack, started as `npm start` starts it. It prints figures; it asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
# The benchmark runs the services as `npm start` does: compiled, from dist/.
exec bash scripts/with-stack.sh bash -c 'bash scripts/build.sh && exec npx tsx bench/main.ts "$@"' bench "$@"
