# shellcheck shell=bash
# The cluster profile's last step of `STACK_PROFILE=cluster bash stack/up`, once its servers answer
# (stack/profiles.txt lists them): the services' own database and .stack/cluster/stack.env, then the
# summary. Sourced by stack/up. docs/cluster.md explains the profile.
#
# Its env file is its own: .stack/stack.env stays the dev profile's, which npm start, npm test and every
# stack test read, so a cluster up beside a running dev stack never points them elsewhere.

CLUSTER_ENV_FILE="$STACK_DIR/cluster/stack.env"
# The services run against the cluster get a database of their own on the shared PostgreSQL: with the
# dev profile's, both outbox relays would publish (and mark published) each other's rows.
CLUSTER_APP_DB="${POSTGRES_DB}_cluster"
# Ports of the services run against the cluster (scripts/start-cluster.sh), apart from npm start's.
CLUSTER_HTTP_PORT=3400
CLUSTER_ORDER_WORKER_METRICS_PORT=9565
CLUSTER_BRIDGE_METRICS_PORT=9564

_cluster_app_db() {
  postgres_check >/dev/null 2>&1 || return 0
  cluster_pg_admin >&2 <<SQL
SELECT 'CREATE DATABASE $CLUSTER_APP_DB OWNER $POSTGRES_USER'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$CLUSTER_APP_DB') \gexec
SQL
}

cluster_env_lines() {
  echo "# Written by STACK_PROFILE=cluster bash stack/up (stack/cluster/profile.sh). Load it with"
  echo "# set -a; . .stack/cluster/stack.env; set +a  (scripts/start-cluster.sh does)."
  env_line STACK_PROFILE cluster
  # Node A's frontend; a second copy of the services is meant to dial node B's.
  env_line TEMPORAL_ADDRESS "$(temporal_node_address a)"
  env_line TEMPORAL_ADDRESS_B "$(temporal_node_address b)"
  env_line TEMPORAL_UI_URL "http://127.0.0.1:$TEMPORAL_CLUSTER_UI_PORT"
  env_line KAFKA_BROKERS "$(kafka_cluster_brokers)"
  # platform/kafka.ts ensureTopics creates every product topic with these (platform/config.ts); the
  # brokers' min.insync.replicas=2 is every topic's (stack/cluster/kafka-node.sh).
  env_line KAFKA_TOPIC_REPLICATION 3
  env_line KAFKA_TOPIC_PARTITIONS 3
  env_line DATABASE_URL "postgres://$POSTGRES_USER:$POSTGRES_PASSWORD@127.0.0.1:$POSTGRES_PORT/$CLUSTER_APP_DB"
  env_line SMTP_URL "smtp://127.0.0.1:$MAILDEV_SMTP_PORT"
  env_line MAILDEV_URL "http://127.0.0.1:$MAILDEV_WEB_PORT"
  env_line INBOX_URL "http://127.0.0.1:$INBOX_PORT"
  env_line STRIPE_API_BASE "http://127.0.0.1:$LOCALSTRIPE_PORT"
  env_line TEMPORAL_CLI "$TEMPORAL_BIN"
  echo "# No Druid in this profile: the analytics routes answer 503 (nothing listens on port 9, the"
  echo "# discard port), instead of reading the dev profile's Druid, which ingests the dev broker."
  env_line DRUID_BROKER_URL "http://127.0.0.1:9"
  env_line HTTP_PORT "$CLUSTER_HTTP_PORT"
  env_line ORDER_WORKER_METRICS_PORT "$CLUSTER_ORDER_WORKER_METRICS_PORT"
  env_line BRIDGE_METRICS_PORT "$CLUSTER_BRIDGE_METRICS_PORT"
}

# stack/up's last step for this profile: T0 is when up took its lock.
cluster_profile_up() {
  _cluster_app_db
  mkdir -p "$(dirname "$CLUSTER_ENV_FILE")"
  cluster_env_lines >"$CLUSTER_ENV_FILE.tmp"
  mv "$CLUSTER_ENV_FILE.tmp" "$CLUSTER_ENV_FILE"
  cat >&2 <<SUMMARY
[stack] cluster profile up in ${SECONDS}s
  Temporal      node A 127.0.0.1:$TEMPORAL_A_PORT, node B 127.0.0.1:$TEMPORAL_B_PORT   ($TEMPORAL_CLUSTER_SHARDS history shards; PostgreSQL $TEMPORAL_CLUSTER_DB + $TEMPORAL_CLUSTER_VISIBILITY_DB)
  Temporal UI   http://127.0.0.1:$TEMPORAL_CLUSTER_UI_PORT   (through node A)
  Kafka         $(kafka_cluster_brokers)   (3 brokers, replication 3, min.insync.replicas 2)
  PostgreSQL    postgres://$POSTGRES_USER:***@127.0.0.1:$POSTGRES_PORT/$CLUSTER_APP_DB   (shared with the dev profile)
  MailDev       smtp://127.0.0.1:$MAILDEV_SMTP_PORT   inbox http://127.0.0.1:$MAILDEV_WEB_PORT   (shared)
  Webhook inbox http://127.0.0.1:$INBOX_PORT   (shared)
  localstripe   http://127.0.0.1:$LOCALSTRIPE_PORT   (shared)
  not here      Druid, n8n (dev profile only)
  env file      $CLUSTER_ENV_FILE   (set -a; . .stack/cluster/stack.env; set +a)
SUMMARY
}
