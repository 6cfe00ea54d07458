/**
 * Micrometer meters for a {@link dev.floe.raft.server.RaftServer}'s events and, when those artifacts
 * are present, for Floe's file storage and Netty transport (optional dependencies, hence
 * {@code requires static}).
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // micrometer-core: Automatic-Module-Name only
module dev.floe.raft.metrics.micrometer {
    requires transitive dev.floe.raft;
    requires transitive micrometer.core;
    requires static transitive dev.floe.raft.storage;
    requires static transitive dev.floe.raft.transport.netty;

    exports dev.floe.raft.metrics.micrometer;
}
