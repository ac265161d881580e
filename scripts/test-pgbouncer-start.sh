#!/usr/bin/env bash
# Start (or reuse) a throwaway PgBouncer in TRANSACTION pool mode in front of the test PostgreSQL
# (scripts/test-postgres-start.sh), for the PgBouncer conformance tests.
#
# Usage:
#   eval "export $(scripts/test-pgbouncer-start.sh | tail -n1)"
#
# Last line of stdout:
#   CEDROS_TEST_PGBOUNCER='Host=127.0.0.1;Port=PORT;Username=postgres;Password=postgres;Database=postgres'
# Everything else goes to stderr. The bare connection string is also written to $CEDROS_PGBOUNCER_DIR/connection-string.
#
# Environment:
#   CEDROS_TEST_POSTGRES     the server to pool (default: $CEDROS_PG_DIR/connection-string, else 127.0.0.1:55432);
#                            only its Host and Port are used, the user/password are postgres/postgres
#   CEDROS_PGBOUNCER_DIR     working directory (default /tmp/cedros-pgbouncer); wiped on recreate
#   CEDROS_PGBOUNCER_PORT    first port to try (default 55433); tries up to 100 ports upward
#
# Must run as root on Debian: installs Debian's 'pgbouncer' (1.18 on bookworm) with apt-get when it is missing
# (apt-get update first, only if the package is unknown); PgBouncer itself runs as the unprivileged 'postgres' user.
# Stop it with scripts/test-pgbouncer-stop.sh.
set -Eeuo pipefail

# All chatter to stderr; the result line goes to the original stdout (fd 3), which must never leak into the daemon.
exec 3>&1 1>&2

BOUNCER_DIR="${CEDROS_PGBOUNCER_DIR:-/tmp/cedros-pgbouncer}"
FIRST_PORT="${CEDROS_PGBOUNCER_PORT:-55433}"
PG_DIR="${CEDROS_PG_DIR:-/tmp/cedros-pg}"
PG_USER=postgres
PG_PASSWORD=postgres
LOCK_WAIT_SECONDS=600
MARKER=".cedros-test-pgbouncer"
PGBOUNCER=/usr/sbin/pgbouncer

# Pool sizes. The test server allows max_connections=300 and the direct PostgreSQL tests use it at the same time, so
# PgBouncer may open at most 60 server connections (one pool: every test connects as postgres/postgres to postgres);
# clients (one per Npgsql pooled connection of every storage the tests open) may be many more.
MAX_CLIENT_CONN=2000
DEFAULT_POOL_SIZE=50
RESERVE_POOL_SIZE=10
MAX_DB_CONNECTIONS=60

INI_FILE="$BOUNCER_DIR/pgbouncer.ini"
USERLIST="$BOUNCER_DIR/userlist.txt"
PID_FILE="$BOUNCER_DIR/pgbouncer.pid"
LOG_FILE="$BOUNCER_DIR/pgbouncer.log"
PORT_FILE="$BOUNCER_DIR/port"
TARGET_FILE="$BOUNCER_DIR/target"
CONN_FILE="$BOUNCER_DIR/connection-string"

log() { printf '[test-pgbouncer-start] %s\n' "$*" >&2; }

show_log_tail() {
  if [[ -f "$LOG_FILE" ]]; then
    printf '[test-pgbouncer-start] ---- last 40 lines of %s ----\n' "$LOG_FILE" >&2
    tail -n 40 "$LOG_FILE" >&2 || true
    printf '[test-pgbouncer-start] ---- end of log ----\n' >&2
  fi
}

die() {
  printf '[test-pgbouncer-start] ERROR: %s\n' "$*" >&2
  show_log_tail
  exit 1
}

on_err() {
  local rc=$? line=$1
  trap - ERR
  printf '[test-pgbouncer-start] ERROR: command failed (exit %s) at line %s: %s\n' "$rc" "$line" "$BASH_COMMAND" >&2
  show_log_tail
  exit "$rc"
}
trap 'on_err $LINENO' ERR

