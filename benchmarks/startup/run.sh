#!/usr/bin/env bash
# Start-up and agent memory: the compiled launcher (bin/runlens → dist/) against the same code run
# through tsx (the launcher before issue 14), in one session. Prints wall/user/sys seconds of
# `runlens --version` and the agent's RSS after 25 s of sampling with Kafka absent (it spools).
# Usage: benchmarks/startup/run.sh [repeats]   (from the repo root)
set -u
cd "$(dirname "$0")/../.."
repeats="${1:-5}"
tsx=(node --import ./node_modules/tsx/dist/loader.mjs bin/src/main.ts)
dist=(bin/runlens)
bin/runlens --version > /dev/null   # builds dist/ if stale, outside the timing

version() {
  local label="$1"; shift
  printf '%s --version (wall user sys):' "$label"
  for _ in $(seq 1 "$repeats"); do
    /usr/bin/time -f ' %e %U %S;' "$@" --version 2>&1 > /dev/null | tr -d '\n'
  done
  echo
}

agent() {
  local label="$1"; shift
  local d; d="$(mktemp -d)"
  RUNLENS_KAFKA_BROKERS=127.0.0.1:9 RUNLENS_SPOOL_DIR="$d" RUNLENS_HOST=bench-startup RUNLENS_SCONTROL=none "$@" agent > "$d/log" 2>&1 &
  local pid=$!
  sleep 25
  local rss chdb kids
  rss="$(awk '/VmRSS/{print int($2/1024)}' "/proc/$pid/status")"
  chdb="$(grep -c libchdb "/proc/$pid/maps")"
  kids="$(ps --ppid "$pid" -o args= | tr '\n' ';')"
  echo "$label agent: VmRSS ${rss} MiB, libchdb mappings ${chdb}, child processes [${kids}]"
  kill "$pid"; wait "$pid" 2> /dev/null
  rm -rf "$d"
}

version 'tsx (before)' "${tsx[@]}"
version 'dist (after)' "${dist[@]}"
for _ in 1 2; do
  agent 'tsx (before)' "${tsx[@]}"
  agent 'dist (after)' "${dist[@]}"
done
