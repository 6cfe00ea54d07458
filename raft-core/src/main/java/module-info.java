/**
 * Floe's core: the API types and plug interfaces ({@code dev.floe.raft}), the peer messages that a
 * {@link dev.floe.raft.Transport} carries ({@code dev.floe.raft.message}), and the threaded runtime
 * that embedders start ({@code dev.floe.raft.server}).
 *
 * <p>The deterministic consensus state machine in {@code dev.floe.raft.core} is not exported: it is
 * the runtime's engine, and keeping it out of reach lets it change without breaking users.
 */
module dev.floe.raft {
    requires org.slf4j;

    exports dev.floe.raft;
    exports dev.floe.raft.message;
    exports dev.floe.raft.server;
}
