package dev.floe.raft;

import java.util.regex.Pattern;

/**
 * The name of one member of a Raft group, such as {@code n1}: 1 to 64 characters from
 * {@code [A-Za-z0-9._-]}. Ids are compared by value and never reused for a different machine.
 *
 * @param value the id, 1 to 64 characters from {@code [A-Za-z0-9._-]}
 */
public record NodeId(String value) implements Comparable<NodeId> {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /**
     * Checks the characters and the length.
     *
     * @param value the id, 1 to 64 characters from {@code [A-Za-z0-9._-]}
     * @throws IllegalArgumentException if {@code value} is not a valid id
     */
    public NodeId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid node id '" + value + "': use 1-64 characters from [A-Za-z0-9._-]");
        }
    }

    /**
     * Shorthand for {@code new NodeId(value)}.
     *
     * @param value the id
     * @return the node id
     * @throws IllegalArgumentException if {@code value} is not a valid id
     */
    public static NodeId of(String value) {
        return new NodeId(value);
    }

    @Override
    public int compareTo(NodeId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
