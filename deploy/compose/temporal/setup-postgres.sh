#!/bin/sh
# The schema step of Temporal on PostgreSQL in docker-compose.yml, run by temporalio/admin-tools before
# temporalio/server starts: what temporalio/auto-setup (deprecated) did at every start, done the way
# Temporal's own compose files now do it (temporalio/samples-server, compose/scripts/setup-postgres.sh).
# The two databases exist already (the postgres-databases service creates them). setup-schema -v 0.0
# creates the schema_version tables, update-schema applies every versioned step above the recorded
# version: both are safe to run on every `docker compose up`, and an admin-tools image of a newer server
# version migrates the schema before that server starts.
#
# Advanced visibility on SQL: with the postgres12 plugin the visibility database holds the search
# attributes in columns of its own (no Elasticsearch needed); its schema comes from visibility/versioned.
set -eu
: "${SQL_HOST:?}" "${SQL_PORT:?}" "${SQL_USER:?}" "${SQL_PASSWORD:?}"
schema=/etc/temporal/schema/postgresql/v12

until nc -z "$SQL_HOST" "$SQL_PORT"; do
  echo "waiting for PostgreSQL at $SQL_HOST:$SQL_PORT"
  sleep 1
done

for pair in temporal:temporal temporal_visibility:visibility; do
  db="${pair%%:*}"
  dir="${pair#*:}"
  echo "schema of $db ($schema/$dir/versioned)"
  temporal-sql-tool --plugin postgres12 --ep "$SQL_HOST" -p "$SQL_PORT" -u "$SQL_USER" --db "$db" setup-schema -v 0.0
  temporal-sql-tool --plugin postgres12 --ep "$SQL_HOST" -p "$SQL_PORT" -u "$SQL_USER" --db "$db" \
    update-schema -d "$schema/$dir/versioned"
done
echo 'Temporal schema up to date'
