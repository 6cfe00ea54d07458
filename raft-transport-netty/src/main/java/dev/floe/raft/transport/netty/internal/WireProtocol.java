package dev.floe.raft.transport.netty.internal;

/** Constants of the peer wire protocol (see {@code raft.proto} and docs/transport.md). */
public final class WireProtocol {
    /** The version this build speaks when it dials. */
    public static final int CURRENT_VERSION = 2;
    /** The first version whose frames name their group and may batch heartbeats and ping. */
    public static final int MULTI_GROUP_VERSION = 2;
    /** The wire name of {@code GroupId.DEFAULT}: no group field at all, as in version 1. */
    public static final String DEFAULT_GROUP = "";
    /** The oldest version this build accepts from a dialer. */
    public static final int MIN_SUPPORTED_VERSION = 1;
    /** Bytes of the big-endian length that precedes every frame. */
    public static final int LENGTH_PREFIX_BYTES = 4;

    private WireProtocol() {
    }
}
