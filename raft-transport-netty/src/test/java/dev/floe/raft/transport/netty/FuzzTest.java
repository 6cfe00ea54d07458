package dev.floe.raft.transport.netty;

import dev.floe.raft.testkit.FreePorts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.testkit.RecordingStateMachine;
import dev.floe.raft.testkit.ServerCluster;
import dev.floe.raft.transport.netty.internal.Handshakes;
import dev.floe.raft.transport.netty.internal.MessageCodec;
import dev.floe.raft.transport.proto.Frame;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random and mutated frames at one member of a live three-node Raft cluster; the
 * cluster must keep replicating and the member's connections to the others must stay up.
 *
 * <p>Mutated frames that still decode come from "fuzzer", a node the transport knows but the Raft
 * configuration does not, so they are dropped before the server ({@link PeersOnlyTransport}); the
 * transport itself sees and counts them.
 */
class FuzzTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final NodeId FUZZER = NodeId.of("fuzzer");
    private static final int CASES = 3000;

    @Test
    void aNodeUnderRandomAndMutatedFramesKeepsReplicating() throws Exception {
        try (SocketCluster<RecordingStateMachine> cluster = new SocketCluster<>(3, SocketCluster.FAST, RecordingStateMachine::new)
                .wrapTransports(PeersOnlyTransport::new).startAll()) {
            List<String> before = RaftClusterTest.commands("before", 50);
            RaftClusterTest.replicate(cluster, before);

            NodeId targetId = ServerCluster.id(1);
            NettyTransport target = cluster.transport(targetId);
            target.addPeer(FUZZER, new Endpoint("127.0.0.1", FreePorts.next()));
            Random random = new Random(20240601);
            RandomMessages messages = new RandomMessages(5);
            for (int i = 0; i < CASES; i++) {
                try (RawClient client = new RawClient(target.localEndpoint())) {
                    client.send(fuzzCase(random, messages, targetId));
                }
            }

            List<String> after = RaftClusterTest.commands("after", 50);
            RaftClusterTest.replicate(cluster, after);
            List<String> all = new ArrayList<>(before);
            all.addAll(after);
            RaftClusterTest.awaitApplied(cluster, all);

            // Many cases still decode or end cleanly at a frame boundary; a good share must have been refused.
            Await.until("the node to refuse a share of the fuzz connections", WAIT, () -> {
                TransportStats s = target.stats();
                return s.decodeErrors() + s.connectionsRejected() >= CASES / 5;
            });
            assertThat(target.stats().messagesReceived()).as("mutated frames that still decode").isPositive();
            for (NodeId id : cluster.ids()) assertThat(cluster.transport(id).stats().reconnects()).as("%s reconnects", id).isZero();
        }
    }

    /** The bytes one fuzz connection sends. */
    private static byte[] fuzzCase(Random random, RandomMessages messages, NodeId target) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] handshake = Handshakes.frame(SocketCluster.CLUSTER, FUZZER, target).toByteArray();
        byte[] message = MessageCodec.encode(messages.any(FUZZER, target)).toByteArray();
        switch (random.nextInt(6)) {
            case 0 -> out.writeBytes(randomBytes(random, 1 + random.nextInt(300)));
            case 1 -> {
                out.writeBytes(RawClient.framed(handshake));
                out.writeBytes(RawClient.framed(mutate(random, message)));
            }
            case 2 -> {
                out.writeBytes(RawClient.framed(handshake));
                out.writeBytes(ByteBuffer.allocate(4).putInt(random.nextInt()).array());
                out.writeBytes(message);
            }
            case 3 -> {
                out.writeBytes(RawClient.framed(mutate(random, handshake)));
                out.writeBytes(RawClient.framed(message));
            }
            case 4 -> {
                out.writeBytes(RawClient.framed(handshake));
                for (int i = random.nextInt(5); i > 0; i--) {
                    out.writeBytes(RawClient.framed(MessageCodec.encode(messages.any(FUZZER, target)).toByteArray()));
                }
                byte[] cut = RawClient.framed(message);
                out.write(cut, 0, random.nextInt(cut.length));
            }
            default -> {
                out.writeBytes(RawClient.framed(handshake));
                out.writeBytes(RawClient.framed(randomBytes(random, random.nextInt(200))));
            }
        }
        return out.toByteArray();
    }

    private static byte[] mutate(Random random, byte[] original) {
        byte[] copy = original.clone();
        if (copy.length == 0) return randomBytes(random, 8);
        for (int i = 1 + random.nextInt(4); i > 0; i--) {
            int at = random.nextInt(copy.length);
            switch (random.nextInt(3)) {
                case 0 -> copy[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> copy[at] = (byte) random.nextInt(256);
                default -> copy[at] = (byte) 0xff;
            }
        }
        return copy;
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }
}
