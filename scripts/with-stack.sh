#!/usr/bin/env bash
# Runs a command with the npm dependencies installed, the local stack up and its addresses in the
# environment: the shared start of `npm start`, `npm run bench` and `npm run chaos`. STACK_SERVERS
# (e.g. "kafka temporal postgres") starts only those servers instead of the whole stack.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
read -ra servers <<<"${STACK_SERVERS:-}"
bash stack/up ${servers[@]+"${servers[@]}"}
set -a
# shellcheck disable=SC1091
. .stack/stack.env
set +a
exec "$@"
