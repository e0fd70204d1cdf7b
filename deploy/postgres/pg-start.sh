#!/usr/bin/env bash
# Starts a private PostgreSQL server in a temporary directory on a free loopback port.
# Installs Debian's postgresql package when no server binaries are found (needs root).
# Prints shell assignments on stdout (eval them):
#   REEV_PG_DIR=...  REEV_PG_BIN=...  REEV_PG_PORT=...  REEV_PG_OWNER=... (the OS account running the server)  REEV_PG_CONNECTION=...
# Options: --durable keeps PostgreSQL's durable defaults (fsync on); the default trades durability
# for speed because test data is thrown away. --dir DIR uses DIR instead of a fresh temp dir.
# REEV_PG_BIN_DIR=/path/to/bin selects the server binaries (default: the newest /usr/lib/postgresql/*/bin, else
# initdb on PATH). The server listens on 127.0.0.1 only (no Unix socket, so any --dir length works).
set -euo pipefail

durable=0
dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --durable) durable=1 ;;
    --dir) dir="$2"; shift ;;
    *) echo "pg-start: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

log() { echo "pg-start: $*" >&2; }

find_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
  return 1
}

if [ -n "${REEV_PG_BIN_DIR:-}" ]; then
  [ -x "$REEV_PG_BIN_DIR/initdb" ] && [ -x "$REEV_PG_BIN_DIR/pg_ctl" ] || {
    log "REEV_PG_BIN_DIR=$REEV_PG_BIN_DIR holds no PostgreSQL server binaries (initdb, pg_ctl)"; exit 3; }
  bin="$REEV_PG_BIN_DIR"
else
  bin=$(find_bin || true)
fi
if [ -z "$bin" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "no PostgreSQL server binaries found and not root: install postgresql or set REEV_TEST_POSTGRES"
    exit 3
  fi
  log "installing PostgreSQL server binaries with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  # Debian's package creates and starts a default cluster; this script never uses it.
  bin=$(find_bin) || { log "postgresql installed but initdb not found"; exit 3; }
fi

# The server refuses to run as root: run it as a dedicated non-root account.
run_as=""
owner="$(id -un)"
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  if ! id -u "$owner" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$owner" 2>/dev/null || useradd -r "$owner"
  fi
  run_as="runuser -u $owner --"
fi

if [ -z "$dir" ]; then dir=$(mktemp -d /tmp/reev-pg.XXXXXX); fi
mkdir -p "$dir"
chown "$owner" "$dir" 2>/dev/null || true
chmod 700 "$dir"

$run_as "$bin/initdb" -D "$dir/data" -U reev --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
  log "initdb failed:"; cat "$dir/initdb.log" >&2; exit 4; }

settings="listen_addresses='127.0.0.1'
unix_socket_directories=''
max_connections=400
shared_buffers=256MB
log_min_messages=warning
log_min_error_statement=panic"
if [ "$durable" -eq 0 ]; then
  settings="$settings
fsync=off
synchronous_commit=off
full_page_writes=off"
fi
echo "$settings" >>"$dir/data/postgresql.conf"

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
started=0
for attempt in $(seq 1 20); do
  port=$(( 20000 + (RANDOM * 7 + attempt * 131) % 40000 ))
  port_free "$port" || continue
  if $run_as "$bin/pg_ctl" -D "$dir/data" -o "-p $port" -l "$dir/server.log" -w -t 30 start >/dev/null 2>&1; then
    started=1; break
  fi
done
if [ "$started" -ne 1 ]; then log "could not start PostgreSQL:"; tail -n 20 "$dir/server.log" >&2 || true; exit 5; fi

"$bin/psql" -h 127.0.0.1 -p "$port" -U reev -d postgres -qtAc "CREATE DATABASE reev" >/dev/null
log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir)"
cat <<OUT
REEV_PG_DIR='$dir'
REEV_PG_BIN='$bin'
REEV_PG_PORT='$port'
REEV_PG_OWNER='$owner'
REEV_PG_CONNECTION='Host=127.0.0.1;Port=$port;Username=reev;Database=reev'
OUT
