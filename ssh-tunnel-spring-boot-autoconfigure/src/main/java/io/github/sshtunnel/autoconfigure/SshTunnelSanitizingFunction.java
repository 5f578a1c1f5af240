package io.github.sshtunnel.autoconfigure;

import java.util.Locale;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks the tunnels' secrets in {@code /actuator/env} and {@code /actuator/configprops},
 * also with {@code show-values: always}: the password, the passphrase and the private key
 * unless it is clearly a location ({@code file:}, {@code classpath:}, an absolute or
 * {@code ~/} path). Boot's own credential matching does not cover "passphrase" or an
 * inline key. Matched by the end of the name, so that the properties of tunnels that the
 * application binds under a prefix of its own ({@code tunnels.reporting.password}) are
 * masked too; other properties with such names are masked as well, which errs on the safe
 * side.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelSanitizingFunction implements SanitizingFunction {

	private static final Set<String> SECRETS = Set.of("password", "privatekeypassphrase");

	private static final String PRIVATE_KEY = "privatekey";

	@Override
	public SanitizableData apply(SanitizableData data) {
		if (data.getValue() == null) {
			return data;
		}
		String key = canonical(data.getKey());
		if (SECRETS.stream().anyMatch(key::endsWith)) {
			return data.withSanitizedValue();
		}
		if (key.endsWith(PRIVATE_KEY) && !isLocation(String.valueOf(data.getValue()))) {
			return data.withSanitizedValue();
		}
		return data;
	}

	private static boolean isLocation(String value) {
		return PrivateKeyValue.isClearlyLocation(value);
	}

	private static String canonical(String key) {
		StringBuilder canonical = new StringBuilder(key.length());
		key.chars()
			.filter(Character::isLetterOrDigit)
			.forEach((c) -> canonical.append(Character.toLowerCase((char) c)));
		return canonical.toString().toLowerCase(Locale.ROOT);
	}

}
