#!/usr/bin/env bash
# The CLI's two ways to upload, against the real all-in-one server jar started with -Xmx512m:
# `trainyard datasets upload FILE` (the resumable protocol, chunks with digests, ingested while they
# arrive) beside `--no-resume` (one streamed POST, ingested while it arrives), each timed from the
# command's start to its exit with the dataset READY, ROUNDS pairs alternating (default 2).
# Usage: bench/platform/cli-upload.sh [MB]     (default 1024; BENCH_FILE=path uploads that file instead)
# Needs: java 17+, curl, python3. Prints one line per upload and the medians.
set -euo pipefail

MB=${1:-1024}
ROUNDS=${ROUNDS:-2}
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/api/target/quarkus-app/quarkus-run.jar"
work="$(mktemp -d /tmp/trainyard-cli-bench.XXXXXX)"
server_pid=""
trap '[ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; }; rm -rf "$work"' EXIT

[ -f "$jar" ] || (cd "$root" && ./mvnw -B -q -DskipTests -pl api,cli -am package)
data="${BENCH_FILE:-$work/bench.libsvm}"
if [ ! -f "$data" ]; then
  echo "bench: generating ${MB} MiB of libsvm ..." >&2
  awk -v limit=$((MB * 1024 * 1024)) 'BEGIN {
    srand(42); size = 0;
    while (size < limit) {
      line = (rand() < 0.25) ? "1" : "0";
      for (f = 1; f <= 13; f++) { line = line " " f ":" int(rand() * 1000) / 100 }
      for (f = 0; f < 26; f++) { id = 100 + f * 100000 + int(100000 * rand() ^ 3); line = line " " id ":1" }
      print line; size += length(line) + 1
    }
  }' > "$data"
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])')
java -Xmx512m -Dquarkus.http.port="$port" -Dtrainyard.data-dir="$work/data" -jar "$jar" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
  if [ -f "$work/data/admin-token" ] && curl -sf -o /dev/null -H "Authorization: Bearer $(cat "$work/data/admin-token")" \
      "http://localhost:$port/api/v1/datasets?limit=1"; then
    break
  fi
  kill -0 "$server_pid" 2>/dev/null || { echo "bench: the server died; see $work/server.log" >&2; exit 1; }
  sleep 0.2
done
export TRAINYARD_URL="http://localhost:$port" TRAINYARD_TOKEN="$(cat "$work/data/admin-token")" HOME="$work"
cli="$root/bin/trainyard"
json() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }

# warm-up, untimed: both paths once on a small file
head -c 100000000 "$data" | sed '$d' > "$work/warm.libsvm"
"$cli" datasets upload "$work/warm.libsvm" --name warm --no-resume > /dev/null 2>&1
"$cli" datasets upload "$work/warm.libsvm" --name warm > /dev/null 2>&1

bytes=$(stat -c %s "$data")
resumable=()
streamed=()
for round in $(seq 1 "$ROUNDS"); do
  for way in resumable streamed; do
    flag=(); [ "$way" = streamed ] && flag=(--no-resume)
    t0=$(date +%s.%N)
    "$cli" --output json datasets upload "$data" --name "$way-$round" "${flag[@]}" > "$work/out.json" 2> "$work/err"
    t1=$(date +%s.%N)
    status=$(json '["status"]' < "$work/out.json")
    [ "$status" = READY ] || { echo "bench: $way upload ended $status" >&2; cat "$work/err" >&2; exit 1; }
    s=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
    echo "round $round, $way: $s s = $(python3 -c "print(f'{$bytes / 1048576 / $s:.0f}')") MiB/s" >&2
    if [ "$way" = resumable ]; then resumable+=("$s"); else streamed+=("$s"); fi
    "$cli" datasets rm "$(json '["id"]' < "$work/out.json")" > /dev/null
  done
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $((bytes / 1048576)) MiB: resumable median $(median "${resumable[@]}") s," \
  "streamed (--no-resume) median $(median "${streamed[@]}") s"
