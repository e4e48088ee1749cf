#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2012  # single quotes are intentional (bash -c / sh -c scripts); ls on known names
# Local infrastructure for development and tests, without Docker:
#   Redis 7        127.0.0.1:6379
#   PostgreSQL 15  127.0.0.1:5432  (trust auth for user postgres; databases test and glint)
#   Kafka 3.9      127.0.0.1:9092  (single-node KRaft broker+controller, controller on :9093)
#
# Usage: scripts/infra.sh <command>
#   up            start whatever is not running yet and wait until all are ready (idempotent)
#   down          stop the Kafka broker this script started (Redis/Postgres are left alone)
#   down --all    also stop Redis (shutdown nosave) and the PostgreSQL cluster
#   status        print the state of each service; exit 0 if all are up, 1 otherwise
#   kafka-start   start (or reuse) only the Kafka broker and wait until it is ready
#   kafka-stop    stop only the Kafka broker this script started
#
# Environment:
#   KAFKA_VERSION=3.9.2     Kafka version resolved from Maven Central
#   INFRA_SKIP_KAFKA=1      do not start / check Kafka in up and status
#   KAFKA_READY_TIMEOUT=90  seconds to wait for the broker to be ready for clients
#   KAFKA_HEAP_OPTS         JVM heap flags for the broker (default: -Xms256m -Xmx512m)
#
# Runtime state lives in <project>/.infra/ (git-ignored): Maven-resolved broker
# jars in .infra/kafka/lib, data in .infra/kafka/data, logs in .infra/kafka/logs.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")" && pwd -P)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd -P)"
INFRA="$ROOT/.infra"

REDIS_HOST=127.0.0.1
REDIS_PORT=6379
PG_HOST=127.0.0.1
PG_PORT=5432
PG_USER=postgres
PG_CLUSTER=main
PG_DATABASES=(test glint)
KAFKA_HOST=127.0.0.1
KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093

KAFKA_VERSION="${KAFKA_VERSION:-3.9.2}"
KAFKA_READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-90}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
INFRA_SKIP_KAFKA="${INFRA_SKIP_KAFKA:-0}"

KAFKA_SRC="$SCRIPT_DIR/kafka"
KAFKA_DIR="$INFRA/kafka"
KAFKA_LIB="$KAFKA_DIR/lib"
KAFKA_CLASSES="$KAFKA_DIR/classes"
KAFKA_DATA="$KAFKA_DIR/data"
KAFKA_LOGS="$KAFKA_DIR/logs"
KAFKA_CONF="$KAFKA_DIR/server.properties"
KAFKA_PID_FILE="$KAFKA_DIR/kafka.pid"
KAFKA_CLUSTER_ID_FILE="$KAFKA_DIR/cluster.id"
KAFKA_SERVER_LOG="$KAFKA_LOGS/server.log"
KAFKA_STDOUT_LOG="$KAFKA_LOGS/stdout.log"

# ---------------------------------------------------------------- helpers --

log() { printf '%s\n' "$*"; }
warn() { printf 'infra: warning: %s\n' "$*" >&2; }
die() {
  printf 'infra: ERROR: %s\n' "$1" >&2
  shift
  local line
  for line in "$@"; do printf '  %s\n' "$line" >&2; done
  exit 1
}

now_ms() { date +%s%3N; }
# elapsed START_MS -> "3.4s"
elapsed() { local d=$(($(now_ms) - $1)); printf '%d.%ds' $((d / 1000)) $((d % 1000 / 100)); }

