#!/usr/bin/env bash
# Platform benchmark (issue 2), against the real all-in-one server jar started with -Xmx512m:
#   1. upload + ingest throughput of a generated libsvm file (MB/s): one streamed POST, ingested
#      while the body arrives and answered READY, timed from its start to the answer; beside the
#      rate at which xgboost's CLI (Debian `xgboost`) loads the same file ("Loading data: X sec"
#      in its log);
#   2. peak memory (RSS) of the server JVM and of its embedded PostgreSQL while that file is
#      uploaded and ingested;
#   3. submit → RUNNING latency over N jobs, one at a time on a free executor, from the job's own
#      createdAt (api clock) and startedAt (executor's RUNNING event) — p50, p95, max;
#   4. where the upload's time goes, in the same run: the same file sent by curl to a socket that
#      throws it away (sink.py: the loopback transfer alone), and ingested by the engine from the
#      file with no HTTP (FileIngestBench: the engine alone), each with its CPU seconds.
# Usage: bench/platform/run.sh [MB] [JOBS]      (defaults 2048 and 100; BENCH_FILE=path reuses a generated file;
#        ROUNDS=n upload/xgboost pairs, default 3)
# Needs: java 17+, curl, awk, python3, GNU time, xgboost (apt-get install -y xgboost time). Prints a Markdown
# section for docs/PERFORMANCE.md; leaves its files in a temporary directory it names.
set -euo pipefail

MB=${1:-2048}
JOBS=${2:-100}
ROUNDS=${ROUNDS:-3}
root="$(cd "$(dirname "$0")/../.." && pwd)"
. "$root/bench/platform/common.sh"
jar="$root/api/target/quarkus-app/quarkus-run.jar"
work="$(mktemp -d /tmp/trainyard-bench.XXXXXX)"
server_pid=""
sampler_pid=""

sink_pid=""

cleanup() {
  [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null || true
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null || true
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

for tool in java curl awk python3 xgboost /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 1; }
done
bench_jar="$root/bench/target/trainyard-bench.jar"
if [ ! -f "$jar" ] || [ ! -f "$bench_jar" ]; then
  (cd "$root" && ./mvnw -B -q -DskipTests -pl api,bench -am package)
fi

now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.3f}')"; }

# --- the file: Criteo-like rows, 13 numeric and 26 categorical features -------------------
data="${BENCH_FILE:-$work/bench.libsvm}"   # BENCH_FILE: reuse a file this script generated before
if [ -f "$data" ]; then
  echo "bench: using $data" >&2
else
  generate_libsvm "$data" "$MB"
fi
bytes=$(stat -c %s "$data")
rows=$(wc -l < "$data")

# --- the server -----------------------------------------------------------------------------
start_server "$jar" "$work"
auth="Authorization: Bearer $(cat "$work/data/admin-token")"
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

# Peak RSS of the JVM and of the embedded PostgreSQL (all its processes) while sampling runs.
rss_of() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
pg_rss() {
  local total=0 p
  for p in $(pgrep -f "$work/data/postgres" || true); do total=$((total + $(rss_of "$p"))); done
  echo "$total"
}
( jvm_peak=0; pg_peak=0
  while kill -0 "$server_pid" 2>/dev/null; do
    j=$(rss_of "$server_pid"); p=$(pg_rss)
    [ "$j" -gt "$jvm_peak" ] && jvm_peak=$j
    [ "$p" -gt "$pg_peak" ] && pg_peak=$p
    echo "$jvm_peak $pg_peak" > "$work/rss"
    sleep 0.2
  done ) &
sampler_pid=$!
rss_before=$(rss_of "$server_pid")

# --- 1. upload + ingest, and xgboost's load of the same file, alternating -----------------------
# The machine is shared, so one run of each says little: ROUNDS pairs, each pair back to back.
printf 'booster = gblinear\nobjective = binary:logistic\nnum_round = 1\nnthread = 2\nverbosity = 3\n' > "$work/xgb.conf"
mbps() { python3 -c "print(f'{$bytes / 1048576 / $1:.1f}')"; }
ours=()
theirs=()
cpus=()
xgb_cpus=()
transfers=()
sink_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])')
python3 "$root/bench/platform/sink.py" "$sink_port" &
sink_pid=$!
server_cpu() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
# A server in service has ingested before: one warm-up upload of an eighth of the file (not timed)
# lets the JIT compile the HTTP and parsing paths first.
echo "bench: warm-up upload ..." >&2
head -c $((bytes / 8)) "$data" | sed '$d' | curl -sS -X POST -H "$auth" -H 'Expect:' --data-binary @- \
  "$base/datasets?name=warm-up&format=libsvm" -o "$work/warm-up.json"
