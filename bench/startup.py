#!/usr/bin/env python3
"""Startup and memory of the packaged sidecar: exec -> first 200 from /q/health/ready, RSS when idle, and RSS after
10,000 requests, median of N runs for each given artifact. Run by bench/startup.sh, which builds the artifacts."""

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS for " + str(pid))


def wait_ready(port, process, deadline_s=60):
    url = f"http://127.0.0.1:{port}/q/health/ready"
    end = time.perf_counter() + deadline_s
    while time.perf_counter() < end:
        if process.poll() is not None:
            raise RuntimeError(f"the sidecar exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=0.5) as answer:
                if answer.status == 200:
                    return time.perf_counter()
        except OSError:
            time.sleep(0.001)
    raise RuntimeError("not ready within 60 s")


def drive(port, requests):
    """Half opens, half closes, over one keep-alive connection; without workers the opens are affinity-only."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    headers = {"content-type": "application/json"}
    for i in range(requests // 2):
        session = f"startup-{i}"
        connection.request("POST", f"/v1/sessions/{session}/open", json.dumps({"instance_id": "w1"}), headers)
        connection.getresponse().read()
        connection.request("POST", f"/v1/sessions/{session}/close", "{}", headers)
        connection.getresponse().read()
    connection.close()


def measure(command, requests, cwd):
    port, management = free_port(), free_port()
    options = [f"-Dquarkus.http.port={port}", "-Dquarkus.http.host=127.0.0.1",
               f"-Dquarkus.management.port={management}", "-Dquarkus.management.host=127.0.0.1",
               "-Dquarkus.log.category.\"io.kvsession.sidecar.lifecycle\".level=WARN"]
    argv = command[:1] + options + command[1:] if command[0].endswith("java") else command + options
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ready = wait_ready(management, process)
        time.sleep(1)
        idle = rss_mib(process.pid)
        drive(port, requests)
        busy = rss_mib(process.pid)
        return (ready - started) * 1000, idle, busy
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--java", default=os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java"))
    parser.add_argument("--jvm", help="quarkus-run.jar")
    parser.add_argument("--appcds",
                        help="quarkus-run.jar built with quarkus.package.jar.aot.enabled, app-cds.jsa next to it")
    parser.add_argument("--aot", help="quarkus-run.jar with a JDK 25 AOT cache app.aot next to it")
    parser.add_argument("--native", help="the native executable")
    parser.add_argument("--jvm-heap", default="-Xmx128m", help="options, e.g. --jvm-heap='-Xmx128m -Xmn16m'")
    parser.add_argument("--native-heap", default="-Xmx64m", help="options, e.g. --native-heap='-Xmx64m -Xmn8m'")
    args = parser.parse_args()

    # JVM variants run from the application's directory, as its archives were recorded there.
    variants = []
    if args.jvm:
        variants.append(("jvm", "JVM jar", [args.java] + args.jvm_heap.split() + ["-jar", "quarkus-run.jar"],
                         os.path.dirname(args.jvm)))
    if args.appcds:
        variants.append(("appcds", "JVM jar + AppCDS", [args.java] + args.jvm_heap.split() + [
            "-XX:SharedArchiveFile=app-cds.jsa", "-jar", "quarkus-run.jar"], os.path.dirname(args.appcds)))
    if args.aot:
        variants.append(("aot", "JVM jar + AOT cache", [args.java] + args.jvm_heap.split() + [
            "-XX:AOTCache=app.aot", "-jar", "quarkus-run.jar"], os.path.dirname(args.aot)))
    if args.native:
        variants.append(("native", "native", [os.path.abspath(args.native)] + args.native_heap.split(), None))

    print(f"{'variant':<22} {'first ready ms':>15} {'idle RSS MiB':>13} {'RSS after ' + str(args.requests):>17}")
    print(f"(median of {args.runs} runs; JVM {args.jvm_heap}, native {args.native_heap})")
    for key, name, command, cwd in variants:
        results = [measure(command, args.requests, cwd) for _ in range(args.runs)]
        ready, idle, busy = (statistics.median(column) for column in zip(*results))
        print(f"{name:<22} {ready:>15.1f} {idle:>13.1f} {busy:>17.1f}")
        # for bench/regress, as the Java benchmarks print theirs
        print(f"result startup.{key}.ready_ms {ready:.3f}")
        print(f"result startup.{key}.idle_rss_mib {idle:.3f}")


if __name__ == "__main__":
    main()
