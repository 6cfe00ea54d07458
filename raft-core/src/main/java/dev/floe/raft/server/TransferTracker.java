package dev.floe.raft.server;

import dev.floe.raft.LeadershipTransferException;
import dev.floe.raft.core.ProposeResult;
import dev.floe.raft.core.RaftNode;
import dev.floe.raft.core.TransferResult;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership transfers asked through {@code RaftServer.transferLeadership} (thesis §3.10). The core
 * stops taking proposals, brings the target up to date and sends it TimeoutNow; it reports the end
 * in {@code Ready.transfer()}: completed when this leader stepped down, aborted after an election
 * timeout otherwise. Consensus thread only.
 */
final class TransferTracker {
    private static final Logger LOG = LoggerFactory.getLogger(TransferTracker.class);

    private final MembershipCallbacks callbacks;
    private Optional<MembershipRequest.Transfer> pending = Optional.empty();

    TransferTracker(MembershipCallbacks callbacks) {
        this.callbacks = callbacks;
    }

    void start(RaftNode node, MembershipRequest.Transfer request) {
        ProposeResult result = node.transferLeadership(request.target());
        if (result instanceof ProposeResult.Accepted) {
            pending.ifPresent(old -> callbacks.fail(old, new LeadershipTransferException(
                    LeadershipTransferException.Reason.ABORTED, "superseded by the transfer to " + request.target())));
            pending = Optional.of(request);
            return;
        }
        ProposeResult.Rejected r = (ProposeResult.Rejected) result;
        callbacks.fail(request, switch (r.reason()) {
            case NOT_LEADER -> callbacks.notLeader(r.leaderHint(), "leadership transfer refused");
            case LEADERSHIP_TRANSFER -> new LeadershipTransferException(LeadershipTransferException.Reason.IN_PROGRESS, r.detail());
            default -> new LeadershipTransferException(LeadershipTransferException.Reason.INVALID, r.detail());
        });
    }

    /** The core reported how the transfer ended. */
    void finished(RaftNode node, TransferResult result) {
        if (pending.isEmpty() || !pending.get().target().equals(result.target())) return;
        MembershipRequest.Transfer request = pending.get();
        pending = Optional.empty();
        if (result.completed()) {
            LOG.info("{} [term {}] handed leadership over (target {})", node.id(), node.term(), result.target());
            callbacks.complete(request, null);
        } else {
            callbacks.fail(request, new LeadershipTransferException(LeadershipTransferException.Reason.ABORTED,
                    result.target() + " did not take over within an election timeout; " + node.id() + " still leads"));
        }
    }

    void failAll(RuntimeException failure) {
        pending.ifPresent(r -> callbacks.fail(r, failure));
        pending = Optional.empty();
    }
}
