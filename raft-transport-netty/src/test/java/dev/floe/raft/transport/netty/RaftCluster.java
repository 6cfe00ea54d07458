package dev.floe.raft.transport.netty;

import dev.floe.raft.Bytes;
import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.core.ProposeResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Three {@link RaftHost}s on loopback ports, each a peer of the others. */
final class RaftCluster implements AutoCloseable {
    final List<RaftHost> hosts = new ArrayList<>();

    RaftCluster(int size) throws Exception {
        List<NodeId> ids = new ArrayList<>();
        for (int i = 1; i <= size; i++) ids.add(NodeId.of("n" + i));
        ClusterConfig config = ClusterConfig.ofVoters(ids);
        try {
            for (int i = 0; i < size; i++) {
                NettyTransportConfig transportConfig = NettyTransportConfig
                        .builder(TestNode.CLUSTER, ids.get(i), new Endpoint("127.0.0.1", 0))
                        .backoff(TestNode.FAST_BACKOFF).ioThreads(1).build();
                hosts.add(new RaftHost(transportConfig, config, 1000 + i));
            }
            for (RaftHost a : hosts) {
                for (RaftHost b : hosts) if (a != b) a.transport.addPeer(b.id, b.endpoint());
            }
            hosts.forEach(RaftHost::start);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    RaftHost host(String id) {
        return hosts.stream().filter(h -> h.id.value().equals(id)).findFirst().orElseThrow();
    }

    RaftHost awaitLeader(Duration timeout) {
        return Await.value("a leader", timeout, () -> hosts.stream().filter(RaftHost::isLeader).findFirst().orElse(null));
    }

    /** Proposes {@code commands} in order at whichever node leads, retrying refused proposals. */
    void replicate(List<Bytes> commands, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Bytes command : commands) {
            while (true) {
                if (System.nanoTime() > deadline) throw new AssertionError("could not propose within " + timeout);
                Optional<RaftHost> leader = hosts.stream().filter(RaftHost::isLeader).findFirst();
                if (leader.isPresent()
                        && leader.get().propose(command).get(5, TimeUnit.SECONDS) instanceof ProposeResult.Accepted) {
                    break;
                }
                Thread.sleep(5);
            }
        }
    }

    /** Waits until every node has applied exactly {@code expected} (commands only, in order). */
    void awaitApplied(List<Bytes> expected, Duration timeout) {
        for (RaftHost host : hosts) {
            Await.until(host.id + " to apply " + expected.size() + " commands", timeout,
                    () -> host.appliedCommands().size() >= expected.size());
        }
        for (RaftHost host : hosts) {
            if (!host.appliedCommands().equals(expected)) {
                throw new AssertionError(host.id + " applied " + host.appliedCommands() + ", expected " + expected);
            }
        }
    }

    @Override
    public void close() {
        for (RaftHost host : hosts) host.close();
    }
}
