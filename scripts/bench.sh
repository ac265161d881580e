#!/usr/bin/env bash
# Runs the storage benchmarks (Release) against a throwaway PostgreSQL and SQLite files. Every figure is the storage
# against the raw driver doing the same work in the same run. Benchmarks are not tests: nothing here asserts on time.
#
# Usage:
#   scripts/bench.sh                      # every runner of issue 15, full size (ops, drain, search, batch, archive-load;
#                                         # about an hour on 2 cores, plus one-off seeds of 1,000,000 orders)
#   scripts/bench.sh --quick              # every runner, tiny sizes: proves the harness works (scripts/test.sh runs it; no thresholds)
#   scripts/bench.sh ops [args]           # one runner with its own arguments, e.g. ops --backends Postgres --cases "record payment"
#   scripts/bench.sh drain --backlog 100000
#   scripts/bench.sh bdn --filter '*RecordPayment*'   # the BenchmarkDotNet micro-benchmarks (any BenchmarkDotNet argument)
#   scripts/bench.sh --filter '*OrderSearch*'         # the same (a first argument starting with --filter, --list or -f)
#
# Environment:
#   CEDROS_BENCH_POSTGRES   server to use (key=value); default: scripts/test-postgres-start.sh (reused if running).
#                           The benchmarks always work in the database cedros_bench (created if missing).
#   CEDROS_BENCH_BACKENDS   BenchmarkDotNet only: these backends (comma-separated: Postgres, SqliteFull, SqliteNormal; default all)
#   CEDROS_BENCH_ORDERS     BenchmarkDotNet only: orders in the search table (default 100000; seeded once and kept per N)
#   CEDROS_BENCH_ITERATIONS BenchmarkDotNet only: measured iterations per case (default 5)
#   CEDROS_BENCH_DIR        SQLite files (default /tmp/cedros-bench)
#   CEDROS_BENCH_ARTIFACTS  where reports go (default ./BenchmarkDotNet.Artifacts); CEDROS_BENCH_NO_BUILD=1 skips the build
# Reports: BenchmarkDotNet.Artifacts/results/ (gitignored).
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
dll=bench/Cedros.Storage.Benchmarks/bin/Release/net10.0/Cedros.Storage.Benchmarks.dll
artifacts="${CEDROS_BENCH_ARTIFACTS:-$PWD/BenchmarkDotNet.Artifacts}"
[ "${CEDROS_BENCH_NO_BUILD:-}" = 1 ] || dotnet build "$project" -c Release -nologo -v quiet

# The runners of issue 15's targets, in report order.
runners=(ops drain search batch archive-load)

case "${1:-}" in
  ""|--quick)
    for runner in "${runners[@]}"; do
      echo "== $runner ${1:-}" >&2
      dotnet "$dll" "$runner" ${1:+"$1"} --artifacts "$artifacts/results"
    done ;;
  bdn)
    shift
    dotnet "$dll" --artifacts "$artifacts" "$@" ;;
  --filter*|-f|--list*)
    dotnet "$dll" --artifacts "$artifacts" "$@" ;;
  *)
    dotnet "$dll" "$@" ;;
esac
echo "Reports: $artifacts/results" >&2
