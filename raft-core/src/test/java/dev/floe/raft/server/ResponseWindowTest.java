package dev.floe.raft.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The session table's decisions are replicated state, so {@link ResponseWindow} must answer exactly
 * as the {@code TreeMap<Long, Bytes>} it replaced: random operations shaped like a client's traffic
 * (mostly increasing sequences, some late ones, windows moving up, the oldest dropped) against the
 * map as a model.
 */
class ResponseWindowTest {
    @Test
    void answersLikeASortedMapUnderClientShapedTraffic() {
        for (long seed = 1; seed <= 200; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            ResponseWindow window = new ResponseWindow();
            TreeMap<Long, Bytes> model = new TreeMap<>();
            long next = 1;
            long low = 1;
            for (int op = 0; op < 2_000; op++) {
                int kind = random.nextInt(100);
                if (kind < 55) {
                    long seq = next++;
                    put(window, model, seq);
                } else if (kind < 65) {
                    long seq = low + random.nextLong(Math.max(1, next - low + 5)); // late, repeated or ahead
                    put(window, model, seq);
                } else if (kind < 80) {
                    low = Math.min(next, low + random.nextInt(6));
                    window.removeBelow(low);
                    model.headMap(low).clear();
                } else if (kind < 85 && !model.isEmpty()) {
                    assertThat(window.firstSequence()).isEqualTo(model.firstKey());
                    window.removeFirst();
                    model.pollFirstEntry();
                } else {
                    long seq = low - 3 + random.nextLong(next - low + 8);
                    assertThat(window.get(seq)).as("seed %d, get %d", seed, seq).isEqualTo(model.get(seq));
                }
                assertThat(window.size()).isEqualTo(model.size());
            }
            assertThat(contents(window)).as("seed %d", seed).isEqualTo(new ArrayList<>(model.entrySet()));
        }
    }

    @Test
    void aLateSequenceLandsInOrderAndTheWindowGrowsPastItsFirstCapacity() {
        ResponseWindow window = new ResponseWindow();
        for (long s = 1; s <= 40; s += 2) window.put(s, Bytes.utf8("r" + s));
        window.put(20, Bytes.utf8("late"));
        window.put(0, Bytes.utf8("lowest"));
        assertThat(window.size()).isEqualTo(22);
        assertThat(window.firstSequence()).isZero();
        assertThat(window.sequenceAt(10)).isEqualTo(19);
        assertThat(window.sequenceAt(11)).isEqualTo(20);
        assertThat(window.get(20)).isEqualTo(Bytes.utf8("late"));
        assertThat(window.get(2)).isNull();
        window.removeBelow(21);
        assertThat(window.firstSequence()).isEqualTo(21);
        assertThat(window.size()).isEqualTo(10);
    }

    private static void put(ResponseWindow window, TreeMap<Long, Bytes> model, long seq) {
        Bytes response = Bytes.utf8("r" + seq);
        window.put(seq, response);
        model.put(seq, response);
    }

    private static List<Map.Entry<Long, Bytes>> contents(ResponseWindow window) {
        List<Map.Entry<Long, Bytes>> out = new ArrayList<>();
        for (int i = 0; i < window.size(); i++) out.add(Map.entry(window.sequenceAt(i), window.responseAt(i)));
        return out;
    }
}