have() { command -v "$1" >/dev/null 2>&1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# tcp_open HOST PORT: true if something accepts TCP connections there.
tcp_open() {
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

apt_install() {
  log "$1: not installed, installing with apt-get (${*:2})..."
  local t0
  t0=$(now_ms)
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null ||
    die "$1: 'apt-get update' failed." "Check network access to the Debian mirrors, then re-run: $0 up"
  apt-get install -y -qq "${@:2}" >/dev/null 9>&- ||
    die "$1: 'apt-get install -y ${*:2}' failed." "Run it by hand to see the error, then re-run: $0 up"
  log "$1: installed ${*:2} ($(elapsed "$t0"))"
}

tail_file() { # tail_file FILE N
  if [ -s "$1" ]; then
    printf -- '----- last %s lines of %s -----\n' "$2" "$1" >&2
    tail -n "$2" "$1" >&2
    printf -- '----- end of %s -----\n' "$1" >&2
  fi
}

# Serialise concurrent up/down runs (e.g. parallel test targets) with flock on fd 9.
# Every daemon started from here (redis-server, pg_ctlcluster, apt-get postinst,
# the Kafka JVM) is started with 9>&-: a daemon inheriting fd 9 would hold the
# lock forever and make the next run wait.
take_lock() {
  mkdir -p "$INFRA"
  [ -f "$INFRA/.gitignore" ] || printf '*\n' >"$INFRA/.gitignore"
  exec 9>"$INFRA/infra.lock"
  if have flock && ! flock -w 300 9; then
    die "another '$0' run has held $INFRA/infra.lock for 300s." \
      "Find the holder with: fuser -v $INFRA/infra.lock (or lsof); if it is not an infra.sh run, stop it or delete the file."
  fi
}

# ------------------------------------------------------------------ redis --

redis_ping() {
  if have redis-cli; then
    [ "$(timeout 3 redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]
  else
    local reply
    reply=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf "PING\r\n" >&3 && head -c 5 <&3' \
      _ "$REDIS_HOST" "$REDIS_PORT" 2>/dev/null) || return 1
    [ "$reply" = "+PONG" ]
  fi
}

redis_up() {
  if redis_ping; then
    log "redis: already running on $REDIS_HOST:$REDIS_PORT"
    return 0
  fi
  if ! have redis-server; then
    if is_root && have apt-get; then
      apt_install redis redis-server redis-tools
      # The Debian package may have started its own service already.
      if redis_ping; then log "redis: running on $REDIS_HOST:$REDIS_PORT (started by the package)"; return 0; fi
    else
      die "redis: nothing answers on $REDIS_HOST:$REDIS_PORT and redis-server is not installed." \
        "Fix: install it (sudo apt-get install -y redis-server) and re-run '$0 up'," \
        "or point the app at an existing Redis with REDIS_URL=redis://host:port."
    fi
  fi
  if tcp_open "$REDIS_HOST" "$REDIS_PORT"; then
    die "redis: port $REDIS_PORT is open on $REDIS_HOST but does not answer PING with PONG." \
      "Something else (or a Redis with a password) holds the port: see 'ss -ltnp sport = :$REDIS_PORT'."
  fi

  local dir=/var/lib/redis logdir=/var/log/redis
  mkdir -p "$dir" 2>/dev/null || true
  if [ ! -w "$dir" ]; then dir="$INFRA/redis"; fi
  mkdir -p "$logdir" 2>/dev/null || true
  if [ ! -w "$logdir" ]; then logdir="$INFRA/redis"; fi
  mkdir -p "$dir" "$logdir"
  local logfile="$logdir/ci.log"

  local t0
  t0=$(now_ms)
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir "$dir" --logfile "$logfile" 9>&- ||
    { tail_file "$logfile" 30; die "redis: 'redis-server' failed to start (log: $logfile)."; }
  local i
  for ((i = 0; i < 80; i++)); do
    if redis_ping; then
      log "redis: started on $REDIS_HOST:$REDIS_PORT, dir $dir ($(elapsed "$t0"))"
      return 0
    fi
    sleep 0.25
  done
  tail_file "$logfile" 30
  die "redis: started redis-server but it did not answer PONG within 20s (log: $logfile)."
}

redis_status() {
  if redis_ping; then
    local v=""
    have redis-cli && v=$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" info server 2>/dev/null |
      sed -n 's/^redis_version:\(.*\)\r\?$/ v\1/p' | tr -d '\r')
    log "redis     $REDIS_HOST:$REDIS_PORT  up$v"
    return 0
  fi
  log "redis     $REDIS_HOST:$REDIS_PORT  DOWN"
  return 1
}

redis_stop() {
  if ! redis_ping; then log "redis: not running"; return 0; fi
  have redis-cli || die "redis: redis-cli not found, cannot shut Redis down."
  redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  local i
  for ((i = 0; i < 40; i++)); do
    redis_ping || { log "redis: stopped"; return 0; }
    sleep 0.25
  done
  die "redis: still answering after 'redis-cli shutdown nosave'."
}

# --------------------------------------------------------------- postgres --

pg_ready() {
  if have pg_isready; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 3 >/dev/null 2>&1
  else
    tcp_open "$PG_HOST" "$PG_PORT"
  fi
}

pg_version() { ls /etc/postgresql 2>/dev/null | sort -V | head -1; }

# Find pg_isready/psql/createdb even when /usr/lib/postgresql/*/bin is not on PATH.
pg_path() {
  local v
  v=$(pg_version)
  if [ -n "$v" ] && [ -d "/usr/lib/postgresql/$v/bin" ]; then PATH="$PATH:/usr/lib/postgresql/$v/bin"; fi
}

pg_wait() { # pg_wait T0
  local i
  for ((i = 0; i < 120; i++)); do
    pg_ready && return 0
    sleep 0.25
  done
  return 1
}

pg_psql() { psql -X -w -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$@"; }

pg_ensure_trust() {
  local v="$1" err
  if err=$(pg_psql -d postgres -tAc 'select 1' 2>&1 >/dev/null); then return 0; fi
  if ! printf '%s' "$err" | grep -qiE 'password|authentication'; then
    die "postgres: cannot connect as $PG_USER to $PG_HOST:$PG_PORT: $err"
  fi
  local hba="/etc/postgresql/$v/$PG_CLUSTER/pg_hba.conf"
  if ! is_root || [ ! -w "$hba" ]; then
    die "postgres: user '$PG_USER' needs a password on $PG_HOST:$PG_PORT, but this setup expects trust auth." \
      "Fix: add these lines at the top of $hba and reload (pg_ctlcluster $v $PG_CLUSTER reload):" \
      "  host all all 127.0.0.1/32 trust" "  host all all ::1/128 trust" \
      "or set PGPASSWORD for user '$PG_USER'."
  fi
  log "postgres: enabling trust auth for 127.0.0.1 and ::1 in $hba"
  local tmp
  tmp=$(mktemp)
  {
    printf '# added by scripts/infra.sh (local development: trust on loopback)\n'
    printf 'host all all 127.0.0.1/32 trust\n'
    printf 'host all all ::1/128 trust\n'
    cat "$hba"
  } >"$tmp"
  cat "$tmp" >"$hba" && rm -f "$tmp"
  pg_ctlcluster --skip-systemctl-redirect "$v" "$PG_CLUSTER" reload >/dev/null 2>&1 9>&- ||
    die "postgres: 'pg_ctlcluster $v $PG_CLUSTER reload' failed after editing $hba."
  sleep 0.5
  err=$(pg_psql -d postgres -tAc 'select 1' 2>&1 >/dev/null) ||
    die "postgres: still cannot connect as $PG_USER after enabling trust: $err"
}

pg_up() {
  pg_path
  local t0 v
  t0=$(now_ms)
  if pg_ready; then
    log "postgres: already running on $PG_HOST:$PG_PORT"
  else
    v=$(pg_version)
    if [ -z "$v" ]; then
      if is_root && have apt-get; then
        apt_install postgres postgresql
        v=$(pg_version)
        [ -n "$v" ] || die "postgres: installed the postgresql package but /etc/postgresql is still empty."
        pg_path
      else
        die "postgres: nothing answers on $PG_HOST:$PG_PORT and PostgreSQL is not installed." \
          "Fix: install it (sudo apt-get install -y postgresql) and re-run '$0 up'."
      fi
    fi
    if ! pg_ready; then
      if [ ! -d "/etc/postgresql/$v/$PG_CLUSTER" ]; then
        is_root || die "postgres: no cluster $v/$PG_CLUSTER exists." "Fix: sudo pg_createcluster $v $PG_CLUSTER"
        log "postgres: creating cluster $v/$PG_CLUSTER"
        pg_createcluster "$v" "$PG_CLUSTER" >/dev/null 9>&- ||
          die "postgres: 'pg_createcluster $v $PG_CLUSTER' failed."
      fi
      t0=$(now_ms)
      local out
      if ! out=$(pg_ctlcluster --skip-systemctl-redirect "$v" "$PG_CLUSTER" start 2>&1 9>&-); then
        # "already running" is fine (e.g. listening elsewhere / still starting); anything else is not.
        if ! printf '%s' "$out" | grep -qi 'already running'; then
          tail_file "/var/log/postgresql/postgresql-$v-$PG_CLUSTER.log" 30
          die "postgres: 'pg_ctlcluster $v $PG_CLUSTER start' failed: $out" \
            "Fix: see the log above (/var/log/postgresql/postgresql-$v-$PG_CLUSTER.log)$(is_root || printf '; run as root or with sudo')."
        fi
      fi
      pg_wait || {
        tail_file "/var/log/postgresql/postgresql-$v-$PG_CLUSTER.log" 30
        die "postgres: cluster $v/$PG_CLUSTER started but $PG_HOST:$PG_PORT is not ready after 30s." \
          "Check 'port' and 'listen_addresses' in /etc/postgresql/$v/$PG_CLUSTER/postgresql.conf."
      }
      log "postgres: started cluster $v/$PG_CLUSTER on $PG_HOST:$PG_PORT ($(elapsed "$t0"))"
    fi
  fi

  have psql || die "postgres: psql not found." "Fix: sudo apt-get install -y postgresql-client"
  pg_ensure_trust "$(pg_version)"
  local db
  for db in "${PG_DATABASES[@]}"; do
    if [ "$(pg_psql -d postgres -tAc "select 1 from pg_database where datname = '$db'")" != "1" ]; then
      createdb -w -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$db" 2>/dev/null ||
        [ "$(pg_psql -d postgres -tAc "select 1 from pg_database where datname = '$db'")" = "1" ] ||
        die "postgres: 'createdb -h $PG_HOST -U $PG_USER $db' failed."
      log "postgres: created database $db"
    fi
  done
}

pg_status() {
  pg_path
  if pg_ready; then
    local missing=() db
    if have psql; then
      for db in "${PG_DATABASES[@]}"; do
        [ "$(pg_psql -d postgres -tAc "select 1 from pg_database where datname = '$db'" 2>/dev/null)" = "1" ] ||
          missing+=("$db")
      done
    fi
    if [ ${#missing[@]} -gt 0 ]; then
      log "postgres  $PG_HOST:$PG_PORT  up, but database(s) missing: ${missing[*]} (run: $0 up)"
      return 1
    fi
    log "postgres  $PG_HOST:$PG_PORT  up (databases: ${PG_DATABASES[*]})"
    return 0
  fi
  log "postgres  $PG_HOST:$PG_PORT  DOWN"
  return 1
}

pg_stop() {
  pg_path
  local v
  v=$(pg_version)
  if [ -z "$v" ]; then
    pg_ready && warn "postgres: something answers on $PG_HOST:$PG_PORT but no local cluster exists; left alone."
    log "postgres: no local cluster"
    return 0
  fi
  if ! pg_ready && ! pg_lsclusters -h 2>/dev/null | awk -v v="$v" -v c="$PG_CLUSTER" '$1==v && $2==c' | grep -q online; then
    log "postgres: not running"
    return 0
  fi
  pg_ctlcluster --skip-systemctl-redirect "$v" "$PG_CLUSTER" stop -m fast >/dev/null 2>&1 9>&- ||
    die "postgres: 'pg_ctlcluster $v $PG_CLUSTER stop' failed$(is_root || printf ' (run as root or with sudo)')."
  log "postgres: stopped cluster $v/$PG_CLUSTER"
}

# ------------------------------------------------------------------ kafka --

java_check() {
  have java || die "kafka: 'java' not found (Kafka needs Java 11+)." \
    "Fix: sudo apt-get install -y openjdk-17-jdk-headless, or set INFRA_SKIP_KAFKA=1."
  local major
  major=$(java -version 2>&1 | sed -n '1s/.*version "\([0-9]*\)\(\.[0-9]*\)*.*/\1/p')
  if [ -n "$major" ] && [ "$major" -lt 11 ] && [ "$major" != 1 ]; then
    die "kafka: Java $major found, Kafka $KAFKA_VERSION needs Java 11 or newer."
  fi
}

kafka_jars() {
  local jar="$KAFKA_LIB/kafka_2.13-$KAFKA_VERSION.jar"
  if [ -f "$jar" ] && ls "$KAFKA_LIB"/reload4j-*.jar >/dev/null 2>&1; then
    return 0
  fi
  have mvn || die "kafka: Maven ('mvn') not found; it is needed once to fetch the broker jars." \
    "Fix: sudo apt-get install -y maven, or set INFRA_SKIP_KAFKA=1."
  local t0 tmp out
  t0=$(now_ms)
  log "kafka: resolving org.apache.kafka:kafka_2.13:$KAFKA_VERSION with Maven..."
  tmp="$KAFKA_DIR/lib.tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  if ! out=$(mvn -q -B -f "$KAFKA_SRC/pom.xml" dependency:copy-dependencies \
    -Dkafka.version="$KAFKA_VERSION" -DoutputDirectory="$tmp" -DincludeScope=runtime 2>&1); then
    rm -rf "$tmp"
    printf '%s\n' "$out" | tail -n 30 >&2
    die "kafka: Maven could not resolve org.apache.kafka:kafka_2.13:$KAFKA_VERSION (see output above)." \
      "Check that Maven Central is reachable (and ~/.m2/settings.xml mirrors), or pick another 3.9.x with KAFKA_VERSION=..."
  fi
  [ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ] || die "kafka: Maven ran but kafka_2.13-$KAFKA_VERSION.jar is not in $tmp."
  ls "$tmp"/reload4j-*.jar >/dev/null 2>&1 ||
    die "kafka: reload4j is missing from the resolved jars; check the dependencies in $KAFKA_SRC/pom.xml."
  rm -rf "$KAFKA_LIB" "$KAFKA_CLASSES"
  mv "$tmp" "$KAFKA_LIB"
  log "kafka: jars resolved ($(ls "$KAFKA_LIB"/*.jar | wc -l) jars, $(elapsed "$t0"))"
}

# Compile the readiness probe (scripts/kafka/KafkaReady.java) once.
kafka_probe_build() {
  local src="$KAFKA_SRC/KafkaReady.java" cls="$KAFKA_CLASSES/KafkaReady.class"
  if [ -f "$cls" ] && [ ! "$src" -nt "$cls" ]; then return 0; fi
  have javac || return 1
  mkdir -p "$KAFKA_CLASSES"
  javac -nowarn -cp "$KAFKA_LIB/*" -d "$KAFKA_CLASSES" "$src" >/dev/null 2>&1 || return 1
}

# kafka_probe TIMEOUT_S: waits until the broker answers metadata with a live
# broker and lists topics. Falls back to BrokerApiVersionsCommand without javac.
kafka_probe() {
  local timeout_s="$1" jopts=(-Xshare:auto -XX:TieredStopAtLevel=1 -Xmx128m
    "-Dlog4j.configuration=file:$KAFKA_SRC/tools-log4j.properties")
  if kafka_probe_build; then
    java "${jopts[@]}" -cp "$KAFKA_LIB/*:$KAFKA_CLASSES" KafkaReady "$KAFKA_HOST:$KAFKA_PORT" "$timeout_s"
    return
  fi
  local deadline=$(($(date +%s) + timeout_s))
  while :; do
    if java "${jopts[@]}" -cp "$KAFKA_LIB/*" kafka.admin.BrokerApiVersionsCommand \
      --bootstrap-server "$KAFKA_HOST:$KAFKA_PORT" 2>/dev/null | grep -F -- '(id: ' >/dev/null; then
      return 0
    fi
    [ "$(date +%s)" -lt "$deadline" ] || { echo "not ready after ${timeout_s}s" >&2; return 1; }
    sleep 1
  done
}

# Our broker's pid if the pid file points at a live kafka.Kafka using our config.
kafka_our_pid() {
  [ -f "$KAFKA_PID_FILE" ] || return 1
  local pid
  pid=$(cat "$KAFKA_PID_FILE" 2>/dev/null)
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -F "kafka.Kafka $KAFKA_CONF" >/dev/null || return 1
  printf '%s\n' "$pid"
}

kafka_render_config() {
  mkdir -p "$KAFKA_DATA" "$KAFKA_LOGS"
  local tmp="$KAFKA_CONF.tmp"
  {
    printf '# GENERATED by scripts/infra.sh from scripts/kafka/server.properties - do not edit\n'
    sed "s#@KAFKA_DATA_DIR@#$KAFKA_DATA#g" "$KAFKA_SRC/server.properties"
  } >"$tmp"
  mv "$tmp" "$KAFKA_CONF"
}

kafka_format() {
  local tjava=(java -Xmx128m "-Dlog4j.configuration=file:$KAFKA_SRC/tools-log4j.properties" -cp "$KAFKA_LIB/*")
  if [ ! -s "$KAFKA_CLUSTER_ID_FILE" ]; then
    local id
    id=$("${tjava[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1) ||
      die "kafka: 'kafka.tools.StorageTool random-uuid' failed."
    [[ "$id" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "kafka: unexpected cluster id from StorageTool: '$id'"
    printf '%s\n' "$id" >"$KAFKA_CLUSTER_ID_FILE"
  fi
  local cid
  cid=$(tr -d '[:space:]' <"$KAFKA_CLUSTER_ID_FILE")
  if [ -f "$KAFKA_DATA/meta.properties" ]; then
    grep -q "^cluster.id=$cid\$" "$KAFKA_DATA/meta.properties" ||
      die "kafka: $KAFKA_DATA was formatted for another cluster id than $KAFKA_CLUSTER_ID_FILE ($cid)." \
        "Fix: '$0 kafka-stop' then 'rm -rf $KAFKA_DIR/data $KAFKA_CLUSTER_ID_FILE' and '$0 up' (topics are lost)."
    return 0
  fi
  local t0 out
  t0=$(now_ms)
  out=$("${tjava[@]}" kafka.tools.StorageTool format -t "$cid" -c "$KAFKA_CONF" --ignore-formatted 2>&1) ||
    { printf '%s\n' "$out" >&2; die "kafka: formatting storage in $KAFKA_DATA failed (output above)."; }
  log "kafka: storage formatted, cluster id $cid ($(elapsed "$t0"))"
}

kafka_stop_pid() { # kafka_stop_pid PID
  local pid="$1" i t0
  t0=$(now_ms)
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 120; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "kafka: broker (pid $pid) did not stop within 30s after SIGTERM, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 40; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  kill -0 "$pid" 2>/dev/null && die "kafka: could not stop broker pid $pid."
  rm -f "$KAFKA_PID_FILE"
  log "kafka: broker stopped (pid $pid, $(elapsed "$t0"))"
}

kafka_stop() {
  local pid
  if pid=$(kafka_our_pid); then
    kafka_stop_pid "$pid"
  else
    rm -f "$KAFKA_PID_FILE"
    if tcp_open "$KAFKA_HOST" "$KAFKA_PORT"; then
      log "kafka: not started by this script; a broker on $KAFKA_HOST:$KAFKA_PORT was not started here and is left alone"
    else
      log "kafka: not running"
    fi
  fi
}

kafka_fail_startup() { # kafka_fail_startup MESSAGE SERVER_LOG_OFFSET
  local offset="${2:-0}"
  tail_file "$KAFKA_STDOUT_LOG" 30
  if [ -f "$KAFKA_SERVER_LOG" ] && [ "$(stat -c %s "$KAFKA_SERVER_LOG")" -gt "$offset" ]; then
    printf -- '----- last 30 lines of %s (this start) -----\n' "$KAFKA_SERVER_LOG" >&2
    tail -c +"$((offset + 1))" "$KAFKA_SERVER_LOG" | tail -n 30 >&2
    printf -- '----- end of %s -----\n' "$KAFKA_SERVER_LOG" >&2
  else
    printf -- '(nothing new in %s for this start)\n' "$KAFKA_SERVER_LOG" >&2
  fi
  die "$1" "Logs: $KAFKA_SERVER_LOG and $KAFKA_STDOUT_LOG"
}

kafka_up() {
  java_check
  mkdir -p "$KAFKA_DIR"
  local pid t0
  t0=$(now_ms)

  # Reuse a running broker (ours or not) once it is ready for clients.
  if pid=$(kafka_our_pid) || tcp_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    # The probe needs client jars; keep whatever lib the running broker uses.
    ls "$KAFKA_LIB"/kafka-clients-*.jar >/dev/null 2>&1 || kafka_jars
    local who="not started by this script"
    [ -n "${pid:-}" ] && who="pid $pid, started by this script"
    if ! kafka_probe "$KAFKA_READY_TIMEOUT" >/dev/null; then
      if [ -n "${pid:-}" ]; then
        local off=0
        [ -f "$KAFKA_SERVER_LOG" ] && off=$(($(stat -c %s "$KAFKA_SERVER_LOG") - 8000))
        [ "$off" -ge 0 ] || off=0
        kafka_fail_startup "kafka: broker ($who) is running but not ready for clients after ${KAFKA_READY_TIMEOUT}s." "$off"
      fi
      die "kafka: something listens on $KAFKA_HOST:$KAFKA_PORT but it is not a Kafka broker ready for clients (${KAFKA_READY_TIMEOUT}s)." \
        "See what holds the port: ss -ltnp 'sport = :$KAFKA_PORT'"
    fi
    log "kafka: already running on $KAFKA_HOST:$KAFKA_PORT ($who), ready ($(elapsed "$t0"))"
    return 0
  fi
  rm -f "$KAFKA_PID_FILE"

  if tcp_open "$KAFKA_HOST" "$KAFKA_CONTROLLER_PORT"; then
    die "kafka: port $KAFKA_CONTROLLER_PORT (KRaft controller) is already in use, cannot start the broker." \
      "See what holds it: ss -ltnp 'sport = :$KAFKA_CONTROLLER_PORT'"
  fi

  kafka_jars
  kafka_render_config
  kafka_format
  kafka_probe_build || warn "kafka: javac not available, readiness falls back to kafka.admin.BrokerApiVersionsCommand"

  # Start the broker detached from this shell: own session (setsid -f, so a
  # process-group kill of the caller, e.g. a CI timeout, does not take it down),
  # stdin/stdout/stderr away from the caller, lock fd 9 closed. The inner sh
  # writes its own pid and execs java, so the pid file holds the JVM's pid.
  t0=$(now_ms)
  local offset=0
  [ -f "$KAFKA_SERVER_LOG" ] && offset=$(stat -c %s "$KAFKA_SERVER_LOG")
  rm -f "$KAFKA_PID_FILE"
  # shellcheck disable=SC2086
  (cd "$KAFKA_DIR" && setsid -f sh -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$KAFKA_PID_FILE" \
    java $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    "-Dkafka.logs.dir=$KAFKA_LOGS" "-Dlog4j.configuration=file:$KAFKA_SRC/log4j.properties" \
    -cp "$KAFKA_LIB/*" kafka.Kafka "$KAFKA_CONF" \
    </dev/null >"$KAFKA_STDOUT_LOG" 2>&1 9>&-)
  local i
  for ((i = 0; i < 50; i++)); do
    [ -s "$KAFKA_PID_FILE" ] && break
    sleep 0.1
  done
  pid=$(cat "$KAFKA_PID_FILE" 2>/dev/null || true)
  [[ "$pid" =~ ^[0-9]+$ ]] || kafka_fail_startup "kafka: could not launch the broker JVM (no pid written to $KAFKA_PID_FILE)." "$offset"

  # Wait for "Kafka Server started" (logged once the broker is registered and
  # unfenced), failing fast if the JVM dies; then confirm with a real client.
  local deadline=$(($(date +%s) + KAFKA_READY_TIMEOUT)) started=0
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$KAFKA_PID_FILE"
      kafka_fail_startup "kafka: the broker JVM (pid $pid) exited during startup." "$offset"
    fi
    if [ -f "$KAFKA_SERVER_LOG" ]; then
      local size
      size=$(stat -c %s "$KAFKA_SERVER_LOG")
      [ "$size" -lt "$offset" ] && offset=0 # log rolled over
      # (grep without -q: -q may exit early and SIGPIPE tail, which pipefail reports as failure)
      if tail -c +"$((offset + 1))" "$KAFKA_SERVER_LOG" | grep -F 'Kafka Server started' >/dev/null; then
        started=1
        break
      fi
    fi
    [ "$(date +%s)" -lt "$deadline" ] || break
    sleep 0.3
  done
  if [ "$started" != 1 ]; then
    kafka_stop_pid "$pid" >/dev/null 2>&1 || true
    kafka_fail_startup "kafka: broker did not log 'Kafka Server started' within ${KAFKA_READY_TIMEOUT}s (stopped it again)." "$offset"
  fi
  local left=$((deadline - $(date +%s)))
  [ "$left" -ge 5 ] || left=5
  if ! kafka_probe "$left" >/dev/null; then
    kafka_fail_startup "kafka: broker logged 'Kafka Server started' but a client could not list topics (pid $pid still running)." "$offset"
  fi
  log "kafka: broker $KAFKA_VERSION started on $KAFKA_HOST:$KAFKA_PORT, pid $pid, ready ($(elapsed "$t0"))"
}

kafka_status() {
  local pid who
  if pid=$(kafka_our_pid); then who="pid $pid, started by infra.sh"; else who="not started by infra.sh"; fi
  if tcp_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    if [ -f "$KAFKA_LIB/kafka_2.13-$KAFKA_VERSION.jar" ] || ls "$KAFKA_LIB"/kafka-clients-*.jar >/dev/null 2>&1; then
      if kafka_probe 10 >/dev/null 2>&1; then
        log "kafka     $KAFKA_HOST:$KAFKA_PORT  up ($who)"
        return 0
      fi
      log "kafka     $KAFKA_HOST:$KAFKA_PORT  NOT READY (port open, no ready broker; $who)"
      return 1
    fi
    log "kafka     $KAFKA_HOST:$KAFKA_PORT  port open ($who; jars not resolved, readiness not checked)"
    return 0
  fi
  if [ -n "${pid:-}" ]; then
    log "kafka     $KAFKA_HOST:$KAFKA_PORT  STARTING/NOT READY (pid $pid, port closed)"
  else
    log "kafka     $KAFKA_HOST:$KAFKA_PORT  DOWN"
  fi
  return 1
}

# --------------------------------------------------------------- commands --

cmd_up() {
  take_lock
  local t0
  t0=$(now_ms)
  redis_up
  pg_up
  local k="kafka $KAFKA_HOST:$KAFKA_PORT ok"
  if [ "$INFRA_SKIP_KAFKA" = 1 ]; then
    log "kafka: skipped (INFRA_SKIP_KAFKA=1)"
    k="kafka skipped"
  else
    kafka_up
  fi
  log "redis $REDIS_HOST:$REDIS_PORT ok | postgres $PG_HOST:$PG_PORT ok | $k  (total $(elapsed "$t0"))"
}

cmd_down() {
  local all=0
  case "${1:-}" in
  "") ;;
  --all) all=1 ;;
  *) die "unknown option for down: $1" "Usage: $0 down [--all]" ;;
  esac
  take_lock
  kafka_stop
  if [ "$all" = 1 ]; then
    redis_stop
    pg_stop
  fi
}

cmd_status() {
  local rc=0
  redis_status || rc=1
  pg_status || rc=1
  if [ "$INFRA_SKIP_KAFKA" = 1 ]; then
    log "kafka     skipped (INFRA_SKIP_KAFKA=1)"
  else
    kafka_status || rc=1
  fi
  return "$rc"
}

usage() {
  sed -n '/^# Local infrastructure/,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

main() {
  local cmd="${1:-}"
  [ $# -gt 0 ] && shift
  case "$cmd" in
  up) cmd_up "$@" ;;
  down) cmd_down "$@" ;;
  status) cmd_status "$@" ;;
  kafka-start) take_lock; kafka_up ;;
  kafka-stop) take_lock; kafka_stop ;;
  -h | --help | help) usage ;;
  "") usage >&2; exit 2 ;;
  *) usage >&2; die "unknown command '$cmd' (expected up, down [--all], status, kafka-start, kafka-stop)" ;;
  esac
}

main "$@"