[[ $EUID -eq 0 ]] || die "must be run as root (needs apt-get and runuser)"
[[ "$BOUNCER_DIR" == /* ]] || die "CEDROS_PGBOUNCER_DIR must be an absolute path (got '$BOUNCER_DIR')"
BOUNCER_DIR="${BOUNCER_DIR%/}"
[[ -n "$BOUNCER_DIR" && "$BOUNCER_DIR" != "/" ]] || die "refusing to use '/' as CEDROS_PGBOUNCER_DIR"
[[ "$FIRST_PORT" =~ ^[0-9]+$ ]] || die "CEDROS_PGBOUNCER_PORT must be a number (got '$FIRST_PORT')"

# ---------------------------------------------------------------- target -----

# Host and port of the PostgreSQL server to pool, from a key=value connection string.
conn_value() {
  local cs=$1 key=$2 part k
  IFS=';' read -ra parts <<<"$cs"
  for part in "${parts[@]}"; do
    k=${part%%=*}; k=${k// /}
    if [[ "${k,,}" == "$key" ]]; then printf '%s' "${part#*=}"; return 0; fi
  done
  return 1
}

TARGET_CS="${CEDROS_TEST_POSTGRES:-}"
if [[ -z "$TARGET_CS" && -f "$PG_DIR/connection-string" ]]; then TARGET_CS=$(cat "$PG_DIR/connection-string"); fi
TARGET_HOST=$(conn_value "$TARGET_CS" host || true); TARGET_HOST=${TARGET_HOST:-127.0.0.1}
TARGET_PORT=$(conn_value "$TARGET_CS" port || true); TARGET_PORT=${TARGET_PORT:-55432}
[[ "$TARGET_HOST" != *,* ]] || die "CEDROS_TEST_POSTGRES names several hosts; PgBouncer needs one server"
[[ "$TARGET_PORT" =~ ^[0-9]+$ ]] || die "could not read the port of the PostgreSQL server (got '$TARGET_PORT')"

# --------------------------------------------------------------- binaries ----

apt_busy() {
  local f inode
  for f in /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock; do
    [[ -e "$f" ]] || continue
    inode=$(stat -c %i "$f" 2>/dev/null) || continue
    if grep -qE ":${inode} " /proc/locks 2>/dev/null; then
      return 0
    fi
  done
  pgrep -x 'apt-get|apt|dpkg|aptitude|unattended-upgr' >/dev/null 2>&1
}

wait_for_apt() {
  local deadline=$1 announced=0
  while apt_busy; do
    (( SECONDS < deadline )) || return 1
    if (( ! announced )); then
      log "apt/dpkg is busy (another install running?); waiting up to $((deadline - SECONDS))s ..."
      announced=1
    fi
    sleep 3
  done
  return 0
}

ensure_pgbouncer() {
  [[ -x "$PGBOUNCER" ]] && return 0
  local deadline=$((SECONDS + LOCK_WAIT_SECONDS)) attempt started=$SECONDS
  command -v apt-get >/dev/null || die "apt-get not found; install pgbouncer manually"
  wait_for_apt "$deadline" || die "timed out waiting for the apt/dpkg lock"
  [[ -x "$PGBOUNCER" ]] && return 0
  if ! apt-cache show pgbouncer >/dev/null 2>&1; then
    for attempt in 1 2 3; do
      wait_for_apt "$deadline" || die "timed out waiting for the apt/dpkg lock"
      log "running apt-get update (attempt $attempt) ..."
      apt-get -o DPkg::Lock::Timeout=600 update >&2 && break
      (( attempt < 3 )) || die "apt-get update failed"
      sleep 10
    done
  fi
  for attempt in 1 2 3; do
    wait_for_apt "$deadline" || die "timed out waiting for the apt/dpkg lock"
    log "installing pgbouncer (attempt $attempt) ..."
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=600 pgbouncer >&2; then
      break
    fi
    [[ -x "$PGBOUNCER" ]] && break
    (( attempt < 3 )) || die "apt-get install pgbouncer failed"
    sleep 10
  done
  log "apt-get finished in $((SECONDS - started))s"
  [[ -x "$PGBOUNCER" ]] || die "pgbouncer installed, but $PGBOUNCER is missing"
}

ensure_user() {
  id -u "$PG_USER" >/dev/null 2>&1 || die "system user '$PG_USER' is missing (run scripts/test-postgres-start.sh first)"
}

PSQL=""
find_psql() {
  local d
  for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV); do
    if [[ -x "$d/psql" ]]; then PSQL="$d/psql"; return 0; fi
  done
  PSQL=$(command -v psql) || die "psql not found (run scripts/test-postgres-start.sh first)"
}

close_extra_fds() {
  local f n
  for f in /proc/"$BASHPID"/fd/*; do
    n=${f##*/}
    if [[ "$n" =~ ^[0-9]+$ ]] && (( n > 2 )); then
      eval "exec $n>&-" 2>/dev/null || true
    fi
  done
}

