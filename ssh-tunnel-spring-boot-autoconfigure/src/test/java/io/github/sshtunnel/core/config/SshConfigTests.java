package io.github.sshtunnel.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.github.sshtunnel.core.HostKeyChecking;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SshConfig}: OpenSSH's reading of a client configuration file, block by
 * block, keyword by keyword.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@ExtendWith(OutputCaptureExtension.class)
class SshConfigTests {

	private static final String LOCAL_USER = System.getProperty("user.name");

	private static final String HOME = System.getProperty("user.home");

	@TempDir
	Path temp;

	@Test
	void firstObtainedValueWinsForEachKeyword() throws IOException {
		SshConfigEntry entry = resolve("db", """
				Host db
				  HostName db.internal
				Host *
				  HostName other.internal
				  Port 2200
				  User app
				Host db
				  Port 2201
				""");
		assertThat(entry.hostName()).isEqualTo("db.internal");
		assertThat(entry.port()).isEqualTo(2200);
		assertThat(entry.user()).isEqualTo("app");
		assertThat(entry.origin("Port")).isEqualTo(this.temp.resolve("config") + ":5");
	}

	@Test
	void identityAndCertificateFilesAccumulateInOrder() throws IOException {
		SshConfigEntry entry = resolve("db", """
				Host db
				  IdentityFile /keys/first
				  CertificateFile /keys/first-cert.pub
				Host *
				  IdentityFile /keys/second
				  IdentityFile /keys/first
				  CertificateFile /keys/second-cert.pub
				""");
		assertThat(entry.identityFiles()).containsExactly("/keys/first", "/keys/second");
		assertThat(entry.certificateFiles()).containsExactly("/keys/first-cert.pub", "/keys/second-cert.pub");
	}

	@Test
	void hostPatternsTakeWildcardsNegationAndSeveralPatternsPerLine() throws IOException {
		String config = """
				Host other db-? !db-9
				  Port 2001
				Host *.example.com
				  Port 2002
				Host db*
				  Port 2003
				""";
		assertThat(resolve("db-1", config).port()).isEqualTo(2001);
		assertThat(resolve("db-9", config).port()).isEqualTo(2003);
		assertThat(resolve("db-10", config).port()).isEqualTo(2003);
		assertThat(resolve("OTHER", config).port()).isEqualTo(2001);
		assertThat(resolve("x.example.com", config).port()).isEqualTo(2002);
		assertThat(resolve("example.com", config).port()).isNull();
	}

	@Test
	void keywordsAreCaseInsensitiveWithEqualsSignsQuotesAndComments() throws IOException {
		SshConfigEntry entry = resolve("db", """
				# a comment
				   # an indented comment

				HOST=db
				  HOSTNAME=db.internal
				  port = 2222 # a trailing comment
				  identityFile "/keys/with space/id"
				  CertificateFile '/keys/single quoted'
				  IdentityFile /keys/escaped\\ space
				  user	tab
				""");
		assertThat(entry.hostName()).isEqualTo("db.internal");
		assertThat(entry.port()).isEqualTo(2222);
		assertThat(entry.user()).isEqualTo("tab");
		assertThat(entry.identityFiles()).containsExactly("/keys/with space/id", "/keys/escaped space");
		assertThat(entry.certificateFiles()).containsExactly("/keys/single quoted");
	}

	@Test
	void honoursEveryKeyword() throws IOException {
		SshConfigEntry entry = resolve("db", """
				Host db
				  HostName 127.0.0.1
				  Port 2222
				  User app
				  IdentityFile /keys/id
				  CertificateFile /keys/id-cert.pub
				  IdentityAgent /run/agent.sock
				  ProxyJump bastion@jump.example.com:2022,second
				  UserKnownHostsFile /kh/one /kh/two
				  StrictHostKeyChecking Accept-New
				  ServerAliveInterval 1m30s
				  ServerAliveCountMax 4
				  ConnectTimeout 7
				  Compression yes
				""");
		assertThat(entry).satisfies((e) -> {
			assertThat(e.hostName()).isEqualTo("127.0.0.1");
			assertThat(e.port()).isEqualTo(2222);
			assertThat(e.user()).isEqualTo("app");
			assertThat(e.identityFiles()).containsExactly("/keys/id");
			assertThat(e.certificateFiles()).containsExactly("/keys/id-cert.pub");
			assertThat(e.identityAgent()).isEqualTo("/run/agent.sock");
			assertThat(e.proxyJump()).isEqualTo("bastion@jump.example.com:2022,second");
			assertThat(e.userKnownHostsFiles()).containsExactly("/kh/one", "/kh/two");
			assertThat(e.strictHostKeyChecking()).isEqualTo("accept-new");
			assertThat(e.hostKeyChecking()).isEqualTo(HostKeyChecking.ACCEPT_NEW);
			assertThat(e.serverAliveInterval()).isEqualTo(Duration.ofSeconds(90));
			assertThat(e.serverAliveCountMax()).isEqualTo(4);
			assertThat(e.connectTimeout()).isEqualTo(Duration.ofSeconds(7));
		});
	}

