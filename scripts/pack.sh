#!/usr/bin/env bash
# Packs every package of src/ (Cedros.Storage, .Sqlite, .Postgres and the dotnet tool Cedros.Storage.Cli) into a local
# folder feed, with symbols (.snupkg), then installs the tool from that feed into a scratch tool path and runs
# `cedros-storage --version`. Prints the feed's path on the last line.
#   scripts/pack.sh [version] [feed-dir]      default version: the VersionPrefix of src/Directory.Build.props
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-}"
feed="${2:-artifacts/packages}"
mkdir -p "$feed"
feed="$(cd "$feed" && pwd)"
props=()
[ -n "$version" ] && props+=("-p:Version=$version")
# One build (the tool references the three libraries), then each project packs what was built.
dotnet build src/Cedros.Storage.Cli -c Release -nologo -v quiet "${props[@]}" >&2
for project in src/Cedros.Storage src/Cedros.Storage.Sqlite src/Cedros.Storage.Postgres src/Cedros.Storage.Cli; do
  dotnet pack "$project" -c Release -nologo -v quiet --no-build -o "$feed" "${props[@]}" >&2
done
ls -1 "$feed" >&2
if [ -z "$version" ]; then
  version="$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' src/Directory.Build.props)"
fi
tools="$(mktemp -d)"
trap 'rm -rf "$tools"' EXIT
# Only the local feed: the tool package carries its dependencies.
dotnet tool install Cedros.Storage.Cli --tool-path "$tools" --add-source "$feed" --version "$version" >&2
printed="$("$tools/cedros-storage" --version)"
echo "cedros-storage --version: $printed" >&2
case "$printed" in
  "$version"|"$version+"*) ;;
  *) echo "pack.sh: expected version $version, the installed tool printed '$printed'" >&2; exit 1 ;;
esac
echo "$feed"
