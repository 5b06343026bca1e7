#!/usr/bin/env bash
# Installs Debian's Chromium once (the browser tests drive it headless through puppeteer-core, which never
# downloads a browser of its own) and prints its path, the only line on stdout.
set -euo pipefail
# shellcheck source=../stack/lib.sh
. "$(cd "$(dirname "$0")/.." && pwd)/stack/lib.sh"
ensure_dirs
ensure_cmd chromium chromium
command -v chromium
