package dev.floe.raft.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scale runs at a tiny size: each completes and reports its figures in one JSON line. */
class KvScaleTest {

    @Test
    void restartSnapshotAndCatchUpEachReportOneLine() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            new KvScale(out).run(ScaleSettings.parse(Map.of("--scale", "restart,snapshot,catchup", "--scale-entries", "500",
                    "--scale-mb", "1")::get));
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(3);
        // The restarted member holds the 500 PUTs and the leader's first entry of its term.
        assertThat(lines.get(0)).startsWith("{\"scale\":\"restart\",\"entries\":501,").contains("\"serve_ms\":");
        // 1 MB of 64 KiB values: 15 keys, taken, installed on a new member and restored from its disk.
        assertThat(lines.get(1)).startsWith("{\"scale\":\"snapshot\",\"snapshot_mb\":1.0,").contains("\"install_mb_per_sec\":")
                .contains("\"restore_mb_per_sec\":");
        assertThat(lines.get(2)).startsWith("{\"scale\":\"catchup\",\"behind_mb\":1.0,\"entries\":244,").contains("\"catchup_mb_per_sec\":");
        assertThat(lines).allMatch(l -> l.contains("\"load_avg\":\""));
    }

    @Test
    void settingsRefuseAnUnknownRunNamingTheOption() {
        assertThatThrownBy(() -> ScaleSettings.parse(Map.of("--scale", "restart,compaction")::get)).hasMessageContaining("--scale");
        assertThatThrownBy(() -> ScaleSettings.parse(Map.of("--scale", "true", "--scale-mb", "0")::get)).hasMessageContaining("--scale-mb");
        assertThat(ScaleSettings.parse(Map.of("--scale", "true")::get).runs()).containsExactly(
                ScaleSettings.Run.RESTART, ScaleSettings.Run.SNAPSHOT, ScaleSettings.Run.CATCHUP);
    }
}
