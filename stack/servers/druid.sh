# shellcheck shell=bash
# Apache Druid: real-time analytics on the Kafka topics. Run straight from
# the Maven Central jars (no distribution tarball or web console is
# reachable), with Derby metadata, local deep storage under .stack/druid and
# ZooKeeper from the same jars. Five JVMs: ZooKeeper, a coordinator that is
# also the overlord, a broker, a historical and an indexer running ingestion
# tasks as threads (a middle manager would fork a JVM per task). Druid has
# no single-process mode; stack/druid/run.sh keeps them together behind one
# pid. The Kafka supervisors (stack/druid/supervisors/*.json) are applied by
# druid_setup.

# Pinned once, in the pom that resolves the jars (<druid.version>).
DRUID_VERSION="$(sed -n 's:.*<druid\.version>\([^<]*\)</druid\.version>.*:\1:p' "$STACK_SRC/druid/pom.xml")"
DRUID_HOME="$CACHE_DIR/druid-$DRUID_VERSION"
DRUID_LIB="$DRUID_HOME/lib"
DRUID_DIR="$STACK_DIR/druid"
DRUID_CONF="$DRUID_DIR/conf"
DRUID_PROCESSES=(zookeeper coordinator historical indexer broker)
# DRUID_BROKER_PORT, _COORDINATOR_PORT, _HISTORICAL_PORT, _INDEXER_PORT,
# _ZK_PORT and _DERBY_PORT come from stack/servers.txt.
DRUID_BROKER_URL="http://127.0.0.1:$DRUID_BROKER_PORT"
# The overlord's API (supervisors, tasks) is served by the coordinator.
DRUID_OVERLORD_URL="http://127.0.0.1:$DRUID_COORDINATOR_PORT"

druid_ports() { server_ports druid; }
druid_match() { printf 'druid/run.sh %s' "$DRUID_CONF"; }

_druid_pom_sum() { sha256sum "$STACK_SRC/druid/pom.xml" | cut -d' ' -f1; }

