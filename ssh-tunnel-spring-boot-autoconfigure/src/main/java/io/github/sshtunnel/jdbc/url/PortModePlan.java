package io.github.sshtunnel.jdbc.url;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.github.sshtunnel.core.ForwardSettings;

/**
 * The local port forwards that route a database URL through the tunnel in {@code port}
 * mode, and the URL pointed at their local ends. The first distinct endpoint gets the
 * forward named after the prefix ({@code datasource}), the next ones
 * {@code datasource-2}, {@code datasource-3}...; an endpoint written twice shares one
 * forward.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class PortModePlan {

	/**
	 * The address the rewritten URL connects to.
	 */
	public static final String LOOPBACK = "127.0.0.1";

	private final DatabaseUrl url;

	private final Map<Endpoint, String> names = new LinkedHashMap<>();

	private PortModePlan(DatabaseUrl url, String prefix) {
		this.url = url;
		for (Endpoint endpoint : url.endpoints()) {
			if (!this.names.containsKey(endpoint)) {
				int number = this.names.size() + 1;
				this.names.put(endpoint, (number == 1) ? prefix : prefix + "-" + number);
			}
		}
	}

	/**
	 * Plan the forwards for a URL.
	 * @param url the parsed URL
	 * @param prefix the name of the first forward and the prefix of the others, such as
	 * {@code datasource}, {@code flyway} or {@code r2dbc}
	 * @return the plan
	 */
	public static PortModePlan of(DatabaseUrl url, String prefix) {
		Objects.requireNonNull(url, "url must not be null");
		if (prefix == null || prefix.isBlank()) {
			throw new IllegalArgumentException("prefix must not be empty");
		}
		return new PortModePlan(url, prefix);
	}

	/**
	 * Return the forwards to create, one per distinct endpoint in the URL's order, each
	 * from a free loopback port ({@code 127.0.0.1:0}) to the endpoint as seen from the
	 * SSH server.
	 * @return the forwards
	 */
	public List<ForwardSettings> forwards() {
		List<ForwardSettings> forwards = new ArrayList<>();
		this.names.forEach((endpoint, name) -> forwards
			.add(new ForwardSettings(name, LOOPBACK, 0, endpoint.host(), endpoint.port())));
		return List.copyOf(forwards);
	}

	/**
	 * Return the name of the forward that carries an endpoint of the URL.
	 * @param endpoint one of the URL's endpoints
	 * @return the forward's name
	 */
	public String forwardName(Endpoint endpoint) {
		String name = this.names.get(endpoint);
		if (name == null) {
			throw new IllegalArgumentException("endpoint " + endpoint + " is not in the URL");
		}
		return name;
	}

	/**
	 * Return the URL with every endpoint replaced by {@code 127.0.0.1} and the local port
	 * of its forward.
	 * @param localPortByForwardName the bound local port of each forward, by name
	 * @return the rewritten URL
	 * @throws IllegalArgumentException if a forward's port is missing
	 */
	public String rewrittenUrl(Map<String, Integer> localPortByForwardName) {
		Objects.requireNonNull(localPortByForwardName, "localPortByForwardName must not be null");
		List<Endpoint> replacements = new ArrayList<>();
		for (Endpoint endpoint : this.url.endpoints()) {
			String name = this.names.get(endpoint);
			Integer port = localPortByForwardName.get(name);
			if (port == null) {
				throw new IllegalArgumentException("no local port for forward [" + name + "]");
			}
			replacements.add(new Endpoint(LOOPBACK, port));
		}
		return this.url.rewrite(replacements);
	}

}
