#!/usr/bin/env bash
# A training job spread over P processes on loopback, each pinned to its own cores, against the
# same job (same spec, data, total workers and servers) in one process: examples/s, validation
# AUC, bytes on the wire and CPU per example. See docs/PERFORMANCE.md, "Distributed".
#
#   bench/run-distributed-bench.sh [--work DIR] [--rows N] [--epochs E] [--reps R]
#       [--procs "1 2"] [--cpus 0,1] [--cpus-per-proc 1] [--workers W] [--servers S]
#       [--models "lr fm"] [--tau 4] [--taus "0 4 -1"] [--only "p1-pin p2"] [--heap 3g]
#       [--base-port 47100] [--timeout 900] [--warmup 0] [--shape ctr|flat] [--batch 500]
#
# Data: CtrGenerator(1) rows (39 entries each, ids in 2^22) ingested once into 65,536-row shards
# under WORK (default 2,097,152 rows = 32 shards; 10% held out for validation); --shape flat: a
# second shape to check speed claims on (seed 2, ids in 2^24, a flatter Zipf: StreamingBench).
# Every rep runs, alternating, for each model:
#   p1-pin   the job in one process (no cluster), pinned to the first CPUS-PER-PROC cpus
#   p1-all   the same, on all of --cpus (not pinned to one core)
#   c1-pin   a cluster of one member, pinned like p1-pin: the distributed path without a network
#   pP       for every P > 1 of --procs: P members, member r pinned to cpus [r*c, (r+1)*c)
#   iP       for every P > 1 of --procs: P independent one-process jobs at once, pinned as pP's members: the
#            machine's own ceiling for pP (their summed examples/s over p1-pin's; 2.0 only if the cores
#            share nothing: caches, memory bandwidth, a hypervisor's SMT siblings)
#   pP-tauT  P = the largest of --procs, for every T of --taus other than --tau
# --batch N: the minibatch size (default 500, bench/specs'); a larger one sends fewer, larger messages per example.
# --warmup J: every process first runs J jobs of one epoch each (a warm executor, as in service: a job's
# start and end make the JIT recompile some of the network path, so more than one), then the measured
# one; J = 0 measures cold JVMs. A method a minibatch calls once reaches C2 only after some thousands of
# minibatches: with 3 a pair's JIT was still compiling in its measured job, with 8 it was done at batch 500
# (PERFORMANCE.md, session 19); the cpu_other_jit of a RESULT line tells.
# BENCH_JAVA_OPTS adds JVM options to every process (e.g. -XX:StartFlightRecording=...); JAR picks the bench jar.
# --only runs just the configurations it names. W and S default to max(procs) * cpus-per-proc. On 16 cores, e.g.:
#   bench/run-distributed-bench.sh --procs "1 2 4 8" --cpus 0-15 --cpus-per-proc 2
# Raw lines go to WORK/results.txt; the tables (medians and min-max over reps) to WORK/tables.md.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=/tmp/trainyard-distributed; ROWS=2097152; EPOCHS=3; REPS=3; PROCS="1 2"; CPUS=0,1; CPP=1
WORKERS=; SERVERS=; MODELS="lr fm"; TAU=4; TAUS="0 4 -1"; ONLY=; HEAP=3g; BASE_PORT=47100; TIMEOUT=900; WARMUP=0
SHAPE=ctr; BATCH=500
while [ $# -gt 0 ]; do
  case "$1" in
    --work) WORK=$2; shift 2;; --rows) ROWS=$2; shift 2;; --epochs) EPOCHS=$2; shift 2;;
    --reps) REPS=$2; shift 2;; --procs) PROCS=$2; shift 2;; --cpus) CPUS=$2; shift 2;;
    --cpus-per-proc) CPP=$2; shift 2;; --workers) WORKERS=$2; shift 2;; --servers) SERVERS=$2; shift 2;;
    --models) MODELS=$2; shift 2;; --tau) TAU=$2; shift 2;; --taus) TAUS=$2; shift 2;;
    --only) ONLY=$2; shift 2;; --heap) HEAP=$2; shift 2;; --base-port) BASE_PORT=$2; shift 2;; --timeout) TIMEOUT=$2; shift 2;;
    --warmup) WARMUP=$2; shift 2;; --shape) SHAPE=$2; shift 2;; --batch) BATCH=$2; shift 2;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac
done

