# shellcheck shell=bash
# The Temporal UI server of the cluster profile (the dev profile's UI is built into the CLI's dev
# server), pointed at node A's frontend. Built from the Go module proxy: github.com/temporalio/ui-server
# ships the built web app inside the module. Its go.mod names github.com/labstack/echo/v4 v4.16.1 and
# go.temporal.io/api v1.64.0, versions the proxy refuses, so a wrapper module in the cache pins served
# ones (replace directives) and builds the server's main package from there.

# shellcheck source=../cluster/temporal-node.sh
. "$STACK_SRC/cluster/temporal-node.sh"

TEMPORAL_UI_VERSION=2.58.1
TEMPORAL_UI_ECHO_VERSION=v4.16.0
TEMPORAL_UI_API_VERSION=v1.64.3
TEMPORAL_UI_HOME="$CACHE_DIR/temporal-ui-$TEMPORAL_UI_VERSION"
TEMPORAL_UI_BIN="$TEMPORAL_UI_HOME/bin/ui-server"
TEMPORAL_UI_DIR="$STACK_DIR/cluster/temporal-ui"

temporal_ui_ports() { server_ports temporal_ui; }
temporal_ui_match() { printf -- '--root %s' "$TEMPORAL_UI_DIR"; }

_temporal_ui_go() {
  (cd "$TEMPORAL_UI_HOME/src" &&
    env GOPATH="$TEMPORAL_UI_HOME/gopath" GOCACHE="$TEMPORAL_UI_HOME/gocache" \
      GOTOOLCHAIN="$TEMPORAL_SERVER_GOTOOLCHAIN" GOFLAGS=-buildvcs=false go "$@")
}

temporal_ui_install() {
  [ -x "$TEMPORAL_UI_BIN" ] && return 0
  ensure_cmd go golang-go
  local src="$TEMPORAL_UI_HOME/src"
  log "temporal_ui: building github.com/temporalio/ui-server/v2 v$TEMPORAL_UI_VERSION (first run, a few minutes)"
  rm -rf "$src"
  mkdir -p "$src" "$TEMPORAL_UI_HOME/bin"
  cat >"$src/go.mod" <<MOD
// Written by stack/servers/temporal_ui.sh: builds the Temporal UI server with dependencies the Go module
// proxy serves.
module fusioncommerce.local/temporal-ui

go 1.26.10

require github.com/temporalio/ui-server/v2 v$TEMPORAL_UI_VERSION

replace github.com/labstack/echo/v4 => github.com/labstack/echo/v4 $TEMPORAL_UI_ECHO_VERSION

replace go.temporal.io/api => go.temporal.io/api $TEMPORAL_UI_API_VERSION
MOD
  cat >"$src/tools.go" <<'GO'
//go:build tools

// Package tools only names the program this module builds.
package tools

import _ "github.com/temporalio/ui-server/v2/cmd/server"
GO
  go_build_with_progress temporal_ui "$TEMPORAL_UI_HOME/build.log" "$TEMPORAL_UI_HOME/gocache" \
    _temporal_ui_go_build
}
_temporal_ui_go_build() {
  _temporal_ui_go mod tidy &&
    _temporal_ui_go build -o "$TEMPORAL_UI_BIN.part" github.com/temporalio/ui-server/v2/cmd/server &&
    mv "$TEMPORAL_UI_BIN.part" "$TEMPORAL_UI_BIN"
}

_temporal_ui_write_config() {
  mkdir -p "$TEMPORAL_UI_DIR/config"
  cat >"$TEMPORAL_UI_DIR/config/cluster.yaml" <<YAML
# Written by stack/up on every start; edit stack/servers/temporal_ui.sh instead.
# One frontend address: node A's. Production puts a load balancer (or a DNS name with every frontend)
# in front of the frontends and points the UI at that.
temporalGrpcAddress: $(temporal_node_address a)
host: 127.0.0.1
port: $TEMPORAL_CLUSTER_UI_PORT
publicPath: ""
enableUi: true
defaultNamespace: default
showTemporalSystemNamespace: false
refreshInterval: 1m
# No internet here: no news feed, no version check.
disableNewsFetch: true
notifyOnNewVersion: false
cors:
  cookieInsecure: true
  allowOrigins:
    - http://127.0.0.1:$TEMPORAL_CLUSTER_UI_PORT
auth:
  enabled: false
YAML
}

temporal_ui_start() {
  _temporal_ui_write_config
  log "temporal_ui: starting the Temporal UI on http://127.0.0.1:$TEMPORAL_CLUSTER_UI_PORT (frontend $(temporal_node_address a))"
  spawn temporal_ui "$TEMPORAL_UI_BIN" --root "$TEMPORAL_UI_DIR" --config config --env cluster start
}

temporal_ui_ping() { http_ok "http://127.0.0.1:$TEMPORAL_CLUSTER_UI_PORT/"; }

# The page, and the UI server's own API reaching the cluster (the namespaces, through node A).
temporal_ui_check() {
  temporal_ui_ping &&
    curl -fsS --max-time 5 "http://127.0.0.1:$TEMPORAL_CLUSTER_UI_PORT/api/v1/namespaces" 2>/dev/null |
    grep -q '"default"'
}
