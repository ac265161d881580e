#!/usr/bin/env bash
# Runs every test project: installs and starts a throwaway PostgreSQL (scripts/test-postgres-start.sh) and a
# pg_auto_failover formation for the failover test (scripts/test-ha-start.sh, started in the background while the
# solution builds), runs all tests, and ends with one line "N passed, N failed, N skipped" totalled over every test
# project. Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Sqlite").
# PgBouncer in transaction mode (scripts/test-pgbouncer-start.sh) is started after PostgreSQL for the PgBouncer
# conformance classes; CEDROS_TEST_PGBOUNCER set: that one is used. It failing to start fails the run (never a skip).
# CEDROS_TEST_HA set: that formation is used. CEDROS_SKIP_HA=1: no formation; the failover test reports itself skipped.
# With a formation, one PgBouncer per data node (scripts/test-ha-pgbouncer-start.sh; CEDROS_TEST_HA_PGBOUNCER set: those)
# for the failover test through PgBouncer.
# A formation that fails to start fails the run (the failover test never skips silently).
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if ! command -v dotnet >/dev/null 2>&1; then
  echo "dotnet (the .NET 10 SDK) is required on PATH" >&2
  exit 1
fi

# Every server's packages first, in one apt-get run: a later install must not upgrade PostgreSQL under a running server.
scripts/test-packages.sh || { echo "scripts/test-packages.sh failed: the test servers' packages are missing" >&2; exit 1; }

if [ -z "${CEDROS_TEST_POSTGRES:-}" ]; then
  pg_line=$(scripts/test-postgres-start.sh | tail -n1)
  eval "export ${pg_line}"
fi
echo "PostgreSQL for tests: ${CEDROS_TEST_POSTGRES%%;Password=*};..." >&2

# The throwaway server is reused between runs: schemas left by interrupted runs and the catalogue bloat of thousands of
# CREATE/DROP SCHEMA make every later CREATE TABLE slower (a 394 MB catalogue here made the PostgreSQL tests ~2x slower).
# Drop leftover test schemas and compact the catalogue first. scripts/test.sh assumes it is the server's only test run.
pg_field() { sed -n "s/.*\(^\|;\)$1=\([^;]*\).*/\2/p" <<<"$CEDROS_TEST_POSTGRES"; }
if command -v psql >/dev/null 2>&1; then
  pg_run() { PGPASSWORD="$(pg_field Password)" psql -q -X -h "$(pg_field Host)" -p "$(pg_field Port)" -U "$(pg_field Username)" -d "$(pg_field Database)" "$@"; }
  if leftovers=$(pg_run -Atc "SELECT format('DROP SCHEMA %I CASCADE;', nspname) FROM pg_namespace WHERE nspname ~ '^(t|b|failover)_[0-9a-f]{12,32}$'" 2>/dev/null); then
    [ -z "$leftovers" ] || pg_run -c "$leftovers" >/dev/null 2>&1 || true
    for catalogue in pg_class pg_attribute pg_depend pg_type pg_index pg_constraint pg_trigger pg_proc pg_attrdef; do
      pg_run -c "VACUUM FULL pg_catalog.$catalogue" >/dev/null 2>&1 || true
    done
  fi
fi

if [ -z "${CEDROS_TEST_PGBOUNCER:-}" ]; then
  if ! bouncer_line=$(scripts/test-pgbouncer-start.sh | tail -n1) || [ -z "$bouncer_line" ]; then
    echo "scripts/test-pgbouncer-start.sh failed; the PgBouncer tests cannot run" >&2
    exit 1
  fi
  eval "export ${bouncer_line}"
fi
echo "PgBouncer (transaction mode) for tests: ${CEDROS_TEST_PGBOUNCER%%;Password=*};..." >&2

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

ha_pid=""
if [ -z "${CEDROS_TEST_HA:-}" ] && [ "${CEDROS_SKIP_HA:-}" != 1 ]; then
  scripts/test-ha-start.sh >"$results/ha.out" 2>"$results/ha.log" &
  ha_pid=$!
fi

dotnet build Cedros.Storage.slnx -c Release -nologo -v quiet

status=0
if [ -n "$ha_pid" ]; then
  if wait "$ha_pid" && ha_line=$(tail -n1 "$results/ha.out") && [ -n "$ha_line" ]; then
    eval "export ${ha_line}"
  else
    echo "scripts/test-ha-start.sh failed; the failover test cannot run (CEDROS_SKIP_HA=1 skips it on purpose):" >&2
    tail -n 40 "$results/ha.log" >&2 || true
    status=1
  fi
fi
if [ -n "${CEDROS_TEST_HA:-}" ]; then
  echo "pg_auto_failover formation for the failover test: ${CEDROS_TEST_HA%%;Password=*};..." >&2
  # One PgBouncer (transaction mode) per data node, for the failover test through PgBouncer (docs/scaling.md).
  if [ -z "${CEDROS_TEST_HA_PGBOUNCER:-}" ]; then
    if ha_bouncer_line=$(scripts/test-ha-pgbouncer-start.sh | tail -n1) && [ -n "$ha_bouncer_line" ]; then
      eval "export ${ha_bouncer_line}"
    else
      echo "scripts/test-ha-pgbouncer-start.sh failed; the failover test through PgBouncer cannot run" >&2
      status=1
    fi
  fi
  echo "PgBouncers in front of the formation's nodes: ${CEDROS_TEST_HA_PGBOUNCER%%;Password=*};..." >&2
fi
report="${TMPDIR:-/tmp}/cedros-failover-report.txt"
rm -f "$report"
projects=0
for proj in $(grep -l '<IsTestProject>true</IsTestProject>' tests/*/*.csproj); do
  projects=$((projects + 1))
  name=$(basename "$proj" .csproj)
  dotnet test "$proj" -c Release --no-build -nologo \
    --logger "trx;LogFileName=${name}.trx" --logger "console;verbosity=minimal" --results-directory "$results" "$@" || status=$?
done

# Packaging: pack every package into a scratch folder feed, install the dotnet tool from it and run it (~1 min).
feed="$(mktemp -d)"
if ! bash scripts/pack.sh "" "$feed" 1>&2; then
  echo "scripts/pack.sh failed: the packages could not be packed or the tool not installed and run" >&2
  status=1
fi
rm -rf "$feed"

# Benchmarks are not tests, but their harness must keep working (issue 15): every runner of scripts/bench.sh in
# --quick mode, tiny sizes, no thresholds (a few minutes). Skipped when the caller filters the tests.
if [ $# -eq 0 ]; then
  if ! CEDROS_BENCH_NO_BUILD=1 CEDROS_BENCH_DIR="$results/bench" CEDROS_BENCH_ARTIFACTS="$results/bench" \
       CEDROS_BENCH_POSTGRES="$CEDROS_TEST_POSTGRES" bash scripts/bench.sh --quick 1>&2; then
    echo "the benchmark harness (scripts/bench.sh --quick) failed" >&2
    status=1
  fi
fi

if [ -s "$report" ]; then
  echo "---- failover test figures ----" >&2
  cat "$report" >&2
fi

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n1)
  total=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + total - p - f))
done
if [ "$files" -lt "$projects" ]; then
  echo "only $files of $projects test projects reported results (a test host crashed?)" >&2
  [ "$status" -ne 0 ] || status=1
fi
if [ "$status" -eq 0 ] && [ "$failed" -gt 0 ]; then status=1; fi
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then echo "no test ran" >&2; status=1; fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
