package dev.floe.raft.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.NodeId;
import dev.floe.raft.message.HeartbeatRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS with certificates generated for the test. */
class TlsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    private static Path trusted;

    @BeforeAll
    static void certificates() throws Exception {
        TestCertificates.create(dir, "a", "b", "rogue");
        // a and b trust each other; rogue's certificate is in nobody's trust file but its own.
        trusted = TestCertificates.trustBundle(dir, "cluster.pem", "a", "b");
    }

    @Test
    void nodesWithTrustedCertificatesTalk() throws Exception {
        try (TestNode a = TestNode.start("a", c -> c.tls(TestCertificates.mutual(dir, "a", trusted)));
             TestNode b = TestNode.start("b", c -> c.tls(TestCertificates.mutual(dir, "b", trusted)))) {
            TestNode.connect(a, b);
            RandomMessages random = new RandomMessages(3);
            for (Class<? extends dev.floe.raft.message.Message> type : RandomMessages.TYPES) {
                var m = random.of(type, a.id, b.id);
                a.transport.send(m);
                assertThat(b.next()).isEqualTo(m);
            }
            b.transport.send(new HeartbeatRequest(b.id, a.id, 4, 0, 0));
            assertThat(a.next()).isEqualTo(new HeartbeatRequest(b.id, a.id, 4, 0, 0));
            assertThat(a.transport.stats().connectionsRejected()).isZero();
        }
    }

    @Test
    void aNodeWithoutATrustedCertificateIsRefused() throws Exception {
        Path rogueTrust = TestCertificates.trustBundle(dir, "rogue-trust.pem", "a", "b", "rogue");
        try (TestNode a = TestNode.start("a", c -> c.tls(TestCertificates.mutual(dir, "a", trusted)));
             TestNode rogue = TestNode.start("rogue", c -> c.tls(TestCertificates.mutual(dir, "rogue", rogueTrust)));
             LogCapture logs = new LogCapture()) {
            // a even lists rogue as a peer: the certificate alone must keep it out.
            TestNode.connect(a, rogue);
            Await.until("a to refuse rogue's TLS handshake", WAIT, () -> {
                rogue.transport.send(new HeartbeatRequest(rogue.id, a.id, 1, 0, 0));
                return a.transport.stats().connectionsRejected() > 0;
            });
            assertThat(a.received).isEmpty();
            assertThat(a.transport.stats().messagesReceived()).isZero();
            List<String> lines = logs.linesContaining("refused connection from");
            assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l).contains("127.0.0.1").contains("TLS handshake failed"));
        }
    }

    @Test
    void aPlaintextNodeIsRefusedByATlsNode() throws Exception {
        try (TestNode a = TestNode.start("a", c -> c.tls(TestCertificates.mutual(dir, "a", trusted)));
             TestNode plain = TestNode.start("b", c -> c);
             LogCapture logs = new LogCapture()) {
            TestNode.connect(a, plain);
            Await.until("a to refuse the plaintext connection", WAIT, () -> {
                plain.transport.send(new HeartbeatRequest(plain.id, a.id, 1, 0, 0));
                return a.transport.stats().connectionsRejected() > 0;
            });
            assertThat(a.received).isEmpty();
            assertThat(logs.linesContaining("refused connection from")).isNotEmpty()
                    .allSatisfy(l -> assertThat(l).endsWith("expected TLS, got plaintext"));
        }
    }

    @Test
    void aTlsDialerDoesNotTrustAnUnknownServer() throws Exception {
        try (TestNode rogue = TestNode.start("rogue", c -> c.tls(TestCertificates.mutual(dir, "rogue", trusted)));
             TestNode a = TestNode.start("a", c -> c.tls(TestCertificates.mutual(dir, "a", trusted)))) {
            TestNode.connect(a, rogue);
            // a dials rogue, whose certificate a does not trust: nothing is delivered, the drops are counted.
            Await.until("a's messages to rogue to be dropped", WAIT, () -> {
                a.transport.send(new HeartbeatRequest(a.id, NodeId.of("rogue"), 1, 0, 0));
                return a.transport.stats().messagesDropped() > 0;
            });
            assertThat(rogue.received).isEmpty();
        }
    }
}
