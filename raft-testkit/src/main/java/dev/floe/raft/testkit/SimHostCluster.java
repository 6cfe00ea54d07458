package dev.floe.raft.testkit;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.GroupId;
import dev.floe.raft.NodeId;
import dev.floe.raft.StateMachine;
import dev.floe.raft.server.RaftHost;
import dev.floe.raft.server.RaftServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One simulated run of a few hosts running many Raft groups (multi-Raft) through the real
 * {@link RaftHost}: each host's process runs its host — maintenance (pings, failure detector,
 * leader balancing) and every group's server — on a {@link SimProcess}, its groups' stores on
 * per-group {@link SimDisk}s, and a {@link SimHostTransport} (one link per pair of hosts, group-tagged
 * frames, coalesced heartbeats, pings) over the {@link SimNetwork}. Each group has three replicas
 * placed on the hosts in turn, its own client and its own checks.
 *
 * <p>Faults strike hosts: a crash (every group on it loses its unsynced writes) and a restart that
 * starts its groups again from their disks, a pause, partitions and cut links between hosts, loss
 * bursts; and groups: a leadership transfer, a host's leader balancing, a group stopped on one host
 * ({@link RaftHost#removeGroup}) and started again, a new group created at run time, a snapshot.
 * Half the groups are cold (idle for seconds at a time), so groups quiesce and are woken by
 * proposals, reads and their host's suspicions. After every event each group's
 * {@link RaftInvariants} are checked; at the end every group has a leader that a majority follows,
 * commits a last write, and every group's history is checked like a single group's.
 */
final class SimHostCluster {
    private static final int TRACE = 80;
    /** At most this many groups are created at run time. */
    private static final int MAX_CREATED = 4;

    final SimHostShape shape;
    final SimWorld world;
    final SimStats stats = new SimStats();
    final SimHost[] hosts;
    final SimNetwork network;
    final List<SimHostGroup> groups = new ArrayList<>();
    final OperationGenerator commands;
    final OperationGenerator queries;
    private final Supplier<StateMachine> factory;
    private final NodeId[] hostIds;
    private final Map<NodeId, Integer> hostIndex = new HashMap<>();
    private final long faultEnd;
    private final long end;
    private boolean healed;
    private int created;
    /** The host a moved replica leads from, to crash next (moved-leader seeds only). */
    private SimHost movedLeader;
    private long nextOperation = 1;
    private final String[] trace = new String[TRACE];
    private long traced;
    private Consumer<String> traceSink;
    boolean traceOperations;

    SimHostCluster(SimHostShape shape, Supplier<StateMachine> factory, OperationGenerator commands, OperationGenerator queries) {
        this.shape = shape;
        this.factory = factory;
        this.commands = commands;
        this.queries = queries;
        this.world = new SimWorld(shape.base().seed());
        int n = shape.hosts();
        this.hostIds = new NodeId[n];
        this.hosts = new SimHost[n];
        for (int h = 0; h < n; h++) {
            hostIds[h] = NodeId.of("h" + (h + 1));
            hostIndex.put(hostIds[h], h);
            // As in SimCluster: each host's page cache holds 0, 8, 64 or all of a group's newest entries.
            int cache = new int[] {0, 8, 64, Integer.MAX_VALUE}[(int) Math.floorMod(shape.base().seed() + h, 4L)];
            hosts[h] = new SimHost(world, h, hostIds[h], shape.base().maxDiskNanos(), cache);
        }
        SimShape base = shape.base();
        this.network = new SimNetwork(world, hostIndex, base.maxDelayNanos(), base.dropRate(), base.duplicateRate(),
                base.longDelayRate(), 400 * SimShape.MS);
        this.faultEnd = base.faultNanos();
        this.end = faultEnd + base.healNanos();
    }

    SimHostCluster traceTo(Consumer<String> sink, boolean operations) {
        traceSink = sink;
        traceOperations = operations;
        return this;
    }

    /** Runs the whole scenario; throws {@link SimulationViolation} when a property breaks. */
    void run() {
        // Group k on hosts k, k+1, k+2 (mod the hosts): every host carries as many groups as the others.
        for (int k = 0; k < shape.groups(); k++) {
            int[] placement = {k % hosts.length, (k + 1) % hosts.length, (k + 2) % hosts.length};
            groups.add(new SimHostGroup(this, GroupId.of("g" + (k + 1)), placement, world.random.nextDouble() < shape.coldShare(), k));
        }
        for (SimHost h : hosts) startHost(h);
        for (SimHostGroup g : groups) startWorkload(g);
        scheduleFault();
        world.at(faultEnd, null, this::healEverything);
        while (world.step(end)) {
            for (int i = 0; i < groups.size(); i++) groups.get(i).afterEvent();
        }
        world.advanceTo(end);
        note("leaders per host: " + leadersPerHost());
        for (SimHostGroup g : groups) {
            g.atEnd();
            if (g.client.op != null && !g.client.op.completed()) {
                throw g.named(new SimulationViolation("Liveness", "its client still waits for " + g.client.op + " "
                        + shape.base().healNanos() / SimShape.MS + " ms after every fault healed\n" + g.describeNodes()));
            }
        }
        if (!shape.host().balanceInterval().isZero()) checkBalanced();
    }

    /**
     * With periodic balancing, seconds after the heal: the groups with the same three hosts have
     * their leaders spread within one over them (RaftHost.balanceLeaders, per class of groups).
     */
    private void checkBalanced() {
        Map<List<Integer>, int[]> leadersByClass = new HashMap<>();
        for (SimHostGroup g : groups) {
            int l = g.leader();
            if (l < 0) continue;
            List<Integer> voters = g.servers[l].status().config().voters().stream().map(hostIndex::get).sorted().toList();
            int[] counts = leadersByClass.computeIfAbsent(voters, p -> new int[p.size()]);
            counts[voters.indexOf(l)]++;
        }
        leadersByClass.forEach((placement, counts) -> {
            int max = java.util.Arrays.stream(counts).max().orElse(0);
            int min = java.util.Arrays.stream(counts).min().orElse(0);
            if (max - min > 1) {
                throw new SimulationViolation("Leader balance", "the groups on hosts " + placement.stream().map(h -> hostIds[h].value()).toList()
                        + " have " + java.util.Arrays.toString(counts) + " leaders on them " + shape.base().healNanos() / SimShape.MS
                        + " ms after every fault healed, balancing every " + shape.host().balanceInterval().toMillis() + " ms");
            }
        });
    }

    private void startWorkload(SimHostGroup g) {
        if (shape.base().clients() == 0) return; // idle groups: only the last write, after the heal
        world.at(world.now() + world.random.nextInt(50) * SimShape.MS, null, g.client::next);
        if (g.cold || world.random.nextBoolean()) world.at(world.now() + 100 * SimShape.MS, null, g::idlePeriod);
    }

    long faultEnd() {
        return faultEnd;
    }

    long newOperation() {
        return nextOperation++;
    }

    // ------------------------------------------------------------------ hosts and groups

    private void startHost(SimHost h) {
        SimProcess p = new SimProcess(world, h.index, stats, shape.base().maxDiskNanos());
        h.process = p;
        SimHostTransport transport = new SimHostTransport(network, p, hostIds, hostIndex, shape.coalesceNanos(), stats);
        RaftHost host = RaftHost.builder(h.id, transport, h.storageFor(p)).options(shape.host()).runtime(p, p, p, p).build();
        try {
            host.start();
        } catch (IOException e) {
            throw new SimulationViolation("Restart", "host " + h.id + " could not start: " + e);
        }
        h.host = host;
        for (SimHostGroup g : groups) {
            int r = g.replicaOn(h.index);
            if (r >= 0) startGroup(g, r);
        }
    }

    private void startGroup(SimHostGroup g, int r) {
        SimHost h = hosts[r];
        g.applyLog.restarted(r);
        g.invariants.started(r);
        SimShape base = shape.base();
        try {
            g.servers[r] = h.host.startGroup(g.id, b -> {
                b.members(g.members)
                        .stateMachine(new CheckedStateMachine(r, factory.get(), g.applyLog))
                        .options(base.options())
                        .snapshotOptions(base.snapshots());
                if (g.joined[r]) b.joining();
            });
        } catch (IOException | RuntimeException e) {
            throw g.named(new SimulationViolation("Restart", h.id + " could not start the group: " + e));
        }
    }

    private void crash(SimHost h) {
        if (!h.up()) return;
        note("crash " + h.id + (h.hasWritesInFlight() ? " with writes in flight" : ""));
        h.crash(world.random);
        for (SimHostGroup g : groups) g.servers[h.index] = null;
        stats.crashes++;
        long down = world.random.nextBoolean() ? 1 + world.random.nextInt(30) : 50 + world.random.nextInt(600);
        world.at(world.now() + down * SimShape.MS, null, () -> {
            if (!h.up()) {
                note("restart " + h.id);
                startHost(h);
            }
        });
    }

    private void pause(SimHost h, long nanos) {
        if (!h.running()) return;
        SimProcess p = h.process;
        note("pause " + h.id + " (leads " + leadsOn(h) + " groups) for " + nanos / SimShape.MS + " ms");
        p.pause();
        stats.pauses++;
        world.at(world.now() + nanos, null, () -> {
            if (p.paused()) {
                note("resume " + h.id);
                p.resume();
            }
        });
    }

    private String leadersPerHost() {
        StringBuilder sb = new StringBuilder();
        for (SimHost h : hosts) sb.append(sb.isEmpty() ? "" : ", ").append(h.id).append(' ').append(leadsOn(h));
        return sb.toString();
    }

    private int leadsOn(SimHost h) {
        int led = 0;
        for (SimHostGroup g : groups) {
            int l = g.leader();
            if (l == h.index) led++;
        }
        return led;
    }

    /** Stops group {@code g} on the host of replica {@code r} ({@link RaftHost#removeGroup}) and starts it again later. */
    private void restartGroup(SimHostGroup g, int r) {
        SimHost h = hosts[r];
        if (!h.running() || g.servers[r] == null) return;
        SimProcess p = h.process;
        p.run(1, () -> {
            if (g.servers[r] == null) return;
            g.note("stop on " + h.id);
            h.host.removeGroup(g.id);
            g.servers[r] = null;
            stats.groupRestarts++;
            // Long enough for the closed server's activities to finish their last runs (the simulated
            // runtime cannot wait for them inside close).
            p.run((60 + world.random.nextInt(400)) * SimShape.MS, () -> {
                if (h.up() && g.servers[r] == null && g.runsOn[r]) {
                    g.note("start again on " + h.id);
                    startGroup(g, r);
                }
            });
        });
    }

    /**
     * Moves a replica of group {@code g} through its leader's public API: with three voters, adds a
     * voter on a host that never ran the group (started there {@code joining}); with more, removes a
     * voter (the leader too, now and then), whose host stops running the group once the removal is
     * committed ({@link RaftHost#removeGroup}).
     */
    private void changeMembers(SimHostGroup g) {
        int l = g.leader();
        if (l < 0) return;
        RaftServer leader = g.servers[l];
        ClusterConfig config = leader.status().config();
        if (config.isJoint()) return;
        if (config.voters().size() <= 3) {
            List<Integer> fresh = new ArrayList<>();
            for (SimHost h : hosts) if (!g.everMember[h.index] && h.running()) fresh.add(h.index);
            if (fresh.isEmpty()) return;
            int d = fresh.get(world.random.nextInt(fresh.size()));
            g.everMember[d] = true;
            g.runsOn[d] = true;
            g.joined[d] = true;
            stats.configChanges++;
            g.note(g.id(l) + " add voter " + hostIds[d]);
            hosts[d].process.run(1, () -> {
                if (hosts[d].up() && g.runsOn[d] && g.servers[d] == null) startGroup(g, d);
            });
            leader.addVoter(g.member(d)).whenComplete((after, error) -> {
                g.note(error == null ? "voters now " + after : "adding " + hostIds[d] + " failed: " + error);
                if (error == null && shape.base().onlyFault() == SimHostShape.MOVED_LEADER_HOST_CRASHES) {
                    world.at(world.now() + 50 * SimShape.MS, null, () -> leadFrom(g, d));
                }
            });
            return;
        }
        List<NodeId> voters = new ArrayList<>(config.voters());
        NodeId x = voters.get(world.random.nextInt(voters.size()));
        int xi = hostIndex.get(x);
        stats.configChanges++;
        g.note(g.id(l) + " remove " + x);
        long term = leader.status().term();
        leader.removeMember(x).whenComplete((after, error) -> {
            g.note(error == null ? "voters now " + after : "removing " + x + " failed: " + error);
            if (error == null && !after.contains(x)) {
                world.at(world.now(), null, () -> retire(g, xi));
                if (xi == l && shape.base().onlyFault() == SimHostShape.MOVED_LEADER_HOST_CRASHES) expectNewLeader(g, term, x);
            }
        });
    }

    /**
     * The leader of idle group {@code g} removed itself (thesis §4.2.2: it steps down once the
     * change commits) and its host, alive, stops running the group: the others must elect a leader
     * within the same bound as after a crash, though no host falls silent and no client writes.
     */
    private void expectNewLeader(SimHostGroup g, long term, NodeId removed) {
        long electionNanos = shape.base().electionNanos();
        long bound = shape.host().suspectAfter().toNanos() + shape.host().pingInterval().toNanos() + 6 * 2 * electionNanos;
        world.at(world.now() + bound, null, () -> {
            if (g.highestLedTerm <= term) {
                throw g.named(new SimulationViolation("Liveness", "no new leader " + bound / SimShape.MS + " ms after its leader "
                        + removed + " removed itself (its clients idle)\n" + g.describeNodes()));
            }
            stats.orphansReelected++;
        });
    }

    /** Hands the leadership of {@code g} to its replica on host {@code d}, which is then the next host to crash. */
    private void leadFrom(SimHostGroup g, int d) {
        int l = g.leader();
        if (l < 0) return;
        movedLeader = hosts[d];
        if (l != d) {
            g.note(g.id(l) + " transfer leadership to " + hostIds[d]);
            ignore(g.servers[l].transferLeadership(hostIds[d]));
        }
        // Once the group went quiet again, the host it moved to dies.
        world.at(world.now() + (300 + world.random.nextInt(300)) * SimShape.MS, null, () -> crashMovedLeader(hosts[d]));
    }

    /** Crashes {@code h}, still the host a moved replica leads from, as soon as every host runs. */
    private void crashMovedLeader(SimHost h) {
        if (movedLeader != h || healed) return;
        for (SimHost other : hosts) {
            if (!other.running()) {
                world.at(world.now() + 200 * SimShape.MS, null, () -> crashMovedLeader(h));
                return;
            }
        }
        long electionNanos = shape.base().electionNanos();
        crashLeaderHost(electionNanos, h);
        movedLeader = null;
    }

    /** A group with more than three voters (a replica move half done), else one at random. */
    private SimHostGroup groupToChange() {
        for (SimHostGroup g : groups) {
            int l = g.leader();
            if (l >= 0 && g.servers[l].status().config().voters().size() > 3) return g;
        }
        return groups.get(world.random.nextInt(groups.size()));
    }

    /** The removal of host {@code r} from group {@code g} is committed: the host stops running the group, for good. */
    private void retire(SimHostGroup g, int r) {
        if (!g.runsOn[r]) return;
        g.runsOn[r] = false;
        stats.replicasRetired++;
        g.note(hostIds[r] + " removed: it stops running the group");
        SimHost h = hosts[r];
        if (!h.up()) return; // it will not start the group when it restarts
        h.process.run(1, () -> {
            if (g.servers[r] == null || !h.up()) return;
            h.host.removeGroup(g.id);
            g.servers[r] = null;
        });
    }

    /** A new group on three hosts at random, started on each as an event of that host's process. */
    private void createGroup() {
        if (created >= MAX_CREATED) return;
        created++;
        int first = world.random.nextInt(hosts.length);
        int second = (first + 1 + world.random.nextInt(hosts.length - 1)) % hosts.length;
        int third = first;
        while (third == first || third == second) third = world.random.nextInt(hosts.length);
        int k = groups.size();
        SimHostGroup g = new SimHostGroup(this, GroupId.of("g" + (k + 1)), new int[] {first, second, third},
                world.random.nextDouble() < shape.coldShare(), k);
        groups.add(g);
        stats.groupsCreated++;
        note("create group " + g.id + " on " + hostIds[first] + ", " + hostIds[second] + ", " + hostIds[third]);
        for (int r : g.placement) {
            SimHost h = hosts[r];
            if (!h.up()) continue; // its restart starts it
            int replica = r;
            h.process.run(1 + world.random.nextInt(5) * SimShape.MS, () -> {
                if (h.up() && g.servers[replica] == null) startGroup(g, replica);
            });
        }
        startWorkload(g);
    }

    // ------------------------------------------------------------------ faults

    private void scheduleFault() {
        long gap = 1 + (long) (world.random.nextDouble() * 2 * shape.base().meanFaultGapNanos());
        if (world.now() + gap < faultEnd) world.at(world.now() + gap, null, this::injectFault);
    }

    private void injectFault() {
        scheduleFault();
        if (healed) return;
        int n = hosts.length;
        long electionNanos = shape.base().electionNanos();
        if (shape.base().onlyFault() == SimHostShape.LEADER_HOST_CRASHES) {
            crashLeaderHost(electionNanos, null);
            return;
        }
        if (shape.base().onlyFault() == SimHostShape.MOVED_LEADER_HOST_CRASHES) {
            if (world.random.nextInt(3) != 0) {
                changeMembers(groupToChange());
            } else {
                crashLeaderHost(electionNanos, movedLeader);
                movedLeader = null;
            }
            return;
        }
        SimHost some = hosts[world.random.nextInt(n)];
        switch (world.random.nextInt(14)) {
            case 0, 1 -> crash(some);
            case 2 -> {
                int mask = 1 + world.random.nextInt((1 << n) - 2);
                for (int a = 0; a < n; a++) {
                    for (int b = 0; b < n; b++) if (((mask >> a) & 1) != ((mask >> b) & 1)) network.block(a, b);
                }
                stats.partitions++;
                note("partition " + describe(mask));
                healPartitionsLater();
            }
            case 3 -> {
                SimHost other = hosts[world.random.nextInt(n)];
                if (other == some) return;
                network.block(some.index, other.index);
                if (world.random.nextBoolean()) network.block(other.index, some.index);
                stats.partitions++;
                note("cut " + some.id + " -> " + other.id);
                healPartitionsLater();
            }
            case 4 -> {
                SimShape base = shape.base();
                network.faults(0.3, base.duplicateRate(), base.longDelayRate());
                note("loss burst");
                world.at(world.now() + (50 + world.random.nextInt(300)) * SimShape.MS, null,
                        () -> { if (!healed) network.faults(base.dropRate(), base.duplicateRate(), base.longDelayRate()); });
            }
            case 5, 6 -> pause(busiest(some), 1 + (long) (world.random.nextDouble() * 5 * electionNanos));
            case 7 -> transferLeadership(groups.get(world.random.nextInt(groups.size())));
            case 8 -> {
                if (!some.running()) return;
                note("balance leaders on " + some.id);
                stats.balances++;
                some.process.run(1, () -> some.host.balanceLeaders());
            }
            case 9 -> {
                SimHostGroup g = groups.get(world.random.nextInt(groups.size()));
                restartGroup(g, g.pick(world.random));
            }
            case 10 -> createGroup();
            case 11 -> changeMembers(groupToChange());
            default -> {
                SimHostGroup g = groups.get(world.random.nextInt(groups.size()));
                int r = g.pick(world.random);
                RaftServer s = g.servers[r];
                if (s != null && hosts[r].running()) {
                    g.note("snapshot now on " + g.id(r));
                    ignore(s.snapshotNow());
                }
            }
        }
    }

    /**
     * While every host is up: crashes the host that leads the most groups, for long enough that each
     * group it led must have elected a new leader on the other two hosts, and checks that they did.
     * The groups are idle and quiesced: only their hosts' failure detector (ping silence, then
     * {@link RaftServer#peerSuspected}) can wake them. The bound: the suspicion threshold, a ping
     * interval, and six election timeouts for a pre-vote, a vote and split votes under message loss.
     */
    private void crashLeaderHost(long electionNanos, SimHost preferred) {
        for (SimHost h : hosts) if (!h.running()) return;
        SimHost victim = preferred != null ? preferred : busiest(hosts[0], true);
        List<SimHostGroup> orphans = new ArrayList<>();
        List<Long> terms = new ArrayList<>();
        for (SimHostGroup g : groups) {
            int l = g.leader();
            if (l == victim.index) {
                orphans.add(g);
                terms.add(g.servers[l].status().term());
            }
        }
        long bound = shape.host().suspectAfter().toNanos() + shape.host().pingInterval().toNanos() + 6 * 2 * electionNanos;
        note("crash " + victim.id + ", which leads " + orphans.size() + " idle groups; each must elect a new leader within "
                + bound / SimShape.MS + " ms");
        victim.crash(world.random);
        for (SimHostGroup g : groups) g.servers[victim.index] = null;
        stats.crashes++;
        world.at(world.now() + bound, null, () -> {
            for (int i = 0; i < orphans.size(); i++) {
                SimHostGroup g = orphans.get(i);
                // Elected since (a moved replica's transfer may be under way right now).
                if (g.highestLedTerm <= terms.get(i)) {
                    throw g.named(new SimulationViolation("Liveness", "no new leader " + bound / SimShape.MS + " ms after "
                            + victim.id + ", which led it, crashed (its clients idle: only its hosts' failure detector wakes it)\n"
                            + g.describeNodes()));
                }
                stats.orphansReelected++;
            }
        });
        world.at(world.now() + bound + 100 * SimShape.MS, null, () -> {
            if (!victim.up()) {
                note("restart " + victim.id);
                startHost(victim);
            }
        });
    }

    /** Half the time, the host that leads the most groups (a paused leader is what matters most); else {@code some}. */
    private SimHost busiest(SimHost some) {
        return busiest(some, world.random.nextBoolean());
    }

    private SimHost busiest(SimHost some, boolean busiest) {
        if (!busiest) return some;
        SimHost best = some;
        int most = -1;
        for (SimHost h : hosts) {
            int led = leadsOn(h);
            if (led > most) {
                most = led;
                best = h;
            }
        }
        return best;
    }

    private void transferLeadership(SimHostGroup g) {
        int l = g.leader();
        if (l < 0) return;
        RaftServer leader = g.servers[l];
        List<NodeId> voters = new ArrayList<>(leader.status().config().voters());
        NodeId target = voters.get(world.random.nextInt(voters.size()));
        stats.transfers++;
        g.note(g.id(l) + " transfer leadership to " + target);
        ignore(leader.transferLeadership(target));
    }

    private void healPartitionsLater() {
        world.at(world.now() + (100 + world.random.nextInt(900)) * SimShape.MS, null, () -> {
            network.healPartitions();
            note("heal partitions");
        });
    }

    private static void ignore(CompletableFuture<?> f) {
        f.exceptionally(e -> null); // refusals are part of the test
    }

    private void healEverything() {
        healed = true;
        note("heal everything");
        network.healPartitions();
        network.faults(0, 0, 0);
        for (SimHost h : hosts) {
            if (!h.up()) startHost(h);
            else if (h.process.paused()) h.process.resume();
        }
        for (SimHostGroup g : groups) {
            for (int r = 0; r < hosts.length; r++) if (g.runsOn[r] && g.servers[r] == null) startGroup(g, r);
        }
        // Every group, quiesced or not, must commit once more: a last write from its client.
        world.at(world.now() + SimShape.MS, null, () -> groups.forEach(g -> g.client.lastWrite()));
    }

    // ------------------------------------------------------------------ reporting

    void note(String what) {
        String line = String.format("%9.3f ms  %s", world.now() / 1e6, what);
        trace[(int) (traced++ % TRACE)] = line;
        if (traceSink != null) traceSink.accept(line);
    }

    String recentEvents() {
        StringBuilder sb = new StringBuilder();
        for (long i = Math.max(0, traced - TRACE); i < traced; i++) sb.append("    ").append(trace[(int) (i % TRACE)]).append('\n');
        return sb.toString();
    }

    private String describe(int mask) {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        for (int i = 0; i < hosts.length; i++) ((mask >> i & 1) == 1 ? a : b).add(hostIds[i].value());
        return a + " | " + b;
    }
}
