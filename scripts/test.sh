#!/usr/bin/env bash
# Runs every test: unit, engine, cluster, HTTP and end-to-end. The tests start their own
# throwaway PostgreSQL (scripts/pg-local.sh, under a temp folder) and stop it afterwards, so
# nothing needs to be running first. Extra arguments go to `dotnet test` (e.g. --filter Http).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v dotnet >/dev/null || { echo "test.sh: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

# The fault harness's short run (tests/Faults) partitions silos with nftables and runs one silo
# with its clock behind through libfaketime; as root, install them when missing (as CI is).
need=()
command -v nft >/dev/null || need+=(nftables)
compgen -G "/usr/lib/*/faketime/libfaketime.so.1" >/dev/null || need+=(faketime)
if [[ ${#need[@]} -gt 0 && $(id -u) -eq 0 ]]; then
    echo "==> installing ${need[*]}" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# The dashboard's browser tests (tests/Dashboard) drive Debian's Chromium through Playwright (no
# browser download). As root, install it when missing; apt's own progress lines are shown, since
# it is a large package (about 100 MB with its libraries) and takes a while on a fresh machine.
if ! command -v chromium >/dev/null && [[ -z "${METERING_CHROMIUM:-}" ]]; then
    if [[ $(id -u) -eq 0 ]]; then
        echo "==> installing chromium for the dashboard's browser tests" >&2
        apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
    else
        echo "test.sh: warning: chromium is missing and we are not root; the dashboard tests will fail (apt-get install chromium, or set METERING_CHROMIUM)" >&2
    fi
fi

echo "==> building (Release)" >&2
dotnet build Metering.sln -c Release -nologo -clp:ErrorsOnly

echo "==> running tests" >&2
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
dotnet test Metering.sln -c Release --no-build -nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain closing line: "N passed, N failed, N skipped", from the runner's summary block
# ("Total tests: N" followed by "Passed: N", "Failed: N", "Skipped: N" lines).
count() { awk -v key="$1" '/^Total tests:/ {seen=1} seen && $1 == key":" {n=$2} END {print n+0}' "$log"; }
if grep -q '^Total tests:' "$log"; then
    # Failures are repeated here, with their messages (at most 40 lines each), because a CI log
    # is often read from its tail and a failure among 1,200 passes is easy to miss.
    if [[ $(count Failed) -gt 0 ]]; then
        echo "==> failed tests" >&2
        awk '/^ +Failed [A-Za-z]/ {show=1; n=0}
             /^ +(Passed|Skipped) [A-Za-z]/ || /^Total tests:/ || /^\[xUnit/ {show=0}
             show && n++ < 40' "$log"
    fi
    echo "$(count Passed) passed, $(count Failed) failed, $(count Skipped) skipped"
else
    echo "test.sh: the test runner printed no summary" >&2
    [[ $status -ne 0 ]] || status=1
fi
exit "$status"
