package dev.floe.raft.testkit;

import dev.floe.raft.Bytes;
import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Endpoint;
import dev.floe.raft.Member;
import dev.floe.raft.NodeId;
import dev.floe.raft.StateMachine;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.RaftServerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * What every test cluster of real {@link RaftServer}s shares, whatever carries its traffic: members
 * {@code n1..n<size>} (and more that join later), each started, stopped and restarted by id on
 * plugs that outlive it, and the bounded waits tests need (a leader everyone follows, a
 * configuration in force, a condition on every member's state machine).
 *
 * <p>The two kinds are {@link LocalCluster} (in-process network and in-memory storage, this jar)
 * and {@code SocketCluster} (Netty on loopback sockets and any storage, raft-transport-netty's test
 * jar). A subclass says where members live ({@link #address}) and how one is launched
 * ({@link #launch}); {@link #startServer} builds the server every kind launches the same way.
 *
 * @param <M> what a test looks at per member (its state machine, or a whole program's node)
 * @param <C> the subclass, so {@link #startAll()} chains
 */
public abstract class ServerCluster<M, C extends ServerCluster<M, C>> implements AutoCloseable {
    /** How long the waits below wait for the cluster. */
    public static final Duration WAIT = Duration.ofSeconds(15);

    /**
     * A launched member.
     *
     * @param server  its started server
     * @param machine what tests look at
     * @param closer  stops the member (the server and whatever runs beside it)
     * @param <M>     the type of {@code machine}
     */
    public record Launched<M>(RaftServer server, M machine, AutoCloseable closer) {
    }

    /** Adds a member's transport and storage to its builder. */
    @FunctionalInterface
    public interface Plugs {
        /** Adds them to {@code builder}. */
        void plug(RaftServer.Builder builder) throws IOException;
    }

    /** Options every member's server is built with. */
    protected final RaftServerOptions options;
    private int size;
    private final Map<Integer, Member> addresses = new HashMap<>();
    private final Map<NodeId, Launched<M>> running = new LinkedHashMap<>();
    private final Map<NodeId, M> machines = new LinkedHashMap<>();
    private final Map<NodeId, RecordingListener> events = new LinkedHashMap<>();
    private final List<BiConsumer<RaftServer.Builder, NodeId>> settings = new ArrayList<>();

    /**
     * @param size    the founding members, {@code n1..n<size>}
     * @param options what every member's server is built with
     */
    protected ServerCluster(int size, RaftServerOptions options) {
        this.size = size;
        this.options = options;
    }

    /** Member {@code i}'s addresses; asked once per member, so ports stay across restarts. */
    protected abstract Member address(int i);

    /** Starts a member that knows {@code members} (joining a running group when {@code joining}). */
    protected abstract Launched<M> launch(Member self, Collection<Member> members, boolean joining) throws IOException;

    /** {@return this cluster, typed as the subclass} */
    protected abstract C self();

    /** The id of member {@code i}. */
    public static NodeId id(int i) {
        return NodeId.of("n" + i);
    }

    /** A member on loopback: raft and client address on ports of their own. */
    protected static Member loopback(int i) {
        return Member.voter(id(i), new Endpoint("127.0.0.1", FreePorts.next()), new Endpoint("127.0.0.1", FreePorts.next()));
    }

    /** Member {@code i}, a voter. */
    public synchronized Member member(int i) {
        return addresses.computeIfAbsent(i, this::address);
    }

    /** Member {@code id} ({@code n<i>}), a voter. */
    public Member member(NodeId id) {
        return member(Integer.parseInt(id.value().substring(1)));
    }

    /** Members {@code ids}, voters. */
    public List<Member> members(int... ids) {
        List<Member> list = new ArrayList<>();
        for (int i : ids) list.add(member(i));
        return list;
    }

    /** The founding members. */
    public List<Member> founders() {
        List<Member> list = new ArrayList<>();
        for (int i = 1; i <= size; i++) list.add(member(i));
        return list;
    }

    /** The founding members' ids. */
    public List<NodeId> ids() {
        return founders().stream().map(Member::id).toList();
    }

    /** The founding members' client addresses. */
    public List<Endpoint> clientEndpoints() {
        return founders().stream().map(Member::client).toList();
    }

    /** The founding members' client addresses by id. */
    public Map<NodeId, Endpoint> clients() {
        Map<NodeId, Endpoint> clients = new LinkedHashMap<>();
        for (Member m : founders()) clients.put(m.id(), m.client());
        return clients;
    }

    /** {@code id}'s client address. */
    public Endpoint clientEndpoint(NodeId id) {
        return member(id).client();
    }

    /** Adds a setting to every server built from now on (snapshot options, session expiry, a listener per id, ...). */
    public C configure(BiConsumer<RaftServer.Builder, NodeId> setting) {
        settings.add(setting);
        return self();
    }

    /** Starts every founding member that is not running. */
    public C startAll() {
        for (NodeId id : ids()) {
            if (!running.containsKey(id)) start(id);
        }
        return self();
    }

    /** Starts members {@code n1..n<n>} as a new group of {@code n} voters: from now on they are the founders. */
    public C bootstrap(int n) {
        size = n;
        return startAll();
    }

    /** Submits {@code command} to {@code leader} and waits (bounded) for its result. */
    public static Bytes write(RaftServer leader, String command) throws Exception {
        return leader.submit(Bytes.utf8(command)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Starts founding member {@code id} on its existing storage (a restart when it ran before). */
    public RaftServer start(NodeId id) {
        return start(member(id), founders(), false);
    }

    /** Starts member {@code i} knowing {@code members}; {@code joining} when it is new to a running group. */
    public RaftServer start(int i, Collection<Member> members, boolean joining) {
        return start(member(i), members, joining);
    }

    /** Starts new member {@code i}, given the current members as {@code from} knows them. */
    public RaftServer startJoining(int i, RaftServer from) {
        ClusterConfig config = from.status().config();
        List<Member> current = new ArrayList<>();
        for (NodeId m : config.allMembers()) current.add(member(m).withVoter(config.isVoter(m)));
        return start(member(i), current, true);
    }

    private RaftServer start(Member self, Collection<Member> members, boolean joining) {
        Launched<M> launched;
        try {
            launched = launch(self, members, joining);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        running.put(self.id(), launched);
        machines.put(self.id(), launched.machine());
        return launched.server();
    }

    /**
     * Builds and starts a server for {@code self} with this cluster's options and settings and a
     * {@link RecordingListener} kept across restarts; {@code plugs} adds its transport and storage.
     */
    protected final RaftServer startServer(Member self, Collection<Member> members, boolean joining,
                                           StateMachine machine, Plugs plugs) throws IOException {
        RaftServer.Builder builder = RaftServer.builder()
                .id(self.id())
                .members(members)
                .stateMachine(machine)
                .listener(events(self.id()))
                .options(options);
        if (joining) builder.joining();
        plugs.plug(builder);
        settings.forEach(s -> s.accept(builder, self.id()));
        RaftServer server = builder.build();
        server.start();
        return server;
    }

    /** Stops {@code id}; its storage stays for a restart and its machine stays readable. */
    public void stop(NodeId id) {
        Launched<M> launched = running.remove(id);
        if (launched == null) return;
        try {
            launched.closer().close();
        } catch (Exception e) {
            throw new IllegalStateException("closing " + id, e);
        }
    }

    /** {@code id}'s running server, or null. */
    public RaftServer server(NodeId id) {
        Launched<M> launched = running.get(id);
        return launched == null ? null : launched.server();
    }

    /** Member {@code i}'s running server, or null. */
    public RaftServer server(int i) {
        return server(id(i));
    }

    /** What {@code id} ran with last (readable after it stopped). */
    public M machine(NodeId id) {
        return machines.get(id);
    }

    /** What {@code id} reported, across its restarts. */
    public synchronized RecordingListener events(NodeId id) {
        return events.computeIfAbsent(id, k -> new RecordingListener());
    }

    /** The running servers. */
    public List<RaftServer> running() {
        return running.values().stream().map(Launched::server).toList();
    }

    /** The running members' ids. */
    public List<NodeId> runningIds() {
        return List.copyOf(running.keySet());
    }

    /** A running server other than {@code leader}. */
    public RaftServer anyFollower(RaftServer leader) {
        return running().stream().filter(s -> s != leader).findFirst().orElseThrow();
    }

    /** The single running member that says it leads and that every running member follows. */
    public RaftServer awaitLeader() {
        return awaitLeader(null);
    }

    /** The one server among {@code among} (those running) that leads and that all of them follow. */
    public RaftServer awaitLeader(Collection<NodeId> among) {
        return Await.value(WAIT, "a leader all running members " + (among == null ? "" : "of " + among + " ") + "agree on", () -> {
            List<RaftServer> candidates = among == null ? running()
                    : among.stream().map(this::server).filter(s -> s != null).toList();
            List<RaftServer> leaders = candidates.stream().filter(s -> s.status().isLeader()).toList();
            if (leaders.size() != 1) return Optional.empty();
            RaftServer leader = leaders.get(0);
            boolean agreed = candidates.stream().allMatch(s -> s.status().leader().equals(Optional.of(leader.id())));
            return agreed ? Optional.of(leader) : Optional.empty();
        });
    }

    /** Waits until every running server in {@code ids} has {@code config} in force. */
    public void awaitConfig(Collection<NodeId> ids, ClusterConfig config) {
        Await.until(WAIT, "members " + ids + " to use " + config, () ->
                ids.stream().map(this::server).filter(s -> s != null).allMatch(s -> s.status().config().equals(config)));
    }

    /** Waits until the machine of every running member satisfies {@code condition}. */
    public void awaitMachines(String what, Predicate<M> condition) {
        Await.until(WAIT, "every running member " + what, () ->
                runningIds().stream().allMatch(id -> condition.test(machines.get(id))));
    }

    /** Waits until the machines of {@code ids} (running or not) satisfy {@code condition}. */
    public void awaitMachines(Collection<NodeId> ids, String what, Predicate<M> condition) {
        Await.until(WAIT, ids + " " + what, () -> ids.stream().allMatch(id -> machines.get(id) != null && condition.test(machines.get(id))));
    }

    /** Waits until {@code id}'s machine satisfies {@code condition}. */
    public void awaitMachine(NodeId id, String what, Predicate<M> condition) {
        awaitMachines(List.of(id), what, condition);
    }

    /** Stops every running member. */
    @Override
    public void close() {
        for (NodeId id : runningIds()) stop(id);
    }
}
