#!/usr/bin/env bash
# Start (or reuse) a throwaway PostgreSQL server for Cedros.Storage tests.
#
# Usage:
#   eval "export $(scripts/test-postgres-start.sh | tail -n1)"
#
# Last line of stdout:
#   CEDROS_TEST_POSTGRES='Host=127.0.0.1;Port=PORT;Username=postgres;Password=postgres;Database=postgres'
# Everything else goes to stderr. The bare connection string is also written to
# $CEDROS_PG_DIR/connection-string.
#
# Environment:
#   CEDROS_PG_DIR        cluster directory (default /tmp/cedros-pg); wiped on recreate
#   CEDROS_PG_PORT       first port to try (default 55432); tries up to 100 ports upward
#   CEDROS_PG_VERSION    preferred major version (default 15; falls back to newest installed)
#
# Must run as root on Debian (installs packages via apt-get if needed; the
# server itself runs as the unprivileged 'postgres' user). Stop it with
# scripts/test-postgres-stop.sh.
set -Eeuo pipefail

# All chatter to stderr; the result line goes to the original stdout (fd 3).
# NOTE: fd 3 must never leak into the daemonized postmaster, or
# "$(... | tail -n1)" would hang until the server exits; see start_server.
exec 3>&1 1>&2

PG_DIR="${CEDROS_PG_DIR:-/tmp/cedros-pg}"
FIRST_PORT="${CEDROS_PG_PORT:-55432}"
PREFERRED_VERSION="${CEDROS_PG_VERSION:-15}"
PG_USER=postgres
PG_PASSWORD=postgres
LOCK_WAIT_SECONDS=600
MARKER=".cedros-test-postgres"

DATA_DIR="$PG_DIR/data"
SOCK_DIR="$PG_DIR/sock"
LOG_FILE="$PG_DIR/postgres.log"
PORT_FILE="$PG_DIR/port"
CONN_FILE="$PG_DIR/connection-string"

log() { printf '[test-postgres-start] %s\n' "$*" >&2; }

show_log_tail() {
  if [[ -f "$LOG_FILE" ]]; then
    printf '[test-postgres-start] ---- last 40 lines of %s ----\n' "$LOG_FILE" >&2
    tail -n 40 "$LOG_FILE" >&2 || true
    printf '[test-postgres-start] ---- end of log ----\n' >&2
  fi
}

die() {
  printf '[test-postgres-start] ERROR: %s\n' "$*" >&2
  show_log_tail
  exit 1
}

on_err() {
  local rc=$? line=$1
  trap - ERR
  printf '[test-postgres-start] ERROR: command failed (exit %s) at line %s: %s\n' \
    "$rc" "$line" "$BASH_COMMAND" >&2
  show_log_tail
  exit "$rc"
}
trap 'on_err $LINENO' ERR

[[ $EUID -eq 0 ]] || die "must be run as root (needs apt-get and runuser)"
[[ "$PG_DIR" == /* ]] || die "CEDROS_PG_DIR must be an absolute path (got '$PG_DIR')"
PG_DIR="${PG_DIR%/}"
[[ -n "$PG_DIR" && "$PG_DIR" != "/" ]] || die "refusing to use '/' as CEDROS_PG_DIR"
[[ "$FIRST_PORT" =~ ^[0-9]+$ ]] || die "CEDROS_PG_PORT must be a number (got '$FIRST_PORT')"

# ---------------------------------------------------------------- binaries ---

BIN_DIR=""
find_bin_dir() {
  BIN_DIR=""
  local d
  if [[ -x "/usr/lib/postgresql/$PREFERRED_VERSION/bin/initdb" && -x "/usr/lib/postgresql/$PREFERRED_VERSION/bin/pg_ctl" ]]; then
    BIN_DIR="/usr/lib/postgresql/$PREFERRED_VERSION/bin"
    return 0
  fi
  # Fall back to the newest installed major version.
  while IFS= read -r d; do
    if [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]]; then
      BIN_DIR="$d"
    fi
  done < <(printf "%s\n" /usr/lib/postgresql/*/bin | sort -V)
  [[ -n "$BIN_DIR" ]]
}

# True if some process holds one of the apt/dpkg locks (POSIX fcntl locks, as
# apt and dpkg use, are visible in /proc/locks), or apt/dpkg is running.
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

# Wait (up to deadline) while apt/dpkg is busy. Returns 1 on timeout.
wait_for_apt() {
  local deadline=$1 announced=0
  while apt_busy; do
    if (( SECONDS >= deadline )); then
      return 1
    fi
    if (( ! announced )); then
      log "apt/dpkg is busy (another install running?); waiting up to $((deadline - SECONDS))s ..."
      announced=1
    fi
    sleep 3
  done
  return 0
}

