#!/usr/bin/env bash
# Starts a local multi-process cluster on loopback: a private PostgreSQL (unless --postgres is given), N silo
# processes and the API gateway (the standalone gateway as a client of that database), each waited on until
# /health/ready answers 200. No container engine needed.
#
# Usage: deploy/local/cluster-up.sh [--silos N] [--dir DIR] [--postgres CONNECTION_STRING] [--base-port PORT]
#                                   [--partitions N] [--grace SECONDS] [--artifacts PATH] [--no-build] [--durable]
#                                   [--gateway-port PORT] [--no-gateway] [--silo-dll PATH] [--gateway-dll PATH]
#   --silos N        silo processes (default 3), ids silo-1..silo-N
#   --dir DIR        state, logs and the private PostgreSQL's data (default /tmp/reev-cluster)
#   --postgres CS    use this database instead of starting one (cluster-down.sh leaves it alone)
#   --base-port P    first health port tried (default 7101); taken ports are skipped
#   --partitions N   Reev:Silo:PartitionCount for a new database (default: the silo's, 256)
#   --grace S        Reev:Silo:ShutdownGracePeriod in seconds (default 20; a drain timeout under it is kept)
#   --artifacts P    build into P (-p:ArtifactsPath) instead of the checkout's artifacts/
#   --no-build       run the last Release build as is
#   --silo-dll PATH  run this build of Reev.Cluster.Silo.dll (no build; the tests use their own)
#   --gateway-port P the gateway's loopback port (default 5080; taken: the next free one)
#   --no-gateway     silos only (REEV_GATEWAY_URL and REEV_GATEWAY_PID are then empty)
#   --gateway-dll P  run this build of Reev.Cluster.Gateway.dll (default: the one built with the silo)
#   --durable        private PostgreSQL with fsync on (default off: test data is thrown away)
# Other REEV__* variables in the environment reach every silo and the gateway (e.g. REEV__SILO__LEASEDURATION=00:00:05,
# REEV__GATEWAY__BENCHMARKSDIRECTORY=/path/to/flows).
#
# Prints the state (shell assignments: eval them) on stdout and writes it to DIR/cluster.env and DIR/cluster.json:
#   REEV_CLUSTER_POSTGRES, REEV_CLUSTER_SILOS, REEV_SILO_<i>_ID|PID|PORT|URL|LOG, REEV_GATEWAY_URL|PID|PORT|LOG.
# Stop everything with deploy/local/cluster-down.sh [--dir DIR]; kill one silo with deploy/local/silo-kill.sh <i>,
# start it again with deploy/local/silo-start.sh <i>.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
silos=3
dir=/tmp/reev-cluster
postgres=""
base_port=7101
partitions=""
grace=20
artifacts=""
build=1
silo_dll=""
gateway=1
gateway_port=5080
gateway_dll=""
durable=""
while [ $# -gt 0 ]; do
  case "$1" in
    --silos) silos="$2"; shift ;;
    --dir) dir="$2"; shift ;;
    --postgres) postgres="$2"; shift ;;
    --base-port) base_port="$2"; shift ;;
    --partitions) partitions="$2"; shift ;;
    --grace) grace="$2"; shift ;;
    --artifacts) artifacts="$2"; shift ;;
    --no-build) build=0 ;;
    --silo-dll) silo_dll="$2"; build=0; shift ;;
    --gateway-port) gateway_port="$2"; shift ;;
    --no-gateway) gateway=0 ;;
    --gateway-dll) gateway_dll="$2"; shift ;;
    --durable) durable="--durable" ;;
    -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "cluster-up: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

script=cluster-up
# shellcheck source=deploy/local/lib.sh
. "$here/lib.sh"
case "$silos" in ''|*[!0-9]*|0) fail "--silos must be a positive number, not '$silos'" ;; esac
case "$grace" in ''|*[!0-9]*|0|1|2|3) fail "--grace must be a number of seconds from 4 on (the drain ends 3 s before it), not '$grace'" ;; esac
case "$gateway_port" in ''|*[!0-9]*|0) fail "--gateway-port must be a port number, not '$gateway_port'" ;; esac

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
state="$dir/cluster.env"
if [ -f "$state" ]; then
  # shellcheck disable=SC1090
  running=$( (. "$state"; for i in $(seq 1 "${REEV_CLUSTER_SILOS:-0}"); do eval "p=\${REEV_SILO_${i}_PID:-}"; alive "$p" && echo "$p"; done; alive "${REEV_GATEWAY_PID:-}" && echo "$REEV_GATEWAY_PID") || true)
  [ -z "$running" ] || fail "a cluster is already running from $dir (pids $(echo $running)): run deploy/local/cluster-down.sh --dir $dir first"
  # Every silo and the gateway are gone (killed, crashed), but the private PostgreSQL of that run may still be up: stop
  # it before its data folder is removed below, or it would run on, orphaned, with no data folder to stop it by.
  old_pg=$( (. "$state"; echo "${REEV_CLUSTER_PG_DIR:-}") || true)
  if [ -n "$old_pg" ] && [ -d "$old_pg" ]; then "$repo/deploy/postgres/pg-stop.sh" "$old_pg" || true; fi
