package dev.floe.raft.benchmarks.transport;

import dev.floe.raft.Bytes;
import dev.floe.raft.Endpoint;
import dev.floe.raft.Entry;
import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.AppendResponse;
import dev.floe.raft.transport.netty.NettyTransport;
import dev.floe.raft.transport.netty.NettyTransportOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Two {@link NettyTransport}s on loopback, one event loop each: {@code leader} sends a fixed
 * AppendRequest, {@code follower} answers each with an AppendResponse from its inbound thread, as
 * a follower does. {@link #acked} counts the responses back at the leader.
 */
final class FloeLink implements AutoCloseable {
    static final NodeId LEADER = NodeId.of("leader");
    static final NodeId FOLLOWER = NodeId.of("follower");
    private static final long TERM = 7;

    final NettyTransport leader;
    final NettyTransport follower;
    final AppendRequest request;
    final AtomicLong acked = new AtomicLong();

    FloeLink(int entries, int entryBytes) throws Exception {
        request = appendRequest(entries, entryBytes);
        leader = transport(LEADER);
        follower = transport(FOLLOWER);
        try {
            follower.start(FOLLOWER, m -> {
                AppendRequest r = (AppendRequest) m;
                follower.send(AppendResponse.accepted(FOLLOWER, LEADER, r.term(), r.prevLogIndex() + r.entries().size()));
            });
            leader.start(LEADER, m -> acked.incrementAndGet());
            leader.addPeer(FOLLOWER, follower.localEndpoint());
            follower.addPeer(LEADER, leader.localEndpoint());
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** Sends one request and waits for its response (connects the link on first use). */
    void roundTrip() {
        long target = acked.get() + 1;
        leader.send(request);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (acked.get() < target) {
            if (System.nanoTime() > deadline) {
                // The first send can be dropped while the connection is still being dialled: send again.
                leader.send(request);
                deadline = System.nanoTime() + 10_000_000_000L;
            }
            LockSupport.parkNanos(100_000);
        }
    }

    /** The wire sizes of one request and one response frame, length prefixes included. */
    FrameSizes frameSizes() {
        roundTrip();
        long leaderBefore = leader.stats().bytesSent();
        long followerBefore = follower.stats().bytesSent();
        roundTrip();
        LockSupport.parkNanos(50_000_000); // let the stats settle after the response was handed over
        return new FrameSizes(Math.toIntExact(leader.stats().bytesSent() - leaderBefore),
                Math.toIntExact(follower.stats().bytesSent() - followerBefore));
    }

    @Override
    public void close() {
        if (leader != null) leader.close();
        if (follower != null) follower.close();
    }

    private static NettyTransport transport(NodeId self) {
        return new NettyTransport(NettyTransportOptions.builder("bench", self, new Endpoint("127.0.0.1", 0)).ioThreads(1).build());
    }

    private static AppendRequest appendRequest(int count, int entryBytes) {
        List<Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[entryBytes];
            Arrays.fill(data, (byte) i);
            entries.add(Entry.command(TERM, 1_000_001 + i, Bytes.wrap(data)));
        }
        return new AppendRequest(LEADER, FOLLOWER, TERM, 1_000_000, TERM, entries, 999_000);
    }

    /** Bytes on the wire of one request and of one response. */
    record FrameSizes(int request, int response) {
    }
}
