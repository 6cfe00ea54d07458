package dev.floe.raft.server;

import dev.floe.raft.NodeId;
import dev.floe.raft.NotLeaderException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiFunction;

/**
 * Completes membership and transfer futures off the consensus thread, so no caller's dependent
 * stage ever runs there; and builds {@link NotLeaderException}s with the freshest leader address.
 */
final class MembershipCallbacks {
    private final Executor executor;
    private final BiFunction<Optional<NodeId>, String, NotLeaderException> notLeader;

    MembershipCallbacks(Executor executor, BiFunction<Optional<NodeId>, String, NotLeaderException> notLeader) {
        this.executor = executor;
        this.notLeader = notLeader;
    }

    @SuppressWarnings("unchecked")
    <T> void complete(MembershipRequest request, T value) {
        CompletableFuture<T> f = (CompletableFuture<T>) request.future();
        run(() -> f.complete(value));
    }

    void fail(MembershipRequest request, Throwable failure) {
        run(() -> request.future().completeExceptionally(failure));
    }

    NotLeaderException notLeader(Optional<NodeId> leader, String detail) {
        return notLeader.apply(leader, detail);
    }

    private void run(Runnable r) {
        try {
            executor.execute(r);
        } catch (RejectedExecutionException e) {
            r.run(); // only when close() gave up waiting for the consensus thread
        }
    }
}
