#!/usr/bin/env bash
# pg-local.sh — manage a throwaway or local PostgreSQL cluster that lives in a folder.
#
#   pg-local.sh start   DIR [--port N] [--fast]   init if needed, start, create db `metering`,
#                                                 print the Npgsql connection string (last stdout line)
#   pg-local.sh stop    DIR [--immediate]         fast shutdown (no error if not running); --immediate
#                                                 aborts at once, like a crash (for fault tests)
#   pg-local.sh status  DIR                       exit 0 running, 3 stopped, 4 no cluster
#   pg-local.sh url     DIR                       print the connection string
#   pg-local.sh destroy DIR                       stop and delete the cluster (and DIR if left empty)
#
# Only the connection string goes to stdout; every progress or error message goes to stderr.
#
# Layout. The cluster's "home" holds data/ (PGDATA), log/postgres.log and run/ (the unix socket).
# Normally the home is DIR itself. DIR/pg-local.env records where the home is, the port (chosen
# once, then remembered) and the socket folder, so every later command finds the same cluster.
#
# Running as root. initdb and postgres refuse to run as root, so as root the cluster is owned and
# run by the `postgres` OS user (override: PG_LOCAL_OS_USER) via runuser; DIR itself stays root's.
# That user must be able to traverse every folder above the data. If it can't reach DIR (say DIR
# is under /root, mode 700), the home is put instead in the postgres user's own home folder
# (Debian: /var/lib/postgresql, which is durable, unlike /tmp) as metering-pg-<hash of DIR's
# absolute path>, or in /var/tmp if that home is unusable (override: PG_LOCAL_SPILL_ROOT). The
# record in DIR/pg-local.env, not the hash, is what later commands follow, and DIR/pg-home is a
# symlink to it for humans. destroy removes both.
#
# The socket folder must keep the socket path under the kernel's 107-byte limit; if the home's
# path is too long, the socket goes to /tmp/metering-pgsock-<hash> instead (also recorded).
#
# Settings: UTF8, locale C, trust auth on the local socket and 127.0.0.1 only, listen on
# 127.0.0.1 only, superuser `postgres`, max_connections=300, shared_buffers=256MB,
# synchronous_commit=on always. --fast (tests only) adds fsync=off and full_page_writes=off; a
# start without it restores the durable defaults. These live in data/pg-local.conf, rewritten on
# every start and included from postgresql.conf.
#
# PostgreSQL binaries: PG_LOCAL_BIN if set, else the newest /usr/lib/postgresql/*/bin (or the one
# matching an existing cluster's version), else pg_ctl on PATH; if none, and we are root, the
# script runs `apt-get update && apt-get install -y postgresql`.
set -euo pipefail

readonly PROG=pg-local.sh
readonly SUPERUSER=postgres
readonly DB_NAME=metering
readonly POOL_SIZE=40
readonly START_TIMEOUT=60
readonly RECORD_NAME=pg-local.env

# Messages never fail the script: a closed stderr (e.g. a caller's pipe) must not stop a shutdown.
log() { printf '%s: %s\n' "$PROG" "$*" >&2 2>/dev/null || true; }
die() {
    printf '%s: error: %s\n' "$PROG" "$*" >&2 2>/dev/null || true
    exit 1
}

