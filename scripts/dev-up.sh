#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2317 # single-quoted scripts for bash -c; functions run from traps
# dev-up.sh — start the whole system locally: PostgreSQL, one silo, client-api.
#
#   scripts/dev-up.sh [--port N] [--keep-db]
#
#   --port N     client-api's port (default 8080); the silo always serves on 127.0.0.1:8081
#   --keep-db    leave PostgreSQL running on exit (stop it later: scripts/pg-local.sh stop .local/pg)
#
# What it does, in order: starts (or reuses) a durable PostgreSQL cluster in .local/pg
# (scripts/pg-local.sh, no --fast); builds Metering.sln once in Release; starts the silo (it
# migrates the schema itself) and waits for its /healthz; starts client-api with a dev API key
# (generated once, kept in .local/dev-key, scopes relay,admin) and waits for its /readyz; prints
# the dashboard's URL, the API's URL, the key and a sample curl. Both processes log to .local/logs/{silo,client-api}.log,
# streamed here too. Ctrl-C (or SIGTERM) stops client-api, then the silo, then PostgreSQL.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOCAL=$ROOT/.local
PG_DIR=$LOCAL/pg
LOG_DIR=$LOCAL/logs
KEY_FILE=$LOCAL/dev-key
SILO_URL=http://127.0.0.1:8081
READY_TIMEOUT=120
API_STOP_TIMEOUT=30
SILO_STOP_TIMEOUT=60 # the silo's own graceful shutdown allows 45 s

API_PORT=8080
KEEP_DB=0

if [[ -t 2 ]]; then
    say() { printf '\033[1;36m[dev-up]\033[0m %s\n' "$*" >&2; }
else
    say() { printf '[dev-up] %s\n' "$*" >&2; }
fi
die() {
    say "error: $*"
    exit 1
}
usage() {
    sed -n '3,15p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit "${1:-2}"
}

