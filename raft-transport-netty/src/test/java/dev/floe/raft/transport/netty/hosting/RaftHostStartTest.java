package dev.floe.raft.transport.netty.hosting;

import dev.floe.raft.testkit.RecordingStateMachine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.Endpoint;
import dev.floe.raft.GroupId;
import dev.floe.raft.GroupStorage;
import dev.floe.raft.Member;
import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftHost;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.testkit.Await;
import dev.floe.raft.testkit.FreePorts;
import dev.floe.raft.testkit.MemoryHardStateStore;
import dev.floe.raft.testkit.MemoryLogStorage;
import dev.floe.raft.transport.netty.NettyHostTransport;
import dev.floe.raft.transport.netty.NettyTransportOptions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Starting groups: in parallel, and safely against a host that closes meanwhile. */
class RaftHostStartTest {
    private static final GroupId SLOW = GroupId.of("slow");
    private static final GroupId QUICK = GroupId.of("quick");

    /** A one-host set-up whose storage holds the slow group's open until released. */
    private static final class SlowDisk implements GroupStorage {
        final CountDownLatch opening = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public Stores open(GroupId group) {
            if (group.equals(SLOW)) {
                opening.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new Stores(new MemoryLogStorage(), new MemoryHardStateStore(), Optional.empty(), Optional.empty());
        }
    }

    private static RaftHost host(NodeId self, Endpoint listen, GroupStorage storage) throws Exception {
        RaftHost host = RaftHost.builder(self, new NettyHostTransport(NettyTransportOptions.builder("start", self, listen).build()),
                storage).options(HostCluster.HOST).build();
        host.start();
        return host;
    }

    @Test
    void aGroupWhoseStorageIsSlowDoesNotHoldUpAnotherGroupsStart() throws Exception {
        NodeId self = NodeId.of("h1");
        Endpoint listen = new Endpoint("127.0.0.1", FreePorts.next());
        List<Member> alone = List.of(Member.voter(self, listen, listen));
        SlowDisk disk = new SlowDisk();
        try (RaftHost host = host(self, listen, disk)) {
            CompletableFuture<RaftServer> slow = CompletableFuture.supplyAsync(() -> start(host, SLOW, alone));
            assertThat(disk.opening.await(10, TimeUnit.SECONDS)).isTrue();
            RaftServer quick = host.startGroup(QUICK, alone, new RecordingStateMachine(), HostCluster.FAST);
            assertThat(host.group(QUICK)).contains(quick);
            assertThat(slow).isNotDone();
            disk.release.countDown();
            slow.get(20, TimeUnit.SECONDS);
            assertThat(host.status().keySet()).containsExactly(QUICK, SLOW);
        }
    }

    @Test
    void aGroupStillStartingWhenTheHostClosesClosesItself() throws Exception {
        NodeId self = NodeId.of("h1");
        Endpoint listen = new Endpoint("127.0.0.1", FreePorts.next());
        List<Member> alone = List.of(Member.voter(self, listen, listen));
        SlowDisk disk = new SlowDisk();
        RaftHost host = host(self, listen, disk);
        CompletableFuture<RaftServer> slow = CompletableFuture.supplyAsync(() -> start(host, SLOW, alone));
        assertThat(disk.opening.await(10, TimeUnit.SECONDS)).isTrue();
        Thread closer = new Thread(host::close, "test-closer");
        closer.start();
        Await.until(HostCluster.WAIT, "close() to wait for the starting group", () -> closer.getState() == Thread.State.TIMED_WAITING);
        disk.release.countDown();
        assertThatThrownBy(() -> slow.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasRootCauseInstanceOf(IllegalStateException.class).hasMessageContaining("closed while group slow was starting");
        closer.join(20_000);
        assertThat(closer.isAlive()).isFalse();
        assertThat(host.group(SLOW)).isEmpty();
    }

    private static RaftServer start(RaftHost host, GroupId group, List<Member> members) {
        try {
            return host.startGroup(group, members, new RecordingStateMachine(), HostCluster.FAST);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