	@Test
	void leavesUnsetKeywordsEmpty() throws IOException {
		SshConfigEntry entry = resolve("db", "Host other\n  Port 2000\n");
		assertThat(entry.hostName()).isEqualTo("db");
		assertThat(entry.port()).isNull();
		assertThat(entry.user()).isNull();
		assertThat(entry.identityFiles()).isEmpty();
		assertThat(entry.userKnownHostsFiles()).isEmpty();
		assertThat(entry.hostKeyChecking()).isNull();
		assertThat(entry.connectTimeout()).isNull();
	}

	@Test
	void mapsStrictHostKeyCheckingWithoutEverTurningItOff() throws IOException {
		assertThat(checking("yes")).isEqualTo(HostKeyChecking.YES);
		assertThat(checking("ask")).isEqualTo(HostKeyChecking.YES);
		assertThat(checking("accept-new")).isEqualTo(HostKeyChecking.ACCEPT_NEW);
		assertThat(checking("no")).isEqualTo(HostKeyChecking.ACCEPT_NEW);
		assertThat(checking("off")).isEqualTo(HostKeyChecking.ACCEPT_NEW);
	}

	private HostKeyChecking checking(String value) throws IOException {
		return resolve("db", "StrictHostKeyChecking " + value + "\n").hostKeyChecking();
	}

	@Test
	void matchHostSeesTheHostNameObtainedSoFar() throws IOException {
		SshConfigEntry entry = resolve("db", """
				Host db
				  HostName db.internal.example.com
				Match host *.internal.example.com
				  Port 2001
				Match host db
				  User not-applied
				""");
		assertThat(entry.port()).isEqualTo(2001);
		assertThat(entry.user()).isNull();
	}

	@Test
	void matchOriginalHostSeesTheAlias() throws IOException {
		SshConfigEntry entry = resolve("db", """
				Host db
				  HostName db.internal
				Match originalhost db
				  Port 2001
				Match originalhost db.internal
				  User not-applied
				""");
		assertThat(entry.port()).isEqualTo(2001);
		assertThat(entry.user()).isNull();
	}

	@Test
	void matchUserSeesTheUserObtainedSoFarElseTheLocalUser() throws IOException {
		String config = """
				Match user %s
				  Port 2001
				Host db
				  User app
				Match user app,!root
				  IdentityFile /keys/app
				""".formatted(LOCAL_USER);
		SshConfigEntry entry = resolve("db", config);
		assertThat(entry.port()).isEqualTo(2001);
		assertThat(entry.identityFiles()).containsExactly("/keys/app");
		SshConfigEntry given = SshConfig.of(write("given", config)).resolve("db", "someone", 2200);
		assertThat(given.port()).isEqualTo(2200);
		assertThat(given.user()).isEqualTo("someone");
		assertThat(given.identityFiles()).isEmpty();
	}

	@Test
	void matchAllNegationAndSeveralCriteria() throws IOException {
		SshConfigEntry entry = resolve("db", """
				Match !host db
				  Port 2001
				Match host db,other !originalhost x*
				  User app
				Match host !db,*
				  IdentityFile /keys/negated
				Match host "d?" originalhost d*
				  IdentityFile /keys/quoted
				Match !all
				  HostName never
				Match all
				  HostName always
				""");
		assertThat(entry.port()).isNull();
		assertThat(entry.user()).isEqualTo("app");
		assertThat(entry.identityFiles()).containsExactly("/keys/quoted");
		assertThat(entry.hostName()).isEqualTo("always");
	}

	@Test
	void patternListsAreNotReadAsCriteria() throws IOException {
		SshConfigEntry entry = resolve("exec",
				"Match originalhost exec user final,%s\n  Port 2001\n".formatted(LOCAL_USER));
		assertThat(entry.port()).isEqualTo(2001);
	}

	@ParameterizedTest
	@ValueSource(strings = { "exec \"true\"", "localuser root", "canonical", "final", "localnetwork 127.0.0.0/8",
			"tagged x", "host db exec \"true\"", "!exec false" })
	void skipsMatchBlocksOfOtherCriteriaWithAWarningNamingFileAndLine(String criteria, CapturedOutput output)
			throws IOException {
		SshConfigEntry entry = resolve("db", """
				Host db
				  User app
				Match %s
				  Port 2001
				  HostName skipped
				Host *
				  Port 2002
				""".formatted(criteria));
		assertThat(entry.user()).isEqualTo("app");
		assertThat(entry.port()).isEqualTo(2002);
		assertThat(entry.hostName()).isEqualTo("db");
		assertThat(output).contains("WARN")
			.contains(this.temp.resolve("config") + ":3")
			.contains("this Match block is skipped");
	}

