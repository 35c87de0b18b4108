#!/usr/bin/env bash
# Runs the fault harness (faults/Metering.Faults): real silo and client-api processes on loopback
# against a throwaway PostgreSQL, load over every account kind through two front ends, faults
# injected, then every promise of API.md checked against the recorded history. Arguments go to
# the harness (see docs/reliability.md); e.g.
#   scripts/faults.sh                                   every fault once, 2 minutes
#   scripts/faults.sh --duration 900 --mixed --name long --report docs/reliability.md
#   scripts/faults.sh --soak --duration 600 --name soak --report docs/reliability.md
# The partition fault needs nftables and the clock-skew fault libfaketime: as root, this script
# installs them with apt-get when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v nft >/dev/null || need+=(nftables)
compgen -G "/usr/lib/*/faketime/libfaketime.so.1" >/dev/null || need+=(faketime)
if [[ ${#need[@]} -gt 0 ]]; then
    if [[ $(id -u) -eq 0 ]]; then
        echo "==> installing ${need[*]}" >&2
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else
        echo "faults.sh: ${need[*]} missing and not root: leave out the partition and clock-skew faults (--faults ...)" >&2
    fi
fi

echo "==> building (Release)" >&2
dotnet build Metering.sln -c Release -nologo -clp:ErrorsOnly
exec dotnet faults/Metering.Faults/bin/Release/net10.0/Metering.Faults.dll "$@"
