#!/usr/bin/env bash
# Packs every package of src/ (Cedros.Storage, .Sqlite, .Postgres and the dotnet tool Cedros.Storage.Cli) into a local
# folder feed, with symbols (.snupkg), then installs the tool from that feed into a scratch tool path and runs
# `cedros-storage --version`, and builds and runs a fresh console app (outside the repository) that consumes
# Cedros.Storage.Sqlite from the feed as a package. Prints the feed's path on the last line.
#   scripts/pack.sh [version] [feed-dir]      default version: the VersionPrefix of src/Directory.Build.props
#   CEDROS_PACK_SKIP_CONSUMER=1 skips the consumer app (which restores its other dependencies from the usual sources).
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
# A fresh application outside the repository (no project references, no central package versions) consumes the
# library from the feed: opens a SQLite file through DI, records a payment, reads it back.
if [ -n "${CEDROS_PACK_SKIP_CONSUMER:-}" ]; then echo "$feed"; exit 0; fi
app="$tools/consumer"
mkdir -p "$app"
cat > "$app/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
    <RestoreAdditionalProjectSources>$feed</RestoreAdditionalProjectSources>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Cedros.Storage.Sqlite" Version="$version" />
    <PackageReference Include="Microsoft.Extensions.DependencyInjection" Version="10.0.0" />
  </ItemGroup>
</Project>
XML
cat > "$app/Program.cs" <<'CS'
using Cedros.Storage;
using Microsoft.Extensions.DependencyInjection;

var services = new ServiceCollection();
services.AddCedrosStorage(o => { }).UseSqlite(Path.Combine(AppContext.BaseDirectory, "consumer.db")).WithoutMaintenance();
await using var provider = services.BuildServiceProvider();
await provider.InitializeCedrosStorageAsync();
await using var scope = provider.CreateAsyncScope();
var ledger = scope.ServiceProvider.GetRequiredService<IPaymentLedger>();
var signature = "sig-" + Guid.NewGuid().ToString("N");
await ledger.RecordPaymentAsync(new PaymentTransaction { Signature = signature, ResourceId = "r", Wallet = "w", Amount = 1, AmountAsset = "USDC" });
Console.WriteLine(await ledger.HasPaymentBeenProcessedAsync(signature) ? "consumer: ok" : "consumer: payment missing");
CS
# Outside the repository: its Directory.Build.props / Directory.Packages.props must not apply.
printf '<Project/>' > "$app/Directory.Build.props"
printf '<Project/>' > "$app/Directory.Packages.props"
consumer="$(dotnet run --project "$app" -nologo -v quiet 2>&1 | tail -n 1)"
echo "$consumer" >&2
[ "$consumer" = "consumer: ok" ] || { echo "pack.sh: the consumer app failed" >&2; exit 1; }
echo "$feed"
