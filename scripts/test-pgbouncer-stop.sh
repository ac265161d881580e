#!/usr/bin/env bash
# Stop the PgBouncer started by scripts/test-pgbouncer-start.sh and remove its directory. Idempotent: does nothing if
# nothing is there. The PostgreSQL server behind it is left alone (scripts/test-postgres-stop.sh stops that).
#
# Environment:
#   CEDROS_PGBOUNCER_DIR   working directory (default /tmp/cedros-pgbouncer)
set -Eeuo pipefail

BOUNCER_DIR="${CEDROS_PGBOUNCER_DIR:-/tmp/cedros-pgbouncer}"
MARKER=".cedros-test-pgbouncer"

log() { printf '[test-pgbouncer-stop] %s\n' "$*" >&2; }
die() { printf '[test-pgbouncer-stop] ERROR: %s\n' "$*" >&2; exit 1; }
# shellcheck disable=SC2154
trap 'rc=$?; trap - ERR; printf "[test-pgbouncer-stop] ERROR: command failed (exit %s) at line %s: %s\n" "$rc" "$LINENO" "$BASH_COMMAND" >&2; exit "$rc"' ERR

[[ $EUID -eq 0 ]] || die "must be run as root"
[[ "$BOUNCER_DIR" == /* ]] || die "CEDROS_PGBOUNCER_DIR must be an absolute path (got '$BOUNCER_DIR')"
BOUNCER_DIR="${BOUNCER_DIR%/}"
[[ -n "$BOUNCER_DIR" && "$BOUNCER_DIR" != "/" ]] || die "refusing to use '/' as CEDROS_PGBOUNCER_DIR"

if [[ ! -e "$BOUNCER_DIR" ]]; then
  log "$BOUNCER_DIR does not exist; nothing to do"
  exit 0
fi
[[ -d "$BOUNCER_DIR" ]] || die "$BOUNCER_DIR exists and is not a directory"
if [[ -n "$(ls -A "$BOUNCER_DIR" 2>/dev/null)" && ! -e "$BOUNCER_DIR/$MARKER" ]]; then
  die "$BOUNCER_DIR was not created by test-pgbouncer-start.sh (no $MARKER); refusing to touch it"
fi

exec 8>"$BOUNCER_DIR.lock"
flock -w 300 8 || die "timed out waiting for lock $BOUNCER_DIR.lock"

pid=""
if [[ -f "$BOUNCER_DIR/pgbouncer.pid" ]]; then
  pid=$(head -n1 "$BOUNCER_DIR/pgbouncer.pid" 2>/dev/null || true)
  if ! [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/comm" ]] || ! grep -qx 'pgbouncer' "/proc/$pid/comm"; then pid=""; fi
fi
if [[ -n "$pid" ]]; then
  log "stopping pgbouncer (pid $pid)"
  # SIGINT: safe shutdown (waits for the pooled transactions to finish); SIGKILL after 10 s.
  kill -INT "$pid" 2>/dev/null || true
  for i in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || break
    if (( i == 20 )); then log "pgbouncer still running; sending SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then die "could not stop pgbouncer pid $pid"; fi
  log "pgbouncer stopped"
else
  log "no running pgbouncer in $BOUNCER_DIR"
fi

rm -rf -- "$BOUNCER_DIR"
log "removed $BOUNCER_DIR"
