package dev.floe.raft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InflightsTest {

    @Test
    void windowIsBoundedInMessagesAndBytesAndFreedByAcknowledgements() {
        Inflights w = new Inflights(3, 1000);
        w.add(10, 100);
        w.add(20, 100);
        assertThat(w.isFull()).isFalse();
        w.add(30, 100);
        assertThat(w.isFull()).isTrue();
        assertThatThrownBy(() -> w.add(40, 1)).isInstanceOf(IllegalStateException.class);
        w.freeUpTo(25);
        assertThat(w.count()).isEqualTo(1);
        w.add(40, 950);
        assertThat(w.isFull()).as("byte bound").isTrue();
        w.freeFirst();
        assertThat(w.count()).isEqualTo(1);
        w.freeUpTo(40);
        assertThat(w.count()).isZero();
        // wraps around the ring
        for (int i = 0; i < 10; i++) {
            w.add(100 + i, 1);
            w.freeUpTo(100 + i);
        }
        assertThat(w.count()).isZero();
    }
}
