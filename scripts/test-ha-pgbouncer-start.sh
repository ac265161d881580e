#!/usr/bin/env bash
# Start (or reuse) one PgBouncer in TRANSACTION pool mode in front of each data node of the pg_auto_failover formation
# of scripts/test-ha-start.sh, for the failover test through PgBouncer: the topology of docs/scaling.md ("PgBouncer and
# failover together"), where the application lists the PgBouncers in its multi-host connection string and Npgsql finds
# the primary behind them. Each PgBouncer is scripts/test-pgbouncer-start.sh with its own directory, port and target.
#
# Usage (after the formation is up):
#   eval "export $(scripts/test-ha-pgbouncer-start.sh | tail -n1)"
#
# Last line of stdout:
#   CEDROS_TEST_HA_PGBOUNCER='Host=127.0.0.1:B1,127.0.0.1:B2;Username=postgres;Password=postgres;Database=postgres'
# Everything else goes to stderr.
#
# Environment:
#   CEDROS_TEST_HA             the formation's multi-host string (default: $CEDROS_HA_DIR/connection-string)
#   CEDROS_HA_DIR              formation directory (default /tmp/cedros-ha); the PgBouncers live in $CEDROS_HA_DIR-pgbouncerN
#   CEDROS_HA_PGBOUNCER_PORT   first port to try (default 55451); each PgBouncer tries upward from there
# Stopped by scripts/test-ha-stop.sh (with the formation).
set -Eeuo pipefail
exec 3>&1 1>&2
cd "$(dirname "$0")/.."

HA_DIR="${CEDROS_HA_DIR:-/tmp/cedros-ha}"
HA_DIR="${HA_DIR%/}"
FIRST_PORT="${CEDROS_HA_PGBOUNCER_PORT:-55451}"

die() { printf '[test-ha-pgbouncer-start] ERROR: %s\n' "$*" >&2; exit 1; }

cs="${CEDROS_TEST_HA:-}"
if [[ -z "$cs" && -f "$HA_DIR/connection-string" ]]; then cs=$(cat "$HA_DIR/connection-string"); fi
[[ -n "$cs" ]] || die "no formation: set CEDROS_TEST_HA or run scripts/test-ha-start.sh first"
hosts=$(sed -n 's/.*\(^\|;\)Host=\([^;]*\).*/\2/p' <<<"$cs")
IFS=, read -ra nodes <<<"$hosts"
(( ${#nodes[@]} >= 2 )) || die "the formation's connection string names fewer than two hosts ('$hosts')"

bouncers=()
port=$FIRST_PORT
i=0
for node in "${nodes[@]}"; do
  i=$((i + 1))
  host=${node%:*}; node_port=${node##*:}
  [[ "$node_port" =~ ^[0-9]+$ ]] || die "no port in host '$node'"
  line=$(CEDROS_PGBOUNCER_DIR="$HA_DIR-pgbouncer$i" CEDROS_PGBOUNCER_PORT="$port" CEDROS_TEST_POSTGRES="Host=$host;Port=$node_port" \
         scripts/test-pgbouncer-start.sh | tail -n1) || die "PgBouncer for $node did not start"
  bouncer_port=$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$line")
  [[ -n "$bouncer_port" ]] || die "PgBouncer for $node printed no port ('$line')"
  bouncers+=("127.0.0.1:$bouncer_port")
  port=$((bouncer_port + 1))
done
list=$(IFS=,; echo "${bouncers[*]}")
printf '[test-ha-pgbouncer-start] ready: PgBouncers %s in front of %s\n' "$list" "$hosts" >&2
printf "CEDROS_TEST_HA_PGBOUNCER='Host=%s;Username=postgres;Password=postgres;Database=postgres'\n" "$list" >&3
