#!/usr/bin/env bash
# Startup and memory of the ways to run the sidecar: the JVM jar; the jar with the archive Quarkus builds under
# quarkus.package.jar.aot.enabled=true (on Quarkus 3.33 an AppCDS archive, recorded at build time); the jar with a
# JDK 25 AOT cache (JEP 483/515) recorded in a training run that drives the API; and the native executable.
# Builds each into bench/target/artifacts (the native one needs ../shared/native-toolchain, JDK 25 and ~7 minutes;
# an existing runner can be given as NATIVE=path), then runs bench/startup.py on them.
#   bench/startup.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
jdk25=/usr/lib/jvm/temurin-25-jdk-amd64
java25="$jdk25/bin/java"
out=bench/target/artifacts
mkdir -p "$out"

if [ ! -f "$out/jvm/quarkus-run.jar" ]; then
  JAVA_HOME="$jdk25" ./mvnw -B -q package -DskipTests
  rm -rf "$out/jvm" && cp -r target/quarkus-app "$out/jvm"
fi
if [ ! -f "$out/appcds/app-cds.jsa" ]; then
  JAVA_HOME="$jdk25" ./mvnw -B -q package -DskipTests -Dquarkus.package.jar.aot.enabled=true
  rm -rf "$out/appcds" && cp -r target/quarkus-app "$out/appcds"
fi
if [ ! -f "$out/aot/app.aot" ]; then
  rm -rf "$out/aot" && cp -r "$out/jvm" "$out/aot"
  (cd "$out/aot" && "$java25" -XX:AOTCacheOutput=app.aot -Dquarkus.http.port=18080 -Dquarkus.management.port=19000 \
      -jar quarkus-run.jar > training.log 2>&1) &
  until curl -sf -o /dev/null localhost:19000/q/health/ready; do sleep 0.2; done
  for i in $(seq 1 500); do
    curl -s -o /dev/null -XPOST "localhost:18080/v1/sessions/train-$i/open" -H 'content-type: application/json' \
        -d '{"instance_id":"w1"}'
    curl -s -o /dev/null -XPOST "localhost:18080/v1/sessions/train-$i/close"
  done
  pkill -TERM -f "AOTCacheOutput=app.aot"
  wait
fi
native="${NATIVE:-$out/native/kv-session-sidecar}"
if [ ! -x "$native" ]; then
  eval "$(bash ../shared/native-toolchain/setup.sh | tail -1)"
  JAVA_HOME="$jdk25" ./mvnw -B -q package -DskipTests -Dnative -Dquarkus.native.graalvm-home="$GRAALVM_HOME"
  mkdir -p "$out/native" && cp target/*-runner "$native"
fi

JAVA_HOME="$jdk25" python3 bench/startup.py --runs "$runs" --jvm "$out/jvm/quarkus-run.jar" \
    --appcds "$out/appcds/quarkus-run.jar" --aot "$out/aot/quarkus-run.jar" --native "$native"
