package dev.floe.raft.server;

import dev.floe.raft.testkit.LocalCluster;

import dev.floe.raft.testkit.Await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.Bytes;
import dev.floe.raft.NodeId;
import dev.floe.raft.SessionExpiredException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Exactly-once client sessions (thesis §6.3) with real threads. */
class RaftServerSessionTest {

    private static String submit(RaftServer s, String client, long seq, String command) throws Exception {
        return s.submit(client, seq, Bytes.utf8(command)).get(5, TimeUnit.SECONDS).toUtf8();
    }

    @Test
    void aRetriedCommandIsAnsweredWithTheKeptResponseAndAppliedOnce_thesis6_3() throws Exception {
        try (LocalCluster<SnapshottingStateMachine> c = new LocalCluster<>(3, LocalCluster.FAST, SnapshottingStateMachine::new, SnapshotOptions.defaults()).startAll()) {
            RaftServer leader = c.awaitLeader();
            assertThat(submit(leader, "alice", 1, "a1")).isEqualTo("1");
            assertThat(submit(leader, "alice", 1, "a1")).isEqualTo("1"); // a retry after a lost answer
            // Two copies in the log at once (a retry while the first is still in flight): one applies.
            CompletableFuture<Bytes> first = leader.submit("alice", 2, Bytes.utf8("a2"));
            CompletableFuture<Bytes> retry = leader.submit("alice", 2, Bytes.utf8("a2"));
            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(retry.get(5, TimeUnit.SECONDS)).isEqualTo(Bytes.utf8("2"));
            assertThat(leader.submit(Bytes.utf8("plain")).get(5, TimeUnit.SECONDS).toUtf8()).isEqualTo("3");
            for (NodeId id : c.clients().keySet()) c.awaitMachine(id, "to hold 3 commands", sm -> sm.commands().size() >= 3);
            for (NodeId id : c.clients().keySet()) assertThat(c.machine(id).commands()).containsExactly("a1", "a2", "plain");
            // An older sequence than the latest is refused: its response is gone and it was applied.
            assertThatThrownBy(() -> leader.submit("alice", 1, Bytes.utf8("a1")).get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aRetryAtANewLeaderIsNotAppliedAgain_thesis6_3() throws Exception {
        try (LocalCluster<SnapshottingStateMachine> c = new LocalCluster<>(3, LocalCluster.FAST, SnapshottingStateMachine::new, SnapshotOptions.defaults()).startAll()) {
            RaftServer leader = c.awaitLeader();
            submit(leader, "bob", 1, "b1");
            for (NodeId id : c.clients().keySet()) c.awaitMachine(id, "to hold 1 commands", sm -> sm.commands().size() >= 1);
            // The client never saw the answer; the leader dies; the client retries at the next leader.
            c.stop(leader.id());
            RaftServer next = c.awaitLeader();
            assertThat(submit(next, "bob", 1, "b1")).isEqualTo("1");
            assertThat(submit(next, "bob", 2, "b2")).isEqualTo("2");
            c.start(leader.id());
            c.awaitMachine(leader.id(), "to hold 2 commands", sm -> sm.commands().size() >= 2);
            for (NodeId id : c.clients().keySet()) assertThat(c.machine(id).commands()).containsExactly("b1", "b2");
        }
    }

    @Test
    void sessionsTravelInSnapshotsSoARetryAfterARestartIsStillDeduplicated() throws Exception {
        try (LocalCluster<SnapshottingStateMachine> c = new LocalCluster<>(1, LocalCluster.FAST, SnapshottingStateMachine::new, SnapshotOptions.builder().triggers(0, 0, 0).build()).startAll()) {
            NodeId id = NodeId.of("n1");
            submit(c.awaitLeader(), "carol", 1, "c1");
            c.server(id).snapshotNow().get(5, TimeUnit.SECONDS);
            c.stop(id);
            c.start(id);
            assertThat(c.machine(id).restores()).isEqualTo(1);
            // The log before the snapshot is gone: only the session table in the snapshot can know.
            assertThat(submit(c.awaitLeader(), "carol", 1, "c1")).isEqualTo("1");
            assertThat(c.machine(id).commands()).containsExactly("c1");
        }
    }

    @Test
    void expiryIsDecidedInLogTimeIdenticallyOnEveryReplica_thesis6_3() throws Exception {
        try (LocalCluster<SnapshottingStateMachine> c = new LocalCluster<>(3, LocalCluster.FAST, SnapshottingStateMachine::new, SnapshotOptions.defaults())) {
            c.configure((b, id) -> b.sessionExpiry(Duration.ofMillis(300)));
            c.startAll();
            RaftServer leader = c.awaitLeader();
            submit(leader, "idle", 1, "i1");
            long start = System.currentTimeMillis();
            AtomicLong busy = new AtomicLong();
            // Another client keeps the log clock moving until the idle client is past its expiry.
            Await.until(Duration.ofSeconds(5), "log time to pass the idle client's expiry", () -> {
                try {
                    submit(leader, "busy", busy.incrementAndGet(), "b");
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return System.currentTimeMillis() - start > 400;
            });
            assertThatThrownBy(() -> submit(leader, "idle", 2, "i2"))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SessionExpiredException.class)
                    .hasMessageContaining("idle");
            // Re-registering under the expired id is refused too: the id is remembered as expired.
            assertThatThrownBy(() -> submit(leader, "idle", 1, "i1"))
                    .cause().isInstanceOf(SessionExpiredException.class);
            assertThat(submit(leader, "busy", busy.incrementAndGet(), "last")).isNotEmpty();
            int total = 1 + (int) busy.get();
            for (NodeId id : c.clients().keySet()) c.awaitMachine(id, "to hold " + total + " commands", sm -> sm.commands().size() >= total);
            List<String> expected = c.machine(leader.id()).commands();
            assertThat(expected).doesNotContain("i2").contains("last");
            for (NodeId id : c.clients().keySet()) assertThat(c.machine(id).commands()).isEqualTo(expected);
        }
    }

    @Test
    void pipelinedCommandsAndTheirRetriesApplyOnceEach_thesis6_3() throws Exception {
        try (LocalCluster<SnapshottingStateMachine> c = new LocalCluster<>(3, LocalCluster.FAST, SnapshottingStateMachine::new, SnapshotOptions.defaults()).startAll()) {
            RaftServer leader = c.awaitLeader();
            List<CompletableFuture<Bytes>> first = new java.util.ArrayList<>();
            for (long seq = 1; seq <= 5; seq++) first.add(leader.submit("pipe", seq, 1, Bytes.utf8("p" + seq)));
            for (CompletableFuture<Bytes> f : first) f.get(5, TimeUnit.SECONDS);
            // Retries of commands still outstanding for the client, in any order: answered, not applied.
            assertThat(leader.submit("pipe", 4, 1, Bytes.utf8("p4")).get(5, TimeUnit.SECONDS)).isEqualTo(first.get(3).get());
            assertThat(leader.submit("pipe", 1, 1, Bytes.utf8("p1")).get(5, TimeUnit.SECONDS)).isEqualTo(first.get(0).get());
            assertThat(leader.submit("pipe", 6, 6, Bytes.utf8("p6")).get(5, TimeUnit.SECONDS).toUtf8()).isEqualTo("6");
            for (NodeId id : c.clients().keySet()) c.awaitMachine(id, "to hold 6 commands", sm -> sm.commands().size() >= 6);
            for (NodeId id : c.clients().keySet()) {
                assertThat(c.machine(id).commands()).containsExactly("p1", "p2", "p3", "p4", "p5", "p6");
            }
        }
    }
}