fi
rm -f "$state" "$dir/cluster.json" "$dir"/silo-*.log "$dir/gateway.log"

pids=()
pg_dir=""
started_ok=0
cleanup_on_failure() {
  [ "$started_ok" -eq 1 ] && return
  log "start failed: stopping what was started"
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -KILL "$p" 2>/dev/null || true; done
  if [ -n "$pg_dir" ]; then "$repo/deploy/postgres/pg-stop.sh" "$pg_dir"; fi
}
trap cleanup_on_failure EXIT
trap 'exit 130' INT TERM

# 1. The database.
if [ -z "$postgres" ]; then
  pg_dir="$dir/postgres"
  rm -rf "$pg_dir"
  # Not eval "$(...)" alone: its status is eval's, so a failed start would go on with whatever REEV_PG_* the shell had.
  unset REEV_PG_CONNECTION REEV_PG_DIR REEV_PG_PORT REEV_PG_BIN REEV_PG_OWNER
  pg_env="$("$repo/deploy/postgres/pg-start.sh" --dir "$pg_dir" $durable)" || fail "the private PostgreSQL did not start (its folder: $pg_dir)"
  eval "$pg_env"
  postgres="$REEV_PG_CONNECTION"
fi

# 2. One Release build of the silo (the gateway, which it references, is built with it).
project="$repo/silo/Reev.Cluster.Silo/Reev.Cluster.Silo.csproj"
props=(-c Release)
[ -n "$artifacts" ] && props+=("-p:ArtifactsPath=$artifacts")
if [ "$build" -eq 1 ]; then
  log "building the silo (Release)"
  dotnet build "$project" "${props[@]}" -nologo -v quiet >"$dir/build.log" 2>&1 || { tail -n 30 "$dir/build.log" >&2; fail "the silo build failed (log: $dir/build.log)"; }
fi
if [ -n "$silo_dll" ]; then
  dll="$silo_dll"
else
  dll="$(dotnet msbuild "$project" -getProperty:TargetPath -p:Configuration=Release ${artifacts:+"-p:ArtifactsPath=$artifacts"})"
fi
[ -f "$dll" ] || fail "no silo build at $dll: run without --no-build"
if [ "$gateway" -eq 1 ] && [ -z "$gateway_dll" ]; then
  if [ -n "$silo_dll" ]; then
    # Next to a given silo build: its sibling output folder (artifacts layout), else the copy in the silo's folder.
    gateway_dll="$(dirname "$silo_dll" | sed 's#/Reev.Cluster.Silo/#/Reev.Cluster.Gateway/#')/Reev.Cluster.Gateway.dll"
    [ -f "$gateway_dll" ] || gateway_dll="$(dirname "$silo_dll")/Reev.Cluster.Gateway.dll"
  else
    gateway_dll="$(dotnet msbuild "$repo/client/Reev.Cluster.Gateway/Reev.Cluster.Gateway.csproj" -getProperty:TargetPath -p:Configuration=Release ${artifacts:+"-p:ArtifactsPath=$artifacts"})"
  fi
fi
[ "$gateway" -eq 0 ] || [ -f "$gateway_dll" ] || fail "no gateway build at $gateway_dll: run without --no-build, or pass --gateway-dll"

# 3. The silos, on free loopback ports.
export REEV__SILO__SHUTDOWNGRACEPERIOD="$(hms "$grace")"
# The API is the gateway process below: the silos serve probes only, unless REEV__SILO__GATEWAY__ENABLED says otherwise.
export REEV__SILO__GATEWAY__ENABLED="${REEV__SILO__GATEWAY__ENABLED:-false}"
# The drain (10 s by default) must end 3 s before the grace period does (hand-over, then the web server).
if [ -z "${REEV__SILO__DRAINTIMEOUT:-}" ] && [ "$grace" -le 12 ]; then drain=$((grace / 2)); [ "$drain" -le $((grace - 3)) ] || drain=$((grace - 3)); export REEV__SILO__DRAINTIMEOUT="$(hms "$drain")"; fi
next_port=$base_port
# take_port: sets port to the next free loopback port from next_port on (a port found free can still be taken by another
# process before the silo binds it: wait_ready then tells, and the process is started again on another port).
take_port() { while ! port_free "$next_port"; do next_port=$((next_port + 1)); done; port=$next_port; next_port=$((next_port + 1)); }
ports=()
# launch_silo I: starts silo-I in the background on $port; its pid goes to pids[I-1] and launched_pid.
launch_silo() {
  local i="$1" args
  args=(--silo-id "silo-$i" --port "$port" --postgres "$postgres")
  [ -n "$partitions" ] && args+=(--partitions "$partitions")
  nohup dotnet "$dll" "${args[@]}" >>"$dir/silo-$i.log" 2>&1 </dev/null &
  launched_pid=$!
  pids[$((i - 1))]=$launched_pid
  ports[$((i - 1))]=$port
  log "silo-$i: pid $launched_pid, http://127.0.0.1:$port (log $dir/silo-$i.log)"
}
for i in $(seq 1 "$silos"); do
  take_port
  launch_silo "$i"
