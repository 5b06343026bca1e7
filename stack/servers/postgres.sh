# shellcheck shell=bash
# PostgreSQL: a private cluster on its own port, separate from any system
# cluster the distribution package may have set up.

POSTGRES_DB=fusioncommerce
POSTGRES_USER=fusioncommerce
POSTGRES_PASSWORD=fusioncommerce

# Newest installed major version; empty until the package is installed.
_pg_bin() {
  local d
  d="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  [ -n "$d" ] && [ -x "$d/initdb" ] && printf '%s' "$d"
}

_pg_traversable() {
  mkdir -p "$1"
  (cd / && runuser -u postgres -- test -x "$1") && return 0
  rmdir "$1" 2>/dev/null || true
  return 1
}

# The server refuses to run as root, so its files must belong to the
# `postgres` user, and that user must be able to reach them. The clone is
# the natural home, but a clone under a private home folder (mode 700) is
# out of its reach; then fall back to the cache dir and, failing that too,
# to the postgres user's own home. A hash of the clone's path keeps two
# clones from sharing one cluster.
_pg_root() {
  local key c home
  key="$(printf '%s' "$REPO_ROOT" | sha256sum | cut -c1-12)"
  home="$(getent passwd postgres | cut -d: -f6)"
  for c in "$STACK_DIR/postgres" "$CACHE_DIR/postgres/$key" "${home:-/var/lib/postgresql}/fusioncommerce-$key"; do
    if _pg_traversable "$c"; then printf '%s' "$c"; return 0; fi
  done
  die "postgres: no folder found that the postgres user can reach"
}

_pg_init_paths() {
  [ -n "${PG_ROOT:-}" ] && return 0
  PG_ROOT="$(_pg_root)" || die "postgres: no data folder the postgres user can reach"
  PG_DATA="$PG_ROOT/data"
  PG_SOCK="$PG_ROOT/run"
  # Unix socket paths are limited to about 107 bytes; a deep clone would
  # exceed that, so use a short folder under /tmp in that case.
  if [ $(( ${#PG_SOCK} + 20 )) -gt 107 ]; then
    PG_SOCK="/tmp/fusioncommerce-pg-$(printf '%s' "$REPO_ROOT" | sha256sum | cut -c1-12)"
  fi
}

postgres_ports() { server_ports postgres; }
postgres_match() { _pg_init_paths; printf -- '-D %s' "$PG_DATA"; }
# TERM is a "smart" shutdown that waits for every client to leave; INT
# rolls back open transactions and stops at once, which is what down means.
postgres_stop_signal() { echo INT; }

postgres_install() {
  if [ -z "$(_pg_bin)" ]; then
    log "postgres: installing the postgresql package (first run)…"
    apt_install postgresql
  fi
  [ -n "$(_pg_bin)" ] || die "postgres: initdb not found after installing postgresql"
  ensure_cmd setpriv util-linux
  ensure_cmd runuser util-linux
}

postgres_start() {
  local bin; bin="$(_pg_bin)"
  _pg_init_paths
  [ "$PG_ROOT" = "$STACK_DIR/postgres" ] ||
    log "postgres: the postgres user cannot reach $STACK_DIR (a parent folder is private); data in $PG_ROOT"
  mkdir -p "$PG_DATA" "$PG_SOCK"
  chown postgres:postgres "$PG_DATA" "$PG_SOCK"
  chmod 700 "$PG_DATA"
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    log "postgres: initialising cluster in $PG_DATA"
    # Password (scram) on TCP like a real deployment; peer auth on the
    # private socket so the scripts can administer it as `postgres`.
    (cd / && runuser -u postgres -- "$bin/initdb" -D "$PG_DATA" -U postgres \
      --encoding=UTF8 --no-locale --auth-local=peer --auth-host=scram-sha-256) \
      >>"$(log_file postgres)" 2>&1 || { log_tail postgres; die "postgres: initdb failed; see $(log_file postgres)"; }
  fi
  log "postgres: starting on 127.0.0.1:$POSTGRES_PORT"
  # setpriv switches user and then execs, so the recorded pid is the
  # postmaster itself; the log stays writable through the inherited fd.
  (cd / && spawn postgres setpriv --reuid=postgres --regid=postgres --init-groups \
    "$bin/postgres" -D "$PG_DATA" -c listen_addresses=127.0.0.1 -c port="$POSTGRES_PORT" \
    -c unix_socket_directories="$PG_SOCK")
}

postgres_ping() {
  "$(_pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT" -t 3
}

# Idempotent: the role and database are created only when missing. CREATEDB
# lets test suites make throw-away databases of their own.
postgres_setup() {
  _pg_init_paths
  (cd / && runuser -u postgres -- "$(_pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 \
    -h "$PG_SOCK" -p "$POSTGRES_PORT" -U postgres -d postgres) >&2 <<SQL
SELECT 'CREATE ROLE $POSTGRES_USER LOGIN CREATEDB PASSWORD ''$POSTGRES_PASSWORD'''
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$POSTGRES_USER') \gexec
SELECT 'CREATE DATABASE $POSTGRES_DB OWNER $POSTGRES_USER'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$POSTGRES_DB') \gexec
SQL
}

postgres_check() {
  postgres_ping &&
    PGPASSWORD="$POSTGRES_PASSWORD" PGCONNECT_TIMEOUT=3 "$(_pg_bin)/psql" -X -tA \
      -h 127.0.0.1 -p "$POSTGRES_PORT" -U "$POSTGRES_USER" -d "$POSTGRES_DB" \
      -c 'SELECT 1' 2>/dev/null | grep -qx 1
}
