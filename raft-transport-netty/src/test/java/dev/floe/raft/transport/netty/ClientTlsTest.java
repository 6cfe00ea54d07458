package dev.floe.raft.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.Bytes;
import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.testkit.FreePorts;
import dev.floe.raft.transport.netty.internal.ClientFrames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client endpoint over mutual TLS (docs/security.md, "Clients"): only a client whose
 * certificate the trusted certificates vouch for and, when the endpoint names its clients, whose
 * certificate names one of them gets a command in. Every refused client changes nothing.
 */
class ClientTlsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    private static SocketCluster<IndexedMachine> cluster;
    private static RaftServer leader;
    private static RaftClientEndpoint endpoint;
    private static Endpoint address;

    @BeforeAll
    static void start() throws Exception {
        TestCertificates.create(dir, "member", "alice", "mallory", "stranger");
        // The member trusts the clients the CA would have signed (here: each self-signed certificate
        // but the stranger's); the clients trust the member's certificate.
        Path membersTrust = TestCertificates.trustBundle(dir, "members-trust.pem", "member", "alice", "mallory");
        cluster = IndexedMachine.cluster();
        leader = cluster.awaitLeader();
        address = new Endpoint("127.0.0.1", FreePorts.next());
        endpoint = RaftClientEndpoint.builder(SocketCluster.CLUSTER, leader, address)
                .tls(TestCertificates.mutual(dir, "member", membersTrust))
                .authorizedClients(Set.of("alice"))
                .build().start();
    }

    @AfterAll
    static void stop() {
        if (endpoint != null) endpoint.close();
        if (cluster != null) cluster.close();
    }

    private static RaftClient client(String id) {
        return RaftClient.builder(SocketCluster.CLUSTER).members(List.of(address))
                .tls(TestCertificates.mutual(dir, id, dir.resolve("member.crt")))
                .retryBudget(0).requestTimeout(Duration.ofSeconds(3)).build();
    }

    @Test
    void anAuthorizedClientWritesOverTls() throws Exception {
        try (RaftClient alice = client("alice")) {
            Bytes result = alice.submit(Bytes.utf8("from alice")).get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(applied(IndexedMachine.index(result))).isEqualTo(Bytes.utf8("from alice"));
        }
    }

    @Test
    void aTrustedCertificateThatNamesNoAuthorizedClientIsRefusedWithTheReason() {
        try (LogCapture logs = new LogCapture(); RaftClient mallory = client("mallory")) {
            assertThatThrownBy(() -> mallory.submit(Bytes.utf8("from mallory")).get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("certificate names [mallory")
                    .hasMessageContaining("not an authorized client");

            assertThat(logs.linesContaining("refused client connection")).anyMatch(l -> l.contains("not an authorized client"));
            assertThat(appliedCommands()).doesNotContain(Bytes.utf8("from mallory"));
        }
    }

    @Test
    void aCertificateTheMemberDoesNotTrustFailsTheTlsHandshake() {
        try (RaftClient stranger = client("stranger")) {
            assertThatThrownBy(() -> stranger.submit(Bytes.utf8("from a stranger")).get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    // Refused by the TLS handshake: never delivered, so a definite failure, not an unknown outcome.
                    .hasCauseInstanceOf(RaftClientException.class)
                    .hasMessageContaining("TLS handshake failed");

            assertThat(appliedCommands()).doesNotContain(Bytes.utf8("from a stranger"));
        }
    }

    @Test
    void aPlaintextClientIsRefusedBeforeItsHandshakeIsRead() throws Exception {
        // From an address of its own: refusals are logged once per source per interval.
        try (LogCapture logs = new LogCapture(); RawClient plain = new RawClient(address, "127.0.0.3")) {
            plain.sendFrame(ClientFrames.handshake(SocketCluster.CLUSTER, "plain"));
            plain.sendFrame(ClientFrames.submit(1, "plain", 1, 0, Bytes.utf8("from plaintext")));

            assertThat(plain.awaitClosed(WAIT)).isTrue();
            Await.until("the member logs the refusal", WAIT, () -> !logs.linesContaining("expected TLS, got plaintext").isEmpty());
            assertThat(appliedCommands()).doesNotContain(Bytes.utf8("from plaintext"));
        }
    }

    @Test
    void namingClientsWithoutTlsIsRefusedAtBuild() {
        assertThatThrownBy(() -> RaftClientEndpoint.builder(SocketCluster.CLUSTER, leader, address)
                .authorizedClients(Set.of("alice")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs tls");
    }

    private static Bytes applied(long index) {
        return cluster.machine(leader.id()).applied.get(index);
    }

    private static List<Bytes> appliedCommands() {
        return List.copyOf(cluster.machine(leader.id()).applied.values());
    }
}
