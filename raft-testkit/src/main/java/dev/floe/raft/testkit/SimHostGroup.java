package dev.floe.raft.testkit;

import dev.floe.raft.Endpoint;
import dev.floe.raft.GroupId;
import dev.floe.raft.Member;
import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.ServerStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * One Raft group of a {@link SimHostCluster}, with its own client, history, apply log and
 * {@link RaftInvariants}. Its replica {@code i} is the one on host {@code i}: three hosts at the
 * start ({@link #placement}), others added as voters during the run (started {@code joining}); a
 * host removed from the group stops running it and never joins it again (its disk keeps the old
 * state, which a real operator would wipe first). A cold group's client stays idle for long
 * stretches (1-2.5 s), long enough for it to quiesce; a warm one's for 0.2-0.6 s now and then.
 */
final class SimHostGroup implements SimClient.Service {
    final GroupId id;
    /** The hosts of its first three members. */
    final int[] placement;
    final boolean cold;
    /** Its initial members, with their addresses. */
    final List<Member> members = new ArrayList<>();
    private final SimHostCluster sim;
    /** Replica i's running server, or null while host i is down or does not run the group. */
    final RaftServer[] servers;
    /** Whether host i runs the group (whenever it is up). */
    final boolean[] runsOn;
    /** Whether host i was ever a member: a removed host never joins again. */
    final boolean[] everMember;
    /** Whether host i joined at run time (it starts with {@code joining()}). */
    final boolean[] joined;
    final ApplyLog applyLog = new ApplyLog();
    final History history = new History();
    final RaftInvariants invariants;
    final SimClient client;
    private long idleUntil;
    /** The highest term a replica was seen leading. */
    long highestLedTerm;

    SimHostGroup(SimHostCluster sim, GroupId id, int[] placement, boolean cold, int clientId) {
        this.sim = sim;
        this.id = id;
        this.placement = placement;
        this.cold = cold;
        int n = sim.hosts.length;
        this.servers = new RaftServer[n];
        this.runsOn = new boolean[n];
        this.everMember = new boolean[n];
        this.joined = new boolean[n];
        for (int host : placement) {
            members.add(member(host));
            runsOn[host] = true;
            everMember[host] = true;
        }
        this.invariants = new RaftInvariants(this);
        this.client = new SimClient(this, clientId);
    }

    /** Host {@code host} as a voter of this group. */
    Member member(int host) {
        NodeId node = sim.hosts[host].id;
        return Member.voter(node, new Endpoint(node.value() + ".sim", 7000), new Endpoint(node.value() + ".sim", 8000));
    }

    /** The replica of this group on host {@code host} (its index), or -1 when the host does not run it. */
    int replicaOn(int host) {
        return runsOn[host] ? host : -1;
    }

    /** A host that runs the group, at random. */
    @Override
    public int pick(java.util.random.RandomGenerator random) {
        int count = 0;
        for (boolean on : runsOn) if (on) count++;
        int k = random.nextInt(count);
        for (int i = 0; i < runsOn.length; i++) if (runsOn[i] && k-- == 0) return i;
        throw new IllegalStateException("group " + id + " runs nowhere");
    }

    /** Idle periods of this group's workload, until the faults end. */
    void idlePeriod() {
        SimWorld world = sim.world;
        if (world.now() >= sim.faultEnd()) return;
        long idle = cold ? 1_000 + world.random.nextInt(1_500) : 200 + world.random.nextInt(400);
        long active = cold ? 100 + world.random.nextInt(300) : 300 + world.random.nextInt(1_000);
        idleUntil = world.now() + idle * SimShape.MS;
        world.at(idleUntil + active * SimShape.MS, null, this::idlePeriod);
    }

    /** Checks the invariants after an event; a violation names this group. */
    void afterEvent() {
        try {
            invariants.afterEvent();
        } catch (SimulationViolation v) {
            throw named(v);
        }
    }

    void atEnd() {
        try {
            invariants.atEnd();
        } catch (SimulationViolation v) {
            throw named(v);
        }
    }

    SimulationViolation named(SimulationViolation v) {
        return new SimulationViolation(v.property, "group " + id + ": " + v.getMessage());
    }

    @Override
    public SimWorld world() {
        return sim.world;
    }

    @Override
    public SimShape shape() {
        return sim.shape.base();
    }

    @Override
    public History history() {
        return history;
    }

    @Override
    public ApplyLog applyLog() {
        return applyLog;
    }

    @Override
    public SimStats stats() {
        return sim.stats;
    }

    @Override
    public OperationGenerator commands() {
        return sim.commands;
    }

    @Override
    public OperationGenerator queries() {
        return sim.queries;
    }

    @Override
    public SimProcess process(int i) {
        return sim.hosts[i].process;
    }

    @Override
    public long faultEnd() {
        return sim.faultEnd();
    }

    @Override
    public long idleUntil() {
        return idleUntil;
    }

    @Override
    public long newOperation() {
        return sim.newOperation();
    }

    @Override
    public void note(String line) {
        sim.note(id + ": " + line);
    }

    @Override
    public boolean traceOperations() {
        return sim.traceOperations;
    }

    @Override
    public void probing(SimClient probe) {
        throw new UnsupportedOperationException("no probes in host simulations");
    }

    @Override
    public int size() {
        return servers.length;
    }

    @Override
    public RaftServer server(int i) {
        return servers[i];
    }

    @Override
    public SimDisk disk(int i) {
        return sim.hosts[i].disk(id);
    }

    @Override
    public NodeId id(int i) {
        return sim.hosts[i].id;
    }

    @Override
    public int indexOf(NodeId member) {
        for (int i = 0; i < servers.length; i++) if (sim.hosts[i].id.equals(member)) return i;
        return -1;
    }

    @Override
    public int leader() {
        int best = -1;
        long term = -1;
        for (int i = 0; i < servers.length; i++) {
            if (servers[i] == null || process(i).paused()) continue;
            ServerStatus s = servers[i].status();
            if (s.isLeader() && s.term() > term) {
                term = s.term();
                best = i;
            }
        }
        return best;
    }

    @Override
    public void leaderElected(int i, long term) {
        highestLedTerm = Math.max(highestLedTerm, term);
        sim.stats.elections++;
        note(id(i) + " leads term " + term);
    }

    @Override
    public String describeNodes() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < servers.length; i++) {
            SimHost host = sim.hosts[i];
            if (!runsOn[i] && servers[i] == null) continue;
            sb.append("    ").append(id).append(" on ").append(host.id).append(": ");
            if (!host.up()) sb.append("host down");
            else if (servers[i] == null) sb.append("group stopped on this host");
            else sb.append(host.process.paused() ? "paused " : "").append(servers[i].status());
            sb.append('\n');
        }
        return sb.toString();
    }

    @Override
    public long healMillis() {
        return sim.shape.base().healNanos() / SimShape.MS;
    }
}
