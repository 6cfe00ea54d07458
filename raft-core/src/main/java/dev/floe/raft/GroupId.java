package dev.floe.raft;

import java.util.regex.Pattern;

/**
 * The name of one Raft group among the many a process may host (multi-Raft), such as
 * {@code users-7}: 1 to 64 characters from {@code [A-Za-z0-9._-]}, not {@code .} or {@code ..}, so
 * that it is also a safe directory name ({@code root/groups/<group>/}). Compared by value. Every
 * member of a group uses the same id for it; on a host, the group's member is the host itself.
 *
 * @param value the id, 1 to 64 characters from {@code [A-Za-z0-9._-]}, not {@code .} or {@code ..}
 */
public record GroupId(String value) implements Comparable<GroupId> {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /**
     * The group of a process that hosts one: what a single-group transport carries, and what frames
     * of protocol version 1 (which name no group) belong to.
     */
    public static final GroupId DEFAULT = new GroupId("default");

    /**
     * Checks the characters and the length.
     *
     * @param value the id
     * @throws IllegalArgumentException if {@code value} is not a valid group id
     */
    public GroupId {
        if (value == null || !VALID.matcher(value).matches() || value.equals(".") || value.equals("..")) {
            throw new IllegalArgumentException("invalid group id '" + value
                    + "': use 1-64 characters from [A-Za-z0-9._-], not . or ..");
        }
    }

    /**
     * Shorthand for {@code new GroupId(value)}.
     *
     * @param value the id
     * @return the group id
     * @throws IllegalArgumentException if {@code value} is not a valid group id
     */
    public static GroupId of(String value) {
        return new GroupId(value);
    }

    @Override
    public int compareTo(GroupId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
