#!/usr/bin/env bash
# Kills one silo of a cluster started by cluster-up.sh: SIGKILL by default (abrupt death: its partitions move
# when its lease expires), SIGTERM with --term (graceful: drain and hand-over; --wait waits for the exit),
# SIGSTOP with --stop (frozen, as in a VM pause: past its lease its partitions move) and SIGCONT with --cont.
# Usage: deploy/local/silo-kill.sh <index> [--term [--wait] | --stop | --cont] [--dir DIR]  (index 1..N, as in cluster.env)
set -euo pipefail

dir=/tmp/reev-cluster
index=""
signal=KILL
wait=0
while [ $# -gt 0 ]; do
  case "$1" in
    --term) signal=TERM ;;
    --stop) signal=STOP ;;
    --cont) signal=CONT ;;
    --wait) wait=1 ;;
    --dir) dir="$2"; shift ;;
    -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) [ -z "$index" ] || { echo "silo-kill: unexpected argument $1" >&2; exit 2; }; index="$1" ;;
  esac
  shift
done

script=silo-kill
# shellcheck source=deploy/local/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
state="$dir/cluster.env"
[ -f "$state" ] || { log "no cluster state in $dir: start one with deploy/local/cluster-up.sh"; exit 2; }
# shellcheck disable=SC1090
. "$state"
case "$index" in ''|*[!0-9]*) log "usage: silo-kill.sh <index> [--term [--wait] | --stop | --cont] [--dir DIR]"; exit 2 ;; esac
if [ "$wait" -eq 1 ] && { [ "$signal" = STOP ] || [ "$signal" = CONT ]; }; then
  log "--wait waits for an exit: it goes with SIGKILL or --term, not --$(echo "$signal" | tr 'A-Z' 'a-z')"; exit 2
fi
if [ "$index" -lt 1 ] || [ "$index" -gt "${REEV_CLUSTER_SILOS:-0}" ]; then
  log "no silo $index: the cluster has silos 1..${REEV_CLUSTER_SILOS:-0}"; exit 2
fi
eval "pid=\${REEV_SILO_${index}_PID}"
if ! alive "$pid" || ! grep -qa "Reev.Cluster.Silo" "/proc/$pid/cmdline" 2>/dev/null; then
  log "silo-$index (pid $pid) is not running"; exit 3
fi

if [ "$signal" = TERM ] || [ "$signal" = KILL ]; then
  kill -CONT "$pid" 2>/dev/null || true # a frozen silo (--stop) would hold a SIGTERM until it is continued
fi
kill "-$signal" "$pid"
log "silo-$index (pid $pid): SIG$signal sent"
if [ "$wait" -eq 1 ]; then
  started=$(date +%s%N)
  deadline=$(( $(date +%s) + ${REEV_CLUSTER_GRACE_SECONDS:-20} + 5 ))
  while alive "$pid" && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.05; done
  if alive "$pid"; then log "silo-$index (pid $pid) still runs"; exit 4; fi
  log "silo-$index (pid $pid) exited after $(( ($(date +%s%N) - started) / 1000000 )) ms"
fi
