#!/usr/bin/env bash
# Shared by the deploy/local scripts (sourced, not run): set `script` to the caller's name before sourcing.

log() { echo "${script:-deploy/local}: $*" >&2; }
fail() { log "$*"; exit 1; }
# Alive = exists and is not a zombie waiting to be reaped (the silos are orphans once cluster-up.sh exits).
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
hms() { printf '%02d:%02d:%02d' "$(($1 / 3600))" "$(($1 % 3600 / 60))" "$(($1 % 60))"; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# The HTTP status of GET /health/ready on a loopback port (000 when nothing answers); curl if present, else bash.
ready_status() {
  if command -v curl >/dev/null; then
    curl -s -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/health/ready" || true
  else
    timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" && printf "GET /health/ready HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3 && head -n 1 <&3' "$1" 2>/dev/null | awk '{print $2}' | grep . || echo 000
  fi
}

# wait_ready NAME PID PORT LOG: until /health/ready answers 200 from the process started (returns 0). Returns 4 when
# the process exited because its port was taken meanwhile (the caller starts it again on another port); fails when
# it exited otherwise, or after 60 s (the process is killed).
wait_ready() {
  local name="$1" pid="$2" port="$3" logfile="$4" code=""
  for _ in $(seq 1 600); do
    code=$(ready_status "$port")
    # Ready = it answers 200 and it is still the one running (not another process on that port).
    [ "$code" = 200 ] && alive "$pid" && return 0
    if ! alive "$pid"; then
      if tail -n 5 "$logfile" 2>/dev/null | grep -qi "already in use"; then
        log "$name: port $port was taken before it could bind it"
        return 4
      fi
      tail -n 5 "$logfile" >&2
      fail "$name exited before it was ready (log $logfile)"
    fi
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  tail -n 5 "$logfile" >&2
  fail "$name was not ready within 60 s"
}
