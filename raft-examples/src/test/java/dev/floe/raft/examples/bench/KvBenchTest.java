package dev.floe.raft.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A one-second run of the bench: one JSON line with the writes and the reads of the same cluster. */
class KvBenchTest {

    @Test
    void printsOneLineWithTheWritesAndTheReadsOfTheSameCluster() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            new KvBench(out).run(new KvBenchSettings(List.of(8), List.of(1024), 3, KvBenchSettings.Reads.LINEARIZABLE, 0, 1));
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains("\"value_size\":1024,").contains("\"members\":3,").contains("\"errors\":0,")
                .contains("\"reads\":\"linearizable\"").contains("\"read_errors\":0,").contains("\"load_avg\":\"");
        for (String line : lines) {
            assertThat(number(line, "ops_per_sec")).isPositive();
            assertThat(number(line, "read_ops_per_sec")).as("every read found its pre-loaded value").isPositive();
        }
    }

    private static double number(String json, String field) {
        int at = json.indexOf("\"" + field + "\":") + field.length() + 3;
        int end = at;
        while (end < json.length() && "0123456789.-".indexOf(json.charAt(end)) >= 0) end++;
        return Double.parseDouble(json.substring(at, end));
    }
}
