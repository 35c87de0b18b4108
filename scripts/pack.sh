#!/usr/bin/env bash
# pack.sh — make the NuGet packages and prove a consumer can use them.
#
#   scripts/pack.sh [--version 0.9.0]
#
# Packs Metering.GrainInterfaces, Metering.PoolBilling and Metering.ApiClient (Release, Source Link,
# symbols) into artifacts/packages, then builds samples/PoolBillingOverHttp against those packages
# (restored from that folder into a fresh package cache, never from project references) and runs
# it with --dry-run. Run the sample against a live system with:
#   dotnet run --project samples/PoolBillingOverHttp -- http://127.0.0.1:8080 "$(cat .local/dev-key)" user-42
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VERSION=
while [[ $# -gt 0 ]]; do
    case "$1" in
    --version) VERSION=$2; shift 2 ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "pack.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
say() { printf '[pack] %s\n' "$*" >&2; }
OUT=$ROOT/artifacts/packages
rm -rf "$OUT"
mkdir -p "$OUT"
version_args=()
[[ -n "$VERSION" ]] && version_args=(-p:Version="$VERSION")

for project in grain-interfaces/Metering.GrainInterfaces.csproj pool-billing/Metering.PoolBilling.csproj http-client/Metering.ApiClient.csproj; do
    say "packing $project"
    CI=true dotnet pack "$ROOT/$project" -c Release -o "$OUT" -nologo -v quiet -clp:ErrorsOnly "${version_args[@]}"
done
ls -1 "$OUT" >&2

made=$(basename "$(ls "$OUT"/Metering.ApiClient.*.nupkg | grep -v snupkg)" .nupkg)
made=${made#Metering.ApiClient.}
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
say "building samples/PoolBillingOverHttp against the packages (version $made, fresh package cache)"
dotnet build "$ROOT/samples/PoolBillingOverHttp/PoolBillingOverHttp.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly \
    --packages "$cache" -p:MeteringVersion="$made"
dotnet "$ROOT/samples/PoolBillingOverHttp/bin/Release/net10.0/PoolBillingOverHttp.dll" --dry-run
say "done: packages in ${OUT#"$ROOT"/}"
