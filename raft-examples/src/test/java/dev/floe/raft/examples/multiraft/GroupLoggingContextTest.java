package dev.floe.raft.examples.multiraft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.Endpoint;
import dev.floe.raft.GroupId;
import dev.floe.raft.GroupStorage;
import dev.floe.raft.Member;
import dev.floe.raft.NodeId;
import dev.floe.raft.StateMachine;
import dev.floe.raft.server.RaftHost;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.RaftServerOptions;
import dev.floe.raft.testkit.Await;
import dev.floe.raft.testkit.FreePorts;
import dev.floe.raft.testkit.MemoryHardStateStore;
import dev.floe.raft.testkit.MemoryLogStorage;
import dev.floe.raft.transport.netty.NettyHostTransport;
import dev.floe.raft.transport.netty.NettyTransportOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * On a {@link RaftHost} every group logs under the host's node id; its activities' runs carry the
 * group id in the logging context (checked here with logback, whose MDC works, unlike the NOP
 * binding of the library modules' tests).
 */
class GroupLoggingContextTest {

    /** Answers every command with the group id found in the logging context while applying it. */
    private static final class ContextEcho implements StateMachine {
        @Override
        public Bytes apply(long index, Bytes command) {
            return Bytes.utf8(String.valueOf(MDC.get("floe.group")));
        }

        @Override
        public Bytes read(Bytes query) {
            return Bytes.EMPTY;
        }

        @Override
        public void writeSnapshot(OutputStream out) {
        }

        @Override
        public void restoreSnapshot(InputStream in) {
        }
    }

    @Test
    void aGroupsActivitiesRunWithItsIdInTheLoggingContext() throws Exception {
        NodeId self = NodeId.of("h1");
        Endpoint listen = new Endpoint("127.0.0.1", FreePorts.next());
        NettyHostTransport transport = new NettyHostTransport(NettyTransportOptions.builder("mdc", self, listen).build());
        GroupStorage memory = group -> new GroupStorage.Stores(new MemoryLogStorage(), new MemoryHardStateStore(),
                Optional.empty(), Optional.empty());
        RaftServerOptions fast = RaftServerOptions.builder().tickInterval(Duration.ofMillis(20)).electionTicks(10, 1).build();
        try (RaftHost host = RaftHost.builder(self, transport, memory).build()) {
            host.start();
            List<Member> alone = List.of(Member.voter(self, listen, listen));
            RaftServer a = host.startGroup(GroupId.of("orders-3"), alone, new ContextEcho(), fast);
            RaftServer b = host.startGroup(GroupId.of("users-7"), alone, new ContextEcho(), fast);
            Await.until(Duration.ofSeconds(10), "both groups to elect this host", () ->
                    a.status().leader().isPresent() && b.status().leader().isPresent());
            assertThat(a.submit(Bytes.utf8("x")).get(10, TimeUnit.SECONDS).toUtf8()).isEqualTo("orders-3");
            assertThat(b.submit(Bytes.utf8("y")).get(10, TimeUnit.SECONDS).toUtf8()).isEqualTo("users-7");
        }
        assertThat(MDC.get("floe.group")).isNull();
    }
}
