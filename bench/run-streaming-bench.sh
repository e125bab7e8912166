#!/usr/bin/env bash
# Streamed training in a heap smaller than the data: ingests CtrGenerator rows (1M and 10M by
# default; 39 entries a row, 65,536-row shards) and trains LR on each in a JVM of its own with
# -Xmx768m, logging GC (heap after each collection) and printing peak RSS and MemoryEstimate.
#   bench/run-streaming-bench.sh [--work DIR] [--heap 768m] [--workers 1] [--epochs 1] [ROWS...]
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=/tmp/trainyard-streaming; HEAP=768m; WORKERS=1; EPOCHS=1; ROWS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --work) WORK=$2; shift 2;; --heap) HEAP=$2; shift 2;; --workers) WORKERS=$2; shift 2;;
    --epochs) EPOCHS=$2; shift 2;; *) ROWS+=("$1"); shift;;
  esac
done
[ ${#ROWS[@]} -gt 0 ] || ROWS=(1000000 10000000)
JAR=bench/target/trainyard-bench.jar
[ -f "$JAR" ] && [ -z "${REBUILD:-}" ] || ./mvnw -B -q -o -pl bench -am package -DskipTests
mkdir -p "$WORK"
for n in "${ROWS[@]}"; do
  ds="$WORK/ctr-$n"
  [ -f "$ds/dataset.json" ] || java -Xmx1g -cp "$JAR" trainyard.bench.StreamingBench ingest "$n" "$ds"
  java -Xmx"$HEAP" -Xlog:gc:file="$WORK/gc-$n.log" -cp "$JAR" trainyard.bench.StreamingBench train "$ds" "$WORKERS" "$EPOCHS"
  # the most heap any collection left live
  grep -o '[0-9]*M->[0-9]*M' "$WORK/gc-$n.log" | sed 's/.*->//; s/M//' | sort -n | tail -1 | sed 's/^/max heap after GC (MiB): /'
done
