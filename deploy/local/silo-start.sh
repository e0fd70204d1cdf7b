#!/usr/bin/env bash
# Starts again one silo of a cluster started by cluster-up.sh (after silo-kill.sh): same id, port, database and
# build. A silo killed with SIGKILL still holds its membership lease: the new process waits it out (about 10 s)
# before it joins. Waits until /health/ready answers 200, then records the new PID in cluster.env and cluster.json.
# Usage: deploy/local/silo-start.sh <index> [--dir DIR]
set -euo pipefail

dir=/tmp/reev-cluster
index=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift ;;
    -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) [ -z "$index" ] || { echo "silo-start: unexpected argument $1" >&2; exit 2; }; index="$1" ;;
  esac
  shift
done

script=silo-start
# shellcheck source=deploy/local/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
state="$dir/cluster.env"
[ -f "$state" ] || { log "no cluster state in $dir: start one with deploy/local/cluster-up.sh"; exit 2; }
# shellcheck disable=SC1090
. "$state"
case "$index" in ''|*[!0-9]*) log "usage: silo-start.sh <index> [--dir DIR]"; exit 2 ;; esac
if [ "$index" -lt 1 ] || [ "$index" -gt "${REEV_CLUSTER_SILOS:-0}" ]; then
  log "no silo $index: the cluster has silos 1..${REEV_CLUSTER_SILOS:-0}"; exit 2
fi
eval "old=\${REEV_SILO_${index}_PID}; port=\${REEV_SILO_${index}_PORT}; id=\${REEV_SILO_${index}_ID}; logfile=\${REEV_SILO_${index}_LOG}"
if alive "$old" && grep -qa "Reev.Cluster.Silo" "/proc/$old/cmdline" 2>/dev/null; then
  log "$id (pid $old) is running: stop it first (silo-kill.sh $index)"; exit 3
fi

grace="${REEV_CLUSTER_GRACE_SECONDS:-20}"
export REEV__SILO__SHUTDOWNGRACEPERIOD="$(hms "$grace")"
# As cluster-up.sh started it: with or without its co-hosted gateway.
export REEV__SILO__GATEWAY__ENABLED="${REEV__SILO__GATEWAY__ENABLED:-${REEV_CLUSTER_SILO_GATEWAY:-false}}"
if [ -z "${REEV__SILO__DRAINTIMEOUT:-}" ] && [ "$grace" -le 12 ]; then drain=$((grace / 2)); [ "$drain" -le $((grace - 3)) ] || drain=$((grace - 3)); export REEV__SILO__DRAINTIMEOUT="$(hms "$drain")"; fi
old_port=$port
echo "--- restarted by silo-start.sh ---" >>"$logfile"
# On its old port; when another process took that port meanwhile, on the next free one (the state files follow).
for attempt in 1 2 3 4 5; do
  if [ "$attempt" -gt 1 ] || ! port_free "$port"; then
    port=$((port + 1))
    while ! port_free "$port"; do port=$((port + 1)); done
  fi
  args=(--silo-id "$id" --port "$port" --postgres "$REEV_CLUSTER_POSTGRES")
  [ -n "${REEV_CLUSTER_PARTITIONS:-}" ] && args+=(--partitions "$REEV_CLUSTER_PARTITIONS")
  nohup dotnet "$REEV_CLUSTER_SILO_DLL" "${args[@]}" >>"$logfile" 2>&1 </dev/null &
  pid=$!
  log "$id: pid $pid, http://127.0.0.1:$port (log $logfile)"
  status=0
  wait_ready "$id" "$pid" "$port" "$logfile" || status=$?
  [ "$status" -eq 0 ] && break
  [ "$attempt" -lt 5 ] || fail "$id: no free port after $attempt attempts"
done

if [ "$port" != "$old_port" ]; then
  sed -i -e "s/^REEV_SILO_${index}_PORT=.*/REEV_SILO_${index}_PORT='$port'/" \
         -e "s#^REEV_SILO_${index}_URL=.*#REEV_SILO_${index}_URL='http://127.0.0.1:$port'#" "$state"
  [ -f "$dir/cluster.json" ] && sed -i "s#\"index\":$index,\(\"id\":\"$id\",\"pid\":[0-9]*\),\"port\":$old_port,\"url\":\"http://127.0.0.1:$old_port\"#\"index\":$index,\1,\"port\":$port,\"url\":\"http://127.0.0.1:$port\"#" "$dir/cluster.json"
fi
sed -i "s/^REEV_SILO_${index}_PID=.*/REEV_SILO_${index}_PID='$pid'/" "$state"
[ -f "$dir/cluster.json" ] && sed -i "s/\"index\":$index,\"id\":\"$id\",\"pid\":[0-9]*/\"index\":$index,\"id\":\"$id\",\"pid\":$pid/" "$dir/cluster.json"
log "$id ready"
echo "REEV_SILO_${index}_PID='$pid'"
