package dev.floe.raft.server;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Member;
import dev.floe.raft.NodeId;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A membership or leadership request from the public API, queued for the consensus thread. Each
 * carries the future the caller holds; exactly one of the consensus thread, a timeout or shutdown
 * completes it (through the callbacks executor, never on the consensus thread).
 */
sealed interface MembershipRequest {

    CompletableFuture<?> future();

    /** A membership change; completes with the committed (non-joint) configuration. */
    sealed interface Change extends MembershipRequest {
        @Override
        CompletableFuture<ClusterConfig> future();
    }

    /** Add {@code member} as a learner; with {@code thenPromote}, promote it once it caught up ({@code addVoter}). */
    record AddLearner(Member member, boolean thenPromote, CompletableFuture<ClusterConfig> future) implements Change {
    }

    /** Make learner {@code id} a voter once it caught up. */
    record Promote(NodeId id, CompletableFuture<ClusterConfig> future) implements Change {
    }

    /** Remove voter or learner {@code id}. */
    record Remove(NodeId id, CompletableFuture<ClusterConfig> future) implements Change {
    }

    /** Replace the membership with exactly these voters and learners (joint consensus when needed). */
    record Replace(List<Member> voters, List<Member> learners, CompletableFuture<ClusterConfig> future) implements Change {
        public Replace {
            voters = List.copyOf(voters);
            learners = List.copyOf(learners);
        }
    }

    /** Hand leadership to {@code target} (thesis §3.10). */
    record Transfer(NodeId target, CompletableFuture<Void> future) implements MembershipRequest {
    }
}
