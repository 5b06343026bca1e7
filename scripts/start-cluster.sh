#!/usr/bin/env bash
# `npm run start:cluster`: `npm start` (scripts/start.sh) against the cluster profile of the local stack
# (docs/cluster.md): brings the profile up (STACK_PROFILE=cluster bash stack/up), loads its env file
# .stack/cluster/stack.env (node A's frontend, the three brokers, replication 3, a database of its own,
# the API on port 3400), then seeds, builds and runs the API and the workers as npm start does, two of
# each (scripts/run-services.ts: the -a ones on node A's frontend, the -b ones on node B's and the next
# ports: APIs on 3400 and 3401).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
STACK_PROFILE=cluster bash stack/up
set -a
# shellcheck disable=SC1091
. .stack/cluster/stack.env
set +a
exec bash -c 'npx tsx scripts/seed-demo-catalog.ts && bash scripts/build.sh && exec npx tsx scripts/run-services.ts'
