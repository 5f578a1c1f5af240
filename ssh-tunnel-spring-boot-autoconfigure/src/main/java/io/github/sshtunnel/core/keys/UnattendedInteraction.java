package io.github.sshtunnel.core.keys;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.sshd.client.auth.keyboard.UserInteraction;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;

/**
 * Keyboard-interactive login for an application that has nobody at the keyboard. A single
 * password prompt with echo off is answered with {@code ssh.tunnel.password} by MINA
 * itself, as OpenSSH would with the password typed; MINA only asks this class about every
 * other question (a one-time code, a second factor, a password change). Those are never
 * answered: the method fails at once, and the question is kept (server text, never a
 * secret) so that the failure can quote it.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class UnattendedInteraction implements UserInteraction {

	/**
	 * The questions the server asked that the tunnel could not answer.
	 */
	public static final AttributeKey<String> UNANSWERED = new AttributeKey<>();

	@Override
	public String[] interactive(ClientSession session, String name, String instruction, String lang, String[] prompt,
			boolean[] echo) {
		if (prompt == null || prompt.length == 0) {
			return new String[0];
		}
		if (prompt.length == 1 && (echo == null || echo.length == 0 || !echo[0]) && prompt[0] != null
				&& prompt[0].toLowerCase(Locale.ROOT).contains("password")) {
			// the password prompt again: the password was refused (or none is set), which
			// the usual authentication failure says
			return null;
		}
		List<String> questions = new ArrayList<>();
		for (String text : prompt) {
			questions.add("\"" + printable(text) + "\"");
		}
		session.setAttribute(UNANSWERED, String.join(", ", questions));
		return null;
	}

	@Override
	public String getUpdatedPassword(ClientSession session, String prompt, String lang) {
		session.setAttribute(UNANSWERED, "a password change (\"" + printable(prompt) + "\")");
		return null;
	}

	private static String printable(String text) {
		if (text == null) {
			return "";
		}
		StringBuilder printable = new StringBuilder();
		for (int i = 0; i < text.length() && printable.length() < 200; i++) {
			char c = text.charAt(i);
			printable.append((c < 0x20 || c == 0x7f) ? ' ' : c);
		}
		return printable.toString().strip();
	}

}
