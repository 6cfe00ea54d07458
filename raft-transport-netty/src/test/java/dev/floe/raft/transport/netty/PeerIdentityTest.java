package dev.floe.raft.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.Entry;
import dev.floe.raft.EntryType;
import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.message.Message;
import dev.floe.raft.message.TimeoutNow;
import dev.floe.raft.transport.netty.internal.Handshakes;
import dev.floe.raft.transport.netty.internal.MessageFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peer identity with TLS: a certificate the cluster trusts is not enough, it must name the node id
 * its holder claims (docs/security.md). Every certificate here is trusted by every node.
 */
class PeerIdentityTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    private static Path trusted;

    @BeforeAll
    static void certificates() throws Exception {
        TestCertificates.create(dir, "a", "b", "c");
        trusted = TestCertificates.trustBundle(dir, "cluster.pem", "a", "b", "c");
    }

    @Test
    void aMemberWithAValidCertificateForAnotherNodeIdCannotImpersonateIt() throws Exception {
        // The impostor holds c's (trusted) certificate and key, and claims to be b: the leader, say.
        try (TestNode a = TestNode.start("a", c -> c.tls(TestCertificates.mutual(dir, "a", trusted)));
             TestNode impostor = TestNode.start("b", c -> c.tls(TestCertificates.mutual(dir, "c", trusted)));
             LogCapture logs = new LogCapture()) {
            TestNode.connect(a, impostor);
            Await.until("a to refuse the impostor both as dialer and as dialled", WAIT, () -> {
                impostor.transport.send(new TimeoutNow(impostor.id, a.id, 9));
                a.transport.send(new HeartbeatRequest(a.id, impostor.id, 1, 0, 0));
                return !logs.linesContaining("handshake claims node b but certificate names").isEmpty()
                        && !logs.linesContaining("refused b at").isEmpty();
            });
            assertThat(a.received).as("nothing from the impostor reaches a's core").isEmpty();
            assertThat(impostor.received).as("a sends nothing to a node that cannot prove it is b").isEmpty();
            assertThat(a.transport.stats().messagesReceived()).isZero();
            assertThat(logs.linesContaining("handshake claims node b but certificate names"))
                    .allSatisfy(l -> assertThat(l).contains("refused connection from /127.0.0.1:").contains("[c, localhost]"));
            assertThat(logs.linesContaining("refused b at")).first().asString()
                    .contains("certificate names [c, localhost], not node id b");
        }
    }

    @Test
    void forgedAppendRequestAndTimeoutNowOverPlaintextAreRefusedByATlsNode() throws Exception {
        try (TestNode a = TestNode.start("a", c -> c.tls(TestCertificates.mutual(dir, "a", trusted)));
             TestNode b = TestNode.start("b", c -> c.tls(TestCertificates.mutual(dir, "b", trusted)))) {
            TestNode.connect(a, b);
            List<Message> forged = List.of(
                    new AppendRequest(b.id, a.id, 7, 0, 0,
                            List.of(new Entry(7, 1, EntryType.COMMAND, Bytes.utf8("forged"))), 1),
                    new TimeoutNow(b.id, a.id, 7));
            for (Message m : forged) {
                try (RawClient attacker = new RawClient(a.endpoint())) {
                    attacker.sendFrame(Handshakes.frame(TestNode.CLUSTER, b.id, a.id));
                    attacker.send(framed(m));
                    assertThat(attacker.awaitClosed(WAIT)).as("a closes the plaintext connection").isTrue();
                }
            }
            // TLS closes the connection before the refusal is counted: wait for the count.
            Await.until("both refusals counted", WAIT, () -> a.transport.stats().connectionsRejected() == 2);
            assertThat(a.received).isEmpty();
            assertThat(a.transport.stats().messagesReceived()).isZero();
            // The real b still gets through.
            b.transport.send(new HeartbeatRequest(b.id, a.id, 3, 0, 0));
            assertThat(a.next()).isEqualTo(new HeartbeatRequest(b.id, a.id, 3, 0, 0));
        }
    }

    private static byte[] framed(Message m) throws Exception {
        ByteBuf buf = MessageFrames.encode(UnpooledByteBufAllocator.DEFAULT, m, 1 << 20);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }
}
