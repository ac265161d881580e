#!/usr/bin/env bash
# Runs every test project: installs and starts a throwaway PostgreSQL (scripts/test-postgres-start.sh), builds the
# solution, runs all tests, and ends with one line "N passed, N failed, N skipped" totalled over every test project.
# Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Sqlite").
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if ! command -v dotnet >/dev/null 2>&1; then
  echo "dotnet (the .NET 10 SDK) is required on PATH" >&2
  exit 1
fi

if [ -z "${CEDROS_TEST_POSTGRES:-}" ]; then
  pg_line=$(scripts/test-postgres-start.sh | tail -n1)
  eval "export ${pg_line}"
fi
echo "PostgreSQL for tests: ${CEDROS_TEST_POSTGRES%%;Password=*};..." >&2

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

dotnet build Cedros.Storage.slnx -c Release -nologo -v quiet
status=0
projects=0
for proj in $(grep -l '<IsTestProject>true</IsTestProject>' tests/*/*.csproj); do
  projects=$((projects + 1))
  name=$(basename "$proj" .csproj)
  dotnet test "$proj" -c Release --no-build -nologo \
    --logger "trx;LogFileName=${name}.trx" --logger "console;verbosity=minimal" --results-directory "$results" "$@" || status=$?
done

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