done

# until_ready NAME LOG LAUNCHER...: waits for the process just launched (launched_pid, on $port); when its port was
# taken meanwhile, takes the next free port and runs LAUNCHER again (5 attempts).
until_ready() {
  local name="$1" logfile="$2" attempt status
  shift 2
  for attempt in 1 2 3 4 5; do
    status=0
    wait_ready "$name" "$launched_pid" "$port" "$logfile" || status=$?
    [ "$status" -eq 0 ] && return 0
    [ "$attempt" -lt 5 ] || fail "$name: no free port after $attempt attempts (log $logfile)"
    echo "--- started again on another port by cluster-up.sh ---" >>"$logfile"
    take_port
    "$@"
  done
}

for i in $(seq 1 "$silos"); do
  port=${ports[$((i - 1))]}
  launched_pid=${pids[$((i - 1))]}
  until_ready "silo-$i" "$dir/silo-$i.log" launch_silo "$i"
done

# 4. The gateway: the standalone gateway as a client of the cluster's database, on a free loopback port. Open to
# loopback clients without API keys (set REEV__GATEWAY__APIKEYS__0__KEY and friends to require one).
gateway_url=""
gateway_pid=""
if [ "$gateway" -eq 1 ]; then
  [ -n "$partitions" ] && export REEV__CLIENT__PARTITIONCOUNT="$partitions"
  launch_gateway() {
    nohup dotnet "$gateway_dll" --postgres "$postgres" --urls "http://127.0.0.1:$port" >>"$dir/gateway.log" 2>&1 </dev/null &
    launched_pid=$!
    pids+=("$launched_pid")
    log "gateway: pid $launched_pid, http://127.0.0.1:$port (log $dir/gateway.log)"
  }
  next_port=$gateway_port
  take_port
  launch_gateway
  # Ready once it reaches the database and every partition is owned by a live silo.
  until_ready "the gateway" "$dir/gateway.log" launch_gateway
  gateway_pid=$launched_pid
  gateway_port=$port
  gateway_url="http://127.0.0.1:$gateway_port"
else
  gateway_port=""
fi

{
  echo "REEV_CLUSTER_DIR='$dir'"
  echo "REEV_CLUSTER_POSTGRES='$postgres'"
  echo "REEV_CLUSTER_PG_DIR='$pg_dir'"
  echo "REEV_CLUSTER_GRACE_SECONDS='$grace'"
  echo "REEV_CLUSTER_SILO_DLL='$dll'"
  echo "REEV_CLUSTER_PARTITIONS='$partitions'"
  echo "REEV_CLUSTER_SILO_GATEWAY='$REEV__SILO__GATEWAY__ENABLED'"
  echo "REEV_CLUSTER_SILOS='$silos'"
  for i in $(seq 1 "$silos"); do
    echo "REEV_SILO_${i}_ID='silo-$i'"
    echo "REEV_SILO_${i}_PID='${pids[$((i - 1))]}'"
    echo "REEV_SILO_${i}_PORT='${ports[$((i - 1))]}'"
    echo "REEV_SILO_${i}_URL='http://127.0.0.1:${ports[$((i - 1))]}'"
    echo "REEV_SILO_${i}_LOG='$dir/silo-$i.log'"
  done
  echo "REEV_GATEWAY_URL='$gateway_url'"
  echo "REEV_GATEWAY_PID='$gateway_pid'"
  echo "REEV_GATEWAY_PORT='$gateway_port'"
  echo "REEV_GATEWAY_LOG='${gateway_url:+$dir/gateway.log}'"
} >"$state"

json_escape() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
{
  printf '{"dir":"%s","postgres":"%s","grace_seconds":%s,"gateway":' "$(json_escape "$dir")" "$(json_escape "$postgres")" "$grace"
  if [ -n "$gateway_url" ]; then
    printf '{"url":"%s","pid":%s,"port":%s,"log":"%s"}' "$gateway_url" "$gateway_pid" "$gateway_port" "$(json_escape "$dir/gateway.log")"
  else
    printf 'null'
  fi
  printf ',"silos":['
  for i in $(seq 1 "$silos"); do
    [ "$i" -gt 1 ] && printf ','
    printf '{"index":%s,"id":"silo-%s","pid":%s,"port":%s,"url":"http://127.0.0.1:%s","log":"%s"}' \
      "$i" "$i" "${pids[$((i - 1))]}" "${ports[$((i - 1))]}" "${ports[$((i - 1))]}" "$(json_escape "$dir/silo-$i.log")"
  done
  printf ']}\n'
} >"$dir/cluster.json"

started_ok=1
log "$silos silos${gateway_url:+ and the gateway ($gateway_url)} ready; state in $state and $dir/cluster.json"
cat "$state"
