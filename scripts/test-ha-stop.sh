#!/usr/bin/env bash
# Stop the pg_auto_failover formation started by scripts/test-ha-start.sh (and the PgBouncers of
# scripts/test-ha-pgbouncer-start.sh in front of its nodes) and remove its directory. Idempotent: does
# nothing if nothing is there.
#
# Environment:
#   CEDROS_HA_DIR   formation directory (default /tmp/cedros-ha)
set -Eeuo pipefail

HA_DIR="${CEDROS_HA_DIR:-/tmp/cedros-ha}"
PG_USER=postgres
MARKER=".cedros-test-ha"
BIN_DIR=/usr/lib/postgresql/15/bin

log() { printf '[test-ha-stop] %s\n' "$*" >&2; }
die() { printf '[test-ha-stop] ERROR: %s\n' "$*" >&2; exit 1; }
# shellcheck disable=SC2154
trap 'rc=$?; trap - ERR; printf "[test-ha-stop] ERROR: command failed (exit %s) at line %s: %s\n" "$rc" "$LINENO" "$BASH_COMMAND" >&2; exit "$rc"' ERR

[[ $EUID -eq 0 ]] || die "must be run as root"
[[ "$HA_DIR" == /* ]] || die "CEDROS_HA_DIR must be an absolute path (got '$HA_DIR')"
HA_DIR="${HA_DIR%/}"
[[ -n "$HA_DIR" && "$HA_DIR" != "/" ]] || die "refusing to use '/' as CEDROS_HA_DIR"

# The PgBouncers of scripts/test-ha-pgbouncer-start.sh (one per data node) first.
for bouncer_dir in "$HA_DIR"-pgbouncer[0-9]*; do
  [[ -d "$bouncer_dir" ]] || continue
  CEDROS_PGBOUNCER_DIR="$bouncer_dir" "$(dirname "$0")/test-pgbouncer-stop.sh" || log "stopping the PgBouncer in $bouncer_dir failed"
done

if [[ ! -e "$HA_DIR" ]]; then
  log "$HA_DIR does not exist; nothing to do"
  exit 0
fi
[[ -d "$HA_DIR" ]] || die "$HA_DIR exists and is not a directory"
if [[ -n "$(ls -A "$HA_DIR" 2>/dev/null)" && ! -e "$HA_DIR/$MARKER" ]]; then
  die "$HA_DIR was not created by test-ha-start.sh (no $MARKER); refusing to touch it"
fi

exec 8>"$HA_DIR.lock"
flock -w 300 8 || die "timed out waiting for lock $HA_DIR.lock"

as_pg() {
  (cd / && exec runuser -u "$PG_USER" -- "$(command -v env)" -i PATH="$BIN_DIR:/usr/bin:/bin" HOME="$HA_DIR" \
     XDG_CONFIG_HOME="$HA_DIR/config" XDG_DATA_HOME="$HA_DIR/share" XDG_RUNTIME_DIR="$HA_DIR/run" LC_ALL=C.UTF-8 "$@") \
    </dev/null 8>&-
}

postmaster_pid() {
  local pid
  pid=$(head -n1 "$1/postmaster.pid" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && grep -qE '^(postgres|postmaster)$' "/proc/$pid/comm" 2>/dev/null || return 1
  echo "$pid"
}

# Data nodes first (so the monitor does not orchestrate a failover meanwhile), then the monitor.
for name in node1 node2 monitor; do
  [[ -d "$HA_DIR/$name" ]] || continue
  if command -v pg_autoctl >/dev/null && as_pg pg_autoctl status --pgdata "$HA_DIR/$name" >/dev/null 2>&1; then
    log "stopping pg_autoctl for $name"
    as_pg pg_autoctl stop --pgdata "$HA_DIR/$name" --fast >&2 2>&1 || log "pg_autoctl stop ($name) failed"
  fi
done
for name in node1 node2 monitor; do
  for i in $(seq 1 40); do
    as_pg pg_autoctl status --pgdata "$HA_DIR/$name" >/dev/null 2>&1 || break
    sleep 0.5
  done
  if pid=$(postmaster_pid "$HA_DIR/$name"); then
    log "PostgreSQL of $name (pid $pid) still running; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
done

rm -rf -- "$HA_DIR"
log "removed $HA_DIR"