# The cpu list, expanded: 0-3,6 -> 0 1 2 3 6
CPU_LIST=()
for part in ${CPUS//,/ }; do
  if [[ $part == *-* ]]; then CPU_LIST+=($(seq "${part%-*}" "${part#*-}")); else CPU_LIST+=("$part"); fi
done
MAXP=$(printf '%s\n' $PROCS | sort -n | tail -1)
[ $((MAXP * CPP)) -le ${#CPU_LIST[@]} ] || { echo "$MAXP processes x $CPP cpus need more than --cpus $CPUS" >&2; exit 2; }
WORKERS=${WORKERS:-$((MAXP * CPP))}; SERVERS=${SERVERS:-$((MAXP * CPP))}
ALL_CPUS=$(IFS=,; echo "${CPU_LIST[*]}")
cpus_of() { # cpus of member $1: CPP consecutive entries of CPU_LIST
  local r=$1 out=() i
  for ((i = r * CPP; i < (r + 1) * CPP; i++)); do out+=("${CPU_LIST[$i]}"); done
  (IFS=,; echo "${out[*]}")
}

JAR=${JAR:-bench/target/trainyard-bench.jar}
[ -f "$JAR" ] && [ -z "${REBUILD:-}" ] || ./mvnw -B -q -o -pl bench -am package -DskipTests
mkdir -p "$WORK"
DATA="$WORK/$SHAPE-$ROWS"
[ -f "$DATA/dataset.json" ] || java -Xmx1g -cp "$JAR" trainyard.bench.StreamingBench ingest "$ROWS" "$DATA" "$SHAPE"
RESULTS="$WORK/results.txt"; LOGS="$WORK/logs"; mkdir -p "$LOGS"
: > "$RESULTS"
{
  echo "# $(date -u '+%Y-%m-%d %H:%M:%S UTC') $(lscpu | sed -n 's/^Model name: *//p') $(nproc) cpus;" \
    "git $(git rev-parse --short HEAD 2>/dev/null || echo '?') (the working tree; the jar is $JAR); shape $SHAPE rows $ROWS epochs $EPOCHS reps $REPS procs '$PROCS'" \
    "cpus $ALL_CPUS cpus-per-proc $CPP workers $WORKERS servers $SERVERS tau $TAU taus '$TAUS' batch $BATCH heap $HEAP warmup $WARMUP" \
    "${ONLY:+only '$ONLY'}"
} | tee -a "$RESULTS"

RUN=0
# run LABEL MODEL TAU PROCS MODE(local|cluster) CPUS-OF-RANK-0-WHEN-ONE-PROCESS REP
run() {
  local label=$1 model=$2 tau=$3 procs=$4 mode=$5 one_cpus=$6 rep=$7
  if [ -n "$ONLY" ] && [[ " $ONLY " != *" $label "* ]]; then return 0; fi
  RUN=$((RUN + 1))
  local ckpt; ckpt=$(mktemp -d "$WORK/ckpt.XXXXXX")
  local ports=() r pid pids=() cpus load0 load1 rc=0
  for ((r = 0; r < procs; r++)); do ports+=($((BASE_PORT + (RUN % 200) * 16 + r))); done
  local portlist; portlist=$(IFS=,; echo "${ports[*]}")
  load0=$(cut -d' ' -f1 /proc/loadavg)
  for ((r = 0; r < procs; r++)); do
    if [ "$procs" -eq 1 ]; then cpus=$one_cpus; else cpus=$(cpus_of "$r"); fi
    # members of a cluster share their checkpoint directory; independent jobs each have their own
    local dir=$ckpt; if [ "$mode" = indep ]; then dir=$ckpt/$r; fi
    local args=(--data "$DATA" --ckpt "$dir" --model "$model" --workers "$WORKERS" --servers "$SERVERS"
      --tau "$tau" --epochs "$EPOCHS" --batch "$BATCH" --label "$label" --warmup-jobs "$WARMUP")
    if [ "$mode" != cluster ]; then args+=(--local); else args+=(--rank "$r" --ports "$portlist" --job "$label-$RUN"); fi
    timeout "$TIMEOUT" taskset -c "$cpus" java -Xmx"$HEAP" ${BENCH_JAVA_OPTS:-} -cp "$JAR" trainyard.bench.DistributedBench "${args[@]}" \
      > "$LOGS/$RUN-$label-r$r.out" 2> "$LOGS/$RUN-$label-r$r.err" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || rc=$?; done
  load1=$(cut -d' ' -f1 /proc/loadavg)
  rm -rf "$ckpt"
  if [ "$rc" -ne 0 ]; then
    echo "FAILED rep=$rep label=$label (exit $rc), see $LOGS/$RUN-$label-r*.err" | tee -a "$RESULTS"
    return 0
  fi
  for ((r = 0; r < procs; r++)); do
    sed -n "s/^RESULT /RESULT rep=$rep load=$load0-$load1 /p" "$LOGS/$RUN-$label-r$r.out" \
      | if [ "$mode" = indep ]; then sed "s/ procs=1 mode=local rank=0 / procs=$procs mode=indep rank=$r /"; else cat; fi \
      | tee -a "$RESULTS"
  done
}

for ((rep = 1; rep <= REPS; rep++)); do
  for model in $MODELS; do
    run p1-pin "$model" "$TAU" 1 local "$(cpus_of 0)" "$rep"
    run p1-all "$model" "$TAU" 1 local "$ALL_CPUS" "$rep"
    run c1-pin "$model" "$TAU" 1 cluster "$(cpus_of 0)" "$rep"
    for p in $PROCS; do
      if [ "$p" -gt 1 ]; then run "p$p" "$model" "$TAU" "$p" cluster "" "$rep"; fi
      if [ "$p" -gt 1 ]; then run "i$p" "$model" "$TAU" "$p" indep "" "$rep"; fi
    done
    if [ "$MAXP" -gt 1 ]; then
      for t in $TAUS; do
        if [ "$t" != "$TAU" ]; then run "p$MAXP-tau$t" "$model" "$t" "$MAXP" cluster "" "$rep"; fi
      done
    fi
  done
done

python3 bench/distributed_tables.py "$RESULTS" "$TAU" | tee "$WORK/tables.md"
