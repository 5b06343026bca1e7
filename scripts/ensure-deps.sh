#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than the lock file, so that
# `npm start` and `npm test` work on a fresh clone and take no time on a warm one.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "[deps] installing npm dependencies…"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
  touch "$stamp"
fi