while [[ $# -gt 0 ]]; do
    case "$1" in
    --keep-db)
        KEEP_DB=1
        shift
        ;;
    --port)
        [[ $# -ge 2 ]] || die "--port needs a number"
        API_PORT=$2
        shift 2
        ;;
    --port=*)
        API_PORT=${1#--port=}
        shift
        ;;
    -h | --help) usage 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
    esac
done
[[ "$API_PORT" =~ ^[0-9]+$ && "$API_PORT" -ge 1 && "$API_PORT" -le 65535 ]] || die "--port must be a TCP port number"
API_URL=http://127.0.0.1:$API_PORT

# ---------------------------------------------------------------- helpers

port_busy() {
    if command -v ss >/dev/null 2>&1; then
        [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
    fi
}

# Prints the HTTP status of a GET (000 if no answer). curl if present, else bash's /dev/tcp.
http_status() {
    if command -v curl >/dev/null 2>&1; then
        curl -s -o /dev/null -m 5 -w '%{http_code}' "$1" 2>/dev/null || true
        return 0
    fi
    local rest=${1#http://} hostport path line
    hostport=${rest%%/*}
    path=/${rest#*/}
    line=$(timeout 5 bash -c '
        exec 3<>"/dev/tcp/${1%:*}/${1##*:}" || exit 1
        printf "GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n" "$2" "$1" >&3
        IFS= read -r status <&3 && printf "%s" "$status"' _ "$hostport" "$path" 2>/dev/null) || true
    line=${line#HTTP/* }
    [[ "${line:0:3}" =~ ^[0-9]{3}$ ]] && printf '%s' "${line:0:3}" || printf '000'
}

# True while any process of process group $1 is alive (zombies don't count: a reparented,
# never-reaped child must not keep us waiting).
group_alive() {
    local f line rest state pgrp
    for f in /proc/[0-9]*/stat; do
        { IFS= read -r line <"$f"; } 2>/dev/null || continue
        rest=${line##*) }
        read -r state _ pgrp _ <<<"$rest"
        if [[ "$pgrp" == "$1" && "$state" != Z ]]; then
            return 0
        fi
    done
    return 1
}

# Streams a log file to our stdout with a prefix, in its own session so that a Ctrl-C doesn't
# end it before the shutdown logs are shown; it also ends by itself when this script does.
start_streamer() { # NAME FILE -> sets STREAMER_PID
    local name=$1 file=$2
    setsid bash -c 'tail --pid="$1" -n +1 -F "$2" 2>/dev/null | sed -u "s/^/[$3] /"' \
        _ "$$" "$file" "$name" </dev/null &
    STREAMER_PIDS+=("$!")
}

# Sends SIGTERM to a process group started by start_app and waits up to TIMEOUT s, then SIGKILL.
stop_app() { # NAME PID TIMEOUT
    local name=$1 pid=$2 timeout=$3 deadline
    [[ -n "$pid" ]] || return 0
    if group_alive "$pid"; then
        say "stopping $name (SIGTERM, up to ${timeout}s)"
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        deadline=$((SECONDS + timeout))
        while group_alive "$pid"; do
            if ((SECONDS >= deadline)); then
                say "$name did not stop within ${timeout}s; sending SIGKILL"
                kill -KILL -- "-$pid" 2>/dev/null || true
                break
            fi
            sleep 0.5
        done
    fi
    wait "$pid" 2>/dev/null || true
}

# Runs `dotnet run ...` in its own session/process group (so Ctrl-C reaches only this script,
# which then stops things in order), output to LOG. Sets APP_PID (= the process group id).
start_app() { # LOG -- ENV=... dotnet args...
    local log=$1
    shift
    (cd "$ROOT" && exec setsid env "$@") >"$log" 2>&1 </dev/null &
    APP_PID=$!
}

wait_ready() { # NAME URL PID LOG
    local name=$1 url=$2 pid=$3 log=$4 code deadline=$((SECONDS + READY_TIMEOUT))
    say "waiting for $url (up to ${READY_TIMEOUT}s)"
    while :; do
        code=$(http_status "$url")
        [[ "$code" == 200 ]] && return 0
        if ! group_alive "$pid"; then
            say "$name exited before it was ready; last lines of $log:"
            tail -n 60 "$log" >&2 || true
            exit 1
        fi
        if ((SECONDS >= deadline)); then
            say "$name not ready after ${READY_TIMEOUT}s (last answer: $code); last lines of $log:"
            tail -n 60 "$log" >&2 || true
            exit 1
        fi
        sleep 1
    done
}

# ---------------------------------------------------------------- shutdown

SILO_PID=""
API_PID=""
PG_STARTED=0
STREAMER_PIDS=()
CLEANING=0

cleanup() {
    local rc=$?
    ((CLEANING == 0)) || return 0
    CLEANING=1
    # Finish the shutdown whatever happens now: a second Ctrl-C, a closed terminal or a broken
    # stdout pipe (`dev-up.sh | tee`, whose tee Ctrl-C has killed) must not leave processes behind.
    trap '' INT TERM HUP PIPE
    set +e
    stop_app client-api "$API_PID" "$API_STOP_TIMEOUT"
    stop_app silo "$SILO_PID" "$SILO_STOP_TIMEOUT"
    if ((PG_STARTED == 1)); then
        if ((KEEP_DB == 1)); then
            say "leaving PostgreSQL running (--keep-db): $(bash "$ROOT/scripts/pg-local.sh" url "$PG_DIR" 2>/dev/null || echo '?')"
            say "stop it with: scripts/pg-local.sh stop .local/pg"
        else
            bash "$ROOT/scripts/pg-local.sh" stop "$PG_DIR" || say "warning: could not stop PostgreSQL in $PG_DIR"
        fi
    fi
    sleep 0.3 # let the streamers print the last lines
    local p
    for p in "${STREAMER_PIDS[@]}"; do
        kill -TERM -- "-$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    say "stopped"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ---------------------------------------------------------------- start

command -v dotnet >/dev/null 2>&1 ||
    die "'dotnet' is not on PATH: install the .NET SDK named in global.json (10.0) first"
for p in 8081 "$API_PORT" 11111 30000; do
    if port_busy "$p"; then
        die "port $p is already in use (another dev-up, silo or client-api still running? 'ss -ltnp' shows who); the silo needs 8081, 11111 and 30000, client-api $API_PORT"
    fi
done
[[ "$API_PORT" != 8081 ]] || die "--port 8081 is the silo's"

mkdir -p "$LOG_DIR"

say "PostgreSQL: starting (or reusing) the cluster in .local/pg"
PG_STARTED=1
CONN=$(bash "$ROOT/scripts/pg-local.sh" start "$PG_DIR" | tail -n 1)
[[ "$CONN" == Host=* ]] || die "scripts/pg-local.sh printed no connection string"

if [[ ! -s "$KEY_FILE" ]]; then
    (
        umask 077
        od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$KEY_FILE"
    )
    say "generated a dev API key in .local/dev-key"
fi
KEY=$(<"$KEY_FILE")

say "building Metering.sln (Release)"
(cd "$ROOT" && dotnet build Metering.sln -c Release) || die "build failed"

for name in silo client-api; do
    [[ ! -f "$LOG_DIR/$name.log" ]] || mv -f "$LOG_DIR/$name.log" "$LOG_DIR/$name.previous.log"
    : >"$LOG_DIR/$name.log"
done

say "starting the silo (log: .local/logs/silo.log)"
start_streamer silo "$LOG_DIR/silo.log"
start_app "$LOG_DIR/silo.log" \
    "ConnectionStrings__Metering=$CONN" \
    dotnet run --no-build -c Release --project silo -- --urls "$SILO_URL"
SILO_PID=$APP_PID
wait_ready silo "$SILO_URL/healthz" "$SILO_PID" "$LOG_DIR/silo.log"
say "silo is up"

say "starting client-api on $API_URL (log: .local/logs/client-api.log)"
start_streamer client-api "$LOG_DIR/client-api.log"
start_app "$LOG_DIR/client-api.log" \
    "ConnectionStrings__Metering=$CONN" \
    "Metering__ApiKeys__dev__Key=$KEY" \
    "Metering__ApiKeys__dev__Scopes=relay,admin" \
    dotnet run --no-build -c Release --project client-api -- "--urls=$API_URL"
API_PID=$APP_PID
wait_ready client-api "$API_URL/readyz" "$API_PID" "$LOG_DIR/client-api.log"

cat <<EOF

  Metering is running.
    Dashboard:   $API_URL/admin/   (sign in with the dev API key below)
    API:         $API_URL        (silo: $SILO_URL)
    dev API key: $KEY   (scopes relay,admin; kept in .local/dev-key)
    PostgreSQL:  $CONN
    logs:        .local/logs/silo.log, .local/logs/client-api.log

  Try:
    curl -H "Authorization: Bearer $KEY" $API_URL/v1/installs/demo

  Ctrl-C stops everything$( ((KEEP_DB == 1)) && echo ' but PostgreSQL (--keep-db)').

EOF

# Run until Ctrl-C/SIGTERM (the traps stop everything) or until one of the two exits.
rc=0
wait -n "$SILO_PID" "$API_PID" || rc=$?
if ! group_alive "$SILO_PID"; then
    say "the silo exited (status $rc); see .local/logs/silo.log"
else
    say "client-api exited (status $rc); see .local/logs/client-api.log"
fi
exit 1
