package io.github.sshtunnel.jdbc.url;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Oracle Net connect descriptors such as
 * {@code (DESCRIPTION=(ADDRESS_LIST=(ADDRESS=(PROTOCOL=TCP)(HOST=h1)(PORT=1521)))(CONNECT_DATA=(SERVICE_NAME=s)))}:
 * every {@code ADDRESS} anywhere in the tree is one endpoint, keys in any case,
 * whitespace allowed around keys, values and parentheses.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class OracleDescriptorParser {

	private final UrlTemplate template;

	private final String url;

	private OracleDescriptorParser(UrlTemplate template) {
		this.template = template;
		this.url = template.url();
	}

	static void parse(UrlTemplate template, int start) {
		OracleDescriptorParser parser = new OracleDescriptorParser(template);
		Node root = parser.node(start);
		List<Node> addresses = new ArrayList<>();
		root.collect("address", addresses);
		if (addresses.isEmpty()) {
			throw template.unsupported("the connect descriptor holds no (ADDRESS=(HOST=..)(PORT=..))");
		}
		addresses.forEach(parser::address);
	}

	private void address(Node address) {
		Node protocol = address.child("protocol");
		if (protocol != null) {
			String name = text(protocol).toLowerCase(Locale.ROOT);
			if (!name.equals("tcp") && !name.equals("tcps")) {
				throw this.template.unsupported("the ADDRESS protocol [" + text(protocol) + "] is not TCP");
			}
		}
		Node host = address.child("host");
		if (host == null || text(host).isEmpty()) {
			throw this.template.unsupported("an ADDRESS of the connect descriptor has no HOST");
		}
		Node port = address.child("port");
		int number = (port != null) ? this.template.port(port.valueStart, port.valueEnd)
				: this.template.dialect().defaultPort();
		boolean bracketed = text(host).startsWith("[");
		int index = this.template.add(new Endpoint(text(host), number));
		this.template.edit(host.valueStart, host.valueEnd, index, bracketed ? Endpoint::uriHost : UrlTemplate::host);
		if (port != null) {
			this.template.edit(port.valueStart, port.valueEnd, index, UrlTemplate::port);
		}
		else {
			this.template.edit(host.end, host.end, index, (endpoint) -> "(PORT=" + endpoint.port() + ")");
		}
	}

	private Node node(int from) {
		int position = skipSpace(from);
		expect(position, '(');
		int equals = this.url.indexOf('=', position);
		if (equals < 0) {
			throw malformed();
		}
		String name = this.url.substring(position + 1, equals).strip().toLowerCase(Locale.ROOT);
		position = skipSpace(equals + 1);
		List<Node> children = new ArrayList<>();
		if (position < this.url.length() && this.url.charAt(position) == '(') {
			while (position < this.url.length() && this.url.charAt(position) == '(') {
				Node child = node(position);
				children.add(child);
				position = skipSpace(child.end);
			}
			expect(position, ')');
			return new Node(name, -1, -1, children, position + 1);
		}
		int close = this.url.indexOf(')', position);
		if (close < 0) {
			throw malformed();
		}
		int valueEnd = close;
		while (valueEnd > position && Character.isWhitespace(this.url.charAt(valueEnd - 1))) {
			valueEnd--;
		}
		return new Node(name, position, valueEnd, children, close + 1);
	}

	private int skipSpace(int from) {
		int position = from;
		while (position < this.url.length() && Character.isWhitespace(this.url.charAt(position))) {
			position++;
		}
		return position;
	}

	private void expect(int position, char wanted) {
		if (position >= this.url.length() || this.url.charAt(position) != wanted) {
			throw malformed();
		}
	}

	private UnsupportedJdbcUrlException malformed() {
		return this.template.unsupported("the connect descriptor is not balanced (KEY=value) parentheses");
	}

	private String text(Node node) {
		return (node.valueStart >= 0) ? this.url.substring(node.valueStart, node.valueEnd) : "";
	}

	private record Node(String name, int valueStart, int valueEnd, List<Node> children, int end) {

		void collect(String wanted, List<Node> found) {
			if (this.name.equals(wanted)) {
				found.add(this);
				return;
			}
			this.children.forEach((child) -> child.collect(wanted, found));
		}

		Node child(String wanted) {
			return this.children.stream().filter((child) -> child.name.equals(wanted)).findFirst().orElse(null);
		}

	}

}
