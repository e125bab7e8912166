#!/usr/bin/env bash
# Our engine's LR and FM beside Spark MLlib's LogisticRegression and FMClassifier (local[2]), in one
# command, on the same CTR files (issue 3, "Speed").
#   bench/spark/run.sh [--rows N] [--test-rows N] [--work DIR] [--spark-args "..."]
# --spark-args go to trainyard.bench.spark.SparkPeer (e.g. "--fm-iter 50 --fm-step 0.1 --lr-reg 1e-6").
# Defaults: 1M training rows, 200k test rows, like issue 3. The report is printed and written to
# WORK/results.md (default /tmp/trainyard-spark-bench). Spark is downloaded by Maven on the first run.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
rows=1000000
test_rows=200000
work=/tmp/trainyard-spark-bench
spark_args=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --test-rows) test_rows="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --spark-args) spark_args="$2"; shift 2 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ "$rows" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --rows must be a positive integer, got $rows" >&2; exit 2; }
[[ "$test_rows" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --test-rows must be a positive integer, got $test_rows" >&2; exit 2; }

bench_jar=bench/target/trainyard-bench.jar
if [[ ! -f "$bench_jar" || -n "${REBUILD:-}" ]]; then
  ./mvnw -B -o -q -pl bench -am package -DskipTests
fi
if [[ ! -f bench/spark/target/classpath.txt || -n "${REBUILD:-}" ]]; then
  ./mvnw -B -f bench/spark/pom.xml -q package
fi

# The same data as bench/run-engine-bench.sh: a directory per size, so sizes never mix.
data="$work/data-$rows-$test_rows"
mkdir -p "$data"
java -cp "$bench_jar" bench/spark/GenCtr.java "$rows" "$test_rows" "$data"
train="$data/ctr-train.libsvm"
test="$data/ctr-test.libsvm"

# Each line of a command's stderr+stdout, prefixed by seconds since the command started.
stamped() {
  local start=${EPOCHREALTIME/./} now
  "$@" 2>&1 | while IFS= read -r line; do
    now=${EPOCHREALTIME/./}
    printf '%d.%06d %s\n' $(((now - start) / 1000000)) $(((now - start) % 1000000)) "$line"
  done
}

for m in lr fm; do
  echo "ours $m: training (log in $work/ours-$m.log)" >&2
  stamped java ${OURS_JAVA_OPTS:--Xmx4g} -cp "$bench_jar" trainyard.engine.local.LocalMain train \
    --spec "bench/specs/$m.json" --data "$train" --validation "$test" --model "$work/ours-$m.model" \
    > "$work/ours-$m.log" || { tail -5 "$work/ours-$m.log" >&2; exit 1; }
done

# Spark's own list of JVM flags for Java 17 (org.apache.spark.launcher.JavaModuleOptions, 4.2.0).
spark_opens=(-XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  -Dio.netty.tryReflectionSetAccessible=true -Djdk.reflect.useDirectMethodHandle=false)
echo "spark: training LR and FM in local[2] (log in $work/spark.err)" >&2
# shellcheck disable=SC2086 # spark_args is a list of options
java "${spark_opens[@]}" ${SPARK_JAVA_OPTS:--Xmx8g} \
  -cp "bench/spark/target/classes:$(cat bench/spark/target/classpath.txt)" trainyard.bench.spark.SparkPeer \
  --train "$train" --test "$test" $spark_args > "$work/spark.out" 2> "$work/spark.err" \
  || { tail -20 "$work/spark.err" >&2; exit 1; }

python3 bench/spark/report.py --rows "$rows" --test-rows "$test_rows" --work "$work" \
  --spark-args "$spark_args" | tee "$work/results.md"