ensure_binaries() {
  find_bin_dir && return 0

  local deadline=$((SECONDS + LOCK_WAIT_SECONDS))
  log "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin"

  # Another apt-get (possibly installing postgresql itself) may be running.
  if apt_busy; then
    wait_for_apt "$deadline" || die "timed out after ${LOCK_WAIT_SECONDS}s waiting for the apt/dpkg lock"
    if find_bin_dir; then
      log "PostgreSQL appeared after waiting for apt: $BIN_DIR"
      return 0
    fi
  fi

  command -v apt-get >/dev/null || die "apt-get not found; install PostgreSQL server binaries manually"

  local started=$SECONDS attempt
  for attempt in 1 2 3; do
    wait_for_apt "$deadline" || die "timed out waiting for the apt/dpkg lock"
    log "running apt-get update (attempt $attempt) ..."
    if apt-get -o DPkg::Lock::Timeout=600 update >&2; then
      break
    fi
    (( attempt < 3 )) || die "apt-get update failed"
    sleep 10
  done

  find_bin_dir && return 0   # a concurrent install may have finished meanwhile

  for attempt in 1 2 3; do
    wait_for_apt "$deadline" || die "timed out waiting for the apt/dpkg lock"
    log "installing postgresql postgresql-contrib (attempt $attempt) ..."
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=600 \
         postgresql postgresql-contrib >&2; then
      break
    fi
    find_bin_dir && return 0
    (( attempt < 3 )) || die "apt-get install postgresql postgresql-contrib failed"
    sleep 10
  done
  log "apt-get finished in $((SECONDS - started))s"

  find_bin_dir || die "PostgreSQL installed, but no /usr/lib/postgresql/*/bin/initdb found"
}

ensure_user() {
  if ! id -u "$PG_USER" >/dev/null 2>&1; then
    log "creating system user '$PG_USER'"
    useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash "$PG_USER" \
      || die "could not create system user '$PG_USER'"
  fi
  [[ "$(id -u "$PG_USER")" != 0 ]] || die "user '$PG_USER' has uid 0; PostgreSQL refuses to run as root"
}

# Close every inherited fd above 2 in the current (sub)shell.
close_extra_fds() {
  local f n
  for f in /proc/"$BASHPID"/fd/*; do
    n=${f##*/}
    if [[ "$n" =~ ^[0-9]+$ ]] && (( n > 2 )); then
      eval "exec $n>&-" 2>/dev/null || true
    fi
  done
}

# Run a command as the postgres user with a clean, predictable environment.
# stdin is /dev/null and all fds above 2 are closed so none of them leak into
# the daemonized postmaster: a leaked copy of our stdout (fd 3) would make
# "$(start.sh | tail -n1)" hang, a leaked flock fd (8) would keep the lock
# held, and pipes inherited from a CI runner could make the CI step hang.
as_pg() {
  (
    close_extra_fds
    cd /
    exec runuser -u "$PG_USER" -- env -i \
      PATH="$BIN_DIR:/usr/bin:/bin" HOME=/var/lib/postgresql LC_ALL=C LANG=C TZ=UTC \
      "$@"
  ) </dev/null
}

PSQL=""
find_psql() {
  if [[ -x "$BIN_DIR/psql" ]]; then
    PSQL="$BIN_DIR/psql"
  elif command -v psql >/dev/null; then
    PSQL=$(command -v psql)
  else
    die "psql not found (expected $BIN_DIR/psql)"
  fi
}

# psql over TCP to 127.0.0.1:$1, database postgres; remaining args go to psql.
run_psql() {
  local port=$1; shift
  PGCONNECT_TIMEOUT=5 PGPASSWORD="$PG_PASSWORD" PGAPPNAME=cedros-test-postgres \
    "$PSQL" -X -q -A -t -v ON_ERROR_STOP=1 \
      -h 127.0.0.1 -p "$port" -U "$PG_USER" -d postgres "$@" </dev/null 3>&- 8>&-
}

# --------------------------------------------------------------- helpers -----

