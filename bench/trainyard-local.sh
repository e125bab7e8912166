#!/usr/bin/env bash
# The local command (trainyard.engine.local.LocalMain): train and predict on files, no server.
#   bench/trainyard-local.sh train --spec SPEC.json --data FILE [--validation FILE] --model OUT [--format F]
#   bench/trainyard-local.sh predict --model MODEL --data FILE [--out PREDICTIONS] [--format F]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [[ ! -f "$root/bench/target/trainyard-bench.jar" ]]; then
  (cd "$root" && ./mvnw -B -o -q -pl bench -am package -DskipTests)
fi
exec java ${JAVA_OPTS:--Xmx4g} -cp "$root/bench/target/trainyard-bench.jar" trainyard.engine.local.LocalMain "$@"