	@Test
	void includesRelativeGlobsFromTheSshDirectoryInLexicalOrder() throws IOException {
		Path sshDirectory = Files.createDirectories(this.temp.resolve("dot-ssh"));
		Files.createDirectories(sshDirectory.resolve("conf.d"));
		Files.writeString(sshDirectory.resolve("conf.d/20-second.conf"), "Host db\n  Port 2002\n  User second\n");
		Files.writeString(sshDirectory.resolve("conf.d/10-first.conf"), "Host db\n  Port 2001\n");
		Files.writeString(sshDirectory.resolve("conf.d/.hidden.conf"), "Host db\n  User hidden\n");
		Files.writeString(sshDirectory.resolve("conf.d/ignored.txt"), "Host db\n  User txt\n");
		Path absolute = Files.writeString(this.temp.resolve("absolute.conf"), "IdentityFile /keys/absolute\n");
		Path config = write("config", """
				Include conf.d/*.conf %s
				Include does-not-exist
				Host db
				  Port 2003
				  User main
				""".formatted(absolute));
		SshConfigEntry entry = SshConfig.of(config).withSshDirectory(sshDirectory).resolve("db", null, null);
		assertThat(entry.port()).isEqualTo(2001);
		assertThat(entry.user()).isEqualTo("second");
		assertThat(entry.identityFiles()).containsExactly("/keys/absolute");
		assertThat(entry.origin("port")).isEqualTo(sshDirectory.resolve("conf.d/10-first.conf") + ":2");
	}

	@Test
	void includeInABlockAppliesOnlyWhenTheBlockDoesAndItsOwnBlocksEndAtItsEnd() throws IOException {
		Path included = Files.writeString(this.temp.resolve("included.conf"),
				"Port 2001\nHost nothing-matches\n  User never\n");
		SshConfigEntry other = resolve("db", """
				Host other
				  Include %s
				Host db
				  User app
				""".formatted(included));
		assertThat(other.port()).isNull();
		assertThat(other.user()).isEqualTo("app");
		SshConfigEntry db = resolve("db", """
				Host db
				  Include %s
				  User app
				""".formatted(included));
		assertThat(db.port()).isEqualTo(2001);
		assertThat(db.user()).isEqualTo("app");
	}

	@Test
	void failsOnAnIncludeLoopNamingTheLine() throws IOException {
		Path loop = this.temp.resolve("loop.conf");
		Files.writeString(loop, "Include " + loop + "\n");
		assertInvalid(() -> SshConfig.of(loop).resolve("db", null, null), loop + ":1", "16 levels");
	}

	@Test
	void failsOnAnUnreadableIncludeNamingFileAndLine() throws IOException {
		Path directory = Files.createDirectories(this.temp.resolve("a-directory"));
		Path config = write("config", "# first\nInclude " + directory + "\n");
		assertInvalid(() -> SshConfig.of(config).resolve("db", null, null), config + ":2",
				"included file " + directory + " could not be read");
	}

	@Test
	void failsOnAMissingFile() {
		Path missing = this.temp.resolve("missing");
		assertInvalid(() -> SshConfig.of(missing).resolve("db", null, null), "file " + missing + " does not exist");
	}

	@Test
	void failsOnBadValuesNamingFileAndLineEvenInBlocksThatDoNotApply() throws IOException {
		assertBad("Port abc", "Port 'abc' is not a number");
		assertBad("Port 70000", "not between 1 and 65535");
		assertBad("ServerAliveInterval often", "ServerAliveInterval 'often' is not a time");
		assertBad("ConnectTimeout 5x", "ConnectTimeout '5x' is not a time");
		assertBad("ServerAliveCountMax many", "ServerAliveCountMax 'many' is not a number");
		assertBad("StrictHostKeyChecking maybe", "StrictHostKeyChecking 'maybe'");
		assertBad("HostName", "'hostname' takes exactly one argument");
		assertBad("IdentityFile \"unterminated", "unterminated quoted argument");
		assertBad("Match host", "'Match host' needs a pattern list");
		assertBad("Match all host db", "'Match all' cannot be combined");
	}

	private void assertBad(String line, String problem) throws IOException {
		Path config = write("bad", "Host other\n  " + line + "\n");
		assertInvalid(() -> SshConfig.of(config).resolve("db", null, null), config + ":2", problem);
	}

