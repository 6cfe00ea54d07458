package dev.floe.raft.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.ReadConsistency;
import dev.floe.raft.testkit.Await;
import dev.floe.raft.testkit.LocalCluster;
import dev.floe.raft.testkit.LocalNetwork;
import dev.floe.raft.testkit.MemoryHardStateStore;
import dev.floe.raft.testkit.MemoryLogStorage;
import dev.floe.raft.testkit.RecordingStateMachine;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Quiescence in the threaded runtime: a quiesced member's consensus loop is not run at all (no
 * ticks, no CPU) until an input wakes it, and {@link RaftServer#peerSuspected} replaces the stopped
 * election timers for a dead leader.
 */
class QuiescenceServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final RaftServerOptions QUIET = LocalCluster.FAST.toBuilder().quiesce(true, 3).build();

    /** Counts the runs of every consensus loop and remembers what each run asked for. */
    private static final class CountingScheduler implements Scheduler {
        final Map<String, AtomicLong> runs = new ConcurrentHashMap<>();
        final Map<String, Long> lastAnswer = new ConcurrentHashMap<>();

        @Override
        public Activity start(String name, Task task) {
            if (!name.endsWith("-consensus")) return Scheduler.threads().start(name, task);
            AtomicLong count = runs.computeIfAbsent(name, k -> new AtomicLong());
            return Scheduler.threads().start(name, () -> {
                count.incrementAndGet();
                long next = task.run();
                lastAnswer.put(name, next);
                return next;
            });
        }

        @Override
        public SplittableRandom newRandom() {
            return new SplittableRandom();
        }

        boolean allIdle(int members) {
            return lastAnswer.size() == members && lastAnswer.values().stream().allMatch(v -> v == IDLE);
        }

        long totalRuns() {
            return runs.values().stream().mapToLong(AtomicLong::get).sum();
        }
    }

    private final LocalNetwork network = new LocalNetwork();
    private final CountingScheduler scheduler = new CountingScheduler();
    private final Map<NodeId, RaftServer> servers = new LinkedHashMap<>();

    private void startAll(RaftServerOptions options) throws IOException {
        List<dev.floe.raft.Member> members = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Endpoint address = new Endpoint("n" + i + ".example", 9000 + i);
            members.add(dev.floe.raft.Member.voter(NodeId.of("n" + i), address, address));
        }
        for (NodeId id : members.stream().map(dev.floe.raft.Member::id).toList()) {
            RaftServer server = RaftServer.builder()
                    .id(id)
                    .members(members)
                    .stateMachine(new RecordingStateMachine())
                    .storage(new MemoryLogStorage(), new MemoryHardStateStore())
                    .transport(network.transport(id))
                    .runtime(scheduler, Clock.system())
                    .options(options)
                    .build();
            server.start();
            servers.put(id, server);
        }
    }

    @AfterEach
    void closeAll() {
        servers.values().forEach(RaftServer::close);
    }

    private RaftServer awaitLeader() {
        return Await.value(WAIT, "a leader every member follows", () -> {
            for (RaftServer s : servers.values()) {
                if (!s.status().isLeader()) continue;
                boolean followed = servers.values().stream().filter(o -> o.status().running())
                        .allMatch(o -> o.status().leader().equals(Optional.of(s.id())));
                if (followed) return Optional.of(s);
            }
            return Optional.empty();
        });
    }

    private void awaitQuiet() {
        Await.until(WAIT, "every consensus loop asleep", () -> scheduler.allIdle(servers.size()));
    }

    @Test
    void quiescedGroupRunsNoConsensusPassUntilASubmitWakesIt() throws Exception {
        startAll(QUIET);
        RaftServer leader = awaitLeader();
        leader.submit(Bytes.utf8("a")).get(10, TimeUnit.SECONDS);
        awaitQuiet();
        long runs = scheduler.totalRuns();
        long delivered = network.delivered();
        // Twenty tick intervals without a tick or a heartbeat: an idle group costs nothing.
        Thread.sleep(20 * QUIET.tickInterval().toMillis());
        assertThat(scheduler.totalRuns()).as("consensus passes while quiesced").isEqualTo(runs);
        assertThat(network.delivered()).as("messages while quiesced").isEqualTo(delivered);
        // A submit wakes the group; it commits, and the group goes quiet again.
        leader.submit(Bytes.utf8("b")).get(10, TimeUnit.SECONDS);
        assertThat(scheduler.totalRuns()).isGreaterThan(runs);
        awaitQuiet();
        for (RaftServer s : servers.values()) {
            Await.until(WAIT, s.id() + " applied b", () -> s.status().appliedIndex() == leader.status().commitIndex());
        }
    }

    @Test
    void withoutQuiescenceTheLoopsKeepTicking() throws Exception {
        startAll(LocalCluster.FAST);
        awaitLeader();
        long runs = scheduler.totalRuns();
        Await.until(WAIT, "ten more consensus passes", () -> scheduler.totalRuns() > runs + 10);
        assertThat(scheduler.lastAnswer.values()).noneMatch(v -> v == Scheduler.IDLE);
    }

    @Test
    void leaseReadAtAQuiescedLeaderFallsBackToReadIndexAndWakesTheGroup() throws Exception {
        startAll(QUIET.toBuilder().leaseReads(true, 2).build());
        RaftServer leader = awaitLeader();
        leader.submit(Bytes.utf8("a")).get(10, TimeUnit.SECONDS);
        awaitQuiet();
        long runs = scheduler.totalRuns();
        Bytes answer = leader.read(Bytes.utf8("last"), ReadConsistency.LEASE).get(10, TimeUnit.SECONDS);
        assertThat(answer.toUtf8()).isEqualTo("a");
        assertThat(scheduler.totalRuns()).isGreaterThan(runs);
        awaitQuiet();
    }

    @Test
    void followersOfADeadQuiescedLeaderElectANewOneWhenTheyAreToldItIsSuspected() throws Exception {
        startAll(QUIET);
        RaftServer leader = awaitLeader();
        leader.submit(Bytes.utf8("a")).get(10, TimeUnit.SECONDS);
        awaitQuiet();
        long term = leader.status().term();
        leader.close();
        servers.remove(leader.id());
        for (RaftServer s : servers.values()) s.peerSuspected(leader.id());
        RaftServer next = awaitLeader();
        assertThat(next.status().term()).isGreaterThan(term);
        assertThat(next.submit(Bytes.utf8("b")).get(10, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void quiescenceIsAnOptionOffByDefaultThatNeedsPreVoteAndPositiveIdleTicks() {
        assertThat(RaftServerOptions.defaults().quiesce()).isFalse();
        assertThat(RaftServerOptions.defaults().toRaftOptions().quiesceTicks()).isZero();
        assertThat(QUIET.toRaftOptions().quiesceTicks()).isEqualTo(3);
        assertThat(QUIET.toBuilder().build()).isEqualTo(QUIET);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> QUIET.toBuilder().quiesce(true, 0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quiesceTicks");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> QUIET.toBuilder().preVote(false).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("preVote");
    }
}
