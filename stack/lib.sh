# shellcheck shell=bash
# Shared helpers for the local stack scripts (up, down, status, logs).
# Sourced, never executed. Every path is derived from this file's location so
# the scripts behave the same from any working directory.

STACK_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$STACK_SRC/.." && pwd)"

# Runtime state (data, logs, pids) lives in the clone and is git-ignored;
# downloads live outside it so a fresh clone on the same machine reuses them.
STACK_DIR="$REPO_ROOT/.stack"
RUN_DIR="$STACK_DIR/run"
LOG_DIR="$STACK_DIR/logs"
CACHE_DIR="${FC_CACHE_DIR:-$HOME/.cache/fusioncommerce}"

# The servers, their start and stop order and their ports are read from
# servers.txt (see read_servers_table below).
SERVERS_TABLE="$STACK_SRC/servers.txt"

# Seconds a server gets to answer after start, and to exit after a signal.
STACK_START_TIMEOUT="${STACK_START_TIMEOUT:-90}"
STACK_STOP_TIMEOUT="${STACK_STOP_TIMEOUT:-30}"

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

# Reads servers.txt (its header explains the columns) and defines
#   SERVERS            every server, in the table's order
#   ORDER, STOP_ORDER  the same names in start and in stop order
#   SERVER_OPTIONAL    name -> yes|no
#   SERVER_PORT_VARS   name -> its port variables, main one first
# and each port variable: the environment's value, else the default
# (VAR/OLDER=default reads OLDER, an earlier name, when VAR is unset).
# shellcheck disable=SC2034  # used by the scripts that source this file
read_servers_table() {
  local line name up down optional ports rest spec value alt
  local -a specs alts by_up=() by_down=()
  SERVERS=()
  declare -gA SERVER_OPTIONAL=() SERVER_PORT_VARS=()
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%%#*}"
    # The fifth column (cmdline) is the TypeScript side's.
    read -r name up down optional _ ports rest <<<"$line" || true
    [ -n "$name" ] || continue
    if [ -z "$ports" ] || [ -n "$rest" ]; then
      die "$SERVERS_TABLE: the line of '$name' needs 6 columns (name up down optional cmdline ports)"
    fi
    [[ "$name" =~ ^[a-z][a-z0-9_]*$ ]] || die "$SERVERS_TABLE: '$name' is not a server name (a-z, 0-9, _)"
    [ -z "${SERVER_OPTIONAL[$name]:-}" ] || die "$SERVERS_TABLE: $name is listed twice"
    [[ "$up" =~ ^[1-9][0-9]*$ && "$down" =~ ^[1-9][0-9]*$ ]] ||
      die "$SERVERS_TABLE: $name: up and down are places counted from 1"
    [ -z "${by_up[up]:-}" ] || die "$SERVERS_TABLE: $name and ${by_up[up]} both start at place $up"
    [ -z "${by_down[down]:-}" ] || die "$SERVERS_TABLE: $name and ${by_down[down]} both stop at place $down"
    [[ "$optional" == yes || "$optional" == no ]] || die "$SERVERS_TABLE: $name: optional is yes or no"
    SERVERS+=("$name")
    by_up[up]="$name"
    by_down[down]="$name"
    SERVER_OPTIONAL[$name]="$optional"
    SERVER_PORT_VARS[$name]=""
    IFS=, read -ra specs <<<"$ports"
    for spec in "${specs[@]}"; do
      [[ "$spec" =~ ^[A-Z_][A-Z0-9_]*(/[A-Z_][A-Z0-9_]*)*=[0-9]+$ ]] ||
        die "$SERVERS_TABLE: $name: '$spec' is not VARIABLE=port"
      IFS=/ read -ra alts <<<"${spec%%=*}"
      value=""
      for alt in "${alts[@]}"; do
        value="${!alt:-}"
        [ -z "$value" ] || break
      done
      printf -v "${alts[0]}" '%s' "${value:-${spec#*=}}"
      SERVER_PORT_VARS[$name]+="${SERVER_PORT_VARS[$name]:+ }${alts[0]}"
    done
  done <"$SERVERS_TABLE"
  [ "${#SERVERS[@]}" -gt 0 ] || die "$SERVERS_TABLE lists no server"
  # Indexed arrays expand in index order: the places, whatever their gaps.
  ORDER=("${by_up[@]}")
  STOP_ORDER=("${by_down[@]}")
}
read_servers_table

