#!/usr/bin/env bash
# Startup and memory of the three ways to run the sidecar: the JVM jar, the JVM jar with a JDK 25 AOT cache, and
# the native executable. Builds each into bench/target/artifacts (the native one needs
# ../shared/native-toolchain, JDK 25 and ~7 minutes), then runs bench/startup.py on them.
#   bench/startup.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
jdk25=/usr/lib/jvm/temurin-25-jdk-amd64
out=bench/target/artifacts
mkdir -p "$out"

if [ ! -f "$out/jvm/quarkus-run.jar" ]; then
  JAVA_HOME="$jdk25" ./mvnw -B -q package -DskipTests
  rm -rf "$out/jvm" && cp -r target/quarkus-app "$out/jvm"
fi
if [ ! -f "$out/aot/app.aot" ]; then
  # The AOT cache is recorded while the integration tests exercise the packaged jar.
  JAVA_HOME="$jdk25" ./mvnw -B -q verify -Dquarkus.package.jar.aot.enabled=true \
      -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false
  rm -rf "$out/aot" && cp -r target/quarkus-app "$out/aot"
fi
if [ ! -x "$out/native/kv-session-sidecar" ]; then
  eval "$(bash ../shared/native-toolchain/setup.sh | tail -1)"
  JAVA_HOME="$jdk25" ./mvnw -B -q package -DskipTests -Dnative -Dquarkus.native.graalvm-home="$GRAALVM_HOME"
  mkdir -p "$out/native" && cp target/*-runner "$out/native/kv-session-sidecar"
fi

JAVA_HOME="$jdk25" python3 bench/startup.py --runs "$runs" \
    --jvm "$out/jvm/quarkus-run.jar" --aot "$out/aot/quarkus-run.jar" --native "$out/native/kv-session-sidecar"
