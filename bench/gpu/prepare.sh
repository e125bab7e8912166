#!/usr/bin/env bash
# Builds, on a build machine (Java 17 and this repository's Maven), what bench/gpu/run.sh runs on a
# GPU host, into bench/gpu/lib (git-ignored): the bench's shaded jar (engine, gpu, JCuda and its
# natives), the gpu module's test classes and JUnit's jars. A GPU host then needs only a Java 17
# runtime and the NVIDIA driver; no Maven, no CUDA toolkit.
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -o -q -pl bench -am package -DskipTests
./mvnw -B -o -q -pl gpu -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/test.classpath
lib=bench/gpu/lib
rm -rf "$lib"
mkdir -p "$lib"
cp bench/target/trainyard-bench.jar "$lib/"
jar cf "$lib/gpu-tests.jar" -C gpu/target/test-classes .
tr ':' '\n' < gpu/target/test.classpath | grep -E '/(junit|opentest4j|apiguardian|jspecify)[^/]*/' | xargs -I{} cp {} "$lib/"
echo "prepared $(ls "$lib" | wc -l) jars in $lib"