# Profiles (stack/profiles.txt, whose header explains them): STACK_PROFILE
# picks one, `dev` when unset. Defines
#   ALL_SERVERS        every server of servers.txt (SERVERS, before the profile)
#   PROFILES           every profile, in the file's order
#   PROFILE_SERVERS    profile -> its servers, space-separated
# and keeps SERVERS, ORDER and STOP_ORDER to the servers of STACK_PROFILE.
PROFILES_TABLE="$STACK_SRC/profiles.txt"
STACK_PROFILE="${STACK_PROFILE:-dev}"
# shellcheck disable=SC2034  # used by the scripts that source this file
read_profiles_table() {
  local line profile names rest name s
  local -a kept
  local -A listed=()
  ALL_SERVERS=("${SERVERS[@]}")
  PROFILES=()
  declare -gA PROFILE_SERVERS=()
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%%#*}"
    read -r profile names <<<"$line" || true
    [ -n "$profile" ] || continue
    [[ "$profile" =~ ^[a-z][a-z0-9_]*$ ]] || die "$PROFILES_TABLE: '$profile' is not a profile name (a-z, 0-9, _)"
    [ -z "${PROFILE_SERVERS[$profile]:-}" ] || die "$PROFILES_TABLE: profile $profile is listed twice"
    [ -n "$names" ] || die "$PROFILES_TABLE: profile $profile names no server"
    rest=" "
    for name in $names; do
      is_listed_server "$name" || die "$PROFILES_TABLE: profile $profile names '$name', which stack/servers.txt does not list"
      [[ "$rest" != *" $name "* ]] || die "$PROFILES_TABLE: profile $profile names $name twice"
      rest+="$name "
      listed[$name]=1
    done
    PROFILES+=("$profile")
    PROFILE_SERVERS[$profile]="$names"
  done <"$PROFILES_TABLE"
  for name in "${ALL_SERVERS[@]}"; do
    [ -n "${listed[$name]:-}" ] || die "$PROFILES_TABLE: no profile has $name (a server of stack/servers.txt)"
  done
  [ -n "${PROFILE_SERVERS[$STACK_PROFILE]:-}" ] ||
    die "STACK_PROFILE=$STACK_PROFILE is not a profile of $PROFILES_TABLE (${PROFILES[*]})"
  kept=()
  for s in "${SERVERS[@]}"; do in_profile "$s" && kept+=("$s"); done
  SERVERS=("${kept[@]}")
  kept=()
  for s in "${ORDER[@]}"; do in_profile "$s" && kept+=("$s"); done
  ORDER=("${kept[@]}")
  kept=()
  for s in "${STOP_ORDER[@]}"; do in_profile "$s" && kept+=("$s"); done
  STOP_ORDER=("${kept[@]}")
}
is_listed_server() { [[ " ${ALL_SERVERS[*]} " == *" $1 "* ]]; }
# in_profile SERVER [PROFILE]: whether PROFILE (default STACK_PROFILE) runs SERVER.
in_profile() { [[ " ${PROFILE_SERVERS[${2:-$STACK_PROFILE}]} " == *" $1 "* ]]; }
# The profiles that have SERVER, space-separated.
profiles_of() {
  local p out=()
  for p in "${PROFILES[@]}"; do in_profile "$1" "$p" && out+=("$p"); done
  echo "${out[*]}"
}
read_profiles_table

# The values of SERVER's port variables, main one first: what <name>_ports prints.
server_ports() {
  local var out=()
  for var in ${SERVER_PORT_VARS[$1]}; do out+=("${!var}"); done
  echo "${out[*]}"
}

is_server() { [[ " ${SERVERS[*]} " == *" $1 "* ]]; }
# For an error naming SERVER, when it is not one of STACK_PROFILE's.
not_a_server() {
  if is_listed_server "$1"; then
    die "'$1' is not a server of profile $STACK_PROFILE ($(profiles_of "$1") has it: STACK_PROFILE=$(profiles_of "$1" | cut -d' ' -f1)); this profile's: ${SERVERS[*]}"
  fi
  die "unknown server '$1' (known: ${SERVERS[*]})"
}

# Whether a profile other than STACK_PROFILE that also has SERVER is in use,
# that is runs a server of its own (one STACK_PROFILE does not have); prints
# "<profile> (<its server> runs)". The dev profile in use keeps PostgreSQL
# up through a cluster down, and the other way round.
shared_in_use() {
  local p t
  for p in "${PROFILES[@]}"; do
    if [ "$p" = "$STACK_PROFILE" ] || ! in_profile "$1" "$p"; then continue; fi
    for t in ${PROFILE_SERVERS[$p]}; do
      in_profile "$t" && continue
      if server_pid "$t" >/dev/null 2>&1 || background_pid "$t" >/dev/null 2>&1; then
        printf '%s (its %s runs)\n' "$p" "$t"
        return 0
      fi
    done
  done
  return 1
}

