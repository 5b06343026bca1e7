# shellcheck shell=bash
# The cluster profile's Temporal: the real server (go.temporal.io/server, built from the Go module proxy)
# as two processes, node A and node B, each running the frontend, history, matching and worker services.
# They share one persistence store on the stack's PostgreSQL (database `temporal`) and one SQL advanced
# visibility store (database `temporal_visibility`), and find each other through the store's
# cluster_membership table: each service of each node registers its membership (ringpop) port there, and
# the history shards and task queue partitions are spread over both nodes' history and matching services.
# A client may dial either frontend (TEMPORAL_ADDRESS and TEMPORAL_ADDRESS_B in .stack/cluster/stack.env).
# Sourced by stack/servers/temporal_{a,b}.sh; the ports of node N are TEMPORAL_<N>_* from servers.txt.

TEMPORAL_SERVER_VERSION=1.32.2
# The server module needs Go >= 1.26.10; the machine's go fetches this toolchain from the module proxy.
TEMPORAL_SERVER_GOTOOLCHAIN=go1.27.3
TEMPORAL_SERVER_HOME="$CACHE_DIR/temporal-server-$TEMPORAL_SERVER_VERSION"
TEMPORAL_SERVER_BIN="$TEMPORAL_SERVER_HOME/bin/server"
# temporal-sql-tool (go.temporal.io/server/cmd/tools/sql): creates and migrates the schemas.
TEMPORAL_SQL_TOOL="$TEMPORAL_SERVER_HOME/bin/sql"
# The schema folders ship inside the module, which the build leaves in the module cache.
TEMPORAL_SERVER_MODULE="$TEMPORAL_SERVER_HOME/gopath/pkg/mod/go.temporal.io/server@v$TEMPORAL_SERVER_VERSION"
TEMPORAL_CLUSTER_DIR="$STACK_DIR/cluster"

# numHistoryShards: the number of history shards, fixed when the cluster's store is first created (a
# server started later with another number refuses the store; changing it means a new cluster and a
# migration of every workflow). Each shard is owned by one history service at a time and is the unit of
# history's concurrency: one shard's workflow updates are serialised through its range id, and each shard
# runs its own transfer, timer and visibility queue readers, which poll PostgreSQL even when idle.
# 8 here: 4 per node, so the shards visibly move between the two nodes when one stops (the point of a
# cluster profile), and more than the 2 cores can use at once, so no shard is the bottleneck of a local
# run. What it costs on 2 cores: every shard's idle queue polling (a few queries a second per shard, and
# a share of the idle CPU measured in docs/cluster.md) and its memory; 512 shards would keep both cores
# busy doing nothing. Production sizes it for the peak it must ever carry, since it cannot change: 512 to
# 4096 is usual (Temporal's guidance: a shard handles some hundreds of state transitions a second), with
# history hosts added as load grows and shards rebalancing over them.
TEMPORAL_CLUSTER_SHARDS=8

# The role and databases the nodes use on the stack's PostgreSQL (postgres.sh).
TEMPORAL_CLUSTER_DB_USER=temporal
TEMPORAL_CLUSTER_DB_PASSWORD=temporal
TEMPORAL_CLUSTER_DB=temporal
TEMPORAL_CLUSTER_VISIBILITY_DB=temporal_visibility

_temporal_node_var() { local v="TEMPORAL_${1^^}_$2"; printf '%s' "${!v}"; }
temporal_node_address() { printf '127.0.0.1:%s' "$(_temporal_node_var "$1" PORT)"; }
_temporal_node_config() { printf '%s/temporal-%s.yaml' "$TEMPORAL_CLUSTER_DIR" "$1"; }

# `go install` with everything in the cache folder: the module cache (with the schema folders), the
# build cache and the binaries, so a fresh clone on this machine reuses them and a delete of the folder
# is a clean uninstall.
_temporal_go() {
  env GOPATH="$TEMPORAL_SERVER_HOME/gopath" GOCACHE="$TEMPORAL_SERVER_HOME/gocache" \
    GOBIN="$TEMPORAL_SERVER_HOME/bin" GOTOOLCHAIN="$TEMPORAL_SERVER_GOTOOLCHAIN" GOFLAGS=-buildvcs=false \
    go "$@"
}

