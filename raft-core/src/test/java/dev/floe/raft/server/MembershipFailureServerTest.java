package dev.floe.raft.server;

import dev.floe.raft.testkit.NoFloeThreadsLeft;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.floe.raft.testkit.ServerCluster;

import dev.floe.raft.testkit.RecordingStateMachine;
import dev.floe.raft.testkit.LocalCluster;

import dev.floe.raft.testkit.Await;
import static dev.floe.raft.testkit.ServerCluster.id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Endpoint;
import dev.floe.raft.Member;
import dev.floe.raft.MembershipChangeException;
import dev.floe.raft.NodeId;
import dev.floe.raft.NotLeaderException;
import dev.floe.raft.OutcomeUnknownException;
import dev.floe.raft.ServerClosedException;
import dev.floe.raft.message.AppendRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Membership changes that are refused, given up, or interrupted by a leader crash. */
@ExtendWith(NoFloeThreadsLeft.class)
class MembershipFailureServerTest {
    private static final List<NodeId> THREE = List.of(id(1), id(2), id(3));
    private static final RaftServerOptions SHORT_TIMEOUT = LocalCluster.FAST.toBuilder()
            .requestTimeout(Duration.ofSeconds(1)).build();
    private LocalCluster<RecordingStateMachine> cluster = LocalCluster.recording(5, LocalCluster.FAST);

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    void invalidRequestsAreRefusedWithTheReason() throws Exception {
        RaftServer leader = cluster.bootstrap(3).awaitLeader(THREE);
        RaftServer follower = THREE.stream().map(cluster::server).filter(s -> s != leader).findFirst().orElseThrow();

        Throwable notLeader = failure(follower.addLearner(cluster.member(4)));
        assertThat(notLeader).isInstanceOf(NotLeaderException.class);
        assertThat(((NotLeaderException) notLeader).leader()).contains(leader.id());
        assertThat(((NotLeaderException) notLeader).leaderEndpoint()).contains(cluster.member(leader.id()).client());

        assertInvalid(leader.removeMember(id(9)), "unknown id");
        assertInvalid(leader.promoteLearner(id(9)), "unknown id");
        assertInvalid(leader.promoteLearner(id(2)), "already a voter");
        assertInvalid(leader.addLearner(cluster.member(2)), "duplicate id");
        assertInvalid(leader.addVoter(cluster.member(3)), "duplicate id");
        Member stealsAddress = Member.voter(id(4), new Endpoint("raft-n4.example", 7004), cluster.member(2).client());
        assertInvalid(leader.addLearner(stealsAddress), "duplicate address");
        assertInvalid(leader.changeMembers(List.of(cluster.member(1), cluster.member(2), cluster.member(2)), List.of()), "duplicate id");
        assertInvalid(leader.changeMembers(List.of(cluster.member(1), cluster.member(2)), List.of(cluster.member(2))), "duplicate id");
        Member sameRaft = Member.voter(id(5), cluster.member(4).raft(), new Endpoint("client-n5.example", 9005));
        assertInvalid(leader.changeMembers(List.of(cluster.member(1), cluster.member(4), sameRaft), List.of()), "duplicate address");
        assertInvalid(leader.changeMembers(List.of(), cluster.members(1, 2)), "no voters");
        assertInvalid(leader.changeMembers(cluster.members(1, 2, 3), List.of()), "already");
        // Nothing changed.
        assertThat(leader.status().config()).isEqualTo(ClusterConfig.ofVoters(THREE));
    }

    @Test
    void theLastVoterCannotBeRemoved() throws Exception {
        RaftServer only = cluster.bootstrap(1).awaitLeader(List.of(id(1)));
        ServerCluster.write(only, "x");
        assertInvalid(only.removeMember(id(1)), "last voter");
    }

