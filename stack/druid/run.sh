#!/usr/bin/env bash
# run.sh CONF_DIR LIB_DIR LOG_DIR PROCESS... : runs ZooKeeper and the Druid
# processes as children of this one, so the stack sees Druid as one server
# with one pid (stack/lib.sh's contract). TERM or INT stops them all (Druid
# services first, ZooKeeper last); if any child dies, the rest are stopped
# and this exits non-zero, so `up` reports the failure instead of a half
# Druid. Each child logs to LOG_DIR/druid-<process>.log.
# The JVM flags of each process come from CONF_DIR/<process>/jvm.config
# (one per line), written by stack/servers/druid.sh.
set -uo pipefail
conf="$1" lib="$2" logs="$3"
shift 3

declare -A pids=()
stopping=0

launch() {
  local p="$1" main args=() jvm=()
  mapfile -t jvm <"$conf/$p/jvm.config"
  if [ "$p" = zookeeper ]; then
    main=org.apache.zookeeper.server.ZooKeeperServerMain
    args=("$conf/zookeeper/zoo.cfg")
  else
    main=org.apache.druid.cli.Main
    args=(server "$p")
  fi
  printf '\n===== %s start %s =====\n' "$p" "$(date -Is)" >>"$logs/druid-$p.log"
  java "${jvm[@]}" -cp "$conf/_common:$conf/$p:$lib/*" "$main" "${args[@]}" \
    >>"$logs/druid-$p.log" 2>&1 </dev/null &
  pids[$p]=$!
  echo "[druid] $p started (pid $!, log $logs/druid-$p.log)"
}

stop_all() {
  stopping=1
  local p order=()
  # Reverse start order: ZooKeeper (started first) goes last.
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do order+=("${started[$i]}"); done
  for p in "${order[@]}"; do
    [ -n "${pids[$p]:-}" ] || continue
    kill -TERM "${pids[$p]}" 2>/dev/null || continue
    # Druid's lifecycle stops in a few seconds; do not outwait stack/down's KILL.
    for _ in $(seq 1 40); do kill -0 "${pids[$p]}" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "${pids[$p]}" 2>/dev/null || true
    echo "[druid] $p stopped"
  done
}
trap 'stop_all; exit 0' TERM INT

started=("$@")
for p in "$@"; do launch "$p"; done

# Wait for the first child to exit; when not stopping, that is a failure.
while :; do
  wait -n
  [ "$stopping" = 1 ] && exit 0
  for p in "${started[@]}"; do
    if ! kill -0 "${pids[$p]}" 2>/dev/null; then
      echo "[druid] $p exited unexpectedly; last lines of $logs/druid-$p.log:"
      tail -n 30 "$logs/druid-$p.log"
      unset "pids[$p]"
      stop_all
      exit 1
    fi
  done
done
