#!/usr/bin/env bash
# Runs the benchmarks (bench/Metering.Bench): ingest throughput (batch calls, and single-event
# calls against one-row-per-transaction SQL), install reserves (IInstallGrain.Reserve by 64
# callers on one hot account and on 10,000 cold accounts, each against the plain SQL design of
# DESIGN.md: one transaction per reserve, on the benchmark's own bench_* tables) and invoice query
# time with 10^4 and 10^6 events. It starts its own throwaway PostgreSQL (scripts/pg-local.sh,
# durable settings unless --fast) and an in-process silo, prints the figures, and rewrites
# docs/benchmarks.md with them and this command. It takes several minutes. Speed never makes it
# fail: exit 0 unless something broke. Extra arguments go to the program, e.g.
# --events batch=100000,hot=20000 or --fast; see the program's --help.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v dotnet >/dev/null || { echo "bench.sh: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

echo "==================================================================="
echo " Metering benchmarks: ingest throughput, reserves, invoice query time"
echo " figures go to docs/benchmarks.md; targets are reported, not enforced"
echo "==================================================================="

echo "==> building bench (Release)"
dotnet build bench/Metering.Bench/Metering.Bench.csproj -c Release -nologo -clp:ErrorsOnly -v quiet

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ "$commit" != unknown ]] && [[ -n "$(git status --porcelain 2>/dev/null)" ]]; then
    commit="$commit with uncommitted changes"
fi
export METERING_BENCH_COMMAND="scripts/bench.sh${*:+ $*}"
export METERING_BENCH_COMMIT="$commit"

dotnet bench/Metering.Bench/bin/Release/net10.0/Metering.Bench.dll --scenario all --out docs/benchmarks.md "$@"
