package dev.floe.raft.core;

/**
 * A read of durable log entries the core needs but does not hold in memory (a follower far behind,
 * or committed entries to apply after a restart): the caller reads {@code [from, to)} up to
 * {@code maxBytes} with {@code LogReader.entries} off the consensus thread and hands the result to
 * {@link RaftNode#entriesRead}. Until then the core sends the lagging follower nothing else and
 * holds back applying (etcd's and TiKV's asynchronous log fetch), while ticks, heartbeats and
 * everything else go on.
 *
 * @param from     the first index wanted
 * @param to       one past the last index wanted
 * @param maxBytes a soft limit on the entries' total size (at least one entry is read)
 * @param epoch    which version of the log the range belongs to: a result for an older epoch (the
 *                 durable part was overwritten or replaced by a snapshot since) is dropped
 */
public record LogRead(long from, long to, long maxBytes, long epoch) {
}