for round in $(seq 1 "$ROUNDS"); do
  echo "bench: round $round: uploading and ingesting ..." >&2
  t0=$(now)
  c0=$(server_cpu)
  # "Expect:" off: curl would otherwise wait for a 100 Continue before it sends the body.
  code=$(/usr/bin/time -f '%U %S' -o "$work/curl.time" curl -sS -X POST -H "$auth" -H 'Content-Type: application/octet-stream' -H 'Expect:' -T "$data" \
    -o "$work/upload.json" -w '%{http_code}' "$base/datasets?name=bench-$round&format=libsvm")
  t1=$(now)
  status=$(json 'd.get("status", "")' < "$work/upload.json")
  if [ "$code" != 201 ] || [ "$status" != READY ]; then
    echo "bench: the upload answered HTTP $code, status '$status':" >&2
    cat "$work/upload.json" >&2
    exit 1
  fi
  ours+=("$(elapsed "$t0" "$t1")")
  server_s=$(awk -v a="$c0" -v b="$(server_cpu)" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", (b - a) / hz }')
  cpus+=("$server_s + $(awk '{ printf "%.1f", $1 + $2 }' "$work/curl.time")")
  # each round's shards would otherwise pile up on disk and in the page cache
  curl -sS -X DELETE -H "$auth" "$base/datasets/$(json 'd["id"]' < "$work/upload.json")" -o /dev/null
  echo "bench: round $round: the same file to a socket that throws it away ..." >&2
  t0=$(now)
  /usr/bin/time -f '%U %S' -o "$work/curl.time" curl -sS -H 'Expect:' -T "$data" -o "$work/sink.json" \
    "http://127.0.0.1:$sink_port/"
  t1=$(now)
  transfers+=("$(elapsed "$t0" "$t1") s | $(json 'd["cpuSeconds"]' < "$work/sink.json") + $(awk '{ printf "%.1f", $1 + $2 }' "$work/curl.time")")
  echo "bench: round $round: xgboost loads the same file ..." >&2
  # Only the load is measured, from xgboost's own log line; its CPU is read from /proc until that
  # line appears, and the one linear round after it is not waited for.
  (cd "$work" && exec xgboost xgb.conf "data=$data?format=libsvm" model_out="$work/xgb.model") > "$work/xgboost.log" 2>&1 &
  xgb_pid=$!
  xgb_ticks=0
  while ! grep -q 'Loading data' "$work/xgboost.log" && kill -0 "$xgb_pid" 2>/dev/null; do
    xgb_ticks=$(awk '{ print $14 + $15 }' "/proc/$xgb_pid/stat" 2>/dev/null || echo "$xgb_ticks")
    sleep 0.02
  done
  kill "$xgb_pid" 2>/dev/null || true
  wait "$xgb_pid" 2>/dev/null || true
  xgb_s=$(sed -n 's/.*Loading data: \([0-9.e+-]*\) sec.*/\1/p' "$work/xgboost.log" | head -1)
  [ -n "$xgb_s" ] || { echo "bench: no 'Loading data' line in $work/xgboost.log" >&2; exit 1; }
  theirs+=("$xgb_s")
  xgb_cpus+=("$(awk -v t="$xgb_ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz }')")
done
sleep 0.5
read -r jvm_peak pg_peak < "$work/rss"
hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$server_pid/status")
rounds_md=""
for i in "${!ours[@]}"; do
  rounds_md+="| $((i + 1)) | ${ours[$i]} s = $(mbps "${ours[$i]}") MiB/s | ${cpus[$i]} | ${theirs[$i]} s = $(mbps "${theirs[$i]}") MiB/s | ${xgb_cpus[$i]} | $(python3 -c "print(f'{${theirs[$i]} / ${ours[$i]}:.2f}')")× |"$'\n'
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ours_med=$(median "${ours[@]}")
theirs_med=$(median "${theirs[@]}")

# --- 3. submit → RUNNING latency -----------------------------------------------------------------
echo "bench: $JOBS jobs, one at a time ..." >&2
small=$(awk 'NR <= 2000' "$data" | curl -sS -X POST -H "$auth" --data-binary @- "$base/datasets?name=small&format=libsvm" \
  | json 'd["id"] if d.get("status") == "READY" else sys.exit("bench: the small dataset is not READY: " + str(d))')
spec="{\"name\": \"latency\", \"algorithm\": \"linear\", \"dataset\": \"$small\", \"params\": {\"epochs\": 1},
  \"resources\": {\"workers\": 1, \"servers\": 1}}"
: > "$work/latency.jsonl"
for i in $(seq 1 "$JOBS"); do
  job=$(curl -sS -X POST -H "$auth" -H 'Content-Type: application/json' -d "$spec" "$base/jobs" | json 'd["id"]')
  while true; do
    body=$(curl -sS -H "$auth" "$base/jobs/$job")
    status=$(echo "$body" | json 'd["status"]')
    case "$status" in SUCCEEDED|FAILED|CANCELLED) break ;; esac
    sleep 0.02
  done
  echo "$body" >> "$work/latency.jsonl"
