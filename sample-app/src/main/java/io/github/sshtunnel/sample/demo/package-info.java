/**
 * Demo infrastructure only: an in-process SSH server and an H2 database server on
 * loopback, so that the sample runs with zero set-up. It is switched on by
 * {@code demo.embedded-servers.enabled=true} in the sample's {@code application.yaml}. A
 * real application has none of this: its SSH server and database already exist.
 */
package io.github.sshtunnel.sample.demo;
