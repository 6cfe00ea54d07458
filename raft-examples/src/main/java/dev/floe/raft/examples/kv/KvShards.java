package dev.floe.raft.examples.kv;

import dev.floe.raft.Bytes;
import dev.floe.raft.GroupId;
import dev.floe.raft.server.RaftServer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Where each key lives: raft-kv splits its keys over {@code N} Raft groups ({@code node --groups N}),
 * every node a member of every group, each group with its own leader. A key belongs to group
 * {@code crc32c(key bytes) mod N} — stable across versions and nodes, so every node routes a key
 * to the same group; changing {@code N} on an existing cluster is not supported. With one group
 * (the default) this is the single Raft server of a classic raft-kv node.
 */
final class KvShards {

    /** One group on this node: its id, its Raft server and its state machine. */
    record Shard(GroupId group, RaftServer server, KvStateMachine machine) {
        Shard {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(machine, "machine");
        }
    }

    private final List<Shard> shards;

    KvShards(List<Shard> shards) {
        if (shards.isEmpty()) throw new IllegalArgumentException("at least one group");
        this.shards = List.copyOf(shards);
    }

    /** The id of the {@code index}-th of {@code count} groups: {@code kv-<index>}. */
    static GroupId groupId(int index) {
        return GroupId.of("kv-" + index);
    }

    /** The index of the group that holds {@code key} among {@code count} groups. */
    static int indexOf(Bytes key, int count) {
        CRC32C crc = new CRC32C();
        crc.update(key.asReadOnlyByteBuffer());
        return (int) (crc.getValue() % count);
    }

    /** The group that holds {@code key}. */
    Shard of(Bytes key) {
        return shards.get(indexOf(key, shards.size()));
    }

    /** The first group: the one whose membership and status stand for the node's. */
    Shard first() {
        return shards.get(0);
    }

    List<Shard> all() {
        return shards;
    }

    boolean sharded() {
        return shards.size() > 1;
    }

    Optional<Shard> named(String group) {
        return shards.stream().filter(s -> s.group().value().equals(group)).findFirst();
    }
}
