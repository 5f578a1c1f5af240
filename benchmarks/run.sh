#!/usr/bin/env bash
# Runs the benchmark of docs/performance.md on a Debian machine, as root:
#   benchmarks/run.sh           the full run (about 45 minutes on 2 cores, the JDBC part included)
#   benchmarks/run.sh --smoke   a few seconds per figure; checks the harness, proves nothing
#   benchmarks/run.sh --jdbc    the JDBC part only (pgjdbc select 1 and new connections; about
#                               15 minutes; with --smoke a few seconds per configuration)
#   benchmarks/run.sh --forwarding  bulk and pgbench figures only (no JDBC part, open times or
#                               footprint); with -Dbench.jfr=true every starter run is recorded
#                               (BENCH_JAVA_OPTS), for `java -jar <jar> profile <file.jfr>`
#   benchmarks/run.sh --rekey   the re-exchange soak only (10 minutes per configuration;
#                               -Dbench.soak-seconds and -Dbench.rekey-limit through BENCH_JAVA_OPTS)
# The starter is measured on this script's `java` and, when installed, on the Temurin 25 JDK
# (-Dbench.starter-jdks=<comma-separated JDK homes> to choose others; empty for none).
# It installs OpenSSH, iperf3 and PostgreSQL (for pgbench and a private server), builds the
# benchmark jar, and starts its own sshd, PostgreSQL and iperf3 server on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/sbin/sshd ] && command -v ssh >/dev/null 2>&1 || need+=(openssh-server openssh-client)
command -v iperf3 >/dev/null 2>&1 || need+=(iperf3)
command -v pgbench >/dev/null 2>&1 && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql postgresql-contrib)
if [ ${#need[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

jar=benchmarks/target/ssh-tunnel-benchmarks.jar
if [ ! -f "$jar" ] || [ "${BENCH_REBUILD:-true}" = true ]; then
	./mvnw -q -B -pl benchmarks -am -DskipTests package
fi
exec java ${BENCH_JAVA_OPTS:-} -jar "$jar" run "$@"
