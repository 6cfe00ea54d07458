package dev.floe.raft.server;

import dev.floe.raft.core.ProposeResult;

/** Maps the core's reasons for refusing a proposal to the public {@link RaftEvent.RefusalReason}. */
final class RefusalReasons {
    private RefusalReasons() {
    }

    static RaftEvent.RefusalReason of(ProposeResult.Reason reason) {
        return switch (reason) {
            case NOT_LEADER -> RaftEvent.RefusalReason.NOT_LEADER;
            case LEADERSHIP_TRANSFER -> RaftEvent.RefusalReason.LEADERSHIP_TRANSFER;
            case BACKPRESSURE -> RaftEvent.RefusalReason.UNCOMMITTED_BYTES;
            case CONFIG_CHANGE_IN_PROGRESS, INVALID_CONFIG_CHANGE -> RaftEvent.RefusalReason.MEMBERSHIP;
        };
    }
}