done
latency=$(python3 - "$work/latency.jsonl" <<'PY'
import json, sys
from datetime import datetime
def t(s): return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
jobs = [json.loads(l) for l in open(sys.argv[1])]
ms = sorted((t(j["startedAt"]) - t(j["createdAt"])) * 1000 for j in jobs if j.get("startedAt"))
failed = sum(1 for j in jobs if j["status"] != "SUCCEEDED")
def pct(p): return ms[min(len(ms) - 1, int(round(p / 100 * (len(ms) - 1))))]
print(f"{len(ms)} {pct(50):.0f} {pct(95):.0f} {ms[-1]:.0f} {failed}")
PY
)
read -r n p50 p95 pmax failed <<< "$latency"

# --- 4. the engine alone: the same file ingested from disk, in a JVM of its own with the server's heap ---------
echo "bench: the engine ingests the same file, no HTTP ..." >&2
engine_md=$(java -Xmx512m -cp "$bench_jar" trainyard.bench.FileIngestBench "$data" libsvm "$ROUNDS" "$work" \
  | awk -v b="$bytes" -v x="$theirs_med" '{ sub(":", "", $2); printf "| %s | %s s = %.1f MiB/s | %s | %.2f× |\n", $2, $3, b / 1048576 / $3, $6, x / $3 }')

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
cat <<MD

## Platform

Measured by \`bench/platform/run.sh $MB $JOBS\` on $(date -u +%Y-%m-%d), $(nproc) cores ($cpu),
the all-in-one server jar with \`-Xmx512m\` (api + scheduler + executor, embedded PostgreSQL and Kafka).

**Upload + ingest** of a generated Criteo-like libsvm file: $(python3 -c "print(f'{$bytes / 1048576:.0f}')") MiB, $rows rows,
39 non-zeros per row, \`curl -T\` to \`POST /api/v1/datasets\`: one request, ingested while the body
arrives, timed from its start to the answer (201, \`READY\`, with the statistics), after one untimed
warm-up upload of an eighth of the file; each round's dataset is deleted after it.

| round | ours: upload + ingest (one streamed POST, answered \`READY\`) | our CPU-s: server + curl | xgboost 1.7 CLI loading the same file ("Loading data" in its log, nthread=2) | xgboost's CPU-s until that line | ratio |
|---|---|---|---|---|---|
${rounds_md}
Medians: ours **$ours_med s = $(mbps "$ours_med") MiB/s**, xgboost $theirs_med s = $(mbps "$theirs_med") MiB/s:
upload + ingest is **$(python3 -c "print(f'{$theirs_med / $ours_med:.2f}')")×** xgboost's load rate (goal: ≥ 3×).
Load average when the script ended: $(cut -d' ' -f1-3 /proc/loadavg).

**Where the time goes**, in the same run. The same file sent by the same \`curl -T\` to a socket
that reads and discards it (\`bench/platform/sink.py\`: the loopback transfer alone, no framework,
no parsing), one per round, right after that round's upload:

| round | transfer only | CPU-s: sink + curl |
|---|---|---|
$(for i in "${!transfers[@]}"; do echo "| $((i + 1)) | ${transfers[$i]} |"; done)

The engine ingesting the same file from disk, no HTTP (\`FileIngestBench\`: parse, shards, CRC32C,
distinct count, syncs; a JVM of its own at \`-Xmx512m\`, after one untimed round), against
xgboost's median load:

| round | engine alone | CPU-s (all its threads) | ratio to xgboost's median |
|---|---|---|---|
${engine_md}

**Peak memory** while that file was uploaded and ingested: server JVM RSS $((jvm_peak / 1024)) MiB
(VmHWM since start $((hwm / 1024)) MiB; $((rss_before / 1024)) MiB before the upload), embedded PostgreSQL
(all its processes) $((pg_peak / 1024)) MiB. The heap is capped at 512 MiB; the upload is streamed, never held whole.

**Submit → RUNNING** over $n jobs (1 epoch on 2000 rows, one at a time, the executor free),
from the job's \`createdAt\` to its \`startedAt\`: p50 **$p50 ms**, p95 **$p95 ms**, max $pmax ms
(goal: p95 < 300 ms). Jobs that did not succeed: $failed.
MD
echo "bench: files in $work" >&2
