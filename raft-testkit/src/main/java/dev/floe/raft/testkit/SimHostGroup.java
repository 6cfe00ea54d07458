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
 * One Raft group of a {@link SimHostCluster}: three replicas, each on a host (replica {@code i} is
 * always on host {@code placement[i]}), with its own clients, history, apply log and
 * {@link RaftInvariants}. A cold group's clients stay idle for long stretches (1-2.5 s), long
 * enough for it to quiesce; a warm one's for 0.2-0.6 s now and then.
 */
final class SimHostGroup implements SimClient.Service {
    final GroupId id;
    final int[] placement;
    final boolean cold;
    final List<Member> members = new ArrayList<>();
    private final SimHostCluster sim;
    /** Replica i's running server, or null while its host is down or the group is stopped there. */
    final RaftServer[] servers;
    final ApplyLog applyLog = new ApplyLog();
    final History history = new History();
    final RaftInvariants invariants;
    final SimClient client;
    private long idleUntil;

    SimHostGroup(SimHostCluster sim, GroupId id, int[] placement, boolean cold, int clientId) {
        this.sim = sim;
        this.id = id;
        this.placement = placement;
        this.cold = cold;
        this.servers = new RaftServer[placement.length];
        for (int host : placement) {
            NodeId member = sim.hosts[host].id;
            Endpoint address = new Endpoint(member.value() + ".sim", 7000);
            members.add(Member.voter(member, address, address));
        }
        this.invariants = new RaftInvariants(this);
        this.client = new SimClient(this, clientId);
    }

    /** The replica of this group on host {@code host}, or -1. */
    int replicaOn(int host) {
        for (int i = 0; i < placement.length; i++) if (placement[i] == host) return i;
        return -1;
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
        return sim.hosts[placement[i]].process;
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
        return placement.length;
    }

    @Override
    public RaftServer server(int i) {
        return servers[i];
    }

    @Override
    public SimDisk disk(int i) {
        return sim.hosts[placement[i]].disk(id);
    }

    @Override
    public NodeId id(int i) {
        return sim.hosts[placement[i]].id;
    }

    @Override
    public int indexOf(NodeId member) {
        for (int i = 0; i < placement.length; i++) if (sim.hosts[placement[i]].id.equals(member)) return i;
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
        sim.stats.elections++;
        note(id(i) + " leads term " + term);
    }

    @Override
    public String describeNodes() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < servers.length; i++) {
            SimHost host = sim.hosts[placement[i]];
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
