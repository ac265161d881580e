#!/usr/bin/env bash
# Start (or reuse) a throwaway pg_auto_failover formation for the Cedros.Storage failover test: a monitor and two
# PostgreSQL data nodes on loopback, synchronous replication, failure detection shortened to about a second.
#
# Usage:
#   eval "export $(scripts/test-ha-start.sh | tail -n1)"
#
# Last line of stdout (a multi-host connection string; the primary is whichever node pg_auto_failover promoted):
#   CEDROS_TEST_HA='Host=127.0.0.1:P1,127.0.0.1:P2;Username=postgres;Password=postgres;Database=postgres;Target Session Attributes=primary'
# Everything else goes to stderr. The bare connection string is also written to $CEDROS_HA_DIR/connection-string.
#
# Environment:
#   CEDROS_HA_DIR    formation directory (default /tmp/cedros-ha); wiped on recreate
#   CEDROS_HA_PORT   monitor port (default 55440); the data nodes use the next two ports
#
# Must run as root on Debian: installs postgresql-15, postgresql-15-auto-failover and pg-auto-failover-cli with
# apt-get if they are missing (apt-get update first only then); every process runs as the unprivileged 'postgres'
# user (pg_autoctl refuses root). Idempotent: a running formation is reused, a node whose pg_autoctl service is not
# running (e.g. after a crash test) is started again and rejoins. Stop it with scripts/test-ha-stop.sh.
set -Eeuo pipefail

# All chatter to stderr; the result line goes to the original stdout (fd 3), which must never leak into a daemon
# (see as_pg_daemon) or "$(... | tail -n1)" would hang until the formation stops.
exec 3>&1 1>&2

HA_DIR="${CEDROS_HA_DIR:-/tmp/cedros-ha}"
MONITOR_PORT="${CEDROS_HA_PORT:-55440}"
PG_VERSION=15
PG_USER=postgres
PG_PASSWORD=postgres
MARKER=".cedros-test-ha"
LOCK_WAIT_SECONDS=600
READY_TIMEOUT=${CEDROS_HA_READY_TIMEOUT:-120}
BIN_DIR="/usr/lib/postgresql/$PG_VERSION/bin"
NODES=(node1 node2)

log() { printf '[test-ha-start] %s\n' "$*" >&2; }

show_logs() {
  local f
  for f in "$HA_DIR"/monitor.log "$HA_DIR"/node1.log "$HA_DIR"/node2.log; do
    [[ -f "$f" ]] || continue
    printf '[test-ha-start] ---- last 15 lines of %s ----\n' "$f" >&2
    tail -n 15 "$f" >&2 || true
  done
}

die() {
  printf '[test-ha-start] ERROR: %s\n' "$*" >&2
  show_logs
  exit 1
}

on_err() {
  local rc=$? line=$1
  trap - ERR
  printf '[test-ha-start] ERROR: command failed (exit %s) at line %s: %s\n' "$rc" "$line" "$BASH_COMMAND" >&2
  show_logs
  exit "$rc"
}
trap 'on_err $LINENO' ERR