# go_build_with_progress NAME LOG CACHE CMD...: runs a long build in the background, printing a line
# every 30 s (time so far, size of the build cache) until it ends; fails with the log's last lines.
go_build_with_progress() {
  local name="$1" build_log="$2" cache="$3" pid start=$SECONDS size
  shift 3
  "$@" >"$build_log" 2>&1 &
  pid=$!
  while pid_alive "$pid"; do
    sleep 5
    if [ $(((SECONDS - start) % 30)) -lt 5 ] && pid_alive "$pid"; then
      size="$(du -sm "$cache" 2>/dev/null | cut -f1)"
      log "$name: still building, $((SECONDS - start))s so far (build cache ${size:-0} MB; log $build_log)"
    fi
  done
  if ! wait "$pid"; then
    tail -n 30 "$build_log" >&2
    die "$name: the build failed; see $build_log"
  fi
  log "$name: built in $((SECONDS - start))s"
}

temporal_node_install() {
  # The CLI (the dev profile's, from PyPI) registers namespaces and search attributes and probes health.
  temporal_install
  [ -x "$TEMPORAL_SERVER_BIN" ] && [ -x "$TEMPORAL_SQL_TOOL" ] && return 0
  ensure_cmd go golang-go
  # Both nodes install the same build: one lock for it, whichever node's install takes it first.
  local fd
  exec {fd}>"$CACHE_DIR/temporal-server-$TEMPORAL_SERVER_VERSION.install.lock"
  flock -w "${STACK_INSTALL_TIMEOUT:-3600}" "$fd" || die "temporal: another build of the server is still running"
  if ! { [ -x "$TEMPORAL_SERVER_BIN" ] && [ -x "$TEMPORAL_SQL_TOOL" ]; }; then
    mkdir -p "$TEMPORAL_SERVER_HOME"
    log "temporal: building go.temporal.io/server v$TEMPORAL_SERVER_VERSION and temporal-sql-tool with $TEMPORAL_SERVER_GOTOOLCHAIN (first run: 7 to 15 minutes on 2 cores, 1.6 GB of build cache and 1.8 GB of modules in $TEMPORAL_SERVER_HOME)"
    go_build_with_progress temporal "$TEMPORAL_SERVER_HOME/build.log" "$TEMPORAL_SERVER_HOME/gocache" \
      _temporal_go install "go.temporal.io/server/cmd/server@v$TEMPORAL_SERVER_VERSION" \
      "go.temporal.io/server/cmd/tools/sql@v$TEMPORAL_SERVER_VERSION"
  fi
  exec {fd}>&-
}

