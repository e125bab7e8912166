#!/usr/bin/env bash
# The defaults benchmark (issue 12, docs/DEFAULTS.md): candidate parameter sets of linear, fm and
# mlp on datasets of several shapes, beside LIBLINEAR (-s 0, C swept) and xgboost.
#   bench/run-defaults-bench.sh [--datasets ctr,ctr-heldout,ctr-pairs,ctr-fresh,fashion,image,heart]
#       [--algorithms linear,fm,mlp] [--candidates FILE] [--scale F] [--work DIR] [--no-peers]
# Candidates: bench/defaults/candidates.txt (the sweep that chose the defaults);
# bench/defaults/summary.txt is the defaults against the old ones (docs/PERFORMANCE.md).
# Needs: apt-get update && apt-get install -y liblinear-tools xgboost dataset-fashion-mnist
# The report is printed and written to WORK/defaults.md (default /tmp/trainyard-defaults).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f bench/target/trainyard-bench.jar || -n "${REBUILD:-}" ]]; then
  ./mvnw -B -o -q -pl bench -am package -DskipTests
fi
for tool in liblinear-train liblinear-predict xgboost; do
  command -v "$tool" >/dev/null || echo "note: $tool is not installed; it will be skipped" >&2
done
exec java -Xmx${BENCH_HEAP:-8g} -cp bench/target/trainyard-bench.jar trainyard.bench.DefaultsBench "$@"
