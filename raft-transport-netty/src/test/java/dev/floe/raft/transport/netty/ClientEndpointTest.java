package dev.floe.raft.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.transport.netty.internal.ClientFrames;
import dev.floe.raft.transport.proto.ClientResponse;
import dev.floe.raft.transport.proto.Frame;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The member side of the client protocol, driven by hand-made frames over a plain socket. */
class ClientEndpointTest {
    private static SocketCluster<IndexedMachine> cluster;
    private static NodeId leader;

    @BeforeAll
    static void startCluster() {
        cluster = IndexedMachine.cluster();
        leader = cluster.awaitLeader().id();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) cluster.close();
    }

    private static RawClient connect(NodeId member, String clientId) throws Exception {
        return connect(member, clientId, "127.0.0.1");
    }

    private static RawClient connect(NodeId member, String clientId, String localHost) throws Exception {
        RawClient raw = new RawClient(cluster.clientEndpoint(member), localHost);
        assertThat(raw.sendFrame(ClientFrames.handshake(SocketCluster.CLUSTER, clientId))).isTrue();
        return raw;
    }

    @Test
    void aFollowerRedirectsASubmitToTheLeadersClientEndpoint() throws Exception {
        NodeId follower = cluster.anyFollower(cluster.server(leader)).id();
        try (RawClient raw = connect(follower, "redirected")) {
            raw.sendFrame(ClientFrames.submit(7, "redirected", 1, 0, Bytes.utf8("x")));
            ClientResponse response = raw.readFrame(Duration.ofSeconds(5)).getClientResponse();

            assertThat(response.getRequestId()).isEqualTo(7);
            assertThat(response.hasNotLeader()).isTrue();
            assertThat(response.getNotLeader().getMemberId()).isEqualTo(follower.value());
            assertThat(response.getNotLeader().getLeaderId()).isEqualTo(leader.value());
            Endpoint leaderEndpoint = cluster.clientEndpoint(leader);
            assertThat(response.getNotLeader().getLeaderHost()).isEqualTo(leaderEndpoint.host());
            assertThat(response.getNotLeader().getLeaderPort()).isEqualTo(leaderEndpoint.port());
        }
    }

    @Test
    void pipelinedSubmitsAreAnsweredInOrderOnOneConnection() throws Exception {
        int count = 300;
        try (RawClient raw = connect(leader, "pipeline")) {
            // Every request in one write: the member must keep them all outstanding at once.
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 1; i <= count; i++) {
                all.write(RawClient.framed(ClientFrames.submit(i, "pipeline", i, 0, Bytes.utf8("cmd-" + i)).toByteArray()));
            }
            assertThat(raw.send(all.toByteArray())).isTrue();

            List<Long> ids = new ArrayList<>();
            List<Long> indexes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ClientResponse r = raw.readFrame(Duration.ofSeconds(10)).getClientResponse();
                assertThat(r.hasOk()).as("response %s", r).isTrue();
                ids.add(r.getRequestId());
                indexes.add(r.getOk().getResult().asReadOnlyByteBuffer().getLong());
            }
            assertThat(ids).isSorted().doesNotHaveDuplicates().hasSize(count).startsWith(1L).endsWith((long) count);
            assertThat(indexes).isSorted().doesNotHaveDuplicates();
            IndexedMachine machine = cluster.machine(leader);
            for (int i = 0; i < count; i++) {
                assertThat(machine.applied.get(indexes.get(i)).toUtf8()).isEqualTo("cmd-" + (i + 1));
            }
        }
    }

    @Test
    void queriesAreAnsweredAndAFailingQueryIsAnError() throws Exception {
        try (RawClient raw = connect(cluster.anyFollower(cluster.server(leader)).id(), "reader")) {
            raw.sendFrame(ClientFrames.query(1, Bytes.utf8("count")));
            raw.sendFrame(ClientFrames.query(2, Bytes.utf8("fail")));
            ClientResponse first = raw.readFrame(Duration.ofSeconds(5)).getClientResponse();
            ClientResponse second = raw.readFrame(Duration.ofSeconds(5)).getClientResponse();
            ClientResponse ok = first.getRequestId() == 1 ? first : second;
            ClientResponse failed = first.getRequestId() == 2 ? first : second;
            assertThat(ok.hasOk()).as("%s", ok).isTrue();
            assertThat(Integer.parseInt(ok.getOk().getResult().toStringUtf8())).isGreaterThanOrEqualTo(0);
            assertThat(failed.hasError()).as("%s", failed).isTrue();
            assertThat(failed.getError().getMessage()).contains("refused by the test machine");
        }
    }

    @Test
    void badFramesCloseOnlyThatConnectionWithOneLogLine() throws Exception {
        // Three sources: refusals log one line per source per interval (RateLimitedLogTest).
        try (LogCapture logs = new LogCapture();
             RawClient good = connect(leader, "good");
             RawClient garbage = new RawClient(cluster.clientEndpoint(leader), "127.0.0.2");
             RawClient peerFrame = connect(leader, "confused", "127.0.0.3");
             RawClient wrongSession = connect(leader, "session-a", "127.0.0.4")) {
            garbage.send(RawClient.framed(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}));
            peerFrame.sendFrame(Frame.newBuilder().setTimeoutNow(
                    dev.floe.raft.transport.proto.TimeoutNow.newBuilder().setTerm(1)).build());
            wrongSession.sendFrame(ClientFrames.submit(1, "session-b", 1, 0, Bytes.utf8("x")));

            assertThat(garbage.awaitClosed(Duration.ofSeconds(5))).isTrue();
            assertThat(peerFrame.awaitClosed(Duration.ofSeconds(5))).isTrue();
            assertThat(wrongSession.awaitClosed(Duration.ofSeconds(5))).isTrue();
            Await.until("three log lines", Duration.ofSeconds(5),
                    () -> logs.linesContaining("closed client connection").size() >= 3);
            assertThat(logs.linesContaining(":" + garbage.localPort() + " ")).hasSize(1);
            assertThat(logs.linesContaining(":" + peerFrame.localPort() + " ")).hasSize(1)
                    .allMatch(l -> l.contains("TIMEOUT_NOW"));
            assertThat(logs.linesContaining(":" + wrongSession.localPort() + " ")).hasSize(1)
                    .allMatch(l -> l.contains("session-b"));

            // The well-behaved connection on the same member still works.
            good.sendFrame(ClientFrames.submit(1, "good", 1, 0, Bytes.utf8("still fine")));
            assertThat(good.readFrame(Duration.ofSeconds(5)).getClientResponse().hasOk()).isTrue();
        }
    }

    @Test
    void aLargeFrameBeforeTheClientHandshakeIsRefusedWithoutBufferingIt() throws Exception {
        try (LogCapture logs = new LogCapture();
             RawClient probe = new RawClient(cluster.clientEndpoint(leader), "127.0.0.5")) {
            probe.send(java.nio.ByteBuffer.allocate(4).putInt(16 << 20).array());
            assertThat(probe.awaitClosed(Duration.ofSeconds(5))).isTrue();
            Await.until("the refusal line", Duration.ofSeconds(5),
                    () -> !logs.linesContaining("frame length 16777216 exceeds the maximum of 4096 before the handshake").isEmpty());
        }
    }

    @Test
    void aWrongClusterIdIsToldToTheClientThenTheConnectionCloses() throws Exception {
        try (RawClient raw = new RawClient(cluster.clientEndpoint(leader))) {
            raw.sendFrame(ClientFrames.handshake("another-cluster", "lost"));
            ClientResponse response = raw.readFrame(Duration.ofSeconds(5)).getClientResponse();
            assertThat(response.getRequestId()).isZero();
            assertThat(response.getError().getMessage()).contains("wrong cluster id 'another-cluster'");
            assertThat(raw.awaitClosed(Duration.ofSeconds(5))).isTrue();
        }
        try (RaftClient client = RaftClient.builder("another-cluster").members(cluster.clientEndpoints()).build()) {
            assertThat(client.submit(Bytes.utf8("x")))
                    .failsWithin(5, TimeUnit.SECONDS)
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(RaftClientException.class)
                    .withMessageContaining("wrong cluster id");
        }
    }
}
