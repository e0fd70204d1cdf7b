#!/usr/bin/env bash
# Stops a cluster started by cluster-up.sh: the gateway and every silo get SIGTERM (drain, hand-over), whatever
# still runs after the grace period gets SIGKILL; then the private PostgreSQL is stopped and removed.
# Usage: deploy/local/cluster-down.sh [--dir DIR] [--keep-postgres]    (DIR defaults to /tmp/reev-cluster)
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dir=/tmp/reev-cluster
keep_pg=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift ;;
    --keep-postgres) keep_pg=1 ;;
    -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "cluster-down: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

script=cluster-down
# shellcheck source=deploy/local/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
state="$dir/cluster.env"
[ -f "$state" ] || { log "no cluster state in $dir (nothing to stop)"; exit 0; }
# shellcheck disable=SC1090
. "$state"

# A pid is ours only while it still runs the program we started (pids are reused).
runs() { alive "$1" && grep -qa "$2" "/proc/$1/cmdline" 2>/dev/null; }

targets=()
names=()
if runs "${REEV_GATEWAY_PID:-}" "Reev.Cluster.Gateway"; then targets+=("$REEV_GATEWAY_PID"); names+=("gateway"); fi
for i in $(seq 1 "${REEV_CLUSTER_SILOS:-0}"); do
  eval "pid=\${REEV_SILO_${i}_PID:-}"
  if runs "$pid" "Reev.Cluster.Silo"; then targets+=("$pid"); names+=("silo-$i"); fi
done

# A silo frozen by silo-kill.sh --stop would hold the SIGTERM until the grace period ends: continue it first.
for k in "${!targets[@]}"; do kill -CONT "${targets[$k]}" 2>/dev/null || true; done
for k in "${!targets[@]}"; do kill -TERM "${targets[$k]}" 2>/dev/null && log "${names[$k]} (pid ${targets[$k]}): SIGTERM"; done
deadline=$(( $(date +%s) + ${REEV_CLUSTER_GRACE_SECONDS:-20} + 2 ))
status=0
for k in "${!targets[@]}"; do
  pid="${targets[$k]}"
  while alive "$pid" && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
  if alive "$pid"; then
    kill -KILL "$pid" 2>/dev/null
    log "${names[$k]} (pid $pid): still running after the grace period, SIGKILL"
    status=1
  else
    log "${names[$k]} (pid $pid): stopped"
  fi
done

if [ "$keep_pg" -eq 0 ] && [ -n "${REEV_CLUSTER_PG_DIR:-}" ]; then
  "$repo/deploy/postgres/pg-stop.sh" "$REEV_CLUSTER_PG_DIR"
  log "PostgreSQL stopped ($REEV_CLUSTER_PG_DIR removed)"
fi
rm -f "$state" "$dir/cluster.json"
exit "$status"
