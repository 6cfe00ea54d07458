package dev.floe.raft.storage.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** One group's log as the host's shared writer and journal know it: its appends' writer, its structural records. */
public final class GroupJournal {
    private final SharedWriter writer;
    private final byte[] group;

    public GroupJournal(SharedWriter writer, String group) {
        this.writer = writer;
        this.group = group.getBytes(StandardCharsets.UTF_8);
        if (this.group.length > Short.MAX_VALUE) throw new IllegalArgumentException("group id too long: " + group);
    }

    /** A writer for the group's appends, run by the shared writer's rounds. */
    public AppendWriter newWriter(AppendWriter.Progress progress) {
        return new AppendWriter(writer, group, progress);
    }

    /**
     * Journals a structural change of the group's log and forces it, before the log changes its files:
     * {@link JournalFormat#TRUNCATE}, {@link JournalFormat#COMPACT} or {@link JournalFormat#RESET}.
     */
    public void record(byte op, long a, long b) throws IOException {
        writer.journal().write(JournalFormat.encode(op, group, a, b));
    }
}
