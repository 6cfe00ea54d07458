package dev.floe.raft.storage;

import dev.floe.raft.Bytes;
import dev.floe.raft.Entry;
import dev.floe.raft.EntryType;
import java.util.ArrayList;
import java.util.List;

/** Deterministic entries whose payload can be recomputed from index and term. */
final class TestEntries {
    private TestEntries() {
    }

    static Entry entry(long term, long index, int size) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) data[i] = (byte) (index * 31 + term * 7 + i);
        EntryType type = index % 17 == 0 ? EntryType.NO_OP : index % 23 == 0 ? EntryType.CONFIG : EntryType.COMMAND;
        return new Entry(term, index, type, Bytes.wrap(data));
    }

    static List<Entry> range(long term, long from, int count, int size) {
        List<Entry> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) out.add(entry(term, from + i, size));
        return out;
    }

    static StorageOptions fast() {
        return StorageOptions.builder().syncPolicy(SyncPolicy.NONE).build();
    }
}
