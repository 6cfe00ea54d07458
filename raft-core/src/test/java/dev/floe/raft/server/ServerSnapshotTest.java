package dev.floe.raft.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.Bytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The server's snapshot layout: its own state travels ahead of the user's, and bad data is refused. */
class ServerSnapshotTest {

    @Test
    void sessionsAndConfigurationContextRoundTripAheadOfTheStateMachine() throws IOException {
        SnapshottingStateMachine source = new SnapshottingStateMachine();
        source.apply(1, Bytes.utf8("one"));
        source.apply(2, Bytes.utf8("two"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ServerSnapshot.write(out, new ServerSnapshot.ServerState(Bytes.utf8("sessions"), Bytes.utf8("addresses")), source);

        SnapshottingStateMachine target = new SnapshottingStateMachine();
        ServerSnapshot.ServerState state = ServerSnapshot.restore(new ByteArrayInputStream(out.toByteArray()), target);
        assertThat(state.sessions()).isEqualTo(Bytes.utf8("sessions"));
        assertThat(state.configContext()).isEqualTo(Bytes.utf8("addresses"));
        assertThat(target.commands()).containsExactly("one", "two");
    }

    @Test
    void dataThatIsNotAServerSnapshotOrIsTruncatedIsRefused() throws IOException {
        SnapshottingStateMachine target = new SnapshottingStateMachine();
        assertThatThrownBy(() -> ServerSnapshot.restore(new ByteArrayInputStream(new byte[] {1, 2, 3, 4, 5}), target))
                .isInstanceOf(IOException.class).hasMessageContaining("not a Floe server snapshot");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ServerSnapshot.write(out, new ServerSnapshot.ServerState(Bytes.utf8("sessions"), Bytes.EMPTY), new SnapshottingStateMachine());
        byte[] cut = Arrays.copyOf(out.toByteArray(), 12);
        assertThatThrownBy(() -> ServerSnapshot.restore(new ByteArrayInputStream(cut), target)).isInstanceOf(IOException.class);
        assertThat(target.restores()).isZero();
    }

    @Test
    void sessionTableSurvivesItsEncodingAndKeepsDeduplicating() throws IOException {
        SessionTable table = new SessionTable(1_000);
        assertThat(table.apply("a", 1, 1, 100, () -> Bytes.utf8("r1"))).isEqualTo(new SessionTable.Outcome.Applied(Bytes.utf8("r1")));
        SessionTable copy = new SessionTable(1_000);
        copy.restore(table.encode());
        assertThat(copy.apply("a", 1, 1, 200, () -> {
            throw new AssertionError("a retry must not be applied");
        })).isEqualTo(new SessionTable.Outcome.Duplicate(Bytes.utf8("r1")));
        // Expiry follows the stamps in the log, not any clock of this process.
        assertThat(copy.apply("b", 1, 1, 5_000, () -> Bytes.utf8("rb"))).isInstanceOf(SessionTable.Outcome.Applied.class);
        assertThat(copy.apply("a", 2, 2, 5_000, () -> Bytes.utf8("r2"))).isInstanceOf(SessionTable.Outcome.Refused.class);
        assertThat(copy.encode()).isNotEqualTo(table.encode());
    }

    @Test
    void pipelinedCommandsKeepAWindowOfResponsesFromTheLowestOutstandingUp_thesis6_3() {
        SessionTable table = new SessionTable(60_000);
        // Command 2 reaches the log before command 1 (a retry after a redirect): both are new.
        assertThat(table.apply("p", 2, 1, 10, () -> Bytes.utf8("r2"))).isInstanceOf(SessionTable.Outcome.Applied.class);
        assertThat(table.apply("p", 1, 1, 11, () -> Bytes.utf8("r1"))).isInstanceOf(SessionTable.Outcome.Applied.class);
        assertThat(table.apply("p", 2, 1, 12, () -> {
            throw new AssertionError("a retry must not be applied");
        })).isEqualTo(new SessionTable.Outcome.Duplicate(Bytes.utf8("r2")));
        // The client received 1 and 2: it says so, and the table forgets them.
        assertThat(table.apply("p", 3, 3, 13, () -> Bytes.utf8("r3"))).isInstanceOf(SessionTable.Outcome.Applied.class);
        assertThat(table.apply("p", 2, 3, 14, () -> Bytes.utf8("again"))).isInstanceOf(SessionTable.Outcome.Refused.class);
        assertThat(table.apply("p", 3, 3, 15, () -> Bytes.utf8("again"))).isEqualTo(new SessionTable.Outcome.Duplicate(Bytes.utf8("r3")));
        // A client unknown to the table that already received responses lost its session.
        assertThat(table.apply("q", 7, 5, 16, () -> Bytes.utf8("x"))).isInstanceOf(SessionTable.Outcome.Refused.class);
    }
}
