# shellcheck shell=bash
# The cluster profile's Kafka: three KRaft nodes, each a broker and a controller in one JVM, forming one
# controller quorum (2 of 3 voters keep it). Run from the very jars the dev profile's broker installs
# (stack/servers/kafka.sh: KAFKA_LIBS, KAFKA_JVM's logging), with a data folder, node id and ports each.
# Sourced by stack/servers/kafka_{1,2,3}.sh; each node's ports are KAFKA_<n>_PORT (PLAINTEXT) and
# KAFKA_<n>_CONTROLLER_PORT, from stack/servers.txt.
#
# Replication as in production: every topic at 3 replicas with min.insync.replicas=2, so a producer with
# acks=all (the services' idempotent producer, platform/kafka.ts) keeps writing with one broker down and
# never loses an acknowledged record to the loss of one broker. The services create their topics with
# KAFKA_TOPIC_REPLICATION from .stack/cluster/stack.env (3); min.insync.replicas comes from the brokers'
# default below (ensureTopics sets no per-topic config).

KAFKA_CLUSTER_NODES=(1 2 3)
# Not the dev broker's id, so neither can ever join the other's quorum: base64url of "fusioncluster001".
KAFKA_CLUSTER_CLUSTER_ID="ZnVzaW9uY2x1c3RlcjAwMQ"

_kafka_node_dir() { printf '%s/cluster/kafka-%s' "$STACK_DIR" "$1"; }
_kafka_node_port() { local v="KAFKA_$1_PORT"; printf '%s' "${!v}"; }
_kafka_node_controller_port() { local v="KAFKA_$1_CONTROLLER_PORT"; printf '%s' "${!v}"; }

# host:port of every broker, for clients (KAFKA_BROKERS).
kafka_cluster_brokers() {
  local n out=()
  for n in "${KAFKA_CLUSTER_NODES[@]}"; do out+=("127.0.0.1:$(_kafka_node_port "$n")"); done
  local IFS=,
  echo "${out[*]}"
}

# The same jars as the dev broker (one install, one cache).
kafka_node_install() { kafka_install; }

_kafka_node_write_props() {
  local n="$1" dir voters=() m
  dir="$(_kafka_node_dir "$n")"
  for m in "${KAFKA_CLUSTER_NODES[@]}"; do voters+=("$m@127.0.0.1:$(_kafka_node_controller_port "$m")"); done
  local IFS=,
  cat >"$dir/server.properties" <<PROPS
# Written by stack/up on every start; edit stack/cluster/kafka-node.sh instead.
process.roles=broker,controller
node.id=$n
controller.quorum.voters=${voters[*]}
listeners=PLAINTEXT://127.0.0.1:$(_kafka_node_port "$n"),CONTROLLER://127.0.0.1:$(_kafka_node_controller_port "$n")
advertised.listeners=PLAINTEXT://127.0.0.1:$(_kafka_node_port "$n")
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=3
# Production refuses topics nobody declared; the services create theirs (ensureTopics).
auto.create.topics.enable=false
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
unclean.leader.election.enable=false
group.initial.rebalance.delay.ms=0
# Small internal topics, as on the dev broker: 50 partitions × 3 replicas is slow to create on 2 cores.
offsets.topic.num.partitions=3
transaction.state.log.num.partitions=3
PROPS
}

# The dev broker's JVM flags (logging, classpath) with a smaller heap: three of them share 2 cores.
_kafka_node_jvm() {
  local flag out=()
  for flag in "${KAFKA_JVM[@]}"; do
    [[ "$flag" == -Xmx* ]] || out+=("$flag")
  done
  printf '%s\n' -Xms128m -Xmx320m "${out[@]}"
}

kafka_node_start() {
  local n="$1" dir jvm
  dir="$(_kafka_node_dir "$n")"
  mkdir -p "$dir/data"
  _kafka_node_write_props "$n"
  mapfile -t jvm < <(_kafka_node_jvm)
  if [ ! -f "$dir/data/meta.properties" ]; then
    log "kafka_$n: formatting storage (cluster id $KAFKA_CLUSTER_CLUSTER_ID)"
    java "${jvm[@]}" kafka.tools.StorageTool format -t "$KAFKA_CLUSTER_CLUSTER_ID" -c "$dir/server.properties" \
      >>"$(log_file "kafka_$n")" 2>&1 || { log_tail "kafka_$n"; die "kafka_$n: storage format failed; see $(log_file "kafka_$n")"; }
  fi
  log "kafka_$n: starting broker $n of ${#KAFKA_CLUSTER_NODES[@]} on 127.0.0.1:$(_kafka_node_port "$n") (controller $(_kafka_node_controller_port "$n"))"
  spawn "kafka_$n" java "${jvm[@]}" kafka.Kafka "$dir/server.properties"
}

# A Metadata request (v1) to this broker: it answers once it is registered and unfenced with the
# controller quorum, and lists the brokers the quorum knows to be alive. Ping: this node is among them.
# Check: so are at least two (a quorum's worth).
_kafka_node_metadata() {
  python3 - "$(_kafka_node_port "$1")" "$1" "$2" <<'PY'
import socket, struct, sys
port, node, need = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
client = b"stack"
body = struct.pack(">hhih", 3, 1, 1, len(client)) + client + struct.pack(">i", 0)
with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
    s.sendall(struct.pack(">i", len(body)) + body)
    def read(n):
        buf = b""
        while len(buf) < n:
            chunk = s.recv(n - len(buf))
            if not chunk:
                sys.exit(1)
            buf += chunk
        return buf
    size, = struct.unpack(">i", read(4))
    data = read(size)
count, = struct.unpack(">i", data[4:8])
pos, ids = 8, []
for _ in range(count):
    broker, = struct.unpack(">i", data[pos:pos + 4]); pos += 4
    host_len, = struct.unpack(">h", data[pos:pos + 2]); pos += 2 + host_len + 4
    rack_len, = struct.unpack(">h", data[pos:pos + 2]); pos += 2 + max(rack_len, 0)
    ids.append(broker)
sys.exit(0 if node in ids and len(ids) >= need else 1)
PY
}
kafka_node_ping() { _kafka_node_metadata "$1" 1; }
kafka_node_check() { _kafka_node_metadata "$1" 2; }

# Stopped one by one, the last node would wait for a quorum already gone (and be killed after
# STACK_STOP_TIMEOUT): stack/down signals the nodes together.
kafka_node_stop_with() { printf 'kafka_%s ' "${KAFKA_CLUSTER_NODES[@]}"; }
