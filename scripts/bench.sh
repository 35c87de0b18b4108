#!/usr/bin/env bash
# Runs the benchmarks (bench/Metering.Bench): ingest throughput (batch calls, and single-event
# calls against one-row-per-transaction SQL), install reserves (IInstallGrain.Reserve by 64
# callers on one hot account and on 10,000 cold accounts, each against the plain SQL design of
# DESIGN.md: one transaction per reserve, on the benchmark's own bench_* tables), invoice query
# time with 10^4 and 10^6 events, the relay lifecycle over HTTP and the dashboard's views in a
# browser (both below; the latter needs Chromium), and more (--help). It starts its own
# throwaway PostgreSQL (scripts/pg-local.sh, durable settings unless --fast) and an in-process
# silo, prints the figures, and rewrites docs/benchmarks.md with them and this command. It takes
# several minutes. Speed never makes it fail: exit 0 unless something broke. Extra arguments go
# to the program, e.g. --events batch=100000,hot=20000 or --fast; see the program's --help.
#
# The relay lifecycle over HTTP (issue #12 item 5), alone:
#
#   scripts/bench.sh --scenario http [--phase-seconds 20] [--kinds pools,installs,ports] [--smoke]
#
# builds silo and client-api in Release, runs them as real processes (their dlls, on free
# loopback ports, one API key of scopes relay,admin) on the throwaway PostgreSQL, and for each
# account kind drives reserve-then-commit over HTTP (64 connections: one hot account and 10,000
# accounts; 8 connections: 10,000 accounts) against the plain SQL design driven by pgbench on
# the same PostgreSQL. Figures: requests/s and the ratio, p50/p99 per request, CPU per 1,000
# requests of the silo, client-api, PostgreSQL and the load generator, and the issue's targets
# as met or not met. With --scenario http only its section of docs/benchmarks.md is replaced.
# About 8 minutes by default (20 s per path and comparison); --smoke (CI: 2 s phases, 1,000
# accounts) takes about 3 minutes, e.g.
#
#   scripts/bench.sh --scenario http --smoke --out /tmp/bench-http-smoke.md
#
# The admin dashboard's views in a browser, alone:
#
#   scripts/bench.sh --scenario dashboard [--dashboard-accounts N] [--dashboard-runs N] [--smoke]
#
# runs silo and client-api (Release) on a database of their own, makes 10,000 accounts of each
# kind with a list view through the API (pools with a limit and a committed call, installs with
# a committed call and an open reservation, ports with an enabled budget and a usage record; 32
# requests at a time, with progress), then drives headless Chromium (Debian's `chromium`, or
# METERING_CHROMIUM; through Playwright, as the dashboard's tests do) to time, from navigation to
# the view's first table, the overview after signing in and the overview, installs, pools (first
# and a deep page), ports and one pool's page, each opened as an address and from another view:
# one warm-up, then 5 timed loads each. Figures: median and max per view, and the target "first
# view under 1 s with 10,000 accounts" as met or not met; only its section of docs/benchmarks.md
# is replaced. About 2 to 3 minutes; --smoke (500 accounts, 1 timed load) about 1 minute.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v dotnet >/dev/null || { echo "bench.sh: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

echo "==================================================================="
echo " Metering benchmarks (${*:-all scenarios}): ingest, reserves, invoice queries,"
echo " retention, the relay lifecycle over HTTP, memory, the dashboard"
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
