#!/usr/bin/env bash
# The engine benchmark: our LR and FM beside LIBLINEAR and xgboost's loader, in one run.
#   bench/run-engine-bench.sh [--rows N] [--test-rows N] [--work DIR] [--no-peers]
# Peers come from Debian: apt-get update && apt-get install -y liblinear-tools xgboost
# The report is printed and written to WORK/results.md (default /tmp/trainyard-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f bench/target/trainyard-bench.jar || -n "${REBUILD:-}" ]]; then
  ./mvnw -B -o -q -pl bench -am package -DskipTests
fi
for tool in liblinear-train liblinear-predict xgboost; do
  command -v "$tool" >/dev/null || echo "note: $tool is not installed; it will be skipped" >&2
done
exec java -Xmx${BENCH_HEAP:-6g} -cp bench/target/trainyard-bench.jar trainyard.bench.EngineBench "$@"
