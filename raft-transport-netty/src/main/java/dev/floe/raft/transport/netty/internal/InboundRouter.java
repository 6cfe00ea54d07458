package dev.floe.raft.transport.netty.internal;

import dev.floe.raft.NodeId;
import dev.floe.raft.message.Message;

/** Where accepted connections hand what they decode: to the group a frame names, on event-loop threads. */
public interface InboundRouter {
    /**
     * Hands {@code message} from {@code from} to group {@code group} (wire name, empty for the
     * default group); counts and drops it when no such group takes it.
     */
    void deliver(NodeId from, String group, Message message);

    /** Something just arrived from {@code from}: it is alive. */
    void heard(NodeId from);
}
