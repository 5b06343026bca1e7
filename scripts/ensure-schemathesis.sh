#!/usr/bin/env bash
# Installs Schemathesis (the API fuzzer of test/api/fuzz.test.ts) once into a virtual environment in the
# cache and prints the path of its `st` command (the only line on stdout). A warm cache costs one file test.
set -euo pipefail
# shellcheck source=../stack/lib.sh
. "$(cd "$(dirname "$0")/.." && pwd)/stack/lib.sh"

SCHEMATHESIS_VERSION=4.32.5
SCHEMATHESIS_HOME="$CACHE_DIR/schemathesis-$SCHEMATHESIS_VERSION"
ST_BIN="$SCHEMATHESIS_HOME/bin/st"

installed() { [ -f "$SCHEMATHESIS_HOME/.installed" ]; }

if ! installed; then
  ensure_dirs
  # A venv's scripts name their interpreter by absolute path, so it is built where it lives: under a
  # lock, with a marker written last, so two runs never use or build half an environment.
  exec {lock}>"$CACHE_DIR/schemathesis.install.lock"
  flock -w 600 "$lock" || die "schemathesis: another install is still running"
  if ! installed; then
    log "schemathesis: installing $SCHEMATHESIS_VERSION from PyPI into $SCHEMATHESIS_HOME (first run)…"
    ensure_cmd python3 python3
    python3 -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
    rm -rf "$SCHEMATHESIS_HOME"
    python3 -m venv "$SCHEMATHESIS_HOME" >&2
    "$SCHEMATHESIS_HOME/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2
    "$ST_BIN" --version >&2
    touch "$SCHEMATHESIS_HOME/.installed"
  fi
fi
printf '%s\n' "$ST_BIN"
