package dev.floe.raft;

/** What a log entry carries. */
public enum EntryType {
    /** A user command, applied to the {@link StateMachine}. */
    COMMAND,
    /** The empty entry a new leader appends in its term (Raft paper §5.4.2, §8) so earlier entries can commit. */
    NO_OP,
    /** A cluster membership change (thesis §4). */
    CONFIG;

    private static final EntryType[] VALUES = values();

    /**
     * The type with this {@link #ordinal()}, for decoders.
     *
     * @param code an {@link #ordinal()}
     * @return the type
     * @throws IllegalArgumentException for an unknown code
     */
    public static EntryType ofCode(int code) {
        if (code < 0 || code >= VALUES.length) {
            throw new IllegalArgumentException("unknown entry type code " + code);
        }
        return VALUES[code];
    }
}