    @Test
    void oneChangeAtATimeAndALearnerThatCannotCatchUpStaysALearner_thesis4_1_and_4_2_1() throws Exception {
        cluster = LocalCluster.recording(5, SHORT_TIMEOUT);
        RaftServer leader = cluster.bootstrap(3).awaitLeader(THREE);
        // n4 is never started: adding it as a learner commits anyway (it counts toward no quorum) ...
        ClusterConfig withLearner = leader.addLearner(cluster.member(4)).get(5, TimeUnit.SECONDS);
        assertThat(withLearner.learners()).containsExactly(id(4));
        // ... but promoting it waits for a catch-up that never comes, and meanwhile no other change is taken.
        CompletableFuture<ClusterConfig> promotion = leader.promoteLearner(id(4));
        Throwable busy = Await.value(Duration.ofSeconds(5), "a second change to be refused", () -> {
            Throwable t = failure(leader.removeMember(id(3)));
            return t instanceof MembershipChangeException m && m.reason() == MembershipChangeException.Reason.CHANGE_IN_PROGRESS
                    ? Optional.of(t) : Optional.empty();
        });
        assertThat(busy).hasMessageContaining("promotion of learner n4");
        Throwable gaveUp = failure(promotion);
        assertThat(gaveUp).isInstanceOf(MembershipChangeException.class).hasMessageContaining("stays a learner");
        assertThat(((MembershipChangeException) gaveUp).reason()).isEqualTo(MembershipChangeException.Reason.NOT_CAUGHT_UP);
        assertThat(leader.status().isLearner(id(4))).isTrue();
        // Removing the learner that never showed up works, and frees the slot.
        assertThat(leader.removeMember(id(4)).get(5, TimeUnit.SECONDS)).isEqualTo(ClusterConfig.ofVoters(THREE));
    }

    @Test
    void aChangeSentToALeaderBeforeItsFirstCommitWaitsForIt_thesis4_1() throws Exception {
        RaftServer first = cluster.bootstrap(3).awaitLeader(THREE);
        // No AppendEntries gets through (heartbeats do): the next leader cannot commit its first entry.
        cluster.network.block(m -> m instanceof AppendRequest);
        cluster.network.isolate(first.id());
        List<NodeId> rest = THREE.stream().filter(n -> !n.equals(first.id())).toList();
        RaftServer leader = cluster.awaitLeader(rest);
        assertThat(leader.status().commitIndex()).isLessThan(leader.status().lastLogIndex());

        CompletableFuture<ClusterConfig> change = leader.addLearner(cluster.member(4));
        // Let the consensus thread take the request while the first commit cannot happen (a few ticks).
        Thread.sleep(5 * LocalCluster.FAST.tickInterval().toMillis());
        assertThat(change).isNotDone();
        cluster.network.heal();
        assertThat(change.get(5, TimeUnit.SECONDS).learners()).containsExactly(id(4));
    }

    @Test
    void aChangeCutOffFromItsLeaderRollsBackCleanly() throws Exception {
        RaftServer leader = cluster.bootstrap(3).awaitLeader(THREE);
        ServerCluster.write(leader, "before");
        cluster.startJoining(4, leader);
        cluster.startJoining(5, leader);
        // The leader is cut off, so its joint entry reaches no one; then it crashes.
        cluster.network.isolate(leader.id());
        List<Member> target = new ArrayList<>(cluster.members(4, 5));
        THREE.stream().filter(n -> !n.equals(leader.id())).forEach(n -> target.add(cluster.member(n)));
        CompletableFuture<ClusterConfig> change = leader.changeMembers(target, List.of());
        Await.until(Duration.ofSeconds(5), "the leader to append the joint entry", () -> leader.status().config().isJoint());
        cluster.stop(leader.id());
        assertThat(failure(change)).isInstanceOfAny(OutcomeUnknownException.class, ServerClosedException.class);

        List<NodeId> rest = THREE.stream().filter(n -> !n.equals(leader.id())).toList();
        RaftServer newLeader = cluster.awaitLeader(rest);
        assertThat(newLeader.status().config()).isEqualTo(ClusterConfig.ofVoters(THREE));
        ServerCluster.write(newLeader, "after");
        cluster.awaitMachines(rest, "to apply " + List.of("before", "after"), sm -> sm.commands().equals(List.of("before", "after")));
        // The change can be made again at the new leader.
        List<Member> again = new ArrayList<>(cluster.members(4, 5));
        rest.forEach(n -> again.add(cluster.member(n)));
        ClusterConfig done = newLeader.changeMembers(again, List.of()).get(10, TimeUnit.SECONDS);
        assertThat(done.voters()).containsExactlyInAnyOrderElementsOf(again.stream().map(Member::id).toList());
    }