# A line of an env file (.stack/stack.env): values are plain (no quotes
# needed) unless a path has odd characters.
env_line() {
  if [[ "$2" =~ ^[A-Za-z0-9_./:@%+=,-]*$ ]]; then printf '%s=%s\n' "$1" "$2"
  else printf '%s=%q\n' "$1" "$2"; fi
}

log_file() { printf '%s/%s.log' "$LOG_DIR" "$1"; }
pid_file() { printf '%s/%s.pid' "$RUN_DIR" "$1"; }

ensure_dirs() { mkdir -p "$RUN_DIR" "$LOG_DIR" "$CACHE_DIR"; }

# Serialise up/down so two of them (say, two terminals or a test runner and a
# person) never start a server twice or stop one half-way through a start.
take_lock() {
  ensure_dirs
  exec 9>"$RUN_DIR/updown.lock"
  flock -w 600 9 || die "another stack/up or stack/down is still running"
}

# A server installing in the background (see up) may need apt while another
# `up` does: apt refuses a second caller instead of waiting, so ours queue.
_apt_locked() { flock -w 1200 "$CACHE_DIR/apt.lock" "$@"; }

# apt-get update is slow; do it at most once per script run, and only when a
# package is actually missing (a warm machine never pays for it).
_APT_UPDATED=0
apt_install() {
  if [ "$_APT_UPDATED" = 0 ]; then
    log "apt: updating package lists"
    DEBIAN_FRONTEND=noninteractive _apt_locked apt-get update -qq >&2
    _APT_UPDATED=1
  fi
  log "apt: installing $*"
  DEBIAN_FRONTEND=noninteractive _apt_locked apt-get install -y -qq --no-install-recommends "$@" >&2
}

# ensure_cmd CMD DEBIAN_PACKAGE: the scripts must work on a machine where
# nobody installed anything by hand.
ensure_cmd() {
  command -v "$1" >/dev/null 2>&1 || apt_install "$2"
  command -v "$1" >/dev/null 2>&1 || die "'$1' still missing after installing '$2'"
}

# True if something accepts TCP connections on 127.0.0.1:PORT. Uses bash's
# /dev/tcp so no extra tool is needed; the subshell closes the socket.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

http_ok() { curl -fsS -o /dev/null --max-time 3 "$1" 2>/dev/null; }

cmdline_of() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null; }

# A process that exited but was not reaped yet (zombie) still has a /proc
# entry; it must count as gone or stop_server would wait for it forever.
pid_alive() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [ "${stat%% *}" != Z ]
}

# Prints the pid recorded for SERVER if that process is still alive AND its
# command line still identifies it as that server (pids get reused; we must
# never signal an unrelated process).
server_pid() {
  local name="$1" pf pid
  pf="$(pid_file "$name")"
  [ -s "$pf" ] || return 1
  pid="$(cat "$pf")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  pid_alive "$pid" || return 1
  case "$(cmdline_of "$pid")" in
    *"$("${name}_match")"*) printf '%s\n' "$pid" ;;
    *) return 1 ;;
  esac
}

# spawn SERVER CMD...: start CMD detached from this script (own session, no
# stdin, output appended to the server's log) and record its pid. setsid
# execs in place when the caller is not a group leader (always the case for
# a background job of a non-interactive script), so $! is the server itself.
spawn() {
  local name="$1"; shift
  local lf; lf="$(log_file "$name")"
  printf '\n===== %s start %s =====\n' "$name" "$(date -Is)" >>"$lf"
  # 9>&- : the server must not inherit the up/down lock, or it would hold
  # it for its whole life and block every later up/down.
  setsid nohup "$@" >>"$lf" 2>&1 </dev/null 9>&- &
  printf '%s\n' "$!" >"$(pid_file "$name")"
}

# install_server SERVER: run its install with a lock per server, so two
# `up`s (one of them in the background, see up) never install the same
# server at once; the second finds it installed. Held only while installing:
# a long first install must not block the other servers' start or stop.
install_server() {
  local fd
  exec {fd}>"$CACHE_DIR/$1.install.lock"
  flock -w "${STACK_INSTALL_TIMEOUT:-3600}" "$fd" || die "$1: another install of it is still running"
  "${1}_install"
  exec {fd}>&-
}

