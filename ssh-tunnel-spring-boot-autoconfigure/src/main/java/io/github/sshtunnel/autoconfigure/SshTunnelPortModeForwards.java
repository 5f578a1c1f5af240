package io.github.sshtunnel.autoconfigure;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

import io.github.sshtunnel.autoconfigure.SshTunnelDataSourceProperties.Mode;
import io.github.sshtunnel.core.ForwardSettings;
import io.github.sshtunnel.core.ForwardState;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.core.TunnelState;
import io.github.sshtunnel.jdbc.SshTunnelJdbc;
import io.github.sshtunnel.jdbc.url.DatabaseUrl;
import io.github.sshtunnel.jdbc.url.PortModePlan;
import io.github.sshtunnel.jdbc.url.UnsupportedJdbcUrlException;

/**
 * The local forwards that the {@code sshTunnel} bean gets for the database URLs routed in
 * {@code port} mode ({@code spring.datasource.url}, {@code spring.flyway.url},
 * {@code spring.liquibase.url} and {@code spring.r2dbc.url}), planned from the
 * environment before the tunnel is built, and the URLs rewritten to their local ends once
 * it is open. The forwards are named after the URL they serve: {@code datasource},
 * {@code datasource-2}, ... for the DataSource, {@code flyway}, {@code liquibase},
 * {@code r2dbc} for the others; a host:port already forwarded for an earlier URL is
 * shared, not forwarded twice.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class SshTunnelPortModeForwards {

	/**
	 * Name (and prefix) of the DataSource's forwards.
	 */
	public static final String DATASOURCE = "datasource";

	/**
	 * Name (and prefix) of the forwards of {@code spring.flyway.url}.
	 */
	public static final String FLYWAY = "flyway";

	/**
	 * Name (and prefix) of the forwards of {@code spring.liquibase.url}.
	 */
	public static final String LIQUIBASE = "liquibase";

	/**
	 * Name (and prefix) of the forwards of {@code spring.r2dbc.url}.
	 */
	public static final String R2DBC = "r2dbc";

	private static final Log logger = LogFactory.getLog(SshTunnelPortModeForwards.class);

	private static final Pattern HOST_NAME_VERIFICATION = Pattern
		.compile("[?&;]sslmode=(verify-full|verify_identity)(&|;|$)", Pattern.CASE_INSENSITIVE);

	private final Map<String, PortModePlan> plans = new LinkedHashMap<>();

	private final List<ForwardSettings> forwards = new ArrayList<>();

	/**
	 * The forward that carries each planned forward: itself, or an earlier one to the
	 * same host and port.
	 */
	private final Map<String, String> carriers = new HashMap<>();

	private SshTunnelPortModeForwards() {
	}

	/**
	 * Plan the port-mode forwards from the environment: the DataSource's (with Flyway's
	 * and Liquibase's own URLs) when {@code ssh.tunnel.datasource.enabled} is true and
	 * the mode chosen for the URL is {@code port}, R2DBC's when
	 * {@code ssh.tunnel.r2dbc.enabled} is true.
	 * @param environment the environment
	 * @return the plan, empty when nothing is routed in port mode
	 * @throws SshTunnelException if a URL to route is missing or cannot be routed
	 */
	public static SshTunnelPortModeForwards of(Environment environment) {
		Binder binder = Binder.get(environment);
		SshTunnelPortModeForwards forwards = new SshTunnelPortModeForwards();
		SshTunnelDataSourceProperties datasource = binder
			.bind("ssh.tunnel.datasource", SshTunnelDataSourceProperties.class)
			.orElseGet(SshTunnelDataSourceProperties::new);
		if (datasource.isEnabled()) {
			forwards.add(DATASOURCE, "spring.datasource.url", environment, datasource.getMode(),
					"ssh.tunnel.datasource.enabled");
			forwards.add(FLYWAY, "spring.flyway.url", environment, datasource.getMode(), null);
			forwards.add(LIQUIBASE, "spring.liquibase.url", environment, datasource.getMode(), null);
		}
		if (binder.bind("ssh.tunnel.r2dbc.enabled", Boolean.class).orElse(false)) {
			forwards.add(R2DBC, "spring.r2dbc.url", environment, Mode.PORT, "ssh.tunnel.r2dbc.enabled");
		}
		return forwards;
	}

	/**
	 * Choose the mode for a URL: {@code auto} is {@code socket} when the URL's driver
	 * takes a socket factory, else {@code port}.
	 * @param configured the configured mode
	 * @param property the property that holds the URL, for messages
	 * @param url the URL as written
	 * @return {@code SOCKET} or {@code PORT}
	 * @throws SshTunnelException if the URL is missing, cannot be routed, or its driver
	 * takes no socket factory in {@code socket} mode
	 */
	public static Mode chooseMode(Mode configured, String property, String url) {
		if (!StringUtils.hasText(url)) {
			throw new SshTunnelException(Reason.INVALID_CONFIGURATION,
					"ssh.tunnel.datasource.enabled is true but " + property + " is not set",
					"Set " + property + " to the database URL as seen from the SSH server, or set "
							+ "ssh.tunnel.datasource.enabled to false.");
		}
		boolean socketDriver;
		try {
			socketDriver = DatabaseUrl.parse(url).dialect().socketFactorySupported();
		}
		catch (UnsupportedJdbcUrlException ex) {
			if (configured != Mode.PORT && SshTunnelJdbc.supportsSocketMode(url)) {
				// a driver with a socket factory whose host syntax has no parser
				// (jdbc:gaussdb:): socket mode needs none
				return Mode.SOCKET;
			}
			throw unsupported(property, ex);
		}
		if (configured == Mode.SOCKET && !socketDriver) {
			throw new SshTunnelException(Reason.INVALID_CONFIGURATION,
					"ssh.tunnel.datasource.mode is socket but the driver of " + property + " (" + scheme(url)
							+ ") takes no socket factory",
					"Set ssh.tunnel.datasource.mode to port or auto, or use a forward in ssh.tunnel.forwards.");
		}
		return (configured == Mode.SOCKET || (configured == Mode.AUTO && socketDriver)) ? Mode.SOCKET : Mode.PORT;
	}

	/**
	 * Plan the forwards of one URL; {@code requiredBy} is the switch that makes the URL
	 * required ({@code null}: skipped when not set).
	 */
	private void add(String prefix, String property, Environment environment, Mode configured, String requiredBy) {
		String url = environment.getProperty(property);
		if (!StringUtils.hasText(url)) {
			if (requiredBy == null) {
				return;
			}
			throw new SshTunnelException(Reason.INVALID_CONFIGURATION,
					requiredBy + " is true but " + property + " is not set", "Set " + property
							+ " to the database URL as seen from the SSH server, or set " + requiredBy + " to false.");
		}
		if (chooseMode(configured, property, url) != Mode.PORT) {
			return;
		}
		PortModePlan plan;
		try {
			plan = PortModePlan.of(DatabaseUrl.parse(url), prefix);
		}
		catch (UnsupportedJdbcUrlException ex) {
			throw unsupported(property, ex);
		}
		if (HOST_NAME_VERIFICATION.matcher(url).find()) {
			logger.warn(property + " asks for TLS host-name verification, which will fail in port mode: the driver "
					+ "connects to 127.0.0.1, not to the host the server's certificate names. Use "
					+ "ssh.tunnel.datasource.mode=socket (a driver with a socket factory) to keep it.");
		}
		this.plans.put(prefix, plan);
		for (ForwardSettings forward : plan.forwards()) {
			String carrier = this.forwards.stream()
				.filter((other) -> sameTarget(other, forward))
				.map(ForwardSettings::name)
				.findFirst()
				.orElse(null);
			if (carrier == null) {
				this.forwards.add(forward);
				carrier = forward.name();
			}
			this.carriers.put(forward.name(), carrier);
		}
	}

	private static boolean sameTarget(ForwardSettings one, ForwardSettings other) {
		return one.remotePort() == other.remotePort() && one.remoteHost().equalsIgnoreCase(other.remoteHost());
	}

	/**
	 * Return the forwards to add to the tunnel, in the order planned.
	 * @return the forwards, empty when nothing is routed in port mode
	 */
	public List<ForwardSettings> forwards() {
		return List.copyOf(this.forwards);
	}

	/**
	 * Return whether the URL of the given name is routed in port mode.
	 * @param name {@link #DATASOURCE}, {@link #FLYWAY}, {@link #LIQUIBASE} or
	 * {@link #R2DBC}
	 * @return whether its URL is rewritten to local forwards
	 */
	public boolean isPortMode(String name) {
		return this.plans.containsKey(name);
	}

	/**
	 * Return the URL of the given name pointed at the local ends of its forwards.
	 * @param name {@link #DATASOURCE}, {@link #FLYWAY}, {@link #LIQUIBASE} or
	 * {@link #R2DBC}
	 * @param state the state of the open tunnel, whose forwards are bound
	 * @return the rewritten URL
	 * @throws IllegalStateException if a forward is missing from the tunnel or not bound
	 */
	public String rewrittenUrl(String name, TunnelState state) {
		PortModePlan plan = this.plans.get(name);
		if (plan == null) {
			throw new IllegalStateException("No URL named " + name + " is routed in port mode");
		}
		Map<String, Integer> ports = new HashMap<>();
		for (ForwardSettings forward : plan.forwards()) {
			String carrier = this.carriers.get(forward.name());
			ForwardState bound = state.forwards()
				.stream()
				.filter((candidate) -> candidate.name().equals(carrier))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("The SSH tunnel has no forward [" + carrier
						+ "] for port mode: was the sshTunnel bean replaced by one built without it?"));
			if (!bound.isBound()) {
				throw new IllegalStateException("The forward [" + carrier + "] of the SSH tunnel is not bound");
			}
			ports.put(forward.name(), bound.localPort());
		}
		return plan.rewrittenUrl(ports);
	}

	private static SshTunnelException unsupported(String property, UnsupportedJdbcUrlException ex) {
		return new SshTunnelException(Reason.INVALID_CONFIGURATION, property + ": " + ex.getMessage(),
				"Declare a forward in ssh.tunnel.forwards and point " + property
						+ " at ${local.ssh.tunnel.forwards.<name>.port}, or stop routing it (ssh.tunnel.datasource"
						+ ".enabled / ssh.tunnel.r2dbc.enabled).");
	}

	private static String scheme(String url) {
		int second = url.indexOf(':', url.indexOf(':') + 1);
		return (second > 0) ? url.substring(0, second + 1).toLowerCase(Locale.ROOT) : "?";
	}

}
