package dev.floe.raft.testkit;

import dev.floe.raft.Endpoint;
import dev.floe.raft.Member;
import dev.floe.raft.StateMachine;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.RaftServerOptions;
import dev.floe.raft.server.SnapshotOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * The in-process test cluster: real {@link RaftServer}s (real threads and clock) over a
 * {@link LocalNetwork}, with {@link MemoryStores} that outlive each server. Member {@code i} is
 * {@code n<i>} with made-up addresses ({@code raft-n<i>.example:700<i>}, {@code client-n<i>.example:900<i>})
 * that only {@code NotLeaderException}s show.
 *
 * @param <M> the state machine every start of a member gets a fresh one of
 */
public final class LocalCluster<M extends StateMachine> extends ServerCluster<M, LocalCluster<M>> {
    /** Fast timings for tests: 20 ms ticks, elections after 200-400 ms. */
    public static final RaftServerOptions FAST = RaftServerOptions.builder()
            .tickInterval(Duration.ofMillis(20))
            .electionTicks(10, 1)
            .requestTimeout(Duration.ofSeconds(5))
            .build();

    /** The network every member's transport is on. */
    public final LocalNetwork network = new LocalNetwork();
    /** Every member's log, hard state and snapshots. */
    public final MemoryStores stores;
    private final Supplier<M> machines;

    /** A cluster of {@code size} members without snapshots. */
    public LocalCluster(int size, RaftServerOptions options, Supplier<M> machines) {
        this(size, options, machines, new MemoryStores(false));
    }

    /** A cluster of {@code size} members with snapshot stores and {@code snapshots}. */
    public LocalCluster(int size, RaftServerOptions options, Supplier<M> machines, SnapshotOptions snapshots) {
        this(size, options, machines, new MemoryStores(true));
        configure((b, id) -> b.snapshotOptions(snapshots));
    }

    private LocalCluster(int size, RaftServerOptions options, Supplier<M> machines, MemoryStores stores) {
        super(size, options);
        this.machines = machines;
        this.stores = stores;
    }

    /** A cluster of {@code size} members that record the commands they apply. */
    public static LocalCluster<RecordingStateMachine> recording(int size, RaftServerOptions options) {
        return new LocalCluster<>(size, options, RecordingStateMachine::new);
    }

    @Override
    protected Member address(int i) {
        return Member.voter(id(i), new Endpoint("raft-n" + i + ".example", 7000 + i), new Endpoint("client-n" + i + ".example", 9000 + i));
    }

    @Override
    protected Launched<M> launch(Member self, Collection<Member> members, boolean joining) throws IOException {
        M machine = machines.get();
        RaftServer server = startServer(self, members, joining, machine, b -> {
            b.transport(network.transport(self.id()));
            stores.plug(b, self.id());
        });
        return new Launched<>(server, machine, server);
    }

    @Override
    protected LocalCluster<M> self() {
        return this;
    }
}