# SQL from stdin as PostgreSQL's superuser, through the private socket (as postgres_setup does).
cluster_pg_admin() {
  _pg_init_paths
  (cd / && runuser -u postgres -- "$(_pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 \
    -h "$PG_SOCK" -p "$POSTGRES_PORT" -U postgres -d postgres)
}

_temporal_sql_tool() {
  SQL_PASSWORD="$TEMPORAL_CLUSTER_DB_PASSWORD" "$TEMPORAL_SQL_TOOL" --plugin postgres12 --endpoint 127.0.0.1 \
    --port "$POSTGRES_PORT" --user "$TEMPORAL_CLUSTER_DB_USER" "$@"
}

# The role, both databases and both schemas, each brought to the newest version the module ships.
# Idempotent (setup-schema -v 0.0 only creates the version table when it is missing, update-schema
# applies the versions the database lacks), run once per `up` by whichever node starts first, under a
# lock so two `up`s never migrate at once.
_TEMPORAL_SCHEMA_DONE=0
_temporal_schema() {
  [ "$_TEMPORAL_SCHEMA_DONE" = 1 ] && return 0
  local fd db dir
  mkdir -p "$TEMPORAL_CLUSTER_DIR"
  exec {fd}>"$TEMPORAL_CLUSTER_DIR/schema.lock"
  flock -w 300 "$fd" || die "temporal: another up is still migrating the schema"
  # PostgreSQL is started by this same `up` (or already runs): its start is only launched by now.
  local deadline=$((SECONDS + STACK_START_TIMEOUT))
  until postgres_ping >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || die "temporal: PostgreSQL did not answer within ${STACK_START_TIMEOUT}s"
    sleep 0.5
  done
  cluster_pg_admin >&2 <<SQL
SELECT 'CREATE ROLE $TEMPORAL_CLUSTER_DB_USER LOGIN PASSWORD ''$TEMPORAL_CLUSTER_DB_PASSWORD'''
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$TEMPORAL_CLUSTER_DB_USER') \gexec
SELECT 'CREATE DATABASE $TEMPORAL_CLUSTER_DB OWNER $TEMPORAL_CLUSTER_DB_USER'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$TEMPORAL_CLUSTER_DB') \gexec
SELECT 'CREATE DATABASE $TEMPORAL_CLUSTER_VISIBILITY_DB OWNER $TEMPORAL_CLUSTER_DB_USER'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$TEMPORAL_CLUSTER_VISIBILITY_DB') \gexec
SQL
  for db in "$TEMPORAL_CLUSTER_DB" "$TEMPORAL_CLUSTER_VISIBILITY_DB"; do
    if [ "$db" = "$TEMPORAL_CLUSTER_DB" ]; then dir=temporal; else dir=visibility; fi
    dir="$TEMPORAL_SERVER_MODULE/schema/postgresql/v12/$dir/versioned"
    [ -d "$dir" ] || die "temporal: the schema folder $dir is missing (the module cache was cleaned?); delete $TEMPORAL_SERVER_BIN and run up again to fetch it"
    {
      _temporal_sql_tool --database "$db" setup-schema -v 0.0 &&
        _temporal_sql_tool --database "$db" update-schema -d "$dir"
    } >>"$(log_file temporal-schema)" 2>&1 ||
      { log_tail temporal-schema; die "temporal: the schema of database $db could not be brought up to date; see $(log_file temporal-schema)"; }
  done
  log "temporal: schemas of $TEMPORAL_CLUSTER_DB and $TEMPORAL_CLUSTER_VISIBILITY_DB up to date ($(_temporal_schema_versions))"
  exec {fd}>&-
  _TEMPORAL_SCHEMA_DONE=1
}

_temporal_schema_versions() {
  local db out=()
  for db in "$TEMPORAL_CLUSTER_DB" "$TEMPORAL_CLUSTER_VISIBILITY_DB"; do
    out+=("$db $(PGPASSWORD="$TEMPORAL_CLUSTER_DB_PASSWORD" "$(_pg_bin)/psql" -X -tA -h 127.0.0.1 -p "$POSTGRES_PORT" \
      -U "$TEMPORAL_CLUSTER_DB_USER" -d "$db" -c 'SELECT curr_version FROM schema_version' 2>/dev/null)")
  done
  local IFS=,
  echo "${out[*]}"
}

# One config file per node, written on every start like Kafka's server.properties.
_temporal_node_write_config() {
  local n="$1"
  _tnv() { _temporal_node_var "$n" "$1"; }
  mkdir -p "$TEMPORAL_CLUSTER_DIR"
  cat >"$(_temporal_node_config "$n")" <<YAML
# Written by stack/up on every start; edit stack/cluster/temporal-node.sh instead.
# Temporal server node ${n^^} of the cluster profile (docs/cluster.md).
log:
  stdout: true
  level: warn

persistence:
  defaultStore: default
  visibilityStore: visibility
  # Fixed for the life of the store: see TEMPORAL_CLUSTER_SHARDS in stack/cluster/temporal-node.sh.
  numHistoryShards: $TEMPORAL_CLUSTER_SHARDS
  datastores:
    # Each of the four services of a node has pools of its own, and PostgreSQL (max_connections 100) is
    # shared with the dev profile and its tests: at most (3 + 2) x 4 services x 2 nodes = 40 connections.
    default:
      sql:
        pluginName: postgres12
        databaseName: $TEMPORAL_CLUSTER_DB
        connectAddr: 127.0.0.1:$POSTGRES_PORT
        connectProtocol: tcp
        user: $TEMPORAL_CLUSTER_DB_USER
        password: $TEMPORAL_CLUSTER_DB_PASSWORD
        maxConns: 3
        maxIdleConns: 2
        maxConnLifetime: 1h
    # SQL advanced visibility: list and count workflows by the custom search attributes.
    visibility:
      sql:
        pluginName: postgres12
        databaseName: $TEMPORAL_CLUSTER_VISIBILITY_DB
        connectAddr: 127.0.0.1:$POSTGRES_PORT
        connectProtocol: tcp
        user: $TEMPORAL_CLUSTER_DB_USER
        password: $TEMPORAL_CLUSTER_DB_PASSWORD
        maxConns: 2
        maxIdleConns: 1
        maxConnLifetime: 1h

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
  metrics:
    prometheus:
      framework: tally
      timerType: histogram
      listenAddress: 127.0.0.1:$(_tnv METRICS_PORT)

services:
  frontend:
    rpc:
      grpcPort: $(_tnv PORT)
      httpPort: $(_tnv HTTP_PORT)
      membershipPort: $(_tnv FRONTEND_MEMBERSHIP_PORT)
      bindOnIP: 127.0.0.1
  history:
    rpc:
      grpcPort: $(_tnv HISTORY_PORT)
      membershipPort: $(_tnv HISTORY_MEMBERSHIP_PORT)
      bindOnIP: 127.0.0.1
  matching:
    rpc:
      grpcPort: $(_tnv MATCHING_PORT)
      membershipPort: $(_tnv MATCHING_MEMBERSHIP_PORT)
      bindOnIP: 127.0.0.1
  worker:
    rpc:
      grpcPort: $(_tnv WORKER_PORT)
      membershipPort: $(_tnv WORKER_MEMBERSHIP_PORT)
      bindOnIP: 127.0.0.1

# One cluster (no multi-cluster replication); both nodes are members of it.
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: fusioncommerce
  currentClusterName: fusioncommerce
  clusterInformation:
    fusioncommerce:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: $(temporal_node_address a)

dcRedirectionPolicy:
  policy: noop

archival:
  history:
    state: disabled
  visibility:
    state: disabled

namespaceDefaults:
  archival:
    history:
      state: disabled
    visibility:
      state: disabled

# The features the dev server is given on its command line (stack/servers/temporal.sh).
dynamicConfigClient:
  filepath: $STACK_SRC/cluster/temporal-dynamicconfig.yaml
  pollInterval: 10s
YAML
  unset -f _tnv
}

temporal_node_start() {
  local n="$1"
  _temporal_schema
  _temporal_node_write_config "$n"
  # On a new store both nodes would race to write the cluster's metadata, and the loser exits
  # ("SaveClusterMetadata encountered version mismatch"): node B starts once node A serves (at once
  # when A is already up), or after the start timeout when A is not coming.
  if [ "$n" != a ]; then
    local deadline=$((SECONDS + STACK_START_TIMEOUT))
    until temporal_node_ping a || [ "$SECONDS" -ge "$deadline" ]; do sleep 1; done
  fi
  log "temporal_$n: starting Temporal server node ${n^^} (frontend 127.0.0.1:$(_temporal_node_var "$n" PORT), $TEMPORAL_CLUSTER_SHARDS history shards shared with the other node)"
  spawn "temporal_$n" "$TEMPORAL_SERVER_BIN" --config-file "$(_temporal_node_config "$n")" --allow-no-auth start
}

temporal_node_ping() {
  "$TEMPORAL_BIN" operator cluster health --address "$(temporal_node_address "$1")" \
    --command-timeout 3s 2>/dev/null | grep -q SERVING
}

# The namespaces and search attributes of the dev profile (temporal.sh), registered once for the
# cluster: they live in the shared store, so node A's setup does it and node B sees them.
TEMPORAL_CLUSTER_NAMESPACES=(default "${TEMPORAL_EXTRA_NAMESPACES[@]}")
temporal_node_setup() {
  [ "$1" = a ] || return 0
  temporal_register_namespaces "temporal_$1" "$(temporal_node_address "$1")" "${TEMPORAL_CLUSTER_NAMESPACES[@]}"
}

# Serving, and its frontend knows the namespaces (node B's registry may lag node A's by seconds).
temporal_node_check() {
  local ns
  temporal_node_ping "$1" || return 1
  for ns in "${TEMPORAL_CLUSTER_NAMESPACES[@]}"; do
    "$TEMPORAL_BIN" operator namespace describe --address "$(temporal_node_address "$1")" \
      --namespace "$ns" --command-timeout 3s >/dev/null 2>&1 || return 1
  done
}