[[ $EUID -eq 0 ]] || die "must be run as root (needs apt-get and runuser)"
[[ "$HA_DIR" == /* ]] || die "CEDROS_HA_DIR must be an absolute path (got '$HA_DIR')"
HA_DIR="${HA_DIR%/}"
[[ -n "$HA_DIR" && "$HA_DIR" != "/" ]] || die "refusing to use '/' as CEDROS_HA_DIR"
[[ "$MONITOR_PORT" =~ ^[0-9]+$ ]] || die "CEDROS_HA_PORT must be a number (got '$MONITOR_PORT')"

node_port() { case "$1" in monitor) echo "$MONITOR_PORT" ;; node1) echo $((MONITOR_PORT + 1)) ;; node2) echo $((MONITOR_PORT + 2)) ;; esac; }

# ---------------------------------------------------------------- packages ---

have_binaries() { [[ -x "$BIN_DIR/pg_ctl" && -x "$BIN_DIR/psql" ]] && command -v pg_autoctl >/dev/null 2>&1 \
  && [[ -f "/usr/share/postgresql/$PG_VERSION/extension/pgautofailover.control" ]]; }

apt_busy() {
  local f inode
  for f in /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock; do
    [[ -e "$f" ]] || continue
    inode=$(stat -c %i "$f" 2>/dev/null) || continue
    grep -qE ":${inode} " /proc/locks 2>/dev/null && return 0
  done
  pgrep -x 'apt-get|apt|dpkg|aptitude|unattended-upgr' >/dev/null 2>&1
}

wait_for_apt() {
  local deadline=$((SECONDS + LOCK_WAIT_SECONDS))
  while apt_busy; do
    (( SECONDS < deadline )) || die "timed out after ${LOCK_WAIT_SECONDS}s waiting for the apt/dpkg lock"
    sleep 3
  done
}

ensure_packages() {
  have_binaries && return 0
  command -v apt-get >/dev/null || die "apt-get not found; install postgresql-$PG_VERSION, postgresql-$PG_VERSION-auto-failover and pg-auto-failover-cli"
  local pkgs=("postgresql-$PG_VERSION" "postgresql-$PG_VERSION-auto-failover" pg-auto-failover-cli) attempt
  wait_for_apt
  have_binaries && return 0
  # Only refresh the package lists when the packages are not installable from the lists at hand.
  if ! apt-cache show "${pkgs[@]}" >/dev/null 2>&1; then
    for attempt in 1 2 3; do
      wait_for_apt
      log "running apt-get update (attempt $attempt) ..."
      apt-get -o DPkg::Lock::Timeout=600 update >&2 && break
      (( attempt < 3 )) || die "apt-get update failed"
      sleep 10
    done
  fi
  for attempt in 1 2 3; do
    wait_for_apt
    log "installing ${pkgs[*]} (attempt $attempt) ..."
    DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=600 "${pkgs[@]}" >&2 && break
    (( attempt < 3 )) || die "apt-get install ${pkgs[*]} failed"
    sleep 10
  done
  have_binaries || die "packages installed, but $BIN_DIR/pg_ctl, pg_autoctl or the pgautofailover extension is missing"
}

ensure_user() {
  if ! id -u "$PG_USER" >/dev/null 2>&1; then
    log "creating system user '$PG_USER'"
    useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash "$PG_USER"
  fi
  [[ "$(id -u "$PG_USER")" != 0 ]] || die "user '$PG_USER' has uid 0; PostgreSQL refuses to run as root"
}

# ----------------------------------------------------------------- helpers ---

close_extra_fds() {
  local f n
  for f in /proc/"$BASHPID"/fd/*; do
    n=${f##*/}
    if [[ "$n" =~ ^[0-9]+$ ]] && (( n > 2 )); then eval "exec $n>&-" 2>/dev/null || true; fi
  done
}

# Run a command as the postgres user (stdin /dev/null, fds above 2 closed).
as_pg() {
  ( close_extra_fds; cd /; exec runuser -u "$PG_USER" -- "$(command -v env)" -i PATH="$BIN_DIR:/usr/bin:/bin" \
      HOME="$HA_DIR" XDG_CONFIG_HOME="$HA_DIR/config" XDG_DATA_HOME="$HA_DIR/share" XDG_RUNTIME_DIR="$HA_DIR/run" \
      LC_ALL=C.UTF-8 LANG=C.UTF-8 TZ=UTC "$@" ) </dev/null
}

# Start "pg_autoctl run" for one node in the background, detached from our session (setsid) so that neither the
# caller's job control nor its pipes keep it attached; its output goes to $HA_DIR/<name>.log.
as_pg_daemon() {
  local name=$1
  ( close_extra_fds; cd /; exec setsid runuser -u "$PG_USER" -- "$(command -v env)" -i PATH="$BIN_DIR:/usr/bin:/bin" \
      HOME="$HA_DIR" XDG_CONFIG_HOME="$HA_DIR/config" XDG_DATA_HOME="$HA_DIR/share" XDG_RUNTIME_DIR="$HA_DIR/run" \
      LC_ALL=C.UTF-8 LANG=C.UTF-8 TZ=UTC pg_autoctl run --pgdata "$HA_DIR/$name" ) </dev/null >>"$HA_DIR/$name.log" 2>&1 &
}

psql_at() {
  local port=$1 db=$2; shift 2
  PGCONNECT_TIMEOUT=3 PGPASSWORD="$PG_PASSWORD" "$BIN_DIR/psql" -X -q -A -t -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$port" -U "$PG_USER" -d "$db" "$@" </dev/null 3>&- 8>&-
}

