package dev.floe.raft.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.floe.raft.Endpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** raft-kv's security options and access file: what is accepted, what is refused, what is warned about. */
class KvSecurityOptionsTest {
    @TempDir
    Path dir;

    private static KvSecurity parse(Map<String, String> options) throws IOException {
        return KvSecurity.fromOptions(name -> Optional.ofNullable(options.get(name)));
    }

    @Test
    void tlsOptionsGoTogetherAndMustNameReadableFiles() throws Exception {
        Path cert = Files.writeString(dir.resolve("n1.crt"), "x");
        assertThatThrownBy(() -> parse(Map.of("--tls-cert", cert.toString())))
                .hasMessage("--tls-cert, --tls-key and --tls-ca go together");
        assertThatThrownBy(() -> parse(Map.of("--tls-cert", cert.toString(), "--tls-key", "missing.key", "--tls-ca", cert.toString())))
                .hasMessageContaining("--tls-key missing.key: no such readable file");
        KvSecurity plain = parse(Map.of());
        assertThat(plain.clusterId()).isEqualTo("raft-kv");
        assertThat(plain.scheme()).isEqualTo("http");
        assertThat(plain.peerTls()).isEmpty();
        KvSecurity tls = parse(Map.of("--tls-cert", cert.toString(), "--tls-key", cert.toString(), "--tls-ca", cert.toString(),
                "--cluster-id", "prod"));
        assertThat(tls.scheme()).isEqualTo("https");
        assertThat(tls.clusterId()).isEqualTo("prod");
        assertThat(tls.peerTls()).hasValueSatisfying(t -> assertThat(t.verifyHostname()).isTrue());
    }

    @Test
    void accessFileLinesAreCheckedWithTheirLineNumbers() throws Exception {
        assertThatThrownBy(() -> KvAccess.load(Files.writeString(dir.resolve("a"), "token short admin\n")))
                .hasMessageEndingWith("a:1: tokens must have at least 16 characters");
        assertThatThrownBy(() -> KvAccess.load(Files.writeString(dir.resolve("b"), "# c\ntoken 0123456789abcdef root\n")))
                .hasMessageEndingWith("b:2: role must be read, write or admin, not 'root'");
        assertThatThrownBy(() -> KvAccess.load(Files.writeString(dir.resolve("c"), "user bob admin\n")))
                .hasMessageContaining("c:1: expected");
        assertThatThrownBy(() -> KvAccess.load(Files.writeString(dir.resolve("d"), "# nobody\n")))
                .hasMessageEndingWith("no principals");
    }

    @Test
    void eachPathNeedsItsRole() throws Exception {
        KvAccess access = KvAccess.load(Files.writeString(dir.resolve("access"), """
                token reader-0123456789abcdef read
                token writer-0123456789abcdef write
                cert ops admin
                """));
        String read = "Bearer reader-0123456789abcdef";
        String write = "Bearer writer-0123456789abcdef";
        assertThat(access.check("GET", "/v1/kv/a", Optional.of(read), List.of(), Optional.empty())).isNull();
        assertThat(access.check("PUT", "/v1/kv/a", Optional.of(read), List.of(), Optional.empty()).status()).isEqualTo(403);
        assertThat(access.check("PUT", "/v1/kv/a", Optional.of(write), List.of(), Optional.empty())).isNull();
        assertThat(access.check("DELETE", "/v1/members/n2", Optional.of(write), List.of(), Optional.empty()).status()).isEqualTo(403);
        assertThat(access.check("DELETE", "/v1/members/n2", Optional.empty(), List.of("ops"), Optional.empty())).isNull();
        assertThat(access.check("POST", "/v1/leader", Optional.empty(), List.of("someone-else"), Optional.empty()).status()).isEqualTo(401);
        // A presented token decides alone, even on a connection with an admin certificate.
        assertThat(access.check("POST", "/v1/snapshot", Optional.of("Bearer wrong-0123456789abcdef"), List.of("ops"), Optional.empty()).status())
                .isEqualTo(401);
        assertThat(access.check("GET", "/v1/status", Optional.of("Basic xyz"), List.of(), Optional.empty()).status()).isEqualTo(401);
        assertThat(access.check("GET", "/health", Optional.empty(), List.of(), Optional.empty())).isNull();
    }

    @Test
    void aMembersOwnCertificateMayReadButNotWriteOrAdminister() throws Exception {
        KvAccess access = KvAccess.load(Files.writeString(dir.resolve("access"), "token writer-0123456789abcdef write\n"));
        Optional<String> n2 = Optional.of("n2");
        assertThat(access.check("GET", "/v1/node", Optional.empty(), List.of("n2"), n2)).isNull();
        assertThat(access.check("GET", "/v1/kv/a", Optional.empty(), List.of("n2"), n2)).isNull();
        assertThat(access.check("PUT", "/v1/kv/a", Optional.empty(), List.of("n2"), n2).status()).isEqualTo(403);
        assertThat(access.check("DELETE", "/v1/members/n3", Optional.empty(), List.of("n2"), n2).status()).isEqualTo(403);
        // Not a member (the caller's filter found no member named by the certificate): unauthenticated.
        assertThat(access.check("GET", "/v1/node", Optional.empty(), List.of("n9"), Optional.empty()).status()).isEqualTo(401);
        // A presented token still decides alone.
        assertThat(access.check("GET", "/v1/node", Optional.of("Bearer wrong-0123456789abcdef"), List.of("n2"), n2).status())
                .isEqualTo(401);
    }

    @Test
    void listeningBeyondLoopbackWithoutTlsOrAuthenticationIsWarnedAboutLoudly() {
        Logger logger = (Logger) LoggerFactory.getLogger(KvSecurity.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            KvSecurity.plaintext().warnIfExposed("n1", new Endpoint("127.0.0.1", 7001), new Endpoint("127.0.0.1", 8001));
            assertThat(appender.list).isEmpty();
            KvSecurity.plaintext().warnIfExposed("n1", new Endpoint("0.0.0.0", 7001), new Endpoint("0.0.0.0", 8001));
            assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(m -> assertThat(m).contains("TLS IS OFF"))
                    .anySatisfy(m -> assertThat(m).contains("NO AUTHENTICATION"));
        } finally {
            logger.detachAppender(appender);
        }
    }
}
