package dev.floe.raft.core;

import static dev.floe.raft.core.TestCluster.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Entry;
import dev.floe.raft.HardState;
import dev.floe.raft.NodeId;
import dev.floe.raft.SnapshotMeta;
import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.message.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a Ready asks its caller to persist, and how it reads in a trace. */
class ReadyTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");

    private static Ready ready(Optional<HardState> hs, List<Entry> entries, List<Message> messages, Optional<SnapshotMeta> snapshot) {
        return new Ready(hs, entries, messages, List.of(), List.of(), List.of(), snapshot, List.of(), Optional.empty(), Optional.empty(), List.of());
    }

    @Test
    void mustPersistWhenItCarriesAHardStateEntriesOrASnapshot() {
        Entry e = Entry.command(1, 1, cmd("a"));
        SnapshotMeta snap = new SnapshotMeta(5, 1, ClusterConfig.ofVoters("n1"));
        assertThat(ready(Optional.empty(), List.of(), List.of(), Optional.empty()).mustPersist()).isFalse();
        assertThat(ready(Optional.of(new HardState(1, Optional.empty())), List.of(), List.of(), Optional.empty()).mustPersist()).isTrue();
        assertThat(ready(Optional.empty(), List.of(e), List.of(), Optional.empty()).mustPersist()).isTrue();
        assertThat(ready(Optional.empty(), List.of(), List.of(), Optional.of(snap)).mustPersist()).isTrue();
    }

    @Test
    void lastEntryToPersistIsTheLastOfItsEntries() {
        Entry a = Entry.command(1, 1, cmd("a"));
        Entry b = Entry.command(1, 2, cmd("b"));
        assertThat(ready(Optional.empty(), List.of(a, b), List.of(), Optional.empty()).lastEntryToPersist()).contains(b);
        assertThat(ready(Optional.empty(), List.of(), List.of(), Optional.empty()).lastEntryToPersist()).isEmpty();
    }

    @Test
    void holdsCopiesSoTheCoreCanReuseItsBuffers() {
        List<Message> buffer = new ArrayList<>(List.of(new HeartbeatRequest(N1, N2, 1, 0, 1)));
        Ready rd = ready(Optional.empty(), List.of(), buffer, Optional.empty());
        buffer.clear();
        assertThat(rd.messages()).hasSize(1);
    }

    @Test
    void printsEveryPartItHas() {
        Entry a = Entry.command(1, 1, cmd("a"));
        Entry b = Entry.command(1, 2, cmd("b"));
        Ready rd = new Ready(Optional.of(new HardState(1, Optional.of(N1))), List.of(a, b), List.of(new HeartbeatRequest(N1, N2, 1, 0, 1)),
                List.of(new HeartbeatRequest(N1, N2, 1, 0, 2)), List.of(a), List.of(new ReadState.Ready(7, 1)),
                Optional.of(new SnapshotMeta(5, 1, ClusterConfig.ofVoters("n1"))), List.of(N2),
                Optional.of(new ConfigEntry(2, ClusterConfig.ofVoters("n1", "n2"), dev.floe.raft.Bytes.EMPTY)),
                Optional.of(new TransferResult(N2, true)), List.of(new LogRead(3, 5, 100, 0)));
        String s = rd.toString();
        assertThat(s).startsWith("Ready{").endsWith("}")
                .contains(new HardState(1, Optional.of(N1)).toString(), "persist=1..2", "send=[", "sendAfterPersist=[", "install=", "config=", "@2", "transfer=", "read=",
                        "sendSnapshotTo=[n2]", "reads=[", "apply=1..1");
        assertThat(ready(Optional.empty(), List.of(), List.of(), Optional.empty())).hasToString("Ready{}");
    }
}
