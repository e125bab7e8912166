#!/usr/bin/env bash
# The CLI's two ways to upload and the Python client's, against the real all-in-one server jar started with -Xmx512m:
# `trainyard datasets upload FILE` (the resumable protocol, chunks with digests, ingested while they
# arrive) beside `--no-resume` (one streamed POST, ingested while it arrives) and the Python client's
# resumable upload (clients/python, `Client.upload`), each timed from the command's start to its exit
# with the dataset READY, ROUNDS rounds of the three alternating (default 2).
# Usage: bench/platform/cli-upload.sh [MB]     (default 1024; BENCH_FILE=path uploads that file instead)
# Needs: java 17+, curl, python3. Prints one line per upload and the medians.
set -euo pipefail

MB=${1:-1024}
ROUNDS=${ROUNDS:-2}
root="$(cd "$(dirname "$0")/../.." && pwd)"
. "$root/bench/platform/common.sh"
jar="$root/api/target/quarkus-app/quarkus-run.jar"
work="$(mktemp -d /tmp/trainyard-cli-bench.XXXXXX)"
server_pid=""
trap '[ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; }; rm -rf "$work"' EXIT

[ -f "$jar" ] || (cd "$root" && ./mvnw -B -q -DskipTests -pl api,cli -am package)
data="${BENCH_FILE:-$work/bench.libsvm}"
if [ ! -f "$data" ]; then
  generate_libsvm "$data" "$MB"
fi

start_server "$jar" "$work"
export TRAINYARD_URL="${base%/api/v1}" TRAINYARD_TOKEN="$(cat "$work/data/admin-token")" HOME="$work"
cli="$root/bin/trainyard"
json() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }
# the Python client's upload, printing the dataset as the CLI's --output json does
py_upload() {
  PYTHONPATH="$root/clients/python" python3 -c 'import json, sys, trainyard
print(json.dumps(trainyard.Client().upload(sys.argv[1], name=sys.argv[2])))' "$@"
}

# warm-up, untimed: each way once on a small file
head -c 100000000 "$data" | sed '$d' > "$work/warm.libsvm"
"$cli" datasets upload "$work/warm.libsvm" --name warm --no-resume > /dev/null 2>&1
"$cli" datasets upload "$work/warm.libsvm" --name warm > /dev/null 2>&1
py_upload "$work/warm.libsvm" warm > /dev/null

bytes=$(stat -c %s "$data")
resumable=()
streamed=()
python=()
for round in $(seq 1 "$ROUNDS"); do
  for way in resumable streamed python; do
    flag=(); [ "$way" = streamed ] && flag=(--no-resume)
    t0=$(date +%s.%N)
    if [ "$way" = python ]; then
      py_upload "$data" "$way-$round" > "$work/out.json" 2> "$work/err"
    else
      "$cli" --output json datasets upload "$data" --name "$way-$round" "${flag[@]}" > "$work/out.json" 2> "$work/err"
    fi
    t1=$(date +%s.%N)
    status=$(json '["status"]' < "$work/out.json")
    [ "$status" = READY ] || { echo "bench: $way upload ended $status" >&2; cat "$work/err" >&2; exit 1; }
    s=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
    echo "round $round, $way: $s s = $(python3 -c "print(f'{$bytes / 1048576 / $s:.0f}')") MiB/s" >&2
    case "$way" in resumable) resumable+=("$s") ;; streamed) streamed+=("$s") ;; python) python+=("$s") ;; esac
    "$cli" datasets rm "$(json '["id"]' < "$work/out.json")" > /dev/null
  done
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $((bytes / 1048576)) MiB: resumable median $(median "${resumable[@]}") s," \
  "streamed (--no-resume) median $(median "${streamed[@]}") s, Python client (resumable) median $(median "${python[@]}") s"
