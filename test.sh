#!/usr/bin/env bash
# Runs every test. Starts a private PostgreSQL (installing it when absent) unless
# REEV_TEST_POSTGRES holds a connection string; stops it afterwards, even on failure.
# Ends with one line: "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")"

results=$(mktemp -d /tmp/reev-test-results.XXXXXX)
pg_dir=""
cleanup() {
  if [ -n "$pg_dir" ]; then deploy/postgres/pg-stop.sh "$pg_dir"; fi
  rm -rf "$results"
}
trap cleanup EXIT

if [ -z "${REEV_TEST_POSTGRES:-}" ]; then
  out=$(deploy/postgres/pg-start.sh)
  eval "$out"
  pg_dir="$REEV_PG_DIR"
  export REEV_TEST_POSTGRES="$REEV_PG_CONNECTION"
fi
echo "test.sh: PostgreSQL at ${REEV_TEST_POSTGRES}"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# In-memory silos of every test check each state copy against the state's JSON (SiloOptions.VerifyJson, ADR 0016).
export REEV_VERIFY_JSON=1
dotnet restore Reev.Cluster.sln
dotnet build Reev.Cluster.sln --no-restore -c Debug
status=0
# Test assemblies run one after another: the failure tests measure failover times and must not
# compete with other assemblies for the 2 cores. A test that runs for 8 minutes is taken as hung: its
# host is stopped and the test named as failed, instead of the run never ending.
dotnet test Reev.Cluster.sln --no-build -c Debug -m:1 \
  --blame-hang-timeout 8m --blame-hang-dump-type none \
  --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@" || status=$?

passed=0; failed=0; skipped=0
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  c=$(grep -o '<Counters [^>]*>' "$f" | head -n 1)
  p=$(echo "$c" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p'); p=${p:-0}
  t=$(echo "$c" | sed -n 's/.* total="\([0-9]*\)".*/\1/p'); t=${t:-0}
  e=$(echo "$c" | sed -n 's/.* executed="\([0-9]*\)".*/\1/p'); e=${e:-0}
  fl=$(echo "$c" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p'); fl=${fl:-0}
  passed=$((passed + p)); failed=$((failed + fl)); skipped=$((skipped + t - e))
  # The failed tests again at the end, each with the first line of its message, so that a log's tail names them.
  awk '
    /<UnitTestResult / && /outcome="Failed"/ { match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11); inFailed = 1; next }
    inFailed && /<Message>/ { line = $0; sub(/.*<Message>/, "", line); sub(/<\/Message>.*/, "", line); print "test.sh: FAILED " name ": " line; inFailed = 0; next }
    inFailed && /<\/UnitTestResult>/ { print "test.sh: FAILED " name; inFailed = 0 }
  ' "$f"
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "test.sh: the test run failed without a failed test (build or host crash)"; fi
echo "test.sh: $skipped skipped"
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