port_in_use() {
  local p=$1
  if command -v ss >/dev/null 2>&1; then
    if [[ -n "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]]; then
      return 0
    fi
  fi
  # Also try connecting (covers missing ss, and listeners ss cannot see).
  if (exec 9<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    return 0
  fi
  return 1
}

pick_port() {
  local p=$1 last=$(( $1 + 100 ))
  while (( p <= last && p <= 65535 )); do
    if ! port_in_use "$p"; then
      echo "$p"
      return 0
    fi
    p=$((p + 1))
  done
  return 1
}

postmaster_pid() {
  local pid
  [[ -f "$DATA_DIR/postmaster.pid" ]] || return 1
  pid=$(head -n1 "$DATA_DIR/postmaster.pid" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  # Only report it if it is really a live postgres process (pid may be recycled).
  [[ -r "/proc/$pid/comm" ]] && grep -qE '^(postgres|postmaster)$' "/proc/$pid/comm" || return 1
  echo "$pid"
}

# Stop whatever server a previous run left in $DATA_DIR (it is ours).
stop_stale_server() {
  local pid i
  pid=$(postmaster_pid) || return 0
  log "stopping leftover server (pid $pid) in $DATA_DIR"
  as_pg pg_ctl stop -D "$DATA_DIR" -m immediate -w -t 30 >&2 2>&1 || true
  for i in $(seq 1 20); do
    kill -0 "$pid" 2>/dev/null || return 0
    (( i == 10 )) && kill -KILL "$pid" 2>/dev/null
    sleep 0.5
  done
  kill -0 "$pid" 2>/dev/null && die "could not stop leftover server pid $pid"
  return 0
}

wipe_dir() {
  if [[ -e "$PG_DIR" ]]; then
    [[ -d "$PG_DIR" ]] || die "$PG_DIR exists and is not a directory"
    if [[ -n "$(ls -A "$PG_DIR" 2>/dev/null)" && ! -e "$PG_DIR/$MARKER" ]]; then
      die "$PG_DIR is not empty and was not created by this script (no $MARKER); refusing to wipe it"
    fi
    log "removing stale $PG_DIR"
    stop_stale_server
    rm -rf -- "$PG_DIR"
  fi
}

emit() {
  local port=$1
  local cs="Host=127.0.0.1;Port=$port;Username=$PG_USER;Password=$PG_PASSWORD;Database=postgres"
  printf '%s\n' "$cs" > "$CONN_FILE"
  chmod 644 "$CONN_FILE"
  log "ready: $cs (data: $DATA_DIR, log: $LOG_FILE)"
  printf "CEDROS_TEST_POSTGRES='%s'\n" "$cs" >&3
}

verify() {
  local port=$1 out
  out=$(run_psql "$port" -c 'SELECT 1' 2>&1) || die "psql 'SELECT 1' on port $port failed: $out"
  [[ "$out" == "1" ]] || die "psql 'SELECT 1' returned unexpected output: $out"
  out=$(run_psql "$port" -c 'CREATE EXTENSION IF NOT EXISTS pg_trgm' 2>&1) \
    || die "CREATE EXTENSION pg_trgm failed (is postgresql-contrib installed?): $out"
  out=$(run_psql "$port" -c "SELECT 'abc' % 'abd'" 2>&1) \
    || die "pg_trgm sanity query failed: $out"
}

# Reuse a running server from a previous run if it accepts connections.
try_reuse() {
  local port pid i
  [[ -f "$PG_DIR/$MARKER" && -f "$PORT_FILE" && -f "$DATA_DIR/PG_VERSION" ]] || return 1
  port=$(cat "$PORT_FILE" 2>/dev/null) || return 1
  [[ "$port" =~ ^[0-9]+$ ]] || return 1
  pid=$(postmaster_pid) || return 1
  # The data directory must match the binaries we are going to use.
  [[ "$(cat "$DATA_DIR/PG_VERSION")" == "$(basename "$(dirname "$BIN_DIR")")" ]] || {
    log "existing cluster in $DATA_DIR is for a different major version; recreating"
    return 1
  }
  # It may still be starting up; give it a few seconds.
  for i in $(seq 1 20); do
    if run_psql "$port" -c 'SELECT 1' >/dev/null 2>&1; then
      # A minor upgrade of the packages under a running server (installing pg_auto_failover pulled postgresql-15 15.18
      # -> 15.20 on 26 Nov) leaves it on the old binary, and its new backends then fail to load the upgraded
      # libraries ("plpgsql.so: undefined symbol"). Such a server is started afresh.
      local running installed
      running=$(run_psql "$port" -c 'SHOW server_version' 2>/dev/null | awk '{print $1}')
      installed=$("$BIN_DIR/postgres" --version 2>/dev/null | awk '{print $3}')
      if [[ -n "$running" && -n "$installed" && "$running" != "$installed" ]]; then
        log "running server (pid $pid) is PostgreSQL $running but $BIN_DIR holds $installed; starting afresh"
        return 1
      fi
      log "reusing running server (pid $pid) on port $port"
      REUSED_PORT=$port
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.5
  done
  log "server pid $pid in $DATA_DIR is not accepting connections on port $port"
  return 1
}

create_cluster() {
  mkdir -p "$PG_DIR"
  touch "$PG_DIR/$MARKER"
  mkdir -p "$DATA_DIR" "$SOCK_DIR"
  chown -R "$PG_USER:" "$PG_DIR"
  chmod 755 "$PG_DIR"
  chmod 700 "$DATA_DIR"
  chmod 755 "$SOCK_DIR"
  # The postgres user must be able to reach the directory (e.g. not under /root).
  as_pg test -w "$DATA_DIR" -a -x "$PG_DIR" \
    || die "user '$PG_USER' cannot access $PG_DIR; choose a CEDROS_PG_DIR outside private directories (e.g. /tmp/...)"

  local pwfile="$PG_DIR/.pwfile" out
  printf '%s\n' "$PG_PASSWORD" > "$pwfile"
  chown "$PG_USER:" "$pwfile"
  chmod 600 "$pwfile"

  log "initdb in $DATA_DIR ($("$BIN_DIR/postgres" -V))"
  if ! out=$(as_pg initdb -D "$DATA_DIR" -U "$PG_USER" --pwfile="$pwfile" --auth=trust \
               -E UTF8 --locale=C.UTF-8 2>&1); then
    log "initdb with --locale=C.UTF-8 failed, retrying with --no-locale:"
    printf '%s\n' "$out" | tail -n 5 >&2
    rm -rf -- "$DATA_DIR"; mkdir -p "$DATA_DIR"; chown "$PG_USER:" "$DATA_DIR"; chmod 700 "$DATA_DIR"
    if ! out=$(as_pg initdb -D "$DATA_DIR" -U "$PG_USER" --pwfile="$pwfile" --auth=trust \
                 -E UTF8 --no-locale 2>&1); then
      printf '%s\n' "$out" | tail -n 20 >&2
      rm -f -- "$pwfile"
      die "initdb failed"
    fi
  fi
  rm -f -- "$pwfile"
}

# Start the server on a free port; retries with the next port if the chosen
# one gets taken in the meantime. Sets STARTED_PORT.
start_server() {
  local port=$FIRST_PORT attempt
  for attempt in 1 2 3 4 5; do
    port=$(pick_port "$port") || die "no free TCP port in range $FIRST_PORT..$((FIRST_PORT + 100))"
    log "starting server on 127.0.0.1:$port"
    : > "$LOG_FILE"; chown "$PG_USER:" "$LOG_FILE"
    # setsid: detach the postmaster from our session/process group so it
    # survives the caller's job control killing the group. as_pg closes fd 3
    # and stdin; pg_ctl redirects the postmaster's stdout/stderr to $LOG_FILE.
    if as_pg setsid -w pg_ctl start -D "$DATA_DIR" -l "$LOG_FILE" -w -t 60 \
         -o "-p $port -k $SOCK_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=128MB" \
         >&2; then
      echo "$port" > "$PORT_FILE"
      STARTED_PORT=$port
      return 0
    fi
    if grep -qi 'address already in use' "$LOG_FILE" 2>/dev/null; then
      log "port $port was taken meanwhile; trying another"
      stop_stale_server
      port=$((port + 1))
      continue
    fi
    die "pg_ctl start failed"
  done
  die "could not start server after several attempts"
}

# ------------------------------------------------------------------ main -----

ensure_binaries
ensure_user
find_psql
log "using PostgreSQL binaries in $BIN_DIR"

# Serialize concurrent invocations for the same directory.
LOCK_FILE="$PG_DIR.lock"
exec 8>"$LOCK_FILE"
if ! flock -n 8; then
  log "another start/stop for $PG_DIR is in progress; waiting ..."
  flock -w 300 8 || die "timed out waiting for lock $LOCK_FILE"
fi

REUSED_PORT=""
if try_reuse; then
  verify "$REUSED_PORT"
  emit "$REUSED_PORT"
  exit 0
fi

wipe_dir
create_cluster
STARTED_PORT=""
start_server

# Trust auth is in effect; the password is set too (via initdb --pwfile) so
# connection strings with Password= work even if auth is later tightened.
run_psql "$STARTED_PORT" -c "ALTER ROLE $PG_USER PASSWORD '$PG_PASSWORD'" >/dev/null \
  || die "could not set password for $PG_USER"
verify "$STARTED_PORT"
emit "$STARTED_PORT"
