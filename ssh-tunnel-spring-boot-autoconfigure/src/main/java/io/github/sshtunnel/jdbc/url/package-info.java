/**
 * Database URLs read as the driver reads them: the dialect, every host and port a JDBC or
 * R2DBC URL names, the URL rewritten to other ends, and the plan of local port forwards
 * for the tunnel's {@code port} mode. Plain Java: no Spring, no SSH types.
 */
package io.github.sshtunnel.jdbc.url;