druid_install() {
  ensure_cmd java openjdk-17-jre-headless
  ensure_cmd python3 python3   # setup's JSON handling
  local marker="$DRUID_HOME/.installed"
  [ -f "$marker" ] && [ "$(cat "$marker")" = "$(_druid_pom_sum)" ] && return 0
  ensure_cmd mvn maven
  log "druid: installing $DRUID_VERSION jars from Maven Central (first run)…"
  local build="$DRUID_HOME/build"
  rm -rf "$DRUID_LIB" "$build"
  mkdir -p "$build"
  cp "$STACK_SRC/druid/pom.xml" "$build/pom.xml"
  if ! (cd "$build" && mvn -B -q -Dmaven.repo.local="$CACHE_DIR/m2" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$DRUID_LIB") \
    >"$build/mvn.log" 2>&1; then
    tail -n 40 "$build/mvn.log" >&2
    die "druid: Maven could not resolve the jars; see $build/mvn.log"
  fi
  _druid_pom_sum >"$marker"
  log "druid: $(find "$DRUID_LIB" -name '*.jar' | wc -l) jars in $DRUID_LIB"
}

# The flags Druid's docs list for Java 17, plus what keeps a small machine
# small: SerialGC (no parallel GC threads), C1 only (starts faster; these
# are dev servers), and few threads for Jetty and query processing.
_druid_jvm() {
  local heap="$1" direct="$2"
  printf '%s\n' -server -Xms64m "-Xmx$heap" "-XX:MaxDirectMemorySize=$direct" \
    -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=64m -Xss512k \
    -XX:+ExitOnOutOfMemoryError -Duser.timezone=UTC -Dfile.encoding=UTF-8 \
    "-Djava.io.tmpdir=$DRUID_DIR/tmp" \
    -Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager \
    "-Dlog4j.configurationFile=$STACK_SRC/druid/log4j2.xml" \
    --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED \
    --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED \
    --add-opens=java.base/java.nio=ALL-UNNAMED \
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
    --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED \
    --add-opens=java.base/java.io=ALL-UNNAMED \
    --add-opens=java.base/java.lang=ALL-UNNAMED \
    --add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED
}

# Query processing: one thread, small buffers, and two merge buffers: the
# analytics queries group a grouped subquery (dedupe by event or order id,
# then count), which needs two. Direct memory needed = buffer × (threads +
# merge buffers + 1) = 64 MiB.
_druid_processing() {
  cat <<PROPS
druid.processing.numThreads=1
druid.processing.numMergeBuffers=2
druid.processing.buffer.sizeBytes=16MiB
druid.server.http.numThreads=12
PROPS
}

# Written on every start, like Kafka's server.properties, so the ports and
# paths always follow the environment. Edit this function, not .stack/.
_druid_write_conf() {
  local c="$DRUID_CONF"
  mkdir -p "$c"/{_common,zookeeper,coordinator,broker,historical,indexer} \
    "$DRUID_DIR"/{zk,derby,segments,segment-cache,task,indexing-logs,tmp,extensions}
  cat >"$c/_common/common.runtime.properties" <<PROPS
# Written by stack/up on every start; edit stack/servers/druid.sh instead.
# Extensions come from the classpath (the Kafka indexing service is in lib/).
druid.extensions.directory=$DRUID_DIR/extensions
druid.extensions.loadList=[]
druid.extensions.searchCurrentClassloader=true
druid.host=127.0.0.1
druid.bindOnHost=true
druid.startup.logging.logProperties=false
druid.zk.service.host=127.0.0.1:$DRUID_ZK_PORT
druid.zk.paths.base=/druid
druid.metadata.storage.type=derby
druid.metadata.storage.connector.connectURI=jdbc:derby://127.0.0.1:$DRUID_DERBY_PORT/$DRUID_DIR/derby/metadata;create=true
druid.metadata.storage.connector.host=127.0.0.1
druid.metadata.storage.connector.port=$DRUID_DERBY_PORT
druid.storage.type=local
druid.storage.storageDirectory=$DRUID_DIR/segments
druid.indexer.logs.type=file
druid.indexer.logs.directory=$DRUID_DIR/indexing-logs
druid.selectors.indexing.serviceName=druid/overlord
druid.selectors.coordinator.serviceName=druid/coordinator
druid.emitter=noop
druid.monitoring.monitors=[]
druid.sql.enable=true
druid.lookup.enableLookupSyncOnStartup=false
PROPS
  cat >"$c/zookeeper/zoo.cfg" <<PROPS
tickTime=2000
dataDir=$DRUID_DIR/zk
clientPort=$DRUID_ZK_PORT
clientPortAddress=127.0.0.1
admin.enableServer=false
maxClientCnxns=0
autopurge.purgeInterval=1
PROPS
  # ZooKeeper's own flags: no Druid module flags needed, a tiny heap.
  printf '%s\n' -Xms32m -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k \
    "-Dlog4j.configurationFile=$STACK_SRC/druid/log4j2.xml" \
    -Dzookeeper.admin.enableServer=false >"$c/zookeeper/jvm.config"
  # Coordinator and overlord in one process; short delays so a fresh
  # segment is assigned to the historical in seconds, not minutes.
  { echo "druid.service=druid/coordinator"
    echo "druid.plaintextPort=$DRUID_COORDINATOR_PORT"
    echo "druid.coordinator.asOverlord.enabled=true"
    echo "druid.coordinator.asOverlord.overlordService=druid/overlord"
    echo "druid.coordinator.startDelay=PT5S"
    echo "druid.coordinator.period=PT10S"
    echo "druid.manager.segments.pollDuration=PT10S"
    echo "druid.indexer.queue.startDelay=PT1S"
    echo "druid.indexer.runner.type=httpRemote"
    echo "druid.indexer.storage.type=metadata"
    echo "druid.server.http.numThreads=12"
  } >"$c/coordinator/runtime.properties"
  _druid_jvm 256m 64m >"$c/coordinator/jvm.config"
  { echo "druid.service=druid/broker"
    echo "druid.plaintextPort=$DRUID_BROKER_PORT"
    echo "druid.broker.http.numConnections=5"
    echo "druid.broker.cache.useCache=false"
    echo "druid.broker.cache.populateCache=false"
    # The broker plans SQL against the columns of the segments it has read
    # metadata of; refreshed each minute by default, a fresh column (or all
    # of them, right after a restart) would be "not found" for that long.
    echo "druid.sql.planner.metadataRefreshPeriod=PT5S"
    _druid_processing
  } >"$c/broker/runtime.properties"
  _druid_jvm 256m 96m >"$c/broker/jvm.config"
  { echo "druid.service=druid/historical"
    echo "druid.plaintextPort=$DRUID_HISTORICAL_PORT"
    echo "druid.segmentCache.locations=[{\"path\":\"$DRUID_DIR/segment-cache\",\"maxSize\":\"2g\"}]"
    echo "druid.server.maxSize=2g"
    echo "druid.historical.cache.useCache=false"
    echo "druid.historical.cache.populateCache=false"
    _druid_processing
  } >"$c/historical/runtime.properties"
  _druid_jvm 256m 96m >"$c/historical/jvm.config"
  # Tasks run as threads here (a middle manager would fork a JVM per task);
  # one slot per supervisor plus one for a task handing off.
  { echo "druid.service=druid/indexer"
    echo "druid.plaintextPort=$DRUID_INDEXER_PORT"
    echo "druid.worker.capacity=3"
    echo "druid.indexer.task.baseTaskDir=$DRUID_DIR/task"
    echo "druid.indexer.task.restoreTasksOnRestart=true"
    _druid_processing
  } >"$c/indexer/runtime.properties"
  _druid_jvm 384m 96m >"$c/indexer/jvm.config"
}

druid_start() {
  _druid_write_conf
  log "druid: starting ZooKeeper ($DRUID_ZK_PORT), coordinator+overlord ($DRUID_COORDINATOR_PORT), historical ($DRUID_HISTORICAL_PORT), indexer ($DRUID_INDEXER_PORT), broker ($DRUID_BROKER_PORT)"
  spawn druid bash "$STACK_SRC/druid/run.sh" "$DRUID_CONF" "$DRUID_LIB" "$LOG_DIR" "${DRUID_PROCESSES[@]}"
}

druid_ping() { http_ok "$DRUID_BROKER_URL/status/health"; }

# A real SQL query planned by the broker and run against the segment metadata.
druid_check() {
  curl -fsS -o /dev/null --max-time 5 -H 'Content-Type: application/json' \
    -d '{"query":"SELECT COUNT(*) AS n FROM INFORMATION_SCHEMA.TABLES"}' \
    "$DRUID_BROKER_URL/druid/v2/sql" 2>/dev/null
}

_druid_overlord_ready() {
  curl -fsS --max-time 3 "$DRUID_OVERLORD_URL/druid/indexer/v1/isLeader" 2>/dev/null | grep -q true
}

druid_env_lines() { env_line DRUID_BROKER_URL "$DRUID_BROKER_URL"; }

# Creates a Kafka topic unless it exists, with the partitions and replication
# the services use (KAFKA_TOPIC_PARTITIONS / _REPLICATION, see platform/config.ts).
_druid_ensure_topic() {
  local topic="$1"
  java -Xmx128m -XX:TieredStopAtLevel=1 -Dlog4j.configuration="file:$STACK_SRC/kafka/log4j.properties" \
    -cp "$KAFKA_LIBS/*" org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" \
    --create --if-not-exists --topic "$topic" \
    --partitions "${KAFKA_TOPIC_PARTITIONS:-3}" --replication-factor "${KAFKA_TOPIC_REPLICATION:-1}" \
    >>"$(log_file druid)" 2>&1 || die "druid: could not create Kafka topic $topic; see $(log_file druid)"
}

# Applies every supervisor spec in stack/druid/supervisors: creates its topic
# first (a supervisor on a missing topic only logs "No partitions found"),
# then posts the spec unless Druid runs it already, unchanged. Posting an
# unchanged spec would restart its tasks, so the hash of the last spec posted
# is kept under .stack/druid/supervisors; a supervisor Druid no longer knows
# (say, its metadata was wiped) is posted again whatever the hash says.
druid_setup() {
  port_open "$KAFKA_PORT" || die "druid: Kafka is not answering on 127.0.0.1:$KAFKA_PORT (its supervisors read from it)"
  # The broker answers before the overlord has taken leadership.
  wait_until druid _druid_overlord_ready
  mkdir -p "$DRUID_DIR/supervisors"
  local file name spec topic sum sum_file code
  for file in "$STACK_SRC"/druid/supervisors/*.json; do
    name="$(basename "$file" .json)"
    # The broker address follows KAFKA_PORT; everything else is the file's.
    spec="$(python3 - "$file" "127.0.0.1:$KAFKA_PORT" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
spec["spec"]["ioConfig"]["consumerProperties"]["bootstrap.servers"] = sys.argv[2]
print(json.dumps(spec, sort_keys=True))
PY
)" || die "druid: $file is not valid JSON"
    topic="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["spec"]["ioConfig"]["topic"])' "$spec")"
    local datasource
    datasource="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["spec"]["dataSchema"]["dataSource"])' "$spec")"
    sum="$(printf '%s' "$spec" | sha256sum | cut -d' ' -f1)"
    sum_file="$DRUID_DIR/supervisors/$name.sha256"
    code="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 \
      "$DRUID_OVERLORD_URL/druid/indexer/v1/supervisor/$datasource" 2>/dev/null || true)"
    if [ "$code" = 200 ] && [ -f "$sum_file" ] && [ "$(cat "$sum_file")" = "$sum" ]; then
      continue
    fi
    _druid_ensure_topic "$topic"
    log "druid: applying supervisor $name (datasource $datasource, topic $topic)"
    if ! printf '%s' "$spec" | curl -fsS -o /dev/null --max-time 30 -H 'Content-Type: application/json' \
      --data-binary @- "$DRUID_OVERLORD_URL/druid/indexer/v1/supervisor"; then
      die "druid: the overlord refused supervisor $file; see $LOG_DIR/druid-coordinator.log"
    fi
    printf '%s\n' "$sum" >"$sum_file"
  done
}