# A server whose first install is long (its <name>_installed says whether
# it is done) is installed and started by an `up` of its own in the
# background when optional; its pid is recorded here.
background_pid_file() { printf '%s/%s.background.pid' "$RUN_DIR" "$1"; }
background_pid() {
  local pf pid
  pf="$(background_pid_file "$1")"
  [ -s "$pf" ] || return 1
  pid="$(cat "$pf")"
  [[ "$pid" =~ ^[0-9]+$ ]] && pid_alive "$pid" || return 1
  case "$(cmdline_of "$pid")" in
    *"stack/up $1"*) printf '%s\n' "$pid" ;;
    *) return 1 ;;
  esac
}
start_in_background() {
  local name="$1"
  # setsid: its own process group, so down can stop the whole install.
  STACK_BACKGROUND=1 setsid nohup bash "$STACK_SRC/up" "$name" \
    >>"$(log_file "$name-background")" 2>&1 </dev/null 9>&- &
  printf '%s\n' "$!" >"$(background_pid_file "$name")"
}
stop_background() {
  local pid
  pid="$(background_pid "$1")" || { rm -f "$(background_pid_file "$1")"; return 0; }
  log "$1: stopping its background install and start (pid $pid)"
  kill -s TERM -- "-$pid" 2>/dev/null || true
  rm -f "$(background_pid_file "$1")"
}

# Prints the last lines of a server's log, for failure messages.
log_tail() {
  local lf; lf="$(log_file "$1")"
  [ -f "$lf" ] && { echo "----- last lines of $lf -----"; tail -n "${2:-25}" "$lf"; echo "-----"; } >&2
  return 0
}

# wait_until SERVER FUNC: poll FUNC until it succeeds; fail naming the server
# and its log if the process dies or the timeout passes.
wait_until() {
  local name="$1" fn="$2" deadline=$((SECONDS + STACK_START_TIMEOUT))
  while ! "$fn" >/dev/null 2>&1; do
    if ! server_pid "$name" >/dev/null; then
      log_tail "$name"
      die "$name exited during start-up; see $(log_file "$name")"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log_tail "$name"
      die "$name did not answer within ${STACK_START_TIMEOUT}s; see $(log_file "$name")"
    fi
    sleep 1
  done
}

# stop_server SERVER...: signal only the recorded, verified pid; escalate to
# KILL if it does not exit in time. Each server file may pick the polite
# signal (PostgreSQL needs INT for a fast shutdown, TERM waits for clients).
# Several servers are all signalled first and then awaited together: the
# members of a quorum (the cluster profile's Kafka nodes), stopped one after
# the other, would leave the last one waiting for a quorum that is gone.
stop_server() {
  local name pid sig deadline i
  local -a names=() pids=()
  for name in "$@"; do
    if ! pid="$(server_pid "$name")"; then
      rm -f "$(pid_file "$name")"
      log "$name: not running"
      continue
    fi
    sig=TERM
    declare -F "${name}_stop_signal" >/dev/null && sig="$("${name}_stop_signal")"
    log "$name: stopping pid $pid (SIG$sig)"
    kill -s "$sig" "$pid" 2>/dev/null || true
    names+=("$name")
    pids+=("$pid")
  done
  deadline=$((SECONDS + STACK_STOP_TIMEOUT))
  for i in "${!names[@]}"; do
    name="${names[$i]}" pid="${pids[$i]}"
    while pid_alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.5; done
    if pid_alive "$pid"; then
      log "$name: still alive after ${STACK_STOP_TIMEOUT}s, sending KILL"
      kill -s KILL "$pid" 2>/dev/null || true
      while pid_alive "$pid"; do sleep 0.2; done
    fi
    rm -f "$(pid_file "$name")"
  done
}

# Each servers/<name>.sh defines:
#   <name>_install  fetch into the cache if missing (fast no-op when warm)
#   <name>_start    launch detached via spawn (returns at once)
#   <name>_ping     cheap "is it up yet" probe polled during start-up
#   <name>_setup    optional, once it pings: idempotent provisioning
#   <name>_check    "answers for real" (used by up and status)
#   <name>_ports    ports it listens on, main one first: server_ports <name>
#   <name>_match    text in its command line that identifies our process
#   <name>_stop_signal  optional, default TERM
#   <name>_installed    optional: whether its first install is done (up
#                       installs an optional server in the background until then)
#   <name>_stop_with    optional: the servers stopped together with it, all
#                       signalled at once (a quorum's members; see stop_server)
# Every server the table names is loaded, whatever the profile: down asks
# another profile's servers whether they run (shared_in_use).
for _s in "${ALL_SERVERS[@]}"; do
  [ -f "$STACK_SRC/servers/$_s.sh" ] || die "$SERVERS_TABLE names '$_s' but stack/servers/$_s.sh does not exist"
  # shellcheck source=/dev/null
  . "$STACK_SRC/servers/$_s.sh"
done
unset _s
