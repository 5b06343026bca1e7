#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than the lock file, so that
# `npm start` and `npm test` work on a fresh clone and take no time on a warm one.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "[deps] installing npm dependencies…"
  # `npm install` (not `npm ci`): it honours the lock file's versions, and unlike `npm ci` it tolerates
  # lock files that lack other platforms' optional binaries (a known npm gap for @swc/core).
  npm install --no-audit --no-fund
  touch "$stamp"
fi
