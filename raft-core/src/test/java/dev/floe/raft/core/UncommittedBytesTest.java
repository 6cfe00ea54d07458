package dev.floe.raft.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The leader's count of uncommitted bytes, behind proposal backpressure. */
class UncommittedBytesTest {
    @Test
    void countsEveryUncommittedEntryAndReleasesExactlyThoseCommitted() {
        UncommittedBytes u = new UncommittedBytes();
        for (int i = 1; i <= 1000; i++) u.add(i, 10);
        assertThat(u.total()).as("grows past any initial capacity").isEqualTo(10_000);
        u.commitTo(0);
        assertThat(u.total()).isEqualTo(10_000);
        u.commitTo(1);
        assertThat(u.total()).as("entry 1 exactly").isEqualTo(9_990);
        u.commitTo(600);
        assertThat(u.total()).isEqualTo(4_000);
        for (int i = 1001; i <= 1500; i++) u.add(i, 1);
        assertThat(u.total()).isEqualTo(4_500);
        u.commitTo(1500);
        assertThat(u.total()).isZero();
        u.add(1501, 7);
        assertThat(u.total()).isEqualTo(7);
    }
}
