package dev.floe.raft.server;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.GroupId;
import dev.floe.raft.GroupStorage;
import dev.floe.raft.HostTransport;
import dev.floe.raft.Member;
import dev.floe.raft.NodeId;
import dev.floe.raft.StateMachine;
import dev.floe.raft.Transport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many Raft groups in one process (multi-Raft), on shared parts: one {@link HostTransport} (one
 * connection per pair of processes, frames tagged with their group), three fixed {@link Scheduler#pool
 * pools} of threads (consensus, disk, user code: see {@link RaftHostOptions}), and one
 * {@link GroupStorage} that opens each group's stores. A host is a member of a group at most once,
 * under its own node id; a group's members are hosts.
 *
 * <pre>{@code
 * NettyHostTransport transport = new NettyHostTransport(NettyTransportOptions.builder("kv", self, listen).build());
 * try (FileGroupStorage storage = FileGroupStorage.open(root, StorageOptions.defaults());
 *      RaftHost host = RaftHost.builder(self, transport, storage).build()) {
 *     host.start();
 *     RaftServer g7 = host.startGroup(GroupId.of("g7"), members, new Counter(), RaftServerOptions.defaults());
 *     g7.submit(Bytes.utf8("add 1"));
 * }
 * }</pre>
 *
 * <p>Each group is an ordinary {@link RaftServer} (submit, read, membership, transfer, status) built
 * on the host's parts; {@link #removeGroup} closes one at run time and {@link #status()} lists them
 * all. A group is always driven by one thread at a time (its consensus loop is one serial activity),
 * so the consensus core stays single-threaded; a group whose state machine is slow or blocked holds
 * one user thread and stalls only itself.
 *
 * <p>Every group logs under the host's node id; during its activities' runs the slf4j logging context
 * holds its group id under {@code floe.group} (show it with {@code %X{floe.group}} in a pattern).
 *
 * <p>The host also runs one maintenance activity on the consensus pool: every
 * {@link RaftHostOptions#pingInterval()} it pings each peer host it shares a group with, and when a
 * peer host has been silent for {@link RaftHostOptions#suspectAfter()} it tells every local group led
 * by that host at once (so that groups that went quiet do not each wait out their own timeouts);
 * with {@link RaftHostOptions#balanceInterval()} it also balances leaders ({@link #balanceLeaders()}).
 *
 * <p>Lifecycle: build, {@link #start()}, start and remove groups, {@link #close()} once (which closes
 * every group, the transport and the pools). Thread-safe.
 */
public final class RaftHost implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftHost.class);
    private static final long PEER_RESCAN_NANOS = 30_000_000_000L;

    private enum State { NEW, RUNNING, CLOSED }

    private final NodeId self;
    private final HostTransport transport;
    private final GroupStorage storage;
    private final RaftHostOptions options;
    private final Clock clock;
    /** The runtime given to the builder, or empty: the host then makes (and closes) its pools. */
    private final Optional<GivenRuntime> given;
    private final ConcurrentSkipListMap<GroupId, RaftServer> groups = new ConcurrentSkipListMap<>();
    private final HostLiveness liveness;
    private final Object lifecycle = new Object();
    /** Groups whose start is under way (guarded by {@link #lifecycle}). */
    private final Set<GroupId> starting = new java.util.HashSet<>();
    private volatile State state = State.NEW;
    private Scheduler consensus;
    private Scheduler disk;
    private Scheduler user;
    private final List<Scheduler.Pool> owned = new ArrayList<>();
    private Scheduler.Activity maintenance;
    private volatile boolean stopping;
    /** Maintenance activity only. */
    private long nextBalance;
    /** Maintenance activity only: the peer hosts of every local group as of the last scan, and hosts heard from since. */
    private Set<NodeId> peers = new TreeSet<>();
    /** When the maintenance activity scans the groups for peer hosts again; a new group makes it now. */
    private volatile long nextPeerScan;

    /** A runtime SPI given to the builder instead of the host's own pools. */
    private record GivenRuntime(Scheduler consensus, Scheduler disk, Scheduler user, Clock clock) {
    }

    private RaftHost(NodeId self, HostTransport transport, GroupStorage storage, RaftHostOptions options, Optional<GivenRuntime> given) {
        this.self = self;
        this.transport = transport;
        this.storage = storage;
        this.options = options;
        this.given = given;
        this.clock = given.map(GivenRuntime::clock).orElse(Clock.system());
        this.liveness = new HostLiveness(clock, options.suspectAfter().toNanos());
    }

    /**
     * Starts describing the host of node {@code self}.
     *
     * @param self      this host's node id: its member id in every group it joins
     * @param transport the transport its groups share; the host starts and closes it
     * @param storage   opens each group's stores
     * @return a builder
     */
    public static Builder builder(NodeId self, HostTransport transport, GroupStorage storage) {
        return new Builder(self, transport, storage);
    }

    /** {@return this host's node id} */
    public NodeId id() {
        return self;
    }

    /**
     * Starts the thread pools, the transport and the maintenance activity.
     *
     * @throws IOException           if the transport cannot start
     * @throws IllegalStateException if already started or closed
     */
    public void start() throws IOException {
        synchronized (lifecycle) {
            if (state != State.NEW) throw new IllegalStateException("host " + self + " is " + state);
            String prefix = "floe-" + self.value() + "-";
            if (given.isPresent()) {
                consensus = given.get().consensus();
                disk = given.get().disk();
                user = given.get().user();
            } else {
                consensus = own(Scheduler.pool(prefix + "consensus", options.consensusThreads(), options.timerSlot()));
                disk = own(Scheduler.pool(prefix + "disk", options.diskThreads(), options.timerSlot()));
                user = own(Scheduler.pool(prefix + "user", options.userThreads(), options.timerSlot()));
            }
            try {
                transport.start(self, liveness::heard);
            } catch (Exception e) {
                owned.forEach(Scheduler.Pool::close);
                transport.close();
                state = State.CLOSED;
                if (e instanceof IOException io) throw io;
                if (e instanceof RuntimeException r) throw r;
                throw new IOException("transport of host " + self + " failed to start: " + e.getMessage(), e);
            }
            nextBalance = clock.nanoTime() + options.balanceInterval().toNanos();
            maintenance = consensus.start(prefix + "host", this::maintain);
            state = State.RUNNING;
            LOG.info("host {} started ({} consensus, {} disk, {} user threads)", self, options.consensusThreads(),
                    options.diskThreads(), options.userThreads());
        }
    }

    private Scheduler.Pool own(Scheduler.Pool pool) {
        owned.add(pool);
        return pool;
    }

    /**
     * Starts group {@code group} on this host with {@code members} (hosts, with their raft and
     * client addresses), {@code stateMachine} and {@code serverOptions}: the group's stores are
     * opened with the host's {@link GroupStorage} and its server is started.
     *
     * @param group         the group's id
     * @param members       the group's initial voters and learners, this host among them
     * @param stateMachine  the group's state machine (this member's)
     * @param serverOptions the group's tuning
     * @return the group's running server
     * @throws IOException           if its storage cannot be opened or read
     * @throws IllegalStateException if the host is not running or already runs the group
     */
    public RaftServer startGroup(GroupId group, Collection<Member> members, StateMachine stateMachine,
                                 RaftServerOptions serverOptions) throws IOException {
        Objects.requireNonNull(members, "members");
        Objects.requireNonNull(stateMachine, "stateMachine");
        Objects.requireNonNull(serverOptions, "serverOptions");
        return startGroup(group, b -> b.members(members).stateMachine(stateMachine).options(serverOptions));
    }

    /**
     * Starts group {@code group} described by {@code describe}, which sets what a group chooses on
     * its {@link RaftServer.Builder} (members, or {@link RaftServer.Builder#joining()}, the state
     * machine, options, snapshot options, session expiry, listeners). The host then sets what it
     * owns, overriding the description: the id (this host's), the runtime (its pools), the transport,
     * the stores and the fatal-error hook (a group that fails is removed from the host).
     *
     * @param group    the group's id
     * @param describe fills in the group's part of the builder
     * @return the group's running server
     * @throws IOException           if its storage cannot be opened or read
     * @throws IllegalStateException if the host is not running or already runs the group
     */
    public RaftServer startGroup(GroupId group, Consumer<RaftServer.Builder> describe) throws IOException {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(describe, "describe");
        synchronized (lifecycle) {
            if (state != State.RUNNING) throw new IllegalStateException("host " + self + " is " + state);
            if (groups.containsKey(group) || !starting.add(group)) {
                throw new IllegalStateException("host " + self + " already runs group " + group);
            }
        }
        // Opening the stores and recovering the group take disk time: groups start in parallel when
        // called from several threads; only the bookkeeping holds the lock.
        try {
            return open(group, describe);
        } finally {
            synchronized (lifecycle) {
                starting.remove(group);
                lifecycle.notifyAll();
            }
        }
    }

    private RaftServer open(GroupId group, Consumer<RaftServer.Builder> describe) throws IOException {
        GroupStorage.Stores stores = storage.open(group);
        Transport groupTransport = null;
        RaftServer[] built = new RaftServer[1];
        RaftServer server;
        try {
            groupTransport = transport.group(group);
            RaftServer.Builder builder = RaftServer.builder();
            describe.accept(builder);
            builder.id(self)
                    .runtime(new GroupScheduler(consensus, group), new GroupScheduler(disk, group),
                            new GroupScheduler(user, group), clock)
                    .transport(groupTransport)
                    .storage(stores.log(), stores.hardState())
                    .onFatal(health -> {
                        if (built[0] != null && groups.remove(group, built[0])) {
                            LOG.error("host {}: group {} stopped after a fatal error and was removed: {}", self, group, health);
                        }
                    });
            stores.snapshots().ifPresent(builder::snapshotStore);
            stores.owner().ifPresent(builder::closeWith);
            server = builder.build();
        } catch (RuntimeException e) {
            if (groupTransport != null) groupTransport.close();
            closeStores(group, stores);
            throw e;
        }
        built[0] = server;
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        synchronized (lifecycle) {
            if (state == State.RUNNING) {
                groups.put(group, server);
                nextPeerScan = clock.nanoTime(); // its members may be hosts not pinged yet
                LOG.info("host {} started group {}", self, group);
                return server;
            }
        }
        server.close();
        throw new IllegalStateException("host " + self + " closed while group " + group + " was starting");
    }

    private void closeStores(GroupId group, GroupStorage.Stores stores) {
        List<AutoCloseable> all = new ArrayList<>(List.of(stores.log(), stores.hardState()));
        stores.snapshots().ifPresent(all::add);
        stores.owner().ifPresent(all::add);
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("host {}: closing a store of group {} failed", self, group, e);
            }
        }
    }

    /**
     * Stops group {@code group} on this host at run time: closes its server (which fails its pending
     * requests, detaches it from the transport and closes its stores). Its data stays where the
     * {@link GroupStorage} keeps it; remove this member from the group first
     * ({@link RaftServer#removeMember}) if the group should go on without it.
     *
     * @param group the group
     * @return whether the host ran it
     */
    public boolean removeGroup(GroupId group) {
        RaftServer server;
        synchronized (lifecycle) {
            server = groups.remove(Objects.requireNonNull(group, "group"));
        }
        if (server == null) return false;
        server.close();
        LOG.info("host {} removed group {}", self, group);
        return true;
    }

    /**
     * The server of group {@code group} on this host.
     *
     * @param group the group
     * @return its server, or empty when the host does not run it
     */
    public Optional<RaftServer> group(GroupId group) {
        return Optional.ofNullable(groups.get(group));
    }

    /** {@return the groups this host runs and their servers, in group order; a snapshot} */
    public SortedMap<GroupId, RaftServer> groups() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(groups));
    }

    /**
     * Every group this host runs with its latest status (role, term, leader, commit and applied
     * index, configuration), in group order. Any thread, never blocks.
     *
     * @return the groups' statuses
     */
    public SortedMap<GroupId, ServerStatus> status() {
        SortedMap<GroupId, ServerStatus> all = new TreeMap<>();
        groups.forEach((id, server) -> all.put(id, server.status()));
        return Collections.unmodifiableSortedMap(all);
    }

    /**
     * Moves leaderships away from this host while, among the groups with the same voters as one it
     * leads (which every one of those voters sees alike), it leads at least two more than another
     * of the voters (so each such class of groups ends with its leaders spread evenly, within one,
     * and the transfers stop), by leadership
     * transfer (thesis §3.10) to the voters that lead the fewest. Each host balances its own
     * leaderships: run it on every host (or set {@link RaftHostOptions#balanceInterval()}). Never
     * blocks.
     *
     * @return a future of the number of transfers that completed (failed ones are not counted)
     */
    public CompletableFuture<Integer> balanceLeaders() {
        if (state != State.RUNNING) return CompletableFuture.completedFuture(0);
        SortedMap<GroupId, ServerStatus> status = status();
        Map<GroupId, NodeId> plan = LeaderBalancer.plan(self, status);
        AtomicInteger done = new AtomicInteger();
        List<CompletableFuture<?>> transfers = new ArrayList<>();
        plan.forEach((group, target) -> {
            RaftServer server = groups.get(group);
            if (server == null) return;
            LOG.info("host {} hands the leadership of group {} to {} (term {})", self, group, target, status.get(group).term());
            transfers.add(server.transferLeadership(target).handle((ok, failed) -> {
                if (failed == null) done.incrementAndGet();
                else LOG.debug("host {}: transfer of group {} to {} failed: {}", self, group, target, failed.toString());
                return null;
            }));
        });
        return CompletableFuture.allOf(transfers.toArray(CompletableFuture[]::new)).thenApply(v -> done.get());
    }

    /** The maintenance activity: ping peer hosts, report silent ones, balance when due. */
    private long maintain() {
        if (stopping) return Scheduler.DONE;
        long now = clock.nanoTime();
        if (now - nextPeerScan >= 0) {
            // Which hosts share a group with us changes only with membership: the groups are scanned when
            // one starts, and otherwise every 30 s, not at every ping (with 1,000 groups that scan was most
            // of an idle host's CPU). A group's traffic tells its peers we are alive meanwhile.
            nextPeerScan = now + PEER_RESCAN_NANOS;
            Set<NodeId> scanned = new TreeSet<>();
            for (RaftServer server : groups.values()) {
                ClusterConfig config = server.status().config();
                scanned.addAll(config.voters());
                scanned.addAll(config.votersOutgoing());
                scanned.addAll(config.learners());
            }
            scanned.remove(self);
            peers = scanned;
        }
        // A host that joined one of our groups since the scan (a replica moved there) talks to us: watch
        // it now, not at the next scan. Else, were it to lead that group and die once the group went quiet,
        // no host would suspect it and the group would sleep without a leader until the next scan.
        liveness.addRecentlyHeard(peers, self, now);
        for (NodeId peer : peers) transport.ping(peer);
        for (NodeId suspect : liveness.newlySuspected(peers, now)) {
            int led = 0;
            for (RaftServer server : groups.values()) {
                if (server.status().leader().filter(suspect::equals).isPresent()) {
                    server.peerSuspected(suspect);
                    led++;
                }
            }
            LOG.warn("host {}: peer host {} silent for {} ms; told the {} local groups it led", self, suspect,
                    options.suspectAfter().toMillis(), led);
        }
        if (!options.balanceInterval().isZero() && now - nextBalance >= 0) {
            nextBalance = now + options.balanceInterval().toNanos();
            balanceLeaders();
        }
        return now + options.pingInterval().toNanos();
    }

    /**
     * Closes every group (each as {@link RaftServer#close()}), the maintenance activity, the
     * transport and the thread pools. Idempotent.
     */
    @Override
    public void close() {
        List<RaftServer> closing;
        synchronized (lifecycle) {
            if (state == State.CLOSED) return;
            boolean started = state == State.RUNNING;
            state = State.CLOSED;
            // Groups still starting see the state when they are done, and close themselves.
            long waitUntil = clock.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (!starting.isEmpty() && clock.nanoTime() - waitUntil < 0) {
                try {
                    lifecycle.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            closing = new ArrayList<>(groups.values());
            groups.clear();
            if (!started) {
                transport.close();
                return;
            }
        }
        closeAll(closing);
        stopping = true;
        maintenance.wake();
        try {
            maintenance.awaitDone(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        transport.close();
        owned.forEach(Scheduler.Pool::close);
        LOG.info("host {} closed", self);
    }

    /**
     * At most this many groups close at once: each close waits for its own activities only. A host
     * that owns its pools (the production runtime) may own these short-lived closer threads too.
     */
    private static final int PARALLEL_CLOSES = 8;

    private void closeAll(List<RaftServer> servers) {
        if (owned.isEmpty()) {
            // Driven by a runtime it was given (a simulator): no thread of its own, close on the caller's.
            servers.forEach(RaftServer::close);
            return;
        }
        java.util.concurrent.ConcurrentLinkedQueue<RaftServer> queue = new java.util.concurrent.ConcurrentLinkedQueue<>(servers);
        List<Thread> closers = new ArrayList<>();
        for (int i = 0; i < Math.min(PARALLEL_CLOSES, servers.size()); i++) {
            Thread t = new Thread(() -> {
                for (RaftServer s; (s = queue.poll()) != null; ) s.close();
            }, "floe-" + self.value() + "-close-" + i);
            t.setDaemon(true);
            closers.add(t);
            t.start();
        }
        for (Thread t : closers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Builds a {@link RaftHost}. */
    public static final class Builder {
        private final NodeId self;
        private final HostTransport transport;
        private final GroupStorage storage;
        private RaftHostOptions options = RaftHostOptions.defaults();
        private Optional<GivenRuntime> runtime = Optional.empty();

        private Builder(NodeId self, HostTransport transport, GroupStorage storage) {
            this.self = Objects.requireNonNull(self, "self");
            this.transport = Objects.requireNonNull(transport, "transport");
            this.storage = Objects.requireNonNull(storage, "storage");
        }

        /**
         * Tuning; {@link RaftHostOptions#defaults()} when not given.
         *
         * @param value the options
         * @return this builder
         */
        public Builder options(RaftHostOptions value) {
            options = Objects.requireNonNull(value, "options");
            return this;
        }

        /**
         * The runtime SPI to run every group (and the host's maintenance) on, instead of the pools
         * the host would make from {@link RaftHostOptions#consensusThreads()} and the other sizes: a
         * deterministic simulator passes its scheduler (three times) and its clock to run whole hosts
         * in simulated time. The host does not close them.
         *
         * @param consensus where the consensus loops and the host's maintenance run
         * @param disk      where the activities that wait for the disk run
         * @param user      where the activities that run user code run
         * @param time      the clock they all run on
         * @return this builder
         */
        public Builder runtime(Scheduler consensus, Scheduler disk, Scheduler user, Clock time) {
            runtime = Optional.of(new GivenRuntime(Objects.requireNonNull(consensus, "consensus"), Objects.requireNonNull(disk, "disk"),
                    Objects.requireNonNull(user, "user"), Objects.requireNonNull(time, "clock")));
            return this;
        }

        /** {@return the host, not started} */
        public RaftHost build() {
            return new RaftHost(self, transport, storage, options, runtime);
        }
    }
}
