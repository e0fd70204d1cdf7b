#!/usr/bin/env bash
# Runs the `reev` CLI from this checkout, building it (Release) first when it is missing or older than the sources.
# Build output goes to stderr, so `./reev.sh ... --json` prints nothing but the JSON result on stdout.
# Exit codes are the CLI's: 0 passed, 1 ran and failed, 2 bad input, 3 cluster error, 130 interrupted.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v dotnet >/dev/null 2>&1; then
  echo "reev.sh: the .NET SDK (see global.json) is required: https://dot.net/download" >&2
  exit 3
fi

dll="$root/artifacts/bin/Reev.Cluster.Cli/release/reev.dll"
stale=0
if [ ! -f "$dll" ]; then
  stale=1
elif [ -n "$(find "$root/client" "$root/grains" "$root/grain-interfaces" "$root/runtime" "$root/silo" \
        "$root/Directory.Build.props" "$root/Directory.Packages.props" "$root/global.json" \
        -newer "$dll" \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.json' -o -name '*.hbs' -o -name '*.sql' -o -name '*.yml' \) \
        -not -path '*/obj/*' -not -path '*/bin/*' -print -quit 2>/dev/null)" ]; then
  stale=1
fi

if [ "$stale" -eq 1 ]; then
  # One build at a time: two calls at once would write the same artifacts/. The second waits, then builds only
  # what is still out of date.
  mkdir -p "$root/artifacts"
  exec 9>"$root/artifacts/.reev-build.lock"
  if command -v flock >/dev/null 2>&1; then flock 9; fi
  echo "reev.sh: building the CLI (Release)..." >&2
  if ! dotnet build "$root/client/Reev.Cluster.Cli/Reev.Cluster.Cli.csproj" -c Release -nologo -v q "-clp:ErrorsOnly;NoSummary" >&2; then
    echo "reev.sh: the build failed" >&2
    exit 3
  fi
  # reev.dll is not rewritten when only a dependency's internals changed (reference assemblies): mark it as built
  # now, or every later call would find it older than that source and build again.
  touch "$dll"
  exec 9>&-
fi

exec dotnet "$dll" "$@"
