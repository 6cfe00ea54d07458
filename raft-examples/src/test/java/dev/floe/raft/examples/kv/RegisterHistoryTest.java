package dev.floe.raft.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The checker of {@link KvFaultsIT} flags exactly the three kinds of non-linearizable reads. */
class RegisterHistoryTest {
    @Test
    void aReadConcurrentWithAWriteMaySeeEitherValue() {
        RegisterHistory h = new RegisterHistory();
        h.wrote(1, 10, 20);
        h.wrote(2, 30, 60);
        h.read("lease", 40, 50, Optional.of("w1"));
        h.read("lease", 45, 55, Optional.of("w2"));
        h.read("lease", 5, 8, Optional.empty());
        assertThat(h.violations()).isEmpty();
    }

    @Test
    void aReadAfterAnAcknowledgedWriteThatMissesItIsStale() {
        RegisterHistory h = new RegisterHistory();
        h.wrote(1, 10, 20);
        h.wrote(2, 30, 40);
        h.read("lease", 50, 60, Optional.of("w1"));
        assertThat(h.violations()).singleElement().asString().contains("stale");
    }

    @Test
    void aWriteWhoseOutcomeIsUnknownMayBeSeenOrNot() {
        RegisterHistory h = new RegisterHistory();
        h.wrote(1, 10, 20);
        h.wrote(2, 30, 0);
        h.read("linearizable", 50, 60, Optional.of("w2"));
        h.read("linearizable", 70, 80, Optional.of("w2"));
        assertThat(h.violations()).isEmpty();
        h.read("linearizable", 90, 95, Optional.of("w1"));
        assertThat(h.violations()).singleElement().asString().contains("back in time");
    }

    @Test
    void aValueFromTheFutureIsFlagged() {
        RegisterHistory h = new RegisterHistory();
        h.read("stale", 10, 20, Optional.of("w1"));
        h.wrote(1, 30, 40);
        assertThat(h.violations()).singleElement().asString().contains("not yet written");
    }
}
