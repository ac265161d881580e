#!/usr/bin/env bash
# Runs the storage benchmarks (BenchmarkDotNet, Release, in-process) against a throwaway PostgreSQL and SQLite files.
# Benchmarks are not tests: scripts/test.sh and CI never run them.
#
# Usage:
#   scripts/bench.sh                                  # everything (a few minutes on 2 cores, plus a one-off seed)
#   scripts/bench.sh --filter '*RecordPayment*'       # any BenchmarkDotNet argument is passed through
#   CEDROS_BENCH_ORDERS=1000000 CEDROS_BENCH_BACKENDS=Postgres scripts/bench.sh --filter '*OrderSearch*'
#
# Environment:
#   CEDROS_BENCH_POSTGRES   server to use (key=value); default: scripts/test-postgres-start.sh (reused if running).
#                           The benchmarks always work in the database cedros_bench (created if missing).
#   CEDROS_BENCH_BACKENDS   only these backends (comma-separated: Postgres, SqliteFull, SqliteNormal; default all)
#   CEDROS_BENCH_ORDERS     orders in the search table (default 100000; seeded once and kept per N)
#   CEDROS_BENCH_ITERATIONS measured iterations per case (default 5)
#   CEDROS_BENCH_DIR        SQLite files (default /tmp/cedros-bench)
# Reports: BenchmarkDotNet.Artifacts/results/*-report-github.md (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if [ -z "${CEDROS_BENCH_POSTGRES:-}" ]; then
  if [ -z "${CEDROS_TEST_POSTGRES:-}" ]; then
    pg_line=$(scripts/test-postgres-start.sh | tail -n1)
    eval "export ${pg_line}"
  fi
  export CEDROS_BENCH_POSTGRES="$CEDROS_TEST_POSTGRES"
fi
echo "PostgreSQL for benchmarks: ${CEDROS_BENCH_POSTGRES%%;Password=*};... (database cedros_bench)" >&2

project=bench/Cedros.Storage.Benchmarks/Cedros.Storage.Benchmarks.csproj
dotnet build "$project" -c Release -nologo -v quiet
artifacts="$PWD/BenchmarkDotNet.Artifacts"
dotnet "bench/Cedros.Storage.Benchmarks/bin/Release/net10.0/Cedros.Storage.Benchmarks.dll" --artifacts "$artifacts" "$@"
echo "Reports: $artifacts/results" >&2