# Runs a command as the postgres user, with stdin /dev/null and no fd above 2 (see test-postgres-start.sh: a leaked
# fd 3 would make "$(start.sh | tail -n1)" hang until the daemon exits, a leaked fd 8 would keep the lock held).
as_pg() {
  (
    close_extra_fds
    cd /
    exec runuser -u "$PG_USER" -- env -i PATH=/usr/sbin:/usr/bin:/bin HOME=/var/lib/postgresql LC_ALL=C LANG=C TZ=UTC "$@"
  ) </dev/null
}

# psql over TCP to 127.0.0.1:$1, database postgres; remaining args go to psql.
run_psql() {
  local port=$1; shift
  PGCONNECT_TIMEOUT=5 PGPASSWORD="$PG_PASSWORD" PGAPPNAME=cedros-test-pgbouncer \
    "$PSQL" -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$PG_USER" -d postgres "$@" </dev/null 3>&- 8>&-
}

port_in_use() {
  local p=$1
  if command -v ss >/dev/null 2>&1 && [[ -n "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]]; then
    return 0
  fi
  (exec 9<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null
}

pick_port() {
  local p=$1 last=$(( $1 + 100 ))
  while (( p <= last && p <= 65535 )); do
    if ! port_in_use "$p"; then echo "$p"; return 0; fi
    p=$((p + 1))
  done
  return 1
}

bouncer_pid() {
  local pid
  [[ -f "$PID_FILE" ]] || return 1
  pid=$(head -n1 "$PID_FILE" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/comm" ]] && grep -qx 'pgbouncer' "/proc/$pid/comm" || return 1
  echo "$pid"
}

stop_stale() {
  local pid i
  pid=$(bouncer_pid) || return 0
  log "stopping leftover pgbouncer (pid $pid)"
  kill -INT "$pid" 2>/dev/null || true
  for i in $(seq 1 20); do
    kill -0 "$pid" 2>/dev/null || return 0
    (( i == 10 )) && kill -KILL "$pid" 2>/dev/null
    sleep 0.5
  done
  kill -0 "$pid" 2>/dev/null && die "could not stop leftover pgbouncer pid $pid"
  return 0
}

wipe_dir() {
  if [[ -e "$BOUNCER_DIR" ]]; then
    [[ -d "$BOUNCER_DIR" ]] || die "$BOUNCER_DIR exists and is not a directory"
    if [[ -n "$(ls -A "$BOUNCER_DIR" 2>/dev/null)" && ! -e "$BOUNCER_DIR/$MARKER" ]]; then
      die "$BOUNCER_DIR is not empty and was not created by this script (no $MARKER); refusing to wipe it"
    fi
    stop_stale
    rm -rf -- "$BOUNCER_DIR"
  fi
}

emit() {
  local port=$1
  local cs="Host=127.0.0.1;Port=$port;Username=$PG_USER;Password=$PG_PASSWORD;Database=postgres"
  printf '%s\n' "$cs" > "$CONN_FILE"
  chmod 644 "$CONN_FILE"
  log "ready: $cs (transaction pooling in front of $TARGET_HOST:$TARGET_PORT; log: $LOG_FILE)"
  printf "CEDROS_TEST_PGBOUNCER='%s'\n" "$cs" >&3
}

# A query through PgBouncer, and the pool mode it reports on its admin console.
verify() {
  local port=$1 out
  out=$(run_psql "$port" -c 'SELECT 1' 2>&1) || die "psql 'SELECT 1' through pgbouncer on port $port failed: $out"
  [[ "$out" == "1" ]] || die "psql 'SELECT 1' through pgbouncer returned unexpected output: $out"
  out=$(PGCONNECT_TIMEOUT=5 PGPASSWORD="$PG_PASSWORD" "$PSQL" -X -q -A -t -h 127.0.0.1 -p "$port" -U "$PG_USER" -d pgbouncer \
          -c 'SHOW CONFIG' </dev/null 3>&- 8>&- 2>&1 | grep '^pool_mode|' || true)
  [[ "$out" == pool_mode\|transaction* ]] || die "pgbouncer on port $port is not in transaction pool mode ($out)"
}

try_reuse() {
  local port pid
  [[ -f "$BOUNCER_DIR/$MARKER" && -f "$PORT_FILE" && -f "$TARGET_FILE" ]] || return 1
  [[ "$(cat "$TARGET_FILE")" == "$TARGET_HOST:$TARGET_PORT" ]] || { log "running pgbouncer pools another server; recreating"; return 1; }
  port=$(cat "$PORT_FILE" 2>/dev/null) || return 1
  [[ "$port" =~ ^[0-9]+$ ]] || return 1
  pid=$(bouncer_pid) || return 1
  run_psql "$port" -c 'SELECT 1' >/dev/null 2>&1 || { log "pgbouncer pid $pid does not answer on port $port"; return 1; }
  log "reusing running pgbouncer (pid $pid) on port $port"
  REUSED_PORT=$port
}

write_config() {
  local port=$1
  # auth_type plain against a userlist in the working directory; the test server itself trusts loopback.
  cat > "$INI_FILE" <<EOF
;; Written by scripts/test-pgbouncer-start.sh; transaction pooling as docs/scaling.md describes.
[databases]
* = host=$TARGET_HOST port=$TARGET_PORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = plain
auth_file = $USERLIST
admin_users = $PG_USER
pool_mode = transaction
max_client_conn = $MAX_CLIENT_CONN
default_pool_size = $DEFAULT_POOL_SIZE
reserve_pool_size = $RESERVE_POOL_SIZE
reserve_pool_timeout = 1
max_db_connections = $MAX_DB_CONNECTIONS
server_idle_timeout = 15
server_reset_query =
query_wait_timeout = 60
logfile = $LOG_FILE
pidfile = $PID_FILE
log_connections = 0
log_disconnections = 0
EOF
  printf '"%s" "%s"\n' "$PG_USER" "$PG_PASSWORD" > "$USERLIST"
  chmod 600 "$USERLIST"
  chown "$PG_USER:" "$INI_FILE" "$USERLIST"
}

start_bouncer() {
  local port=$FIRST_PORT attempt i
  for attempt in 1 2 3 4 5; do
    port=$(pick_port "$port") || die "no free TCP port in range $FIRST_PORT..$((FIRST_PORT + 100))"
    write_config "$port"
    : > "$LOG_FILE"; chown "$PG_USER:" "$LOG_FILE"
    log "starting pgbouncer ($("$PGBOUNCER" --version | head -n1)) on 127.0.0.1:$port"
    as_pg setsid "$PGBOUNCER" -d "$INI_FILE" >&2 || true
    for i in $(seq 1 40); do
      if bouncer_pid >/dev/null && run_psql "$port" -c 'SELECT 1' >/dev/null 2>&1; then
        echo "$port" > "$PORT_FILE"
        echo "$TARGET_HOST:$TARGET_PORT" > "$TARGET_FILE"
        STARTED_PORT=$port
        return 0
      fi
      sleep 0.25
    done
    if grep -qi 'address already in use' "$LOG_FILE" 2>/dev/null; then
      log "port $port was taken meanwhile; trying another"
      stop_stale
      port=$((port + 1))
      continue
    fi
    die "pgbouncer did not start (or does not reach PostgreSQL at $TARGET_HOST:$TARGET_PORT)"
  done
  die "could not start pgbouncer after several attempts"
}

# ------------------------------------------------------------------ main -----

ensure_pgbouncer
ensure_user
find_psql

exec 8>"$BOUNCER_DIR.lock"
if ! flock -n 8; then
  log "another start/stop for $BOUNCER_DIR is in progress; waiting ..."
  flock -w 300 8 || die "timed out waiting for lock $BOUNCER_DIR.lock"
fi

REUSED_PORT=""
if try_reuse; then
  verify "$REUSED_PORT"
  emit "$REUSED_PORT"
  exit 0
fi

wipe_dir
mkdir -p "$BOUNCER_DIR"
touch "$BOUNCER_DIR/$MARKER"
chown "$PG_USER:" "$BOUNCER_DIR"
chmod 755 "$BOUNCER_DIR"
STARTED_PORT=""
start_bouncer
verify "$STARTED_PORT"
emit "$STARTED_PORT"
