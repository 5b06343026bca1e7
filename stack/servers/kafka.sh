# shellcheck shell=bash
# Kafka: one KRaft node acting as broker and controller, run straight from
# the Maven Central jars (no distribution tarball is reachable).

# Also pinned in stack/kafka/pom.xml (what is resolved) and docker-compose.yml; a unit test keeps them equal.
KAFKA_VERSION=3.9.1
KAFKA_HOME="$CACHE_DIR/kafka-$KAFKA_VERSION"
KAFKA_LIBS="$KAFKA_HOME/libs"
KAFKA_DIR="$STACK_DIR/kafka"
KAFKA_PROPS="$KAFKA_DIR/server.properties"
# Fixed so the storage formatted once keeps matching the config; it is the
# base64url form of the 16 bytes "fusioncommerce01".
KAFKA_CLUSTER_ID="ZnVzaW9uY29tbWVyY2UwMQ"

kafka_ports() { server_ports kafka; }
kafka_match() { printf 'kafka.Kafka %s' "$KAFKA_PROPS"; }

# The libs folder is tied to the pom that produced it: editing the pom
# (say, a version bump) makes the next `up` resolve again.
_kafka_pom_sum() { sha256sum "$STACK_SRC/kafka/pom.xml" | cut -d' ' -f1; }

kafka_install() {
  ensure_cmd java openjdk-17-jre-headless
  ensure_cmd python3 python3   # for the readiness probe below
  local marker="$KAFKA_HOME/.installed"
  [ -f "$marker" ] && [ "$(cat "$marker")" = "$(_kafka_pom_sum)" ] && return 0
  ensure_cmd mvn maven
  log "kafka: installing $KAFKA_VERSION jars from Maven Central (first run)…"
  local build="$KAFKA_HOME/build"
  rm -rf "$KAFKA_LIBS" "$build"
  mkdir -p "$build"
  # Run from a copy so Maven leaves nothing behind in the work tree; the
  # local repository sits in the cache too, keeping the install self-contained.
  cp "$STACK_SRC/kafka/pom.xml" "$build/pom.xml"
  # Maven's own output goes to a file and is shown only if it fails.
  if ! (cd "$build" && mvn -B -q -Dmaven.repo.local="$CACHE_DIR/m2" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS") \
    >"$build/mvn.log" 2>&1; then
    tail -n 40 "$build/mvn.log" >&2
    die "kafka: Maven could not resolve the jars; see $build/mvn.log"
  fi
  _kafka_pom_sum >"$marker"
  log "kafka: $(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars in $KAFKA_LIBS"
}

_kafka_write_props() {
  cat >"$KAFKA_PROPS" <<PROPS
# Written by stack/up on every start; edit stack/servers/kafka.sh instead.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=3
auto.create.topics.enable=true
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
# Consumers of a fresh group start at once instead of after 3 s.
group.initial.rebalance.delay.ms=0
# The internal topics default to 50 partitions each, which takes seconds to
# create on a small machine the first time a group or transaction appears.
offsets.topic.num.partitions=3
transaction.state.log.num.partitions=3
PROPS
}

# Heap capped for a small machine; G1 settings as in Kafka's own scripts.
KAFKA_JVM=(
  -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
  -Dlog4j.configuration="file:$STACK_SRC/kafka/log4j.properties"
  -cp "$KAFKA_LIBS/*"
)

kafka_start() {
  mkdir -p "$KAFKA_DIR/data"
  _kafka_write_props
  if [ ! -f "$KAFKA_DIR/data/meta.properties" ]; then
    log "kafka: formatting storage (cluster id $KAFKA_CLUSTER_ID)"
    java "${KAFKA_JVM[@]}" kafka.tools.StorageTool format -t "$KAFKA_CLUSTER_ID" -c "$KAFKA_PROPS" \
      >>"$(log_file kafka)" 2>&1 || { log_tail kafka; die "kafka: storage format failed; see $(log_file kafka)"; }
  fi
  log "kafka: starting broker on 127.0.0.1:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT)"
  spawn kafka java "${KAFKA_JVM[@]}" kafka.Kafka "$KAFKA_PROPS"
}

# A real Metadata request (v1, no topics) over the wire: answers only once
# the broker has joined the cluster and knows itself. Starting a JVM admin
# client for this would cost seconds of CPU on every poll.
kafka_ping() {
  python3 - "$KAFKA_PORT" <<'PY'
import socket, struct, sys
client = b"stack"
body = struct.pack(">hhih", 3, 1, 1, len(client)) + client + struct.pack(">i", 0)
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3) as s:
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
brokers, = struct.unpack(">i", data[4:8])
sys.exit(0 if brokers >= 1 else 1)
PY
}

kafka_check() { kafka_ping; }
