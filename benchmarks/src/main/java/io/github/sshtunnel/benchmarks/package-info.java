/**
 * The benchmark of the starter's tunnel against OpenSSH {@code ssh -L}: the runner that
 * starts the peers and drives iperf3 and pgbench, and the small programs it measures.
 */
package io.github.sshtunnel.benchmarks;