port_in_use() { (exec 9<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

service_running() { as_pg pg_autoctl status --pgdata "$HA_DIR/$1" >/dev/null 2>&1; }

monitor_uri() { echo "postgres://autoctl_node@127.0.0.1:$MONITOR_PORT/pg_auto_failover?sslmode=disable"; }

wait_for_port() {
  local port=$1 db=$2 deadline=$((SECONDS + 60))
  until psql_at "$port" "$db" -c 'SELECT 1' >/dev/null 2>&1; do
    (( SECONDS < deadline )) || die "PostgreSQL on port $port did not accept connections within 60s"
    sleep 0.5
  done
}

# Primary and secondary both reported and assigned, and the primary has a synchronous standby.
formation_ready() {
  local counts primary_port sync
  counts=$(psql_at "$MONITOR_PORT" pg_auto_failover -c \
    "SELECT count(*) FILTER (WHERE reportedstate = 'primary' AND goalstate = 'primary') || ' '
         || count(*) FILTER (WHERE reportedstate = 'secondary' AND goalstate = 'secondary')
     FROM pgautofailover.node" 2>/dev/null) || return 1
  [[ "$counts" == "1 1" ]] || return 1
  primary_port=$(psql_at "$MONITOR_PORT" pg_auto_failover -c \
    "SELECT nodeport FROM pgautofailover.node WHERE reportedstate = 'primary'" 2>/dev/null) || return 1
  sync=$(psql_at "$primary_port" postgres -c "SHOW synchronous_standby_names" 2>/dev/null) || return 1
  [[ -n "$sync" ]] || return 1
  psql_at "$primary_port" postgres -c "SELECT 1 FROM pg_stat_replication WHERE state = 'streaming'" 2>/dev/null | grep -q 1
}

wait_ready() {
  local deadline=$((SECONDS + READY_TIMEOUT))
  until formation_ready; do
    (( SECONDS < deadline )) || return 1
    sleep 1
  done
}

# ------------------------------------------------------------------ create ---

wipe_dir() {
  if [[ -e "$HA_DIR" ]]; then
    [[ -d "$HA_DIR" ]] || die "$HA_DIR exists and is not a directory"
    if [[ -n "$(ls -A "$HA_DIR" 2>/dev/null)" && ! -e "$HA_DIR/$MARKER" ]]; then
      die "$HA_DIR is not empty and was not created by this script (no $MARKER); refusing to wipe it"
    fi
    log "removing stale $HA_DIR"
    stop_all
    rm -rf -- "$HA_DIR"
  fi
}

stop_all() {
  local name pid
  for name in "${NODES[@]}" monitor; do
    [[ -d "$HA_DIR/$name" ]] || continue
    as_pg pg_autoctl stop --pgdata "$HA_DIR/$name" --immediate >/dev/null 2>&1 || true
  done
  sleep 1
  for name in "${NODES[@]}" monitor; do
    [[ -f "$HA_DIR/$name/postmaster.pid" ]] || continue
    pid=$(head -n1 "$HA_DIR/$name/postmaster.pid" 2>/dev/null || true)
    [[ "$pid" =~ ^[0-9]+$ ]] && grep -qE '^(postgres|postmaster)$' "/proc/$pid/comm" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  done
  return 0
}

create_formation() {
  local name port
  for name in monitor "${NODES[@]}"; do
    port=$(node_port "$name")
    port_in_use "$port" && die "port $port (for $name) is already in use; set CEDROS_HA_PORT to another monitor port"
  done
  mkdir -p "$HA_DIR" "$HA_DIR/config" "$HA_DIR/share" "$HA_DIR/run"
  touch "$HA_DIR/$MARKER"
  chown -R "$PG_USER:" "$HA_DIR"
  chmod 755 "$HA_DIR"
  as_pg test -w "$HA_DIR" || die "user '$PG_USER' cannot write $HA_DIR; choose a CEDROS_HA_DIR such as /tmp/..."

  log "creating the monitor on 127.0.0.1:$MONITOR_PORT ($(pg_autoctl --version | head -n1))"
  as_pg pg_autoctl create monitor --pgdata "$HA_DIR/monitor" --pgport "$MONITOR_PORT" --hostname 127.0.0.1 \
    --auth trust --no-ssl >>"$HA_DIR/monitor.log" 2>&1 || die "pg_autoctl create monitor failed"
  as_pg pg_autoctl config set --pgdata "$HA_DIR/monitor" postgresql.listen_addresses 127.0.0.1 >/dev/null 2>&1
  as_pg_daemon monitor
  wait_for_port "$MONITOR_PORT" pg_auto_failover
  # Failure detection in about a second instead of 20-30 s (defaults: checks every 5 s, unhealthy after 20 s,
  # demote timeout 30 s). Test settings: on a real network these would fail over on a hiccup.
  local setting
  for setting in health_check_period=1000 health_check_timeout=1000 health_check_max_retries=1 \
                 health_check_retry_delay=500 node_considered_unhealthy_timeout=2000 \
                 primary_demote_timeout=3000 startup_grace_period=2000; do
    psql_at "$MONITOR_PORT" pg_auto_failover -c "ALTER SYSTEM SET pgautofailover.${setting%%=*} = ${setting#*=}" >/dev/null
  done
  psql_at "$MONITOR_PORT" pg_auto_failover -c "SELECT pg_reload_conf()" >/dev/null

  for name in "${NODES[@]}"; do
    port=$(node_port "$name")
    log "creating data node $name on 127.0.0.1:$port"
    as_pg pg_autoctl create postgres --pgdata "$HA_DIR/$name" --pgport "$port" --hostname 127.0.0.1 --listen 127.0.0.1 \
      --auth trust --no-ssl --monitor "$(monitor_uri)" --name "$name" --dbname postgres --username "$PG_USER" \
      >>"$HA_DIR/$name.log" 2>&1 || die "pg_autoctl create postgres ($name) failed"
    as_pg_daemon "$name"
    wait_for_port "$port" postgres
  done
  psql_at "$(node_port node1)" postgres -c "ALTER ROLE $PG_USER PASSWORD '$PG_PASSWORD'" >/dev/null
  touch "$HA_DIR/created"
}

# ------------------------------------------------------------------- reuse ---

# Reuse the formation of an earlier run: start any node whose pg_autoctl service is not running, then wait.
try_reuse() {
  local name
  [[ -f "$HA_DIR/$MARKER" && -f "$HA_DIR/created" ]] || return 1
  [[ "$(cat "$HA_DIR/monitor-port" 2>/dev/null)" == "$MONITOR_PORT" ]] || return 1
  for name in monitor "${NODES[@]}"; do
    if ! service_running "$name"; then
      log "pg_autoctl for $name is not running; starting it"
      as_pg_daemon "$name"
    fi
  done
  if wait_ready; then
    log "reusing the running formation in $HA_DIR"
    return 0
  fi
  log "the formation in $HA_DIR did not become ready within ${READY_TIMEOUT}s; recreating it"
  return 1
}

emit() {
  local cs="Host=127.0.0.1:$(node_port node1),127.0.0.1:$(node_port node2);Username=$PG_USER;Password=$PG_PASSWORD;Database=postgres;Target Session Attributes=primary"
  printf '%s\n' "$cs" > "$HA_DIR/connection-string"
  chmod 644 "$HA_DIR/connection-string"
  log "ready: $(psql_at "$MONITOR_PORT" pg_auto_failover -c \
    "SELECT string_agg(nodename || '=' || reportedstate || '@' || nodeport, ' ' ORDER BY nodeid) FROM pgautofailover.node")"
  log "connection string: $cs (logs: $HA_DIR/*.log)"
  printf "CEDROS_TEST_HA='%s'\n" "$cs" >&3
}

# -------------------------------------------------------------------- main ---

ensure_packages
ensure_user

exec 8>"$HA_DIR.lock"
if ! flock -n 8; then
  log "another start/stop for $HA_DIR is in progress; waiting ..."
  flock -w 300 8 || die "timed out waiting for lock $HA_DIR.lock"
fi

if try_reuse; then
  emit
  exit 0
fi

wipe_dir
started=$SECONDS
create_formation
echo "$MONITOR_PORT" > "$HA_DIR/monitor-port"
wait_ready || die "the formation did not reach primary + synchronous secondary within ${READY_TIMEOUT}s"
log "formation created in $((SECONDS - started))s"
emit