    @Test
    void aJointChangeInterruptedByALeaderCrashFinishesOrRollsBackOnEveryMember_section6() throws Exception {
        RaftServer leader = cluster.bootstrap(3).awaitLeader(THREE);
        ServerCluster.write(leader, "before");
        cluster.startJoining(4, leader);
        cluster.startJoining(5, leader);
        NodeId crashed = leader.id();
        List<NodeId> survivors = THREE.stream().filter(n -> !n.equals(crashed)).toList();
        List<Member> target = new ArrayList<>(cluster.members(4, 5));
        survivors.forEach(n -> target.add(cluster.member(n)));
        CompletableFuture<ClusterConfig> change = leader.changeMembers(target, List.of());
        // Crash as soon as a follower has the joint configuration (thesis §4.1: in force once appended),
        // or already the final one: on a fast machine the whole change can complete between two polls.
        Await.until(Duration.ofSeconds(5), "a follower to hold the joint configuration", () ->
                survivors.stream().map(n -> cluster.server(n).status().config())
                        .anyMatch(c -> c.isJoint() || c.voters().contains(id(4))));
        cluster.stop(crashed);
        try {
            change.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfAny(OutcomeUnknownException.class, ServerClosedException.class);
        }

        ClusterConfig oldConfig = ClusterConfig.ofVoters(THREE);
        ClusterConfig newConfig = ClusterConfig.ofVoters(target.stream().map(Member::id).toList());
        List<NodeId> alive = new ArrayList<>(survivors);
        alive.addAll(List.of(id(4), id(5)));
        ClusterConfig settled = Await.value(Duration.ofSeconds(10), "the survivors to settle on a non-joint configuration", () -> {
            Set<ClusterConfig> seen = new java.util.HashSet<>();
            for (NodeId n : survivors) seen.add(cluster.server(n).status().config());
            if (seen.size() != 1) return Optional.empty();
            ClusterConfig c = seen.iterator().next();
            return c.isJoint() ? Optional.empty() : Optional.of(c);
        });
        assertThat(settled).isIn(oldConfig, newConfig);
        List<NodeId> voters = settled.voters().stream().filter(alive::contains).toList();
        RaftServer newLeader = cluster.awaitLeader(voters);
        ServerCluster.write(newLeader, "after");
        cluster.awaitMachines(voters, "to apply " + List.of("before", "after"), sm -> sm.commands().equals(List.of("before", "after")));
        if (settled.equals(newConfig)) {
            // Finished: the new members hold the whole log, and the crashed member is out.
            assertThat(settled.contains(crashed)).isFalse();
            assertThat(cluster.server(id(4)).status().config()).isEqualTo(newConfig);
        }
    }

    @Test
    void requestsToAServerThatIsNotRunningFailAsClosed() {
        RaftServer leader = cluster.bootstrap(1).awaitLeader(List.of(id(1)));
        cluster.stop(id(1));
        assertThat(failure(leader.addLearner(cluster.member(2)))).isInstanceOf(ServerClosedException.class);
        assertThat(failure(leader.transferLeadership(id(2)))).isInstanceOf(ServerClosedException.class);
    }

    private static void assertInvalid(CompletableFuture<ClusterConfig> f, String message) {
        Throwable t = failure(f);
        assertThat(t).isInstanceOf(MembershipChangeException.class).hasMessageContaining(message);
        assertThat(((MembershipChangeException) t).reason()).isEqualTo(MembershipChangeException.Reason.INVALID);
    }

    private static Throwable failure(CompletableFuture<?> f) {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a failure");
    }
}
