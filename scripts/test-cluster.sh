#!/usr/bin/env bash
# `npm run test:cluster [-- options]`: the cluster fault run. Brings up the cluster profile of the stack
# (two Temporal server processes on PostgreSQL, three Kafka brokers; docs/cluster.md), runs two of every
# service on it, and under a steady load of paid orders through both APIs kills -9, one at a time, a
# Temporal server process, the broker leading the order events, an order worker, the leading relay and an
# API, each restarted after a while. Ends with the chaos run's tables (docs/chaos.md); exit 1 when an
# invariant broke. Options are those of `npm run chaos` (`--help`); the defaults below fit about ten
# minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
export STACK_PROFILE=cluster
bash stack/up
# The profile itself first: two Temporal nodes in one cluster, topics at 3 replicas, a broker loss survived.
npx jest -c stack/cluster/jest.config.json --runInBand
set -a
# shellcheck disable=SC1091
. .stack/cluster/stack.env
set +a
exec npx tsx chaos/main.ts --shape cluster --orders 400 --rate 3 --warmup 15 --interval 10 --down 10 "$@"
