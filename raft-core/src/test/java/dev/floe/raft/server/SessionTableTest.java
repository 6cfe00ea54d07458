package dev.floe.raft.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.SessionExpiredException;
import org.junit.jupiter.api.Test;

/**
 * Session expiry in log time (thesis §6.3), looked for once per value of the log clock: whatever
 * the clock passed is expired by the first command stamped with it, and commands stamped with the
 * same time see the same table, also right after a restore from a snapshot.
 */
class SessionTableTest {
    private static final long EXPIRY = 100;

    private static SessionTable.Outcome put(SessionTable table, String client, long sequence, long millis) {
        return table.apply(client, sequence, sequence, millis, () -> Bytes.utf8(client + sequence));
    }

    @Test
    void aSessionIdlePastTheExpiryIsExpiredByTheFirstCommandAtALaterLogTime() {
        SessionTable table = new SessionTable(EXPIRY);
        assertThat(put(table, "a", 1, 0)).isInstanceOf(SessionTable.Outcome.Applied.class);
        assertThat(put(table, "b", 1, 100)).isInstanceOf(SessionTable.Outcome.Applied.class);
        assertThat(table.size()).isEqualTo(2); // idle exactly the expiry: not yet
        assertThat(put(table, "b", 2, 100)).isInstanceOf(SessionTable.Outcome.Applied.class);
        assertThat(put(table, "b", 3, 101)).isInstanceOf(SessionTable.Outcome.Applied.class);
        assertThat(table.size()).isEqualTo(1);
        // Another command at the same log time: "a" stays expired, "b" stays.
        assertThat(put(table, "b", 4, 101)).isInstanceOf(SessionTable.Outcome.Applied.class);
        assertThat(put(table, "a", 2, 101)).isInstanceOfSatisfying(SessionTable.Outcome.Refused.class,
                r -> assertThat(r.reason()).isInstanceOf(SessionExpiredException.class));
    }

    @Test
    void aRestoredTableExpiresWhatTheOriginalWouldAtTheSameLogTime() throws Exception {
        SessionTable original = new SessionTable(EXPIRY);
        put(original, "a", 1, 0);
        put(original, "b", 1, 50);
        SessionTable restored = new SessionTable(EXPIRY);
        restored.restore(original.encode());
        for (SessionTable table : new SessionTable[] {original, restored}) {
            put(table, "b", 2, 50);
            assertThat(table.size()).isEqualTo(2);
            put(table, "b", 3, 101);
            assertThat(table.size()).isEqualTo(1);
            assertThat(table.encode()).isEqualTo(original.encode());
        }
    }
}
