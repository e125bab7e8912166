# Shared by the platform benchmarks (sourced): the generated data and the server under test.

# generate_libsvm FILE MB: Criteo-like rows, 13 numeric and 26 categorical features, about MB MiB.
generate_libsvm() {
  echo "bench: generating ${2} MiB of libsvm in $1 ..." >&2
  awk -v limit=$(($2 * 1024 * 1024)) 'BEGIN {
    srand(42); size = 0;
    while (size < limit) {
      line = (rand() < 0.25) ? "1" : "0";
      for (f = 1; f <= 13; f++) { line = line " " f ":" int(rand() * 1000) / 100 }
      for (f = 0; f < 26; f++) { id = 100 + f * 100000 + int(100000 * rand() ^ 3); line = line " " id ":1" }
      print line; size += length(line) + 1
    }
  }' > "$1"
}

# start_server JAR WORK: the all-in-one server at -Xmx512m with its blob store in WORK/data, on a
# free port; sets server_pid, port and base (the API's URL), and returns once it answers.
start_server() {
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])')
  java -Xmx512m -Dquarkus.http.port="$port" -Dtrainyard.data-dir="$2/data" -jar "$1" > "$2/server.log" 2>&1 &
  server_pid=$!
  base="http://localhost:$port/api/v1"
  for _ in $(seq 1 600); do
    if [ -f "$2/data/admin-token" ] && curl -sf -o /dev/null -H "Authorization: Bearer $(cat "$2/data/admin-token")" \
        "$base/datasets?limit=1"; then
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || { echo "bench: the server died; see $2/server.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "bench: the server did not answer within 2 minutes; see $2/server.log" >&2
  exit 1
}
