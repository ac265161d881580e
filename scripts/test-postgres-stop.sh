#!/usr/bin/env bash
# Stop the throwaway PostgreSQL server started by scripts/test-postgres-start.sh
# and remove its directory. Idempotent: does nothing if nothing is there.
#
# Environment:
#   CEDROS_PG_DIR   cluster directory (default /tmp/cedros-pg)
set -Eeuo pipefail

PG_DIR="${CEDROS_PG_DIR:-/tmp/cedros-pg}"
PG_USER=postgres
MARKER=".cedros-test-postgres"
DATA_DIR="${PG_DIR%/}/data"

log() { printf '[test-postgres-stop] %s\n' "$*" >&2; }
die() { printf '[test-postgres-stop] ERROR: %s\n' "$*" >&2; exit 1; }
# shellcheck disable=SC2154
trap 'rc=$?; trap - ERR; printf "[test-postgres-stop] ERROR: command failed (exit %s) at line %s: %s\n" "$rc" "$LINENO" "$BASH_COMMAND" >&2; exit "$rc"' ERR

[[ $EUID -eq 0 ]] || die "must be run as root"
[[ "$PG_DIR" == /* ]] || die "CEDROS_PG_DIR must be an absolute path (got '$PG_DIR')"
PG_DIR="${PG_DIR%/}"
[[ -n "$PG_DIR" && "$PG_DIR" != "/" ]] || die "refusing to use '/' as CEDROS_PG_DIR"

if [[ ! -e "$PG_DIR" ]]; then
  log "$PG_DIR does not exist; nothing to do"
  exit 0
fi
[[ -d "$PG_DIR" ]] || die "$PG_DIR exists and is not a directory"
if [[ -n "$(ls -A "$PG_DIR" 2>/dev/null)" && ! -e "$PG_DIR/$MARKER" ]]; then
  die "$PG_DIR was not created by test-postgres-start.sh (no $MARKER); refusing to touch it"
fi

# Serialize with concurrent start/stop runs for the same directory.
exec 8>"$PG_DIR.lock"
flock -w 300 8 || die "timed out waiting for lock $PG_DIR.lock"

postmaster_pid() {
  local pid
  [[ -f "$DATA_DIR/postmaster.pid" ]] || return 1
  pid=$(head -n1 "$DATA_DIR/postmaster.pid" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/comm" ]] && grep -qE '^(postgres|postmaster)$' "/proc/$pid/comm" || return 1
  echo "$pid"
}

pg_ctl_bin() {
  local v d
  v=$(cat "$DATA_DIR/PG_VERSION" 2>/dev/null || true)
  if [[ -n "$v" && -x "/usr/lib/postgresql/$v/bin/pg_ctl" ]]; then
    echo "/usr/lib/postgresql/$v/bin/pg_ctl"; return 0
  fi
  d=$(printf "%s\n" /usr/lib/postgresql/*/bin | sort -V | tail -n1)
  [[ -n "$d" && -x "$d/pg_ctl" ]] && echo "$d/pg_ctl"
}

if pid=$(postmaster_pid); then
  log "stopping server (pid $pid) in $DATA_DIR"
  if pg_ctl=$(pg_ctl_bin) && id -u "$PG_USER" >/dev/null 2>&1; then
    (cd / && runuser -u "$PG_USER" -- "$pg_ctl" stop -D "$DATA_DIR" -m fast -w -t 30) \
      </dev/null 8>&- >&2 2>&1 \
      || log "pg_ctl stop -m fast failed; falling back to signals"
  fi
  # Make sure it is really gone (SIGINT = fast shutdown, then SIGKILL).
  for i in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || break
    if (( i == 1 )); then kill -INT "$pid" 2>/dev/null || true; fi
    if (( i == 20 )); then log "server still running; sending SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then die "could not stop server pid $pid"; fi
  log "server stopped"
else
  log "no running server in $DATA_DIR"
fi

rm -rf -- "$PG_DIR"
log "removed $PG_DIR"
