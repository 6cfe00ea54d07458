package dev.floe.raft.server;

import dev.floe.raft.testkit.Await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.NodeId;
import dev.floe.raft.Transport;
import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.message.Message;
import dev.floe.raft.testkit.LocalNetwork;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The in-memory network the runtime tests run on: delivery, faults, lifecycle. */
class LocalNetworkTest {
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");
    private static final NodeId C = NodeId.of("c");

    private static Message ping(NodeId from, NodeId to) {
        return new HeartbeatRequest(from, to, 1, 0, 0);
    }

    @Test
    void deliversOnTheReceiversThreadAndHonoursFaults() throws Exception {
        LocalNetwork net = new LocalNetwork();
        List<String> seen = new CopyOnWriteArrayList<>();
        Transport a = net.transport(A);
        Transport b = net.transport(B);
        Transport c = net.transport(C);
        a.start(A, m -> seen.add("a<-" + m.from() + "@" + Thread.currentThread().getName()));
        b.start(B, m -> seen.add("b<-" + m.from() + "@" + Thread.currentThread().getName()));
        c.start(C, m -> seen.add("c<-" + m.from()));
        try {
            a.send(ping(A, B));
            Await.until(Duration.ofSeconds(5), "delivery", () -> seen.contains("b<-a@floe-b-localnet"));

            net.isolate(A);
            a.send(ping(A, B));
            b.send(ping(B, A));
            net.partition(List.of(A, B));
            net.heal();
            net.partition(List.of(A));
            b.send(ping(B, C)); // same side: delivered
            c.send(ping(C, A)); // across: dropped
            Await.until(Duration.ofSeconds(5), "delivery within a side", () -> seen.contains("c<-b"));
            assertThat(net.dropped()).isEqualTo(3);

            net.heal();
            net.dropProbability(1.0);
            c.send(ping(C, B));
            assertThat(net.dropped()).isEqualTo(4);
            net.heal();
            c.send(ping(C, NodeId.of("absent")));
            assertThat(net.dropped()).isEqualTo(5);
            assertThat(net.delivered()).isEqualTo(2);
            assertThat(seen).hasSize(2);
            assertThatThrownBy(() -> net.transport(A).start(A, m -> { }))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already started");
        } finally {
            a.close();
            b.close();
            c.close();
        }
        Await.until(Duration.ofSeconds(5), "delivery threads to end", () -> Await.floeThreads().isEmpty());
    }
}
