#!/usr/bin/env bash
# Stops a server started by pg-start.sh and removes its directory. Usage: pg-stop.sh DIR
set -uo pipefail
dir="${1:-${REEV_PG_DIR:-}}"
[ -n "$dir" ] && [ -d "$dir" ] || exit 0
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || bin=$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/pg_ctl)")
owner=$(stat -c %U "$dir")
run_as=""
[ "$(id -u)" -eq 0 ] && [ "$owner" != root ] && run_as="runuser -u $owner --"
$run_as "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
rm -rf "$dir"