usage() {
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# Never let the caller's libpq environment (PGHOST, PGPORT, PGOPTIONS, PGDATA, ...) redirect us.
while IFS= read -r v; do unset "$v"; done < <(compgen -e | grep -E '^PG[A-Z]' || true)
export LC_ALL=C LANG=C
# runuser lives in /usr/sbin, which a non-login root shell may not have on PATH.
export PATH="$PATH:/usr/sbin:/sbin"

# ---------------------------------------------------------------- helpers

hash_of() { printf '%s' "$1" | sha256sum | cut -c1-16; }

record_get() { # KEY -> value from DIR/pg-local.env (empty if absent)
    [[ -f "$RECORD" ]] || return 0
    sed -n "s/^$1=//p" "$RECORD" | tail -n 1
}

record_write() {
    local tmp="$RECORD.tmp.$$"
    {
        echo "# Written by scripts/pg-local.sh; read by it on every command. Do not edit."
        echo "PG_HOME=$PG_HOME"
        echo "PG_SOCKET_DIR=$SOCK_DIR"
        echo "PG_PORT=$PORT"
        echo "PG_PORT_AUTO=$PORT_AUTO"
        echo "PG_OS_USER=$OS_USER"
    } >"$tmp"
    mv -f "$tmp" "$RECORD"
}

# Run a command as the cluster's owner, from / (the caller's cwd may be unreadable for that user),
# without our lock fd 9: a postmaster started through here must not inherit and hold the lock.
as_owner() {
    if [[ $EUID -eq 0 ]]; then
        (cd / && exec runuser -u "$OS_USER" -- "$@" 9>&-)
    else
        (cd / && exec "$@" 9>&-)
    fi
}

conn_string() {
    printf 'Host=127.0.0.1;Port=%s;Username=%s;Database=%s;Maximum Pool Size=%s\n' \
        "$PORT" "$SUPERUSER" "$DB_NAME" "$POOL_SIZE"
}

take_lock() {
    exec 9>"$DIR/.pg-local.lock"
    flock -w 120 9 || die "another pg-local.sh command holds $DIR/.pg-local.lock for over 120 s"
}

install_postgres() {
    if [[ $EUID -ne 0 ]]; then
        die "no PostgreSQL server binaries found (looked in PG_LOCAL_BIN, /usr/lib/postgresql/*/bin and PATH). Install them, e.g. 'sudo apt-get install -y postgresql', or set PG_LOCAL_BIN to the folder holding pg_ctl."
    fi
    command -v apt-get >/dev/null 2>&1 ||
        die "no PostgreSQL server binaries found and apt-get is not available to install them; install PostgreSQL or set PG_LOCAL_BIN."
    log "no PostgreSQL server binaries found; installing them: apt-get update && apt-get install -y postgresql"
    # Keep Debian's package from creating (and starting) its own 'main' cluster on port 5432:
    # we only need the binaries. postgresql-common reads createcluster.d/*.conf.
    if [[ ! -e /etc/postgresql-common/createcluster.d/00-pg-local-no-main-cluster.conf ]]; then
        { mkdir -p /etc/postgresql-common/createcluster.d &&
            echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/00-pg-local-no-main-cluster.conf; } 2>/dev/null ||
            log "warning: could not tell postgresql-common not to create its 'main' cluster; continuing"
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update >&2 ||
        die "'apt-get update' failed, so PostgreSQL could not be installed; install it by hand (apt-get install -y postgresql) or set PG_LOCAL_BIN."
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2 ||
        die "'apt-get install -y postgresql' failed; install PostgreSQL by hand or set PG_LOCAL_BIN to the folder holding pg_ctl."
}

# Sets BIN. $1: the major version an existing cluster needs (may be empty).
find_bin() {
    local want=${1:-} d
    if [[ -n "${PG_LOCAL_BIN:-}" ]]; then
        [[ -x "$PG_LOCAL_BIN/pg_ctl" ]] || die "PG_LOCAL_BIN=$PG_LOCAL_BIN has no executable pg_ctl"
        BIN=$PG_LOCAL_BIN
        return
    fi
    if [[ -n "$want" ]]; then
        if [[ -x "/usr/lib/postgresql/$want/bin/pg_ctl" ]]; then
            BIN=/usr/lib/postgresql/$want/bin
            return
        fi
    fi
    BIN=
    d=$(for p in /usr/lib/postgresql/*/bin/pg_ctl; do
        if [[ -x "$p" ]]; then dirname "$p"; fi
    done | sort -t/ -k5,5V | tail -n 1)
    if [[ -n "$d" ]]; then
        BIN=$d
    elif command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        BIN=$(dirname "$(command -v pg_ctl)")
    fi
    if [[ -z "$BIN" && -z "$want" ]]; then
        [[ "$INSTALL_TRIED" == 0 ]] ||
            die "'apt-get install -y postgresql' succeeded but no pg_ctl is under /usr/lib/postgresql/*/bin or on PATH; set PG_LOCAL_BIN to the folder holding pg_ctl"
        INSTALL_TRIED=1
        install_postgres
        find_bin ""
        return
    fi
    if [[ -n "$want" ]]; then
        local have=""
        [[ -n "$BIN" ]] && have=$("$BIN/pg_ctl" --version 2>/dev/null | awk '{print $NF}' | cut -d. -f1)
        if [[ "$have" != "$want" ]]; then
            die "the cluster in $DATA was made by PostgreSQL $want, whose binaries are not installed (found: ${BIN:-none}). Install postgresql-$want, set PG_LOCAL_BIN, or destroy the cluster."
        fi
    fi
}

# Sets DIR, RECORD, PG_HOME, SOCK_DIR, DATA, LOG_DIR, LOG_FILE, PORT, PORT_AUTO, OS_USER from DIR's record.
# Returns 1 if DIR holds no recorded cluster.
load_layout() {
    PG_HOME=$(record_get PG_HOME)
    if [[ -n "$PG_HOME" ]]; then
        SOCK_DIR=$(record_get PG_SOCKET_DIR)
        PORT=$(record_get PG_PORT)
        PORT_AUTO=$(record_get PG_PORT_AUTO)
        OS_USER=$(record_get PG_OS_USER)
    elif [[ -f "$DIR/data/PG_VERSION" ]]; then
        # The record is gone (interrupted first start?) but the cluster is in DIR: recover it.
        PG_HOME=$DIR
        OS_USER=$(stat -c %U "$DIR/data")
        local conf=$DIR/data/pg-local.conf
        if [[ -f "$conf" ]]; then
            PORT=$(sed -n "s/^port = \([0-9]*\)$/\1/p" "$conf" | tail -n 1)
            SOCK_DIR=$(sed -n "s/^unix_socket_directories = '\(.*\)'$/\1/p" "$conf" | tail -n 1)
        fi
        PORT_AUTO=1
    else
        return 1
    fi
    [[ -n "$OS_USER" ]] || OS_USER=$(id -un)
    DATA=$PG_HOME/data
    LOG_DIR=$PG_HOME/log
    LOG_FILE=$LOG_DIR/postgres.log
    return 0
}

is_running() {
    [[ -f "$DATA/PG_VERSION" ]] || return 1
    as_owner "$BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1
}

port_in_use() {
    local p=$1
    if command -v ss >/dev/null 2>&1; then
        [[ -n "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]]
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null
    fi
}

pick_port() {
    # 20000-29999: clear of the Linux ephemeral range (32768+) and of Orleans' 11111/30000.
    local _ p
    for _ in $(seq 1 200); do
        p=$((20000 + (RANDOM * 32768 + RANDOM) % 10000))
        port_in_use "$p" || {
            echo "$p"
            return 0
        }
    done
    die "could not find a free TCP port in 20000-29999"
}

# Decide where the cluster's home goes (no record yet). As root, see the header comment.
choose_home() {
    local h
    h=$(hash_of "$DIR")
    OS_USER=$(id -un)
    PG_HOME=$DIR
    if [[ $EUID -eq 0 ]]; then
        OS_USER=${PG_LOCAL_OS_USER:-postgres}
        getent passwd "$OS_USER" >/dev/null ||
            die "running as root, but there is no '$OS_USER' OS user to own the cluster (initdb refuses root). Install the postgresql package (it creates that user) or set PG_LOCAL_OS_USER."
        [[ "$(id -u "$OS_USER")" != 0 ]] || die "PG_LOCAL_OS_USER must not be root"
        command -v runuser >/dev/null 2>&1 || die "running as root needs 'runuser' (util-linux) to run PostgreSQL as '$OS_USER'"
        # An existing data folder (e.g. made by a non-root run earlier) keeps its owner.
        if [[ -f "$DIR/data/PG_VERSION" ]]; then
            local owner
            owner=$(stat -c %U "$DIR/data")
            [[ "$owner" == root ]] || OS_USER=$owner
            return
        fi
        if ! runuser -u "$OS_USER" -- test -x "$DIR" 2>/dev/null; then
            # DIR is ours: let others traverse it (not list it) if that is all that's missing.
            chmod o+x,g+x "$DIR" 2>/dev/null || true
        fi
        if ! runuser -u "$OS_USER" -- test -x "$DIR" 2>/dev/null; then
            local base=${PG_LOCAL_SPILL_ROOT:-}
            if [[ -z "$base" ]]; then
                base=$(getent passwd "$OS_USER" | cut -d: -f6)
                if [[ -z "$base" || ! -d "$base" || "$(stat -c %U "$base")" != "$OS_USER" ]]; then
                    base=/var/tmp
                fi
            fi
            PG_HOME=$base/metering-pg-$h
            log "'$OS_USER' cannot reach $DIR; keeping the cluster in $PG_HOME instead (recorded in $DIR/$RECORD_NAME)"
        fi
    fi
}

default_socket_dir() {
    if [[ -z "$SOCK_DIR" ]]; then
        SOCK_DIR=$PG_HOME/run
        # sun_path is 108 bytes: "<dir>/.s.PGSQL.NNNNN" + NUL must fit.
        if ((${#SOCK_DIR} > 90)); then
            SOCK_DIR=/tmp/metering-pgsock-$(hash_of "$DIR")
        fi
    fi
}

# Creates the home's folders (again, e.g. a /tmp socket folder after a reboot) and, if there is
# no cluster yet, runs initdb.
init_cluster() {
    DATA=$PG_HOME/data
    LOG_DIR=$PG_HOME/log
    LOG_FILE=$LOG_DIR/postgres.log

    mkdir -p "$PG_HOME" "$LOG_DIR" "$SOCK_DIR"
    if [[ $EUID -eq 0 ]]; then
        [[ "$PG_HOME" == "$DIR" ]] || chown "$OS_USER": "$PG_HOME"
        chown "$OS_USER": "$LOG_DIR" "$SOCK_DIR"
    fi
    chmod 755 "$SOCK_DIR" "$LOG_DIR"
    if [[ "$PG_HOME" != "$DIR" ]]; then
        ln -sfn "$PG_HOME" "$DIR/pg-home"
    fi

    if [[ ! -f "$DATA/PG_VERSION" ]]; then
        log "initializing a new cluster in $DATA ($("$BIN/postgres" --version), run by $OS_USER)"
        rm -rf "$DATA"
        mkdir -p "$DATA"
        [[ $EUID -ne 0 ]] || chown "$OS_USER": "$DATA"
        chmod 700 "$DATA"
        if ! as_owner "$BIN/initdb" -D "$DATA" -U "$SUPERUSER" --encoding=UTF8 --locale=C \
            --auth-local=trust --auth-host=trust >"$LOG_DIR/initdb.log" 2>&1; then
            cat "$LOG_DIR/initdb.log" >&2
            rm -rf "$DATA"
            die "initdb failed (output above)"
        fi
        # Trust only the local socket and 127.0.0.1: no other host may connect.
        cat >"$DATA/pg_hba.conf" <<'EOF'
# Written by scripts/pg-local.sh: trust on the local socket and 127.0.0.1 only.
# TYPE  DATABASE     USER  ADDRESS        METHOD
local   all          all                  trust
host    all          all   127.0.0.1/32   trust
local   replication  all                  trust
host    replication  all   127.0.0.1/32   trust
EOF
        printf "\n# Added by scripts/pg-local.sh; that file is rewritten on every start.\ninclude_if_exists = 'pg-local.conf'\n" >>"$DATA/postgresql.conf"
        [[ $EUID -ne 0 ]] || chown "$OS_USER": "$DATA/pg_hba.conf" "$DATA/postgresql.conf"
    fi
}

write_settings() { # $1: fast (1/0)
    local fast=$1 durable=on
    [[ "$fast" == 1 ]] && durable=off
    cat >"$DATA/pg-local.conf" <<EOF
# Generated by scripts/pg-local.sh on every start: edit the script, not this file.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCK_DIR'
max_connections = 300
shared_buffers = '256MB'
# Never off: an acknowledged commit must survive a crash of the server.
synchronous_commit = on
# --fast (throwaway test clusters only) turns these two off; otherwise durable defaults.
fsync = $durable
full_page_writes = $durable
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
EOF
    [[ $EUID -ne 0 ]] || chown "$OS_USER": "$DATA/pg-local.conf"
}

psql_admin() { # SQL -> runs on db `postgres` via the socket
    "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -tA -h "$SOCK_DIR" -p "$PORT" -U "$SUPERUSER" -d postgres -c "$1"
}

ensure_database() {
    local exists
    exists=$(psql_admin "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'") ||
        die "could not query the server on port $PORT (see $LOG_FILE)"
    if [[ "$exists" != 1 ]]; then
        log "creating database $DB_NAME"
        psql_admin "CREATE DATABASE $DB_NAME" >&2 || die "CREATE DATABASE $DB_NAME failed"
    fi
}

wait_ready() {
    local deadline=$((SECONDS + START_TIMEOUT))
    until "$BIN/pg_isready" -q -h "$SOCK_DIR" -p "$PORT" -t 2 >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            tail -n 30 "$LOG_FILE" >&2 2>/dev/null || true
            die "PostgreSQL did not become ready within ${START_TIMEOUT}s (log tail above: $LOG_FILE)"
        fi
        sleep 0.2
    done
}

# ---------------------------------------------------------------- commands

cmd_start() {
    local want_port=$1 fast=$2 attempt
    mkdir -p "$DIR"
    take_lock

    if ! load_layout; then
        choose_home
        PORT=
        PORT_AUTO=1
    fi
    DATA=$PG_HOME/data
    LOG_DIR=$PG_HOME/log
    LOG_FILE=$LOG_DIR/postgres.log
    default_socket_dir
    local major=""
    [[ -f "$DATA/PG_VERSION" ]] && major=$(<"$DATA/PG_VERSION")
    find_bin "$major"

    if is_running; then
        if [[ -n "$want_port" && "$want_port" != "$PORT" ]]; then
            log "already running on port $PORT; --port $want_port ignored (stop it first to change the port)"
        else
            log "already running on port $PORT"
        fi
        wait_ready
        ensure_database
        conn_string
        return 0
    fi

    if [[ -n "$want_port" ]]; then
        PORT=$want_port
        PORT_AUTO=0
        port_in_use "$PORT" && die "port $PORT is already in use on this machine"
    elif [[ -z "$PORT" ]]; then
        PORT=$(pick_port)
        PORT_AUTO=1
    elif port_in_use "$PORT"; then
        if [[ "$PORT_AUTO" == 1 ]]; then
            local old=$PORT
            PORT=$(pick_port)
            log "remembered port $old is now taken by something else; moving the cluster to port $PORT"
        else
            die "port $PORT (given earlier with --port) is in use by another program; pass another --port"
        fi
    fi

    init_cluster

    # Keep one previous log rather than growing forever.
    if [[ -f "$LOG_FILE" ]] && (($(stat -c %s "$LOG_FILE") > 20 * 1024 * 1024)); then
        mv -f "$LOG_FILE" "$LOG_FILE.1"
    fi

    for attempt in 1 2 3 4 5; do
        record_write
        write_settings "$fast"
        log "starting PostgreSQL on 127.0.0.1:$PORT (data $DATA$([[ "$fast" == 1 ]] && echo ', --fast: fsync off'))"
        if as_owner "$BIN/pg_ctl" start -D "$DATA" -l "$LOG_FILE" -w -t "$START_TIMEOUT" -s >&2; then
            break
        fi
        # Lost a race for an automatically chosen port? Pick another and try again.
        if [[ "$PORT_AUTO" == 1 && $attempt -lt 5 ]] &&
            tail -n 20 "$LOG_FILE" 2>/dev/null | grep -qE 'could not (bind|create listen)|Address already in use'; then
            PORT=$(pick_port)
            log "port was taken meanwhile; retrying on port $PORT"
            continue
        fi
        printf '%s: --- last lines of %s ---\n' "$PROG" "$LOG_FILE" >&2
        tail -n 30 "$LOG_FILE" >&2 2>/dev/null || true
        die "PostgreSQL failed to start (log above: $LOG_FILE)"
    done

    wait_ready
    ensure_database
    log "ready"
    conn_string
}

cmd_stop() {
    [[ -f "$RECORD" ]] || {
        log "no cluster in $DIR"
        return 0
    }
    take_lock
    if ! load_layout || [[ ! -f "$DATA/PG_VERSION" ]]; then
        log "no cluster in $DIR"
        return 0
    fi
    find_bin "$(<"$DATA/PG_VERSION")"
    if ! is_running; then
        log "not running"
        return 0
    fi
    if [[ "$IMMEDIATE" == 1 ]]; then
        log "stopping (immediate shutdown: no checkpoint, crash recovery at the next start)"
        as_owner "$BIN/pg_ctl" stop -D "$DATA" -m immediate -w -t 30 -s >&2 ||
            die "could not stop the server of $DATA"
        log "stopped"
        return 0
    fi
    log "stopping (fast shutdown)"
    if ! as_owner "$BIN/pg_ctl" stop -D "$DATA" -m fast -w -t 60 -s >&2; then
        log "fast shutdown did not finish in 60 s; using immediate shutdown"
        as_owner "$BIN/pg_ctl" stop -D "$DATA" -m immediate -w -t 30 -s >&2 ||
            die "could not stop the server of $DATA"
    fi
    log "stopped"
}

cmd_status() {
    if [[ ! -d "$DIR" ]] || ! load_layout || [[ ! -f "$DATA/PG_VERSION" ]]; then
        echo "no cluster in $DIR"
        exit 4
    fi
    find_bin "$(<"$DATA/PG_VERSION")"
    if is_running; then
        echo "running: pid $(head -n 1 "$DATA/postmaster.pid"), 127.0.0.1:$PORT, data $DATA, log $LOG_FILE"
        exit 0
    fi
    echo "stopped: data $DATA, port $PORT"
    exit 3
}

cmd_url() {
    if [[ ! -d "$DIR" ]] || ! load_layout || [[ -z "$PORT" ]]; then
        die "no cluster in $DIR (run: $PROG start $DIR)"
    fi
    conn_string
}

cmd_destroy() {
    [[ -d "$DIR" ]] || {
        log "nothing to destroy: $DIR does not exist"
        return 0
    }
    take_lock
    if load_layout; then
        if [[ -f "$DATA/PG_VERSION" ]]; then
            find_bin "$(<"$DATA/PG_VERSION")"
            if is_running; then
                log "stopping (immediate: the data is being deleted anyway)"
                as_owner "$BIN/pg_ctl" stop -D "$DATA" -m immediate -w -t 30 -s >&2 || true
                if is_running; then
                    local pid
                    pid=$(head -n 1 "$DATA/postmaster.pid" 2>/dev/null || true)
                    [[ -z "$pid" ]] || kill -KILL "$pid" 2>/dev/null || true
                    sleep 1
                    is_running && die "could not stop the server of $DATA; not deleting it"
                fi
            fi
        fi
        if [[ "$PG_HOME" == "$DIR" ]]; then
            rm -rf "$DIR/data" "$DIR/log" "$DIR/run"
        elif [[ "$(basename "$PG_HOME")" == metering-pg-* ]]; then
            rm -rf "$PG_HOME"
        fi
        if [[ -n "$SOCK_DIR" && "$SOCK_DIR" == /tmp/metering-pgsock-* ]]; then
            rm -rf "$SOCK_DIR"
        fi
        log "destroyed the cluster of $DIR"
    else
        log "no cluster recorded in $DIR"
    fi
    rm -f "$DIR/pg-home" "$RECORD" "$DIR/.pg-local.lock"
    rmdir "$DIR" 2>/dev/null || log "left $DIR in place: it holds other files"
}

# ---------------------------------------------------------------- main

[[ $# -ge 2 ]] || usage
CMD=$1
shift
DIR_ARG=""
WANT_PORT=""
FAST=0
IMMEDIATE=0
while [[ $# -gt 0 ]]; do
    case "$1" in
    --port)
        [[ $# -ge 2 ]] || die "--port needs a number"
        WANT_PORT=$2
        shift 2
        ;;
    --port=*)
        WANT_PORT=${1#--port=}
        shift
        ;;
    --fast)
        FAST=1
        shift
        ;;
    --immediate)
        IMMEDIATE=1
        shift
        ;;
    -h | --help) usage ;;
    -*) die "unknown option: $1" ;;
    *)
        [[ -z "$DIR_ARG" ]] || die "unexpected argument: $1"
        DIR_ARG=$1
        shift
        ;;
    esac
done
[[ -n "$DIR_ARG" ]] || usage
if [[ -n "$WANT_PORT" ]] && ! [[ "$WANT_PORT" =~ ^[0-9]+$ && "$WANT_PORT" -ge 1024 && "$WANT_PORT" -le 65535 ]]; then
    die "--port must be a number between 1024 and 65535"
fi
if [[ "$CMD" != start ]] && [[ -n "$WANT_PORT" || "$FAST" == 1 ]]; then
    die "--port and --fast only apply to start"
fi
if [[ "$CMD" != stop && "$IMMEDIATE" == 1 ]]; then
    die "--immediate only applies to stop"
fi

DIR=$(realpath -m -- "$DIR_ARG")
[[ "$DIR" != / ]] || die "refusing to use / as the cluster folder"
RECORD=$DIR/$RECORD_NAME
BIN=""
INSTALL_TRIED=0
PG_HOME=""
SOCK_DIR=""
DATA=""
LOG_DIR=""
LOG_FILE=""
PORT=""
PORT_AUTO=1
OS_USER=$(id -un)

case "$CMD" in
start) cmd_start "$WANT_PORT" "$FAST" ;;
stop) cmd_stop ;;
status) cmd_status ;;
url) cmd_url ;;
destroy) cmd_destroy ;;
*) die "unknown command '$CMD' (start, stop, status, url, destroy)" ;;
esac