	@Test
	void expandsTokensWhereOpenSshDoes() throws IOException {
		SshConfigEntry entry = SshConfig.of(write("config", """
				Host db
				  HostName %h.internal
				  Port 2222
				  User app
				  IdentityFile %d/.ssh/%h_%r_%p_%u_%n_%k_%%
				  IdentityFile ~/.ssh/id_tilde
				  CertificateFile ${KEYS}/%r-cert.pub
				  UserKnownHostsFile ~/kh_%h ${MISSING}/kh
				  IdentityAgent ${AGENTS}/%u.sock
				  ProxyJump jump-%n:%p
				""")).withEnvironment(Map.of("KEYS", "/keys", "AGENTS", "/agents")::get).resolve("db", null, null);
		assertThat(entry.hostName()).isEqualTo("db.internal");
		assertThat(entry.identityFiles())
			.containsExactly(HOME + "/.ssh/db.internal_app_2222_" + LOCAL_USER + "_db_db_%", HOME + "/.ssh/id_tilde");
		assertThat(entry.certificateFiles()).containsExactly("/keys/app-cert.pub");
		assertThat(entry.userKnownHostsFiles()).containsExactly(HOME + "/kh_db.internal");
		assertThat(entry.identityAgent()).isEqualTo("/agents/" + LOCAL_USER + ".sock");
		assertThat(entry.proxyJump()).isEqualTo("jump-db:2222");
	}

	@Test
	void tokensUseTheValuesGivenOutsideTheFile() throws IOException {
		SshConfigEntry entry = SshConfig.of(write("config", "IdentityFile /keys/%r@%h:%p\nUser app\nPort 2000\n"))
			.resolve("db", "given", 2222);
		assertThat(entry.identityFiles()).containsExactly("/keys/given@db:2222");
	}

	@Test
	void refusesTokensAKeywordDoesNotTake() throws IOException {
		Path config = write("config", "Host db\n  ProxyJump %u@jump\n");
		assertInvalid(() -> SshConfig.of(config).resolve("db", null, null), config + ":2",
				"token %u in ProxyJump '%u@jump' is not supported there");
	}

	@Test
	void jumpHostsThatAreAliasesTakeTheirHostNamePortAndUser() throws IOException {
		SshConfig config = SshConfig.of(write("config", """
				Host bastion
				  HostName bastion.example.com
				  Port 2022
				  User jumper
				Host second
				  HostName 10.0.0.2
				"""));
		assertThat(config.resolveJumpHosts("bastion,other@second:2200,plain.example.com,[::1]:22"))
			.isEqualTo("jumper@bastion.example.com:2022,other@10.0.0.2:2200,plain.example.com,[::1]:22");
		assertThat(config.resolveJumpHosts("me@bastion:22")).isEqualTo("me@bastion.example.com:22");
	}

	@Test
	void agentAndJumpKeepTheirSpecialWords() throws IOException {
		SshConfigEntry none = resolve("db", "ProxyJump none\nProxyJump jump\nIdentityAgent none\n");
		assertThat(none.proxyJump()).isNull();
		assertThat(none.identityAgent()).isEqualTo("none");
		assertThat(resolve("db", "IdentityAgent SSH_AUTH_SOCK\n").identityAgent()).isEqualTo("SSH_AUTH_SOCK");
		assertThat(resolve("db", "IdentityAgent $SSH_AUTH_SOCK\n").identityAgent()).isEqualTo("SSH_AUTH_SOCK");
	}

	@Test
	void ignoresForwardsWithAnInfoAndUnknownKeywordsQuietly(CapturedOutput output) throws IOException {
		SshConfigEntry entry = resolve("db", """
				Host db
				  LocalForward 5432 localhost:5432
				  RemoteForward 8080 localhost:80
				  DynamicForward 1080
				  SomeFutureKeyword yes
				  Port 2222
				""");
		assertThat(entry.port()).isEqualTo(2222);
		assertThat(output).contains("localforward is ignored: the tunnel's forwards come from properties")
			.contains("remoteforward is ignored")
			.contains("dynamicforward is ignored")
			.doesNotContain("somefuturekeyword");
	}

	private SshConfigEntry resolve(String host, String content) throws IOException {
		return SshConfig.of(write("config", content)).resolve(host, null, null);
	}

	private Path write(String name, String content) throws IOException {
		return Files.writeString(this.temp.resolve(name), content);
	}

	private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String... fragments) {
		assertThatExceptionOfType(SshTunnelException.class).isThrownBy(call).satisfies((ex) -> {
			assertThat(ex.getReason()).isEqualTo(Reason.INVALID_CONFIGURATION);
			assertThat(ex.getMessage()).contains(SshConfig.PROPERTY).contains(fragments);
		});
	}

}
