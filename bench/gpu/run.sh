#!/usr/bin/env bash
# The GPU benchmark and tests (issue 11), on a host with an NVIDIA GPU; builds nothing: run
# bench/gpu/prepare.sh on a build machine first and bring bench/gpu/lib along.
#   bench/gpu/run.sh OUT_DIR [FASHION_DIR]
# FASHION_DIR holds Fashion-MNIST's four IDX .gz files (Debian's dataset-fashion-mnist puts them
# in /usr/share/datasets/fashion-mnist, the default). JAVA names the java binary (default: java).
# Writes OUT_DIR/host.txt (date, device, driver), tests.txt (the gpu module's tests, one line
# each) and bench.txt (one tab-separated line per measurement); CPU runs are pinned to two cores.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: bench/gpu/run.sh OUT_DIR [FASHION_DIR]}
fashion=${2:-/usr/share/datasets/fashion-mnist}
java=${JAVA:-java}
lib=$here/lib
if [[ ! -f $lib/trainyard-bench.jar ]]; then
  echo "no $lib/trainyard-bench.jar: run bench/gpu/prepare.sh on a build machine first" >&2
  exit 2
fi
mkdir -p "$out"
two_cores=()
if command -v taskset >/dev/null; then
  two_cores=(taskset -c 0,1)
fi
{
  echo "date $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader
  echo "cpus $(nproc)"
  "$java" -version 2>&1 | head -1
  echo "commit $(git -C "$here" rev-parse HEAD 2>/dev/null || echo unknown)"
} > "$out/host.txt"
cat "$out/host.txt"

(cd "$here/../../gpu" && "$java" -cp "$lib/*" trainyard.gpu.GpuTests) 2>&1 | tee "$out/tests.txt"
tests=${PIPESTATUS[0]}

bench() {
  "$@" "$java" -Xmx"${BENCH_HEAP:-24g}" -cp "$lib/trainyard-bench.jar" trainyard.bench.GpuBench "${args[@]}"
}
{
  args=(sgemm 4096 20); bench
  args=(mlp gpu "$fashion" 5 4); bench
  args=(mlp cpu "$fashion" 1 2); bench "${two_cores[@]}"
  for dim in 8 64; do
    args=(fm gpu "$dim" 200000 2); bench
    args=(fm cpu "$dim" 200000 2); bench "${two_cores[@]}"
  done
} 2>&1 | tee "$out/bench.txt"
exit "$tests"
